// Private to value_checks*.cpp: the number and date parsers behind check_value, and the small
// text helpers they share; and kept_as_is, inline for the split's per-value check
// (preflight_checker.h). Not part of the engine's public interface.
#pragma once

#include <cstdint>
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

// A non-empty value of at most 64 bytes of letters, digits and . - _ + around one '@' that
// is_plausible_email accepts, checked on bit masks: true means accepted; false, that the byte
// walk decides.
[[nodiscard]] bool plain_email_masks(std::string_view s) noexcept;
// The same with SSE2 only (plain_email_masks takes AVX2 where the CPU has it): for the tests.
[[nodiscard]] bool plain_email_masks_sse2(std::string_view s) noexcept;

// value_kept_as_is (value_checks.h) for a field of this type and length, inline: the type
// switch and the cheap tests in the caller, the bit-mask scans behind one call.
[[nodiscard]] inline bool kept_as_is(field_type type, std::uint32_t length, std::string_view in,
                                     bool decimal_comma) noexcept {
  if (in.empty()) return true;
  switch (type) {
    case field_type::string:
    case field_type::text:
    case field_type::phone:
    case field_type::url:
      return length == 0 || in.size() <= length;
    case field_type::email:
      return (length == 0 || in.size() <= length) && plain_email_masks(in);
    case field_type::boolean:
      return in == "true" || in == "false";
    case field_type::integer:
    case field_type::float_number:
    case field_type::currency:
      return plain_fast_path(type, in, decimal_comma);
    case field_type::date:
    case field_type::datetime:
      return false;
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
