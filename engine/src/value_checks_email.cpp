// E-mail syntax for check_value: is_plausible_email, a byte walk over the local part and the
// domain labels, and in front of it plain_email_masks, which accepts the common address from
// bit masks of its bytes without a loop per byte (AVX-512 BW or AVX2 where the CPU has them,
// else SSE2).
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

#include "value_checks_internal.h"

namespace mkbulk::engine {
namespace {

// Character classes of the e-mail check, one table lookup per byte.
enum : std::uint8_t { ALNUM = 1, LOCAL = 2 };

constexpr std::array<std::uint8_t, 256> EMAIL_CLASSES = [] {
  std::array<std::uint8_t, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[static_cast<std::size_t>(c)] = ALNUM | LOCAL;
  for (int c = 'a'; c <= 'z'; ++c) t[static_cast<std::size_t>(c)] = ALNUM | LOCAL;
  for (int c = 'A'; c <= 'Z'; ++c) t[static_cast<std::size_t>(c)] = ALNUM | LOCAL;
  for (const char c : std::string_view("!#$%&'*+-/=?^_`{|}~.")) {
    t[static_cast<unsigned char>(c)] = LOCAL;
  }
  return t;
}();

[[nodiscard]] bool is_alnum(char c) noexcept {
  return (EMAIL_CLASSES[static_cast<unsigned char>(c)] & ALNUM) != 0;
}

[[nodiscard]] bool is_local_char(char c) noexcept {
  return (EMAIL_CLASSES[static_cast<unsigned char>(c)] & LOCAL) != 0;
}

}  // namespace

#if defined(__SSE2__)
namespace {

// The classes the bit-mask check needs, bit i for byte i of the value.
struct byte_classes {
  std::uint64_t digit = 0;
  std::uint64_t alpha = 0;
  std::uint64_t dot = 0;
  std::uint64_t dash = 0;
  std::uint64_t at = 0;
  std::uint64_t local_only = 0;  // '_' and '+': fine before the '@', not after

  // Only the value's bytes (the bits of all) count.
  [[gnu::always_inline]] byte_classes& keep(std::uint64_t all) noexcept {
    digit &= all;
    alpha &= all;
    dot &= all;
    dash &= all;
    at &= all;
    local_only &= all;
    return *this;
  }
};

// Bit k of the result set where byte k of the 16 in v lies in [lo, hi] (ASCII bounds: signed
// compares, so bytes >= 0x80 are never in range).
inline std::uint64_t in_range(__m128i v, char lo, char hi) noexcept {
  const __m128i l = _mm_set1_epi8(static_cast<char>(lo - 1));
  const __m128i h = _mm_set1_epi8(static_cast<char>(hi + 1));
  const __m128i r = _mm_and_si128(_mm_cmpgt_epi8(v, l), _mm_cmplt_epi8(v, h));
  return static_cast<std::uint32_t>(_mm_movemask_epi8(r)) & 0xFFFFu;
}

inline std::uint64_t equal_to(__m128i v, char c) noexcept {
  return static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(c)))) &
         0xFFFFu;
}

// The classes of V * 16 bytes at p (all readable), kept to the value's bytes `all`. Inlined:
// returned through memory, the six masks cost more than the compares that make them.
template <unsigned V>
[[gnu::always_inline]] inline byte_classes classify(const char* p, std::uint64_t all) noexcept {
  byte_classes c;
  for (unsigned k = 0; k < V; ++k) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
    const unsigned at = 16 * k;
    c.digit |= in_range(v, '0', '9') << at;
    c.alpha |= in_range(_mm_or_si128(v, _mm_set1_epi8(0x20)), 'a', 'z') << at;  // either case
    c.dot |= equal_to(v, '.') << at;
    c.dash |= equal_to(v, '-') << at;
    c.at |= equal_to(v, '@') << at;
    c.local_only |= (equal_to(v, '_') | equal_to(v, '+')) << at;
  }
  return c.keep(all);
}

template <unsigned V>
[[gnu::always_inline]] inline byte_classes classify_value(std::string_view s,
                                                         std::uint64_t all) noexcept {
#if !MKBULK_ADDRESS_SANITIZER
  // V * 16 bytes from s.data() stay in its page: read them in place (the bytes past the value
  // are masked off). Otherwise, and under AddressSanitizer, from a copy.
  if ((reinterpret_cast<std::uintptr_t>(s.data()) & 4095U) <= 4096U - 16U * V) {
    return classify<V>(s.data(), all);
  }
#endif
  alignas(16) char buf[16 * V] = {};
  std::memcpy(buf, s.data(), s.size());
  return classify<V>(buf, all);
}

