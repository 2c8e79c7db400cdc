// The per-type value rules of a Marketo lead import: does a value fit an integer, float,
// currency, boolean, date or datetime field, is an e-mail address well formed, is a string too
// long. Pure functions, shared by the sandbox's importer and by pre-flight checks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mkbulk/engine/lead_schema.h"

namespace mkbulk::sandbox {

struct value_check {
  bool type_ok = true;         // false: "Invalid data type in field <display name>" (failure)
  bool email_ok = true;        // false: a malformed address in an email field (warning)
  bool too_long = false;       // more characters than max_length (warning, truncated)
  std::size_t keep_bytes = 0;  // when too_long: the byte length of the first max_length chars
};

// Checks a non-empty value against a field's type and length (max_length 0 = unlimited; the
// length counts UTF-8 code points and applies to the string-like types only).
[[nodiscard]] value_check check_value(engine::field_type type, std::uint32_t max_length,
                                      std::string_view value) noexcept;

// The individual rules, for callers that need just one.
[[nodiscard]] bool is_valid_integer(std::string_view v) noexcept;  // 32-bit signed, as Marketo
[[nodiscard]] bool is_valid_float(std::string_view v) noexcept;    // decimal point, exponent ok
[[nodiscard]] bool is_valid_boolean(std::string_view v) noexcept;  // true/false/1/0/yes/no
[[nodiscard]] bool is_valid_date(std::string_view v) noexcept;     // YYYY-MM-DD, a real date
// YYYY-MM-DD, optionally followed by T or space, HH:MM[:SS[.fff]] and Z or +HH:MM / +HHMM.
[[nodiscard]] bool is_valid_datetime(std::string_view v) noexcept;
[[nodiscard]] bool is_valid_email(std::string_view v) noexcept;

}  // namespace mkbulk::sandbox
