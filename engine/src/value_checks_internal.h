// Private to value_checks*.cpp: the number and date parsers behind check_value, and the small
// text helpers they share. Not part of the engine's public interface.
#pragma once

#include <string>
#include <string_view>

#include "mkbulk/engine/value_checks.h"

namespace mkbulk::engine::value_checks_detail {

[[nodiscard]] constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// Surrounding spaces and tabs removed.
[[nodiscard]] std::string_view trim_blanks(std::string_view s) noexcept;

// The parsers take one trimmed, non-empty value and return its problem (none when fine). When
// fine and the value is not in its normal form, `out` holds the normal form and `changed` is
// set; a value already in normal form leaves `out` untouched (no allocation). On a problem,
// `detail` says exactly what is wrong, for people ("2147483648 is above the integer maximum
// 2147483647").

// integer, float_number or currency.
[[nodiscard]] value_problem check_number(field_type type, std::string_view s,
                                         const value_check_options& options, std::string& out,
                                         std::string& detail, bool& changed) noexcept;

// date or datetime.
[[nodiscard]] value_problem check_date(field_type type, std::string_view s,
                                       const value_check_options& options, std::string& out,
                                       std::string& detail, bool& changed) noexcept;

}  // namespace mkbulk::engine::value_checks_detail
