// Indexing a block ahead of the parser (see block_index.h): the scan kernel once over the block
// with a quote state of our own, turned into bits that do not depend on it; CR/LF and
// delimiter bits from one more compare pass; the UTF-8 and NUL check per stretch of about
// 64 KiB between line ends.
#include "block_index.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <simdjson.h>

#include <algorithm>
#include <bit>
#include <cstring>

namespace mkbulk::engine::detail {
namespace {

constexpr std::size_t KERNEL_BLOCKS = 1024;               // 64 KiB per kernel call
constexpr std::size_t SPAN_BYTES = std::size_t{64} << 10;  // one UTF-8 check per ~64 KiB

// CR/LF bits and delimiter-or-CR/LF bits of nb blocks. SSE2 is the x86-64 baseline; AVX2
// through a function target attribute when the CPU has it (no global -march).
void masks_sse2(const std::uint8_t* d, std::size_t nb, std::uint8_t delim, std::uint64_t* nl,
                std::uint64_t* cand) noexcept {
#if defined(__SSE2__)
  const __m128i lf = _mm_set1_epi8('\n');
  const __m128i cr = _mm_set1_epi8('\r');
  const __m128i dl = _mm_set1_epi8(static_cast<char>(delim));
  for (std::size_t b = 0; b < nb; ++b) {
    std::uint64_t n = 0;
    std::uint64_t c = 0;
    for (unsigned k = 0; k < 4; ++k) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(d + 64 * b + 16 * k));
      const __m128i e = _mm_or_si128(_mm_cmpeq_epi8(v, lf), _mm_cmpeq_epi8(v, cr));
      const __m128i f = _mm_or_si128(e, _mm_cmpeq_epi8(v, dl));
      n |= std::uint64_t{static_cast<std::uint32_t>(_mm_movemask_epi8(e)) & 0xFFFFu} << (16 * k);
      c |= std::uint64_t{static_cast<std::uint32_t>(_mm_movemask_epi8(f)) & 0xFFFFu} << (16 * k);
    }
    if (nl != nullptr) nl[b] = n;
    if (cand != nullptr) cand[b] = c;
  }
#else
  for (std::size_t b = 0; b < nb; ++b) {
    std::uint64_t n = 0;
    std::uint64_t c = 0;
    for (unsigned k = 0; k < 64; ++k) {
      const std::uint8_t x = d[64 * b + k];
      if (x == '\n' || x == '\r') n |= std::uint64_t{1} << k;
      if (x == '\n' || x == '\r' || x == delim) c |= std::uint64_t{1} << k;
    }
    if (nl != nullptr) nl[b] = n;
    if (cand != nullptr) cand[b] = c;
  }
#endif
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) void masks_avx2(const std::uint8_t* d, std::size_t nb,
                                                std::uint8_t delim, std::uint64_t* nl,
                                                std::uint64_t* cand) noexcept {
  const __m256i lf = _mm256_set1_epi8('\n');
  const __m256i cr = _mm256_set1_epi8('\r');
  const __m256i dl = _mm256_set1_epi8(static_cast<char>(delim));
  for (std::size_t b = 0; b < nb; ++b) {
    const __m256i v0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(d + 64 * b));
    const __m256i v1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(d + 64 * b + 32));
    const __m256i e0 = _mm256_or_si256(_mm256_cmpeq_epi8(v0, lf), _mm256_cmpeq_epi8(v0, cr));
    const __m256i e1 = _mm256_or_si256(_mm256_cmpeq_epi8(v1, lf), _mm256_cmpeq_epi8(v1, cr));
    if (nl != nullptr) {
      nl[b] = std::uint64_t{static_cast<std::uint32_t>(_mm256_movemask_epi8(e0))} |
              (std::uint64_t{static_cast<std::uint32_t>(_mm256_movemask_epi8(e1))} << 32);
    }
    if (cand != nullptr) {
      const __m256i f0 = _mm256_or_si256(e0, _mm256_cmpeq_epi8(v0, dl));
      const __m256i f1 = _mm256_or_si256(e1, _mm256_cmpeq_epi8(v1, dl));
      cand[b] = std::uint64_t{static_cast<std::uint32_t>(_mm256_movemask_epi8(f0))} |
                (std::uint64_t{static_cast<std::uint32_t>(_mm256_movemask_epi8(f1))} << 32);
    }
  }
}
#endif

