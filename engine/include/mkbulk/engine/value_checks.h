// Pre-flight typed checks: one field value, checked and normalised by the lead field's Marketo
// data type (numbers through fast_float, booleans, dates, e-mails, string lengths). Says what
// Marketo would do with the value; the pipeline decides where a rejected row goes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mkbulk/engine/lead_schema.h"

namespace mkbulk::engine {

// How to read a day/month/year date with slashes when both of the first two numbers are <= 12.
enum class date_order : std::uint8_t {
  unset,  // 03/04/2024 is rejected as ambiguous_date; 25/04/2024 and 04/25/2024 are accepted
  mdy,    // 03/04/2024 is March 4th (US exports)
  dmy,    // 03/04/2024 is April 3rd
};

// What to do with a string-like value longer than the field's length (in code points).
enum class long_value_policy : std::uint8_t {
  reject,    // the row is rejected with value_too_long
  truncate,  // cut at the length, on a code point boundary, and counted as a warning
};

// The command line's spellings: "mdy", "dmy" (and "" for unset); "reject", "truncate".
[[nodiscard]] std::string_view to_string(date_order o) noexcept;
[[nodiscard]] std::optional<date_order> date_order_from_string(std::string_view s) noexcept;
[[nodiscard]] std::string_view to_string(long_value_policy p) noexcept;
[[nodiscard]] std::optional<long_value_policy> long_value_policy_from_string(
    std::string_view s) noexcept;

// Built once per run (from --decimal-comma, --date-order, --on-long-value), then immutable.
struct value_check_options {
  // ',' is the decimal mark and '.' a thousands separator ("1.234,5" -> 1234.5). Without it,
  // '.' is the decimal mark and ',' a thousands separator ("1,234.5" -> 1234.5). Either way a
  // space, a no-break space (U+00A0, U+202F) or an apostrophe may also separate thousands.
  bool decimal_comma = false;
  date_order order = date_order::unset;
  long_value_policy on_long = long_value_policy::reject;
};

// What the pipeline does with the value.
enum class value_verdict : std::uint8_t {
  keep,       // write the input value unchanged (no allocation happened)
  rewritten,  // write `out` (the normalised value: "1234.5", "true", "2024-04-25")
  warn,       // write `out`; Marketo would import the row with a warning (issue says why)
  reject,     // the row cannot go; issue says why
};

// The value problems pre-flight predicts. Names are stable: they go to rejects.csv's reason
// column and report.json next to the engine's reject_reason codes.
enum class value_problem : std::uint8_t {
  none,
  invalid_number,       // not a number, or not a whole number in an integer field
  number_out_of_range,  // outside Marketo's 32-bit integer range, or beyond a double
  invalid_boolean,      // not one of true/false/yes/no/y/n/1/0
  invalid_date,         // not a date in a known form, or not a calendar date (2023-02-29)
  ambiguous_date,       // 03/04/2024 without a date order
  invalid_email,        // not local@domain.tld (a warning outside the lookup field)
  value_too_long,       // more code points than the field's length (reject, or truncated: warn)
};

inline constexpr std::size_t VALUE_PROBLEM_COUNT = 8;

// "invalid_number", ...; "none" for none.
[[nodiscard]] std::string_view to_string(value_problem p) noexcept;
[[nodiscard]] std::optional<value_problem> value_problem_from_string(std::string_view s) noexcept;

struct value_issue {
  value_problem problem = value_problem::none;
  // For people, filled only on warn and reject: Marketo's own wording first, then the detail,
  // e.g. "Invalid data type in field Num Employees: 2147483648 is above the integer maximum
  // 2147483647". The Marketo part is marketo_message(problem, field).
  std::string message;
};

// Marketo's wording for a problem in a field, as its failure and warning files put it:
// "Invalid data type in field <display name>" (numbers, booleans, dates), "Invalid email
// address". For value_too_long the spec records no Marketo wording; mkbulk says "Value too long
// for field <display name>".
[[nodiscard]] std::string marketo_message(value_problem p, const lead_field& field);

// Where the field stands in the row: an e-mail that is malformed is a reject in the lookup
// field (Marketo cannot match the lead) but only a warning elsewhere.
enum class field_role : std::uint8_t { value, lookup };

// Checks one value `in` for `field`. Hot path: no allocation when the verdict is keep, and
// `out`/`issue.message` reuse their capacity otherwise (keep them alive across rows).
// Empty values (after trimming spaces) are fine for every type: Marketo leaves the field empty.
// Number, boolean, date and e-mail values are trimmed of surrounding spaces and tabs (the
// trimmed value is written as rewritten); string, text, phone and url values are left as they
// are, only their length is checked. Per type:
// - integer: optional sign, digits in thousands groups, an all-zero fraction ("12.00" -> "12");
//   within -2147483648..2147483647; no exponent. Written without '+', separators or leading 0s.
// - float, currency: sign, groups, decimal mark, exponent; currency also one mark ($ € £ ¥ or
//   "EUR "/" USD") before or after. Written as plain decimal text: the input's own digits
//   ("1.234,50" -> "1234.50"), or for exponent forms the shortest digits that read back as the
//   same double ("1.5e3" -> "1500"). Infinite values (1e400) are number_out_of_range.
// - boolean: true/false/yes/no/y/n/1/0 in any case -> "true"/"false".
// - date, datetime: YYYY-MM-DD, YYYY/MM/DD, MM/DD/YYYY or DD/MM/YYYY (also with '-'),
//   DD.MM.YYYY, then optionally 'T' or spaces and H:MM[:SS[.fff]] [AM|PM] [Z|UTC|GMT|+HH:MM|
//   +HHMM|+HH]. Four-digit years only. A datetime is written YYYY-MM-DDTHH:MM:SS[.fff][zone]
//   (a date alone stays YYYY-MM-DD); a date field keeps the calendar date and drops a time.
// - email: is_plausible_email; malformed: warn (value), reject (lookup). Over the length:
//   reject whatever the policy (a cut address is someone else's).
// - string, text, phone, url: length in code points when the field has one.
[[nodiscard]] value_verdict check_value(const lead_field& field, std::string_view in,
                                        const value_check_options& options, std::string& out,
                                        value_issue& issue,
                                        field_role role = field_role::value) noexcept;

// The common case, cheaply: true when `in` is already in its normal form and fine (an empty
// value, a string that fits in bytes, an ASCII e-mail of up to 64 bytes of letters, digits and
// . - _ +, "true"/"false", a plain number such as "123" or "-45.67"), so that check_value
// would answer keep. false says nothing: check_value decides. Hot path: no allocation.
[[nodiscard]] bool value_kept_as_is(const lead_field& field, std::string_view in,
                                    const value_check_options& options) noexcept;

// The value the pipeline writes for a verdict (empty for reject).
[[nodiscard]] inline std::string_view value_to_write(value_verdict v, std::string_view in,
                                                     const std::string& out) noexcept {
  switch (v) {
    case value_verdict::keep: return in;
    case value_verdict::rewritten:
    case value_verdict::warn: return out;
    case value_verdict::reject: return {};
  }
  return {};
}

// The number of UTF-8 code points in s (s is valid UTF-8: the engine rejects anything else).
[[nodiscard]] std::size_t count_code_points(std::string_view s) noexcept;

// The longest prefix of s with at most n code points (never cuts a multi-byte sequence).
[[nodiscard]] std::string_view truncate_code_points(std::string_view s, std::size_t n) noexcept;

// The practical e-mail syntax check: one '@', a non-empty local part of printable ASCII
// without spaces or "()<>[]:;,\\\"" (dots not leading, trailing or doubled), a domain of
// at least two dot-separated labels of letters, digits and '-' (not at a label's ends, UTF-8
// letters allowed for internationalised names), the last label at least two characters and not
// all digits. Not RFC 5322: quoted local parts and IP-literal domains are refused.
[[nodiscard]] bool is_plausible_email(std::string_view s) noexcept;

}  // namespace mkbulk::engine
