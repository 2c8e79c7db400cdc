// The AVX2 + PCLMUL scan kernel: the shared algorithm (scan_kernel_simd.h) at 32 lanes.
// Compiled with -mavx2 -mpclmul (engine/src/kernels/CMakeLists.txt); picked by scan_dispatch.
#include "scan_kernel_simd.h"
#include "scan_kernels_x86.h"

namespace mkbulk::engine::kernels {
namespace {

struct avx2_ops {
  static std::uint64_t bits(xsimd::batch_bool<std::int8_t, xsimd::avx2> b) noexcept {
    const __m256i r = b;
    return static_cast<std::uint32_t>(_mm256_movemask_epi8(r));
  }
  static std::uint64_t prefix_xor(std::uint64_t x) noexcept { return clmul_prefix_xor(x); }
};

}  // namespace

void scan_blocks_avx2(const std::uint8_t* data, std::size_t n_blocks, std::uint8_t delimiter,
                      scan_carry& carry, block_masks* out) noexcept {
  scan_blocks_simd<xsimd::avx2, avx2_ops>(data, n_blocks, delimiter, carry, out);
}

}  // namespace mkbulk::engine::kernels