// The address rules on the classes of its n bytes (all: their bits), whichever way they were
// found. Inlined into each caller (one per instruction set).
[[gnu::always_inline]] inline bool email_classes_ok(const byte_classes& c, std::size_t n,
                                                    std::uint64_t all) noexcept {
  const std::uint64_t digit = c.digit;
  const std::uint64_t alpha = c.alpha;
  const std::uint64_t dot = c.dot;
  const std::uint64_t dash = c.dash;
  const std::uint64_t at = c.at;
  const std::uint64_t local_only = c.local_only;
  if ((digit | alpha | dot | dash | at | local_only) != all) return false;  // other bytes
  if (at == 0 || (at & (at - 1)) != 0) return false;  // not exactly one '@'
  const auto a = static_cast<unsigned>(std::countr_zero(at));
  const std::uint64_t local = at - 1;
  const std::uint64_t domain = all & ~local & ~at;
  if (local == 0 || domain == 0) return false;
  // No dot first, last, next to the '@' or next to another dot; no '-' at a label's ends.
  const std::uint64_t first_last = 1U | (std::uint64_t{1} << (n - 1));
  if ((dot & (first_last | (at << 1) | (at >> 1) | (dot >> 1))) != 0) return false;
  if ((dash & domain & ((at << 1) | (dot << 1) | (dot >> 1) | first_last)) != 0) return false;
  if ((local_only & domain) != 0) return false;
  const std::uint64_t domain_dots = dot & domain;
  if (domain_dots == 0) return false;  // one label
  const auto last_dot = static_cast<unsigned>(63 - std::countl_zero(domain_dots));
  if (n - last_dot - 1 < 2) return false;  // the top-level label has 2 characters or more
  // ... and is not all digits; domain labels are at most 62 bytes here (n <= 64).
  return ((alpha | dash) >> (last_dot + 1)) != 0 && a >= 1;
}

}  // namespace
#endif

#if defined(__x86_64__)
namespace {

// The same classes from 32-byte AVX2 vectors (function target attributes, no global -march):
// an address of up to 32 bytes is one vector instead of two, up to 64 two instead of four.
__attribute__((target("avx2"))) inline std::uint64_t in_range32(__m256i v, char lo,
                                                               char hi) noexcept {
  const __m256i l = _mm256_set1_epi8(static_cast<char>(lo - 1));
  const __m256i h = _mm256_set1_epi8(static_cast<char>(hi + 1));
  const __m256i r = _mm256_and_si256(_mm256_cmpgt_epi8(v, l), _mm256_cmpgt_epi8(h, v));
  return static_cast<std::uint32_t>(_mm256_movemask_epi8(r));
}

__attribute__((target("avx2"))) inline std::uint64_t equal_to32(__m256i v, char c) noexcept {
  return static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(c))));
}

template <unsigned V>
__attribute__((target("avx2"))) inline byte_classes classify32(const char* p,
                                                              std::uint64_t all) noexcept {
  byte_classes c;
  for (unsigned k = 0; k < V; ++k) {
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32 * k));
    const unsigned at = 32 * k;
    c.digit |= in_range32(v, '0', '9') << at;
    c.alpha |= in_range32(_mm256_or_si256(v, _mm256_set1_epi8(0x20)), 'a', 'z') << at;
    c.dot |= equal_to32(v, '.') << at;
    c.dash |= equal_to32(v, '-') << at;
    c.at |= equal_to32(v, '@') << at;
    c.local_only |= (equal_to32(v, '_') | equal_to32(v, '+')) << at;
  }
  return c.keep(all);
}

template <unsigned V>
__attribute__((target("avx2"))) inline byte_classes classify32_value(std::string_view s,
                                                                    std::uint64_t all) noexcept {
#if !MKBULK_ADDRESS_SANITIZER
  if ((reinterpret_cast<std::uintptr_t>(s.data()) & 4095U) <= 4096U - 32U * V) {
    return classify32<V>(s.data(), all);
  }
#endif
  alignas(32) char buf[32 * V] = {};
  std::memcpy(buf, s.data(), s.size());
  return classify32<V>(buf, all);
}

__attribute__((target("avx2"))) bool plain_email_masks_avx2(std::string_view s) noexcept {
  const std::size_t n = s.size();
  if (n == 0 || n > 64) return false;
  const std::uint64_t all = n == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1;
  const byte_classes c = n <= 32 ? classify32_value<1>(s, all) : classify32_value<2>(s, all);
  return email_classes_ok(c, n, all);
}

