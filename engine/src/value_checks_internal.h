// Private to value_checks*.cpp: the number and date parsers behind check_value, and the small
// text helpers they share; and kept_as_is, inline for the split's per-value check
// (preflight_checker.h). Not part of the engine's public interface.
#pragma once

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "mkbulk/engine/value_checks.h"

// The fast paths may read a few bytes past a value when they stay in its page (masked off
// after); under AddressSanitizer (GCC's macro, clang's feature test) they read a copy.
#if defined(__SANITIZE_ADDRESS__)
#define MKBULK_ADDRESS_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MKBULK_ADDRESS_SANITIZER 1
#endif
#endif
#ifndef MKBULK_ADDRESS_SANITIZER
#define MKBULK_ADDRESS_SANITIZER 0
#endif

namespace mkbulk::engine::value_checks_detail {

[[nodiscard]] constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// Surrounding spaces and tabs removed.
[[nodiscard]] std::string_view trim_blanks(std::string_view s) noexcept;

// The parsers take one trimmed, non-empty value and return its problem (none when fine). When
// fine and the value is not in its normal form, `out` holds the normal form and `changed` is
// set; a value already in normal form leaves `out` untouched (no allocation). On a problem,
// `detail` says exactly what is wrong, for people ("2147483648 is above the integer maximum
// 2147483647").

// A non-empty value already in plain form for integer, float_number or currency ("123",
// "-45.67"; '.' only without decimal_comma): true when it is fine and kept as it is; false
// when check_number has to decide.
[[nodiscard]] bool plain_fast_path(field_type type, std::string_view s,
                                   bool decimal_comma) noexcept;

// plain_fast_path's last step, on the value's digits from start and its '.' (npos: none).
[[nodiscard]] bool plain_float_beyond_308_digits(std::string_view s) noexcept;
[[nodiscard]] inline bool plain_number_form(field_type type, std::string_view s,
                                            std::size_t start, std::size_t point) noexcept {
  const std::size_t digits = s.size() - start;
  if (type == field_type::integer) {
    // Canonical only: no point, no leading zero, no "-0", at most 10 digits.
    if (point != std::string_view::npos || digits == 0 || digits > 10) return false;
    if (s[start] == '0' && (digits > 1 || start == 1)) return false;
    // Nine digits always fit 32 bits; ten are compared as text with the bound (no leading
    // zero, so the text order is the numeric order).
    if (digits < 10) return true;
    return s.substr(start) <= (start == 1 ? std::string_view("2147483648")
                                          : std::string_view("2147483647"));
  }
  // Digits on both sides of the point; fast_float must agree and the value be finite.
  if (point == start || point + 1 == s.size() || digits == 0) return false;
  // At most 308 digits before the point: below 1e308, finite, and a form fast_float reads
  // whole, so it need not be called.
  const std::size_t int_digits = (point == std::string_view::npos ? s.size() : point) - start;
  return int_digits <= 308 || plain_float_beyond_308_digits(s);
}

#if defined(__SSE2__)
// plain_fast_path for a value of 1 to 16 bytes, inline: digit and '.' masks from one SSE2
// compare each instead of a branch per byte; the same decisions as its loop.
[[nodiscard]] inline bool plain_fast_path_short(field_type type, std::string_view s,
                                                bool decimal_comma) noexcept {
  const std::size_t start = s[0] == '-' ? 1 : 0;
  std::size_t point = std::string_view::npos;
  __m128i v;
#if !MKBULK_ADDRESS_SANITIZER
  if ((reinterpret_cast<std::uintptr_t>(s.data()) & 4095U) <= 4096U - 16U) {
    v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data()));
  } else
