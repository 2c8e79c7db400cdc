// The AVX-512BW + PCLMUL scan kernel: the shared algorithm (scan_kernel_simd.h) at 64
// lanes, where a comparison already yields the block's __mmask64. Compiled with -mavx512f
// -mavx512cd -mavx512dq -mavx512bw -mavx512vl -mpclmul (CMakeLists.txt); picked by scan_dispatch.
#include "scan_kernel_simd.h"
#include "scan_kernels_x86.h"

namespace mkbulk::engine::kernels {
namespace {

struct avx512_ops {
  static std::uint64_t bits(xsimd::batch_bool<std::int8_t, xsimd::avx512bw> b) noexcept {
    const __mmask64 m = b;
    return static_cast<std::uint64_t>(m);
  }
  static std::uint64_t prefix_xor(std::uint64_t x) noexcept { return clmul_prefix_xor(x); }
};

}  // namespace

void scan_blocks_avx512(const std::uint8_t* data, std::size_t n_blocks, std::uint8_t delimiter,
                        scan_carry& carry, block_masks* out) noexcept {
  scan_blocks_simd<xsimd::avx512bw, avx512_ops>(data, n_blocks, delimiter, carry, out);
}

}  // namespace mkbulk::engine::kernels
