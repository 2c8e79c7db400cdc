// Numbers for check_value: integer, float and currency values. One scan checks the shape (sign,
// currency symbol, digit groups, decimal mark, exponent) and explains what is wrong; fast_float
// then gives the value; the plain form ("1234.5") is written only when the input differs.
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include <fast_float/fast_float.h>

#include "value_checks_internal.h"

namespace mkbulk::engine::value_checks_detail {
namespace {

// Marketo integer fields are 32-bit (Java int).
constexpr std::int64_t INT_MAX_32 = std::numeric_limits<std::int32_t>::max();
constexpr std::int64_t INT_MIN_32 = std::numeric_limits<std::int32_t>::min();

// The length in bytes of a thousands separator at the start of s (0 if none): the group
// character of the options, a space, an apostrophe, U+00A0, U+202F or U+2019.
[[nodiscard]] std::size_t group_separator_at(std::string_view s, char group) noexcept {
  if (s.empty()) return 0;
  if (s[0] == group || s[0] == ' ' || s[0] == '\'') return 1;
  if (s.starts_with("\xC2\xA0")) return 2;
  if (s.starts_with("\xE2\x80\xAF") || s.starts_with("\xE2\x80\x99")) return 3;
  return 0;
}

// Removes one currency mark from the front or back of s: $ € £ ¥ or an ISO code such as
// "EUR" set off by a space. Returns whether it removed one.
[[nodiscard]] bool strip_currency_front(std::string_view& s) noexcept {
  constexpr std::string_view SYMBOLS[] = {"$", "\xE2\x82\xAC", "\xC2\xA3", "\xC2\xA5"};
  for (const auto sym : SYMBOLS) {
    if (s.starts_with(sym)) {
      s.remove_prefix(sym.size());
      s = trim_blanks(s);
      return true;
    }
  }
  if (s.size() > 4 && s[3] == ' ' && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' &&
      s[2] >= 'A' && s[2] <= 'Z') {
    s = trim_blanks(s.substr(4));
    return true;
  }
  return false;
}

[[nodiscard]] bool strip_currency_back(std::string_view& s) noexcept {
  constexpr std::string_view SYMBOLS[] = {"$", "\xE2\x82\xAC", "\xC2\xA3", "\xC2\xA5"};
  for (const auto sym : SYMBOLS) {
    if (s.ends_with(sym)) {
      s.remove_suffix(sym.size());
      s = trim_blanks(s);
      return true;
    }
  }
  const std::size_t n = s.size();
  if (n > 4 && s[n - 4] == ' ' && s[n - 3] >= 'A' && s[n - 3] <= 'Z' && s[n - 2] >= 'A' &&
      s[n - 2] <= 'Z' && s[n - 1] >= 'A' && s[n - 1] <= 'Z') {
    s = trim_blanks(s.substr(0, n - 4));
    return true;
  }
  return false;
}

// The shape of a number, found by one scan.
struct number_shape {
  bool negative = false;
  bool plus = false;          // a leading '+' (dropped in the plain form)
  bool currency = false;      // a currency mark was removed
  bool separators = false;    // thousands separators were seen
  bool has_point = false;     // a decimal mark was seen
  bool has_exponent = false;
  std::string_view body;      // sign and currency removed: digits, separators, mark, exponent
  std::string_view int_part;  // with separators
  std::string_view fraction;  // digits after the decimal mark
  std::string_view exponent;  // "e-5" etc., including the 'e'
};

// Fills shape; on a malformed number returns false with detail set.
[[nodiscard]] bool scan_number(std::string_view s, bool currency, const value_check_options& opt,
                               number_shape& shape, std::string& detail) {
  const char point = opt.decimal_comma ? ',' : '.';
  const char group = opt.decimal_comma ? '.' : ',';
  auto take_sign = [&](std::string_view& v) {
    if (!v.empty() && (v.front() == '-' || v.front() == '+')) {
      shape.negative = v.front() == '-';
      shape.plus = v.front() == '+';
      v.remove_prefix(1);
      return true;
    }
    return false;
  };
  std::string_view v = s;
  const bool signed_first = take_sign(v);
  if (currency) {
    shape.currency = strip_currency_front(v);
    if (!signed_first && shape.currency) take_sign(v);
    if (!shape.currency) shape.currency = strip_currency_back(v);
  }
  shape.body = v;

  // Integer part: digits in groups. With separators: 1-3 digits, then groups of exactly 3,
  // all separated by the same separator.
  std::size_t i = 0;
  std::size_t group_len = 0;
  std::size_t groups = 0;
  std::string_view sep_seen;
  while (i < v.size()) {
    if (is_digit(v[i])) {
      ++group_len;
      ++i;
      continue;
    }
    const std::size_t sep = group_separator_at(v.substr(i), group);
    if (sep == 0 || group_len == 0) break;
    const std::string_view this_sep = v.substr(i, sep);
    if (!sep_seen.empty() && this_sep != sep_seen) break;  // mixed separators: not one number
    if ((groups == 0 && group_len > 3) || (groups > 0 && group_len != 3)) {
      sep_seen = this_sep;
      ++groups;
      group_len = 0;  // reported below as a bad group
      break;
    }
    sep_seen = this_sep;
    ++groups;
    group_len = 0;
    i += sep;
  }
  if (groups > 0) {
    shape.separators = true;
    if (group_len != 3) {
      detail = "thousands separators come between groups of 3 digits";
      if (!opt.decimal_comma && sep_seen == ",") {
        detail += "; if ',' is the decimal mark here, use --decimal-comma";
      } else if (opt.decimal_comma && sep_seen == ".") {
        detail += "; with --decimal-comma, '.' separates thousands and ',' is the decimal mark";
      }
      return false;
    }
  }
  shape.int_part = v.substr(0, i);
  if (i < v.size() && v[i] == point) {
    shape.has_point = true;
    const std::size_t start = ++i;
    while (i < v.size() && is_digit(v[i])) ++i;
    shape.fraction = v.substr(start, i - start);
  }
  if (shape.int_part.empty() && shape.fraction.empty()) {
    detail = "not a number";
    return false;
  }
  if (i < v.size() && (v[i] == 'e' || v[i] == 'E')) {
    const std::size_t start = i++;
    if (i < v.size() && (v[i] == '-' || v[i] == '+')) ++i;
    const std::size_t digits = i;
    while (i < v.size() && is_digit(v[i])) ++i;
    if (i == digits) {
      detail = "an exponent needs digits";
      return false;
    }
    shape.has_exponent = true;
    shape.exponent = v.substr(start, i - start);
  }
  if (i < v.size()) {
    detail = "unexpected '";
    detail += v.substr(i, 1);
    detail += "' in a number";
    if (v[i] == group && !opt.decimal_comma && shape.has_point) {
      detail += "; if ',' is the decimal mark here, use --decimal-comma";
    }
    return false;
  }
  return true;
}

// Appends the digits of `part` without its separators.
void append_digits(std::string& to, std::string_view part) {
  for (const char c : part) {
    if (is_digit(c)) to.push_back(c);
  }
}

[[nodiscard]] value_problem check_integer(std::string_view s, const number_shape& shape,
                                          std::string& out, std::string& detail, bool& changed) {
  if (shape.has_exponent) {
    detail = "an integer field takes whole numbers without an exponent";
    return value_problem::invalid_number;
  }
  for (const char c : shape.fraction) {
    if (c != '0') {
      detail = "not a whole number";
      return value_problem::invalid_number;
    }
  }
  // Significant digits, leading zeros skipped; more than 10 cannot fit 32 bits.
  char digits[12];
  std::size_t n = 0;
  bool too_many = false;
  for (const char c : shape.int_part) {
    if (!is_digit(c) || (n == 0 && c == '0')) continue;
    if (n == 11) {
      too_many = true;
      break;
    }
    digits[n++] = c;
  }
  std::int64_t value = 0;
  if (n > 0) std::from_chars(digits, digits + n, value);
  if (shape.negative) value = -value;
  if (too_many || value > INT_MAX_32 || value < INT_MIN_32) {
    detail = shape.negative ? "below the integer minimum -2147483648"
                            : "above the integer maximum 2147483647";
    return value_problem::number_out_of_range;
  }
  char canonical[16];
  const auto r = std::to_chars(canonical, canonical + sizeof canonical, value);
  const std::string_view plain(canonical, static_cast<std::size_t>(r.ptr - canonical));
  if (plain != s) {
    out.assign(plain);
    changed = true;
  }
  return value_problem::none;
}

}  // namespace

// The common case first: a value already in plain form ("123", "-45.67") needs no shape scan
// and no rewriting. Returns true when it decided (the value is fine and kept). Values of up to
// 16 bytes: plain_fast_path_short (value_checks_internal.h), inline for the split's check.
bool plain_fast_path(field_type type, std::string_view s, bool decimal_comma) noexcept {
  if (s.empty()) return false;
#if defined(__SSE2__)
  if (s.size() <= 16) return plain_fast_path_short(type, s, decimal_comma);
#endif
  const std::size_t start = s[0] == '-' ? 1 : 0;
  std::size_t point = std::string_view::npos;
  for (std::size_t i = start; i < s.size(); ++i) {
    if (is_digit(s[i])) continue;
    if (s[i] != '.' || decimal_comma || point != std::string_view::npos) return false;
    point = i;
  }
  return plain_number_form(type, s, start, point);
}

bool plain_float_beyond_308_digits(std::string_view s) noexcept {
  double value = 0;
  const auto r = fast_float::from_chars(s.data(), s.data() + s.size(), value);
  return r.ec == std::errc() && r.ptr == s.data() + s.size() && std::isfinite(value);
}

value_problem check_number(field_type type, std::string_view s,
                           const value_check_options& options, std::string& out,
                           std::string& detail, bool& changed) noexcept {
  if (plain_fast_path(type, s, options.decimal_comma)) return value_problem::none;
  number_shape shape;
  if (!scan_number(s, type == field_type::currency, options, shape, detail)) {
    return value_problem::invalid_number;
  }
  if (type == field_type::integer) return check_integer(s, shape, out, detail, changed);

  // The plain form is the input itself when nothing needs rewriting: no '+', no currency mark,
  // no separators, a '.' mark (or none) with digits on both sides, no exponent.
  const bool already_plain = !shape.plus && !shape.currency && !shape.separators &&
                             !shape.has_exponent && !shape.int_part.empty() &&
                             (!shape.has_point || (!options.decimal_comma && !shape.fraction.empty()));
  double value = 0;
  if (!shape.separators) {
    // No separators: fast_float reads the body directly, with the run's decimal mark.
    const fast_float::parse_options po{fast_float::chars_format::general,
                                       options.decimal_comma ? ',' : '.'};
    const char* const end = shape.body.data() + shape.body.size();
    const auto r = fast_float::from_chars_advanced(shape.body.data(), end, value, po);
    if (r.ec != std::errc() || r.ptr != end) {
      detail = "not a number";
      return value_problem::invalid_number;
    }
  } else {
    // Separators: the digits are gathered into a plain "1234.5" first, then read.
    out.clear();
    append_digits(out, shape.int_part);
    if (!shape.fraction.empty()) {
      out.push_back('.');
      out.append(shape.fraction);
    }
    out.append(shape.exponent);
    const auto r = fast_float::from_chars(out.data(), out.data() + out.size(), value);
    if (r.ec != std::errc() || r.ptr != out.data() + out.size()) {
      detail = "not a number";
      return value_problem::invalid_number;
    }
  }
  if (!std::isfinite(value)) {
    detail = "beyond the range of a double (about 1.8e308)";
    return value_problem::number_out_of_range;
  }
  if (already_plain) return value_problem::none;

  changed = true;
  if (shape.has_exponent) {
    // Exponent forms are written out in full, shortest digits that read back as the value.
    char buf[400];
    const auto r = std::to_chars(buf, buf + sizeof buf, shape.negative ? -value : value,
                                 std::chars_format::fixed);
    out.assign(buf, static_cast<std::size_t>(r.ptr - buf));
    return value_problem::none;
  }
  out.clear();
  if (shape.negative) out.push_back('-');
  if (shape.int_part.empty()) {
    out.push_back('0');
  } else {
    append_digits(out, shape.int_part);
  }
  if (!shape.fraction.empty()) {
    out.push_back('.');
    out.append(shape.fraction);
  }
  return value_problem::none;
}

}  // namespace mkbulk::engine::value_checks_detail