#endif
  {
    alignas(16) char buf[16] = {};
    std::memcpy(buf, s.data(), s.size());
    v = _mm_load_si128(reinterpret_cast<const __m128i*>(buf));
  }
  const auto mask = [](__m128i m) {
    return static_cast<std::uint32_t>(_mm_movemask_epi8(m)) & 0xFFFFu;
  };
  const std::uint32_t rest =
      ((std::uint32_t{1} << s.size()) - 1) & ~((std::uint32_t{1} << start) - 1);
  const std::uint32_t digit = mask(_mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                                                 _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)))) &
                              rest;
  const std::uint32_t dot = mask(_mm_cmpeq_epi8(v, _mm_set1_epi8('.'))) & rest;
  if ((digit | dot) != rest) return false;  // another byte
  if (type == field_type::integer) return dot == 0 && plain_number_form(type, s, start, point);
  // float_number and currency: plain_number_form's answer for a value this short, without a
  // branch on whether it has a '.' (exports mix "12" and "12.50" at random): at most one, as
  // the decimal mark, with digits on both sides.
  const std::size_t n = s.size();
  const auto p = static_cast<std::size_t>(__builtin_ctz(dot | 0x10000U));  // 16: no '.'
  const bool bad_dot = (dot != 0) & (decimal_comma | ((dot & (dot - 1)) != 0) | (p == start) |
                                     (p + 1 == n));
  return !bad_dot & (n > start);
}
#endif

// A non-empty value of at most 64 bytes of letters, digits and . - _ + around one '@' that
// is_plausible_email accepts, checked on bit masks: true means accepted; false, that the byte
// walk decides.
[[nodiscard]] bool plain_email_masks(std::string_view s) noexcept;
// The same with SSE2 only (plain_email_masks takes AVX-512 or AVX2 where the CPU has them).
[[nodiscard]] bool plain_email_masks_sse2(std::string_view s) noexcept;
// For the tests: the instruction sets plain_email_masks can use here (0 SSE2, 1 AVX2, 2
// AVX-512 BW: all up to the returned one), and its answer from one of them.
[[nodiscard]] int email_masks_best_isa() noexcept;
[[nodiscard]] bool plain_email_masks_with(std::string_view s, int isa) noexcept;

// value_kept_as_is (value_checks.h) for a field of this type and length, inline: the type
// switch and the cheap tests in the caller, the bit-mask scans behind one call.
[[nodiscard]] inline bool kept_as_is(field_type type, std::uint32_t length, std::string_view in,
                                     bool decimal_comma) noexcept {
  if (in.empty()) return true;
  // Tests in place of a switch: the split asks for a few types in turn (e-mail, then numbers),
  // a pattern conditional branches follow better than one indirect jump.
  if (type == field_type::email) {
    return (length == 0 || in.size() <= length) && plain_email_masks(in);
  }
  static_assert(field_type::integer < field_type::float_number &&
                field_type::float_number < field_type::currency &&
                static_cast<int>(field_type::currency) - static_cast<int>(field_type::integer) == 2,
                "the number types are the enumerators integer..currency");
  if (type >= field_type::integer && type <= field_type::currency) {
#if defined(__SSE2__)
    if (in.size() <= 16) return plain_fast_path_short(type, in, decimal_comma);
#endif
    return plain_fast_path(type, in, decimal_comma);
  }
  switch (type) {
    case field_type::string:
    case field_type::text:
    case field_type::phone:
    case field_type::url:
      return length == 0 || in.size() <= length;
    case field_type::boolean:
      return in == "true" || in == "false";
    case field_type::email:
    case field_type::integer:
    case field_type::float_number:
    case field_type::currency:
    case field_type::date:
    case field_type::datetime:
      return false;  // email and numbers above; dates: check_value decides
  }
  return false;
}

// integer, float_number or currency.
[[nodiscard]] value_problem check_number(field_type type, std::string_view s,
                                         const value_check_options& options, std::string& out,
                                         std::string& detail, bool& changed) noexcept;

// date or datetime.
[[nodiscard]] value_problem check_date(field_type type, std::string_view s,
                                       const value_check_options& options, std::string& out,
                                       std::string& detail, bool& changed) noexcept;

}  // namespace mkbulk::engine::value_checks_detail
