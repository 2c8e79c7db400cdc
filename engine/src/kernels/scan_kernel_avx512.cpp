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
  using batch = xsimd::batch<std::uint8_t, xsimd::avx512bw>;
  static batch table(const std::uint8_t (&t)[16]) noexcept {
    // The zero-masked forms: GCC 12 warns of the undefined register the plain ones start from.
    return _mm512_maskz_broadcast_i32x4(0xFFFF, _mm_loadu_si128(reinterpret_cast<const __m128i*>(t)));
  }
  // (Registers taken out of the batches first: without optimisation GCC's intrinsics are
  // macros that cast their arguments to vector types, which a batch does not convert to.)
  static batch lookup(batch table, batch nibbles) noexcept {
    const __m512i t = table;
    const __m512i n = nibbles;
    return _mm512_shuffle_epi8(t, n);
  }
  static batch high_nibble(batch v) noexcept {
    const __m512i x = v;
    return _mm512_and_si512(_mm512_srli_epi16(x, 4), _mm512_set1_epi8(0x0F));
  }
  template <int K>
  static batch prev(batch v, batch p) noexcept {
    const __m512i x = v;
    const __m512i y = p;
    const __m512i lanes = _mm512_maskz_alignr_epi32(0xFFFF, x, y, 12);  // y's last 128 bits, x's first 384
    return _mm512_alignr_epi8(x, lanes, 16 - K);
  }
  static batch floor_sub(batch a, batch b) noexcept {
    const __m512i x = a;
    const __m512i y = b;
    return _mm512_subs_epu8(x, y);
  }
  static bool any(batch v) noexcept {
    const __m512i x = v;
    return _mm512_test_epi8_mask(x, x) != 0;
  }
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
