// The one SIMD scan algorithm, written once over xsimd::batch<int8_t, Arch>. Each per-ISA file
// (scan_kernel_sse42.cpp, _avx2.cpp, _avx512.cpp) includes this with its own compiler flags and
// supplies the two things xsimd 8.1 lacks: batch_bool -> bit mask, and carry-less multiply.
// Include only from those files: everything here is compiled for the including file's ISA.
#pragma once

#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include <xsimd/xsimd.hpp>

#include "mkbulk/engine/scan_kernel.h"

namespace mkbulk::engine::kernels {
namespace {  // internal linkage: no inline symbol compiled for one ISA may be shared with another

// Ops must provide, for batch<int8_t, Arch>:
//   static std::uint64_t bits(batch_bool<int8_t, Arch>)   bit i = lane i
//   static std::uint64_t prefix_xor(std::uint64_t)         bit i = XOR of bits 0..i
template <class Arch, class Ops>
inline void scan_blocks_simd(const std::uint8_t* data, std::size_t n_blocks, std::uint8_t delimiter,
                             scan_carry& carry, block_masks* out) noexcept {
  using batch = xsimd::batch<std::int8_t, Arch>;
  constexpr std::size_t LANES = batch::size;
  constexpr std::size_t STEPS = SCAN_BLOCK_BYTES / LANES;
  static_assert(STEPS * LANES == SCAN_BLOCK_BYTES);

  const batch quote_v(static_cast<std::int8_t>('"'));
  const batch delim_v(static_cast<std::int8_t>(delimiter));
  const batch lf_v(static_cast<std::int8_t>('\n'));
  const batch cr_v(static_cast<std::int8_t>('\r'));
  const batch one_v(static_cast<std::int8_t>(1));
  const batch zero_v(static_cast<std::int8_t>(0));

  std::uint64_t in_quote = carry.in_quote;
  std::uint64_t nul = 0;
  const auto* bytes = reinterpret_cast<const std::int8_t*>(data);
  for (std::size_t b = 0; b < n_blocks; ++b) {
    const std::int8_t* block = bytes + b * SCAN_BLOCK_BYTES;
    std::uint64_t quote = 0;
    std::uint64_t candidate = 0;
    std::uint64_t special = 0;
    std::uint64_t newline = 0;
    for (std::size_t k = 0; k < STEPS; ++k) {
      const batch v = batch::load_unaligned(block + k * LANES);
      const std::size_t shift = k * LANES;
      quote |= Ops::bits(v == quote_v) << shift;
      const auto eol = (v == lf_v) | (v == cr_v);
      newline |= Ops::bits(eol) << shift;
      candidate |= Ops::bits(eol | (v == delim_v)) << shift;
      // Signed trick: as int8, NUL and every byte >= 0x80 are exactly the values < 1.
      special |= Ops::bits(v < one_v) << shift;
      nul |= Ops::bits(v == zero_v) << shift;
    }
    // Prefix-XOR marks the bytes after an odd number of quotes (inclusive): inside a quoted
    // region. Quote bytes are never structural, whatever the delimiter is.
    const std::uint64_t inside = Ops::prefix_xor(quote) ^ in_quote;
    out[b] = block_masks{candidate & ~quote & ~inside, quote, special, newline};
    in_quote = std::uint64_t{0} - (inside >> 63);  // sign-broadcast of the last byte's state
  }
  carry.in_quote = in_quote;
  carry.nul |= nul;
}

// Carry-less multiply by all ones is the prefix-XOR (simdjson's trick); needs PCLMULQDQ.
inline std::uint64_t clmul_prefix_xor(std::uint64_t x) noexcept {
  const __m128i v = _mm_set_epi64x(0, static_cast<long long>(x));
  const __m128i ones = _mm_set1_epi8(-1);
  return static_cast<std::uint64_t>(_mm_cvtsi128_si64(_mm_clmulepi64_si128(v, ones, 0)));
}

}  // namespace
}  // namespace mkbulk::engine::kernels