// AVX-512 (BW): the whole value, up to 64 bytes, in one masked load (bytes past it are not
// read, so no page test and no copy) and each class a compare straight into a bit mask.
__attribute__((target("avx512bw"))) inline std::uint64_t equal_to64(__m512i v, char c) noexcept {
  return _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(c));
}

__attribute__((target("avx512bw"))) bool plain_email_masks_avx512(std::string_view s) noexcept {
  const std::size_t n = s.size();
  if (n == 0 || n > 64) return false;
  const std::uint64_t all = n == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1;
  const __m512i v = _mm512_maskz_loadu_epi8(all, s.data());
  byte_classes c;
  c.digit = _mm512_cmplt_epu8_mask(_mm512_sub_epi8(v, _mm512_set1_epi8('0')),
                                   _mm512_set1_epi8(10));
  c.alpha = _mm512_cmplt_epu8_mask(
      _mm512_sub_epi8(_mm512_or_si512(v, _mm512_set1_epi8(0x20)), _mm512_set1_epi8('a')),
      _mm512_set1_epi8(26));
  c.dot = equal_to64(v, '.');
  c.dash = equal_to64(v, '-');
  c.at = equal_to64(v, '@');
  c.local_only = equal_to64(v, '_') | equal_to64(v, '+');
  return email_classes_ok(c.keep(all), n, all);
}

const int EMAIL_ISA = [] {
  __builtin_cpu_init();  // static initialisation may run before libgcc's
  if (__builtin_cpu_supports("avx512bw") != 0) return 2;
  return __builtin_cpu_supports("avx2") != 0 ? 1 : 0;
}();

}  // namespace
#endif

namespace value_checks_detail {

// The common address checked on bit masks of its bytes, all at once (value_checks_internal.h).
bool plain_email_masks(std::string_view s) noexcept {
  return plain_email_masks_with(s, email_masks_best_isa());
}

int email_masks_best_isa() noexcept {
#if defined(__x86_64__)
  return EMAIL_ISA;
#else
  return 0;
#endif
}

bool plain_email_masks_with(std::string_view s, int isa) noexcept {
#if defined(__x86_64__)
  if (isa == 2 && EMAIL_ISA >= 2) return plain_email_masks_avx512(s);
  if (isa == 1 && EMAIL_ISA >= 1) return plain_email_masks_avx2(s);
#endif
  (void)isa;
  return plain_email_masks_sse2(s);
}

bool plain_email_masks_sse2(std::string_view s) noexcept {
#if defined(__SSE2__)
  const std::size_t n = s.size();
  if (n == 0 || n > 64) return false;
  const std::uint64_t all = n == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1;
  // Most addresses fit 32 bytes: two vectors instead of four.
  const byte_classes c = n <= 32 ? classify_value<2>(s, all) : classify_value<4>(s, all);
  return email_classes_ok(c, n, all);
#else
  (void)s;
  return false;
#endif
}

}  // namespace value_checks_detail

bool is_plausible_email(std::string_view s) noexcept {
  if (value_checks_detail::plain_email_masks(s)) return true;
  // One pass over the bytes (the value is checked for every row): the local part up to the
  // first '@' (a second '@' then fails the domain's character test), then the domain label by
  // label. Same answer as splitting at '@' and '.' and testing each part.
  const std::size_t n = s.size();
  if (n > 254) return false;
  std::size_t i = 0;
  char prev = '.';  // as if a dot came before: a leading dot is then a doubled one
  for (; i < n && s[i] != '@'; ++i) {
    const char c = s[i];
    if (!is_local_char(c) || (c == '.' && prev == '.')) return false;
    prev = c;
  }
  if (i == n || i == 0 || i > 64 || prev == '.') return false;
  const std::size_t domain = i + 1;
  if (domain == n || n - domain > 253) return false;
  std::size_t labels = 0;
  std::size_t label = domain;  // the current label's first byte
  bool digits_only = true;     // the current label is all digits so far
  for (std::size_t j = domain;; ++j) {
    if (j == n || s[j] == '.') {
      const std::size_t len = j - label;
      if (len == 0 || len > 63 || s[label] == '-' || s[j - 1] == '-') return false;
      ++labels;
      if (j == n) {
        // The last label: at least two characters and not all digits ("a@1.2.3.4" is an
        // address literal, not a domain name).
        return labels >= 2 && len >= 2 && !digits_only;
      }
      label = j + 1;
      digits_only = true;
      continue;
    }
    const char c = s[j];
    // Bytes >= 0x80 are UTF-8 letters of an internationalised domain name.
    if (!is_alnum(c) && c != '-' && static_cast<unsigned char>(c) < 0x80) return false;
    if (!value_checks_detail::is_digit(c)) digits_only = false;
  }
}

}  // namespace mkbulk::engine
