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
  using batch = xsimd::batch<std::uint8_t, xsimd::avx2>;
  static batch table(const std::uint8_t (&t)[16]) noexcept {
    return _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(t)));
  }
  // (Registers taken out of the batches first: without optimisation GCC's intrinsics are
  // macros that cast their arguments to vector types, which a batch does not convert to.)
  static batch lookup(batch table, batch nibbles) noexcept {
    const __m256i t = table;
    const __m256i n = nibbles;
    return _mm256_shuffle_epi8(t, n);
  }
  static batch high_nibble(batch v) noexcept {
    const __m256i x = v;
    return _mm256_and_si256(_mm256_srli_epi16(x, 4), _mm256_set1_epi8(0x0F));
  }
  template <int K>
  static batch prev(batch v, batch p) noexcept {
    const __m256i x = v;
    const __m256i y = p;
    const __m256i lanes = _mm256_permute2x128_si256(y, x, 0x21);  // y's high half, x's low
    return _mm256_alignr_epi8(x, lanes, 16 - K);
  }
  static batch floor_sub(batch a, batch b) noexcept {
    const __m256i x = a;
    const __m256i y = b;
    return _mm256_subs_epu8(x, y);
  }
  static bool any(batch v) noexcept {
    const __m256i x = v;
    return _mm256_testz_si256(x, x) == 0;
  }
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