using masks_fn = void (*)(const std::uint8_t*, std::size_t, std::uint8_t, std::uint64_t*,
                          std::uint64_t*) noexcept;

masks_fn pick_masks() noexcept {
#if defined(__x86_64__)
  __builtin_cpu_init();  // this runs as a static initialiser
  if (__builtin_cpu_supports("avx2")) return masks_avx2;
#endif
  return masks_sse2;
}

const masks_fn compare_masks = pick_masks();

}  // namespace

void line_end_masks(const std::uint8_t* d, std::size_t nb, std::uint64_t* out) noexcept {
  compare_masks(d, nb, '\n', out, nullptr);
}

void block_index::build(const std::uint8_t* d, std::size_t len, std::uint8_t delimiter,
                        scan_kernel_fn kernel) {
  const std::size_t nb = (len + 63) / 64;
  masks_.resize(nb);
  cand_.resize(nb);
  nl_.resize(nb);
  state_.resize(nb + 1);
  spans_.clear();
  scan_carry carry{};  // a state of our own, kept per block in state_
  for (std::size_t first = 0; first < nb; first += KERNEL_BLOCKS) {
    const std::size_t n = std::min(KERNEL_BLOCKS, nb - first);
    std::uint64_t c = carry.in_quote;
    kernel(d + 64 * first, n, delimiter, carry, masks_.data() + first);
    compare_masks(d + 64 * first, n, delimiter, nl_.data() + first, cand_.data() + first);
    for (std::size_t k = first; k < first + n; ++k) {
      state_[k] = c;
      c ^= odd_mask(masks_[k].quote);
    }
  }
  state_[nb] = carry.in_quote;
  if (len == 0) return;
  // The line ends that cut the block into checked spans: the first at or after each 64 KiB.
  const std::uint64_t last_valid = len % 64 == 0 ? ~std::uint64_t{0}
                                                 : (std::uint64_t{1} << (len % 64)) - 1;
  const auto nl_at = [&](std::size_t b) {
    return b + 1 == nb ? nl_[b] & last_valid : nl_[b];
  };
  const auto first_line_end = [&](std::size_t from) -> std::size_t {
    for (std::size_t b = from / 64; b < nb; ++b) {
      std::uint64_t m = nl_at(b);
      if (b == from / 64) m &= ~std::uint64_t{0} << (from % 64);
      if (m != 0) {
        return 64 * b + static_cast<std::size_t>(std::countr_zero(m));
      }
    }
    return len;
  };
  std::size_t last = len;  // the last line end
  for (std::size_t b = nb; b-- > 0;) {
    if (const std::uint64_t m = nl_at(b); m != 0) {
      last = 64 * b + 63 - static_cast<std::size_t>(std::countl_zero(m));
      break;
    }
  }
  if (last == len) return;
  std::size_t begin = first_line_end(0);
  while (begin < last) {
    std::size_t end = std::max(begin + 1, (begin / SPAN_BYTES + 1) * SPAN_BYTES);
    end = end >= last ? last : std::min(last, first_line_end(end));
    std::uint64_t any_special = 0;
    for (std::size_t b = begin / 64; b <= (end - 1) / 64; ++b) any_special |= masks_[b].special;
    const auto* p = reinterpret_cast<const char*>(d + begin);
    const bool clean = any_special == 0 || (std::memchr(p, 0, end - begin) == nullptr &&
                                            simdjson::validate_utf8(p, end - begin));
    spans_.push_back(checked_span{begin, end, clean});
    begin = end;
  }
}

const checked_span* block_index::span_of(std::size_t begin, std::size_t end) const noexcept {
  auto it = std::upper_bound(spans_.begin(), spans_.end(), begin,
                             [](std::size_t x, const checked_span& s) { return x < s.begin; });
  if (it == spans_.begin()) return nullptr;
  --it;
  return (begin >= it->begin && end <= it->end) ? &*it : nullptr;
}

}  // namespace mkbulk::engine::detail
