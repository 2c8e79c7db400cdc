// check_value: the per-type dispatch, string lengths in code points, booleans, and the Marketo
// wording of each problem; value_kept_as_is, the cheap keep test. Numbers live in
// value_checks_number.cpp, dates in value_checks_date.cpp, e-mail syntax in value_checks_email.cpp.
#include "mkbulk/engine/value_checks.h"

#include <array>
#include <cstdint>

#include "value_checks_internal.h"

namespace mkbulk::engine {
namespace {

constexpr std::array<std::string_view, VALUE_PROBLEM_COUNT> PROBLEM_NAMES = {
    "none",         "invalid_number", "number_out_of_range", "invalid_boolean",
    "invalid_date", "ambiguous_date", "invalid_email",       "value_too_long",
};

[[nodiscard]] char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

[[nodiscard]] bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != b[i]) return false;
  }
  return true;
}

// "true"/"false" for the accepted spellings, "" otherwise.
[[nodiscard]] std::string_view boolean_spelling(std::string_view s) noexcept {
  constexpr std::string_view TRUE_SPELLINGS[] = {"true", "yes", "y", "1"};
  constexpr std::string_view FALSE_SPELLINGS[] = {"false", "no", "n", "0"};
  for (const auto t : TRUE_SPELLINGS) {
    if (iequals(s, t)) return "true";
  }
  for (const auto f : FALSE_SPELLINGS) {
    if (iequals(s, f)) return "false";
  }
  return {};
}

void set_message(value_issue& issue, value_problem p, const lead_field& field,
                 std::string_view in, std::string_view what) {
  issue.problem = p;
  issue.message = marketo_message(p, field);
  issue.message += ": ";
  issue.message += what;
  if (!in.empty()) {
    issue.message += " (value \"";
    // Long values are shown by their start only: the message is for people.
    const std::string_view start = truncate_code_points(in, 60);
    issue.message += start;
    if (start.size() < in.size()) issue.message += "…";
    issue.message += "\")";
  }
}

}  // namespace

namespace value_checks_detail {

std::string_view trim_blanks(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace value_checks_detail

std::string_view to_string(value_problem p) noexcept {
  return PROBLEM_NAMES[static_cast<std::size_t>(p)];
}

std::optional<value_problem> value_problem_from_string(std::string_view s) noexcept {
  for (std::size_t i = 0; i < PROBLEM_NAMES.size(); ++i) {
    if (PROBLEM_NAMES[i] == s) return static_cast<value_problem>(i);
  }
  return std::nullopt;
}

std::string_view to_string(date_order o) noexcept {
  switch (o) {
    case date_order::unset: return "";
    case date_order::mdy: return "mdy";
    case date_order::dmy: return "dmy";
  }
  return "";
}

std::optional<date_order> date_order_from_string(std::string_view s) noexcept {
  if (s == "mdy") return date_order::mdy;
  if (s == "dmy") return date_order::dmy;
  if (s.empty()) return date_order::unset;
  return std::nullopt;
}

std::string_view to_string(long_value_policy p) noexcept {
  return p == long_value_policy::truncate ? "truncate" : "reject";
}

std::optional<long_value_policy> long_value_policy_from_string(std::string_view s) noexcept {
  if (s == "reject") return long_value_policy::reject;
  if (s == "truncate") return long_value_policy::truncate;
  return std::nullopt;
}

std::string marketo_message(value_problem p, const lead_field& field) {
  switch (p) {
    case value_problem::none: return {};
    case value_problem::invalid_email: return "Invalid email address";
    case value_problem::value_too_long:
      return "Value too long for field " + std::string(field.display_name);
    case value_problem::invalid_number:
    case value_problem::number_out_of_range:
    case value_problem::invalid_boolean:
    case value_problem::invalid_date:
    case value_problem::ambiguous_date:
      return "Invalid data type in field " + std::string(field.display_name);
  }
  return {};
}

std::size_t count_code_points(std::string_view s) noexcept {
  std::size_t n = 0;
  // Every code point has exactly one byte that is not a continuation byte (10xxxxxx).
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0U) != 0x80U ? 1U : 0U;
  return n;
}

std::string_view truncate_code_points(std::string_view s, std::size_t n) noexcept {
  if (s.size() <= n) return s;  // bytes bound code points
  std::size_t seen = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0U) != 0x80U) {
      if (seen == n) return s.substr(0, i);
      ++seen;
    }
  }
  return s;
}

