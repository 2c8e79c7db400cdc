// The AVX-512BW + PCLMUL scan kernel: the shared algorithm (scan_kernel_simd.h) at 64
// lanes, where a comparison already yields the block's __mmask64. Compiled with -mavx512f
// -mavx512cd -mavx512dq -mavx512bw -mavx512vl -mpclmul (CMakeLists.txt); picked by scan_dispatch.
#include "scan_kernel_simd.h"
#include "scan_kernels_x86.h"
#include "utf8_check_simd.h"

namespace mkbulk::engine::kernels {
namespace {

struct avx512_ops {
  static std::uint64_t bits(xsimd::batch_bool<std::int8_t, xsimd::avx512bw> b) noexcept {
    const __mmask64 m = b;
    return static_cast<std::uint64_t>(m);
  }
  static std::uint64_t prefix_xor(std::uint64_t x) noexcept { return clmul_prefix_xor(x); }
};

struct avx512_utf8_ops {
  using reg = __m512i;
  static reg table(const std::uint8_t (&t)[16]) noexcept {
    // The zero-masked forms: GCC 12 warns of the undefined register the plain ones start from.
    const __m128i lane = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t));
    return _mm512_maskz_broadcast_i32x4(0xFFFF, lane);
  }
  static reg lookup(reg table, reg nibbles) noexcept { return _mm512_shuffle_epi8(table, nibbles); }
  static reg high_nibble(reg v) noexcept {
    return _mm512_and_si512(_mm512_srli_epi16(v, 4), _mm512_set1_epi8(0x0F));
  }
  template <int K>
  static reg prev(reg v, reg p) noexcept {
    // p's last 128 bits, then v's first 384
    const __m512i lanes = _mm512_maskz_alignr_epi32(0xFFFF, v, p, 12);
    return _mm512_alignr_epi8(v, lanes, 16 - K);
  }
  static reg floor_sub(reg a, reg b) noexcept { return _mm512_subs_epu8(a, b); }
  static bool any(reg v) noexcept { return _mm512_test_epi8_mask(v, v) != 0; }
};

}  // namespace

void scan_blocks_avx512(const std::uint8_t* data, std::size_t n_blocks, std::uint8_t delimiter,
                        scan_carry& carry, block_masks* out) noexcept {
  scan_blocks_simd<xsimd::avx512bw, avx512_ops>(data, n_blocks, delimiter, carry, out);
}

bool utf8_valid_avx512(const std::uint8_t* data, std::size_t len) noexcept {
  return utf8_valid_simd<xsimd::avx512bw, avx512_utf8_ops>(data, len);
}

}  // namespace mkbulk::engine::kernels
