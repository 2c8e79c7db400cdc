// The AVX2 + PCLMUL scan kernel: the shared algorithm (scan_kernel_simd.h) at 32 lanes.
// Compiled with -mavx2 -mpclmul (engine/src/kernels/CMakeLists.txt); picked by scan_dispatch.
#include "scan_kernel_simd.h"
#include "scan_kernels_x86.h"
#include "utf8_check_simd.h"

namespace mkbulk::engine::kernels {
namespace {

struct avx2_ops {
  static std::uint64_t bits(xsimd::batch_bool<std::int8_t, xsimd::avx2> b) noexcept {
    const __m256i r = b;
    return static_cast<std::uint32_t>(_mm256_movemask_epi8(r));
  }
  static std::uint64_t prefix_xor(std::uint64_t x) noexcept { return clmul_prefix_xor(x); }
};

struct avx2_utf8_ops {
  using reg = __m256i;
  static reg table(const std::uint8_t (&t)[16]) noexcept {
    return _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(t)));
  }
  static reg lookup(reg table, reg nibbles) noexcept { return _mm256_shuffle_epi8(table, nibbles); }
  static reg high_nibble(reg v) noexcept {
    return _mm256_and_si256(_mm256_srli_epi16(v, 4), _mm256_set1_epi8(0x0F));
  }
  template <int K>
  static reg prev(reg v, reg p) noexcept {
    const __m256i lanes = _mm256_permute2x128_si256(p, v, 0x21);  // p's high half, v's low
    return _mm256_alignr_epi8(v, lanes, 16 - K);
  }
  static reg floor_sub(reg a, reg b) noexcept { return _mm256_subs_epu8(a, b); }
  static bool any(reg v) noexcept { return _mm256_testz_si256(v, v) == 0; }
};

}  // namespace

void scan_blocks_avx2(const std::uint8_t* data, std::size_t n_blocks, std::uint8_t delimiter,
                      scan_carry& carry, block_masks* out) noexcept {
  scan_blocks_simd<xsimd::avx2, avx2_ops>(data, n_blocks, delimiter, carry, out);
}

bool utf8_valid_avx2(const std::uint8_t* data, std::size_t len) noexcept {
  return utf8_valid_simd<xsimd::avx2, avx2_utf8_ops>(data, len);
}

}  // namespace mkbulk::engine::kernels