bool value_kept_as_is(const lead_field& field, std::string_view in,
                      const value_check_options& options) noexcept {
  return value_checks_detail::kept_as_is(field.type, field.length, in, options.decimal_comma);
}

value_verdict check_value(const lead_field& field, std::string_view in,
                          const value_check_options& options, std::string& out,
                          value_issue& issue, field_role role) noexcept {
  issue.problem = value_problem::none;
  switch (field.type) {
    case field_type::string:
    case field_type::text:
    case field_type::phone:
    case field_type::url: {
      if (field.length == 0 || in.size() <= field.length) return value_verdict::keep;
      const std::size_t points = count_code_points(in);
      if (points <= field.length) return value_verdict::keep;
      const std::string what = std::to_string(points) + " characters, the field holds " +
                               std::to_string(field.length);
      set_message(issue, value_problem::value_too_long, field, in, what);
      if (options.on_long == long_value_policy::reject) return value_verdict::reject;
      out.assign(truncate_code_points(in, field.length));
      issue.message += "; truncated";
      return value_verdict::warn;
    }
    case field_type::email: {
      const std::string_view v = value_checks_detail::trim_blanks(in);
      if (v.empty()) {
        if (v.size() == in.size()) return value_verdict::keep;
        out.clear();
        return value_verdict::rewritten;
      }
      if (field.length != 0 && v.size() > field.length && count_code_points(v) > field.length) {
        // Never truncated, whatever the policy: a cut address is someone else's address.
        set_message(issue, value_problem::value_too_long, field, in,
                    std::to_string(count_code_points(v)) + " characters, the field holds " +
                        std::to_string(field.length));
        return value_verdict::reject;
      }
      if (!is_plausible_email(v)) {
        if (role == field_role::lookup) {
          set_message(issue, value_problem::invalid_email, field, in,
                      "the lookup field " + std::string(field.rest_name) +
                          " is not of the form name@domain.tld");
          return value_verdict::reject;
        }
        set_message(issue, value_problem::invalid_email, field, in,
                    "not of the form name@domain.tld; Marketo imports the row with a warning");
        out.assign(v);
        return value_verdict::warn;
      }
      if (v.size() == in.size()) return value_verdict::keep;
      out.assign(v);
      return value_verdict::rewritten;
    }
    case field_type::boolean: {
      const std::string_view v = value_checks_detail::trim_blanks(in);
      if (v.empty()) {
        if (in.empty()) return value_verdict::keep;
        out.clear();
        return value_verdict::rewritten;
      }
      const std::string_view b = boolean_spelling(v);
      if (b.empty()) {
        set_message(issue, value_problem::invalid_boolean, field, in,
                    "a boolean is one of true/false, yes/no, y/n, 1/0");
        return value_verdict::reject;
      }
      if (b == in) return value_verdict::keep;
      out.assign(b);
      return value_verdict::rewritten;
    }
    case field_type::integer:
    case field_type::float_number:
    case field_type::currency:
    case field_type::date:
    case field_type::datetime: {
      const std::string_view v = value_checks_detail::trim_blanks(in);
      if (v.empty()) {
        if (in.empty()) return value_verdict::keep;
        out.clear();
        return value_verdict::rewritten;
      }
      std::string what;  // empty: no allocation unless there is a problem to describe
      bool changed = false;
      const bool is_date = field.type == field_type::date || field.type == field_type::datetime;
      const value_problem p =
          is_date ? value_checks_detail::check_date(field.type, v, options, out, what, changed)
                  : value_checks_detail::check_number(field.type, v, options, out, what, changed);
      if (p != value_problem::none) {
        set_message(issue, p, field, in, what);
        return value_verdict::reject;
      }
      if (changed) return value_verdict::rewritten;
      if (v.size() == in.size()) return value_verdict::keep;
      out.assign(v);
      return value_verdict::rewritten;
    }
  }
  return value_verdict::keep;
}

}  // namespace mkbulk::engine
