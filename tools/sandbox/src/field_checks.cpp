// Value rules per field type. Numbers go through std::from_chars / fast_float, dates are
// checked against the calendar, e-mail addresses against a deliberately simple shape.
#include "mkbulk/sandbox/field_checks.h"

#include <charconv>

#include <fast_float/fast_float.h>

namespace mkbulk::sandbox {
namespace {

[[nodiscard]] bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

[[nodiscard]] bool digits(std::string_view v, std::size_t at, std::size_t n, int& out) noexcept {
  if (at + n > v.size()) return false;
  int x = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (!is_digit(v[i])) return false;
    x = x * 10 + (v[i] - '0');
  }
  out = x;
  return true;
}

[[nodiscard]] bool lower_equals(std::string_view a, std::string_view lower) noexcept {
  if (a.size() != lower.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

[[nodiscard]] bool is_string_like(engine::field_type t) noexcept {
  using enum engine::field_type;
  return t == string || t == text || t == email || t == phone || t == url;
}

}  // namespace

bool is_valid_integer(std::string_view v) noexcept {
  std::int32_t x = 0;
  if (v.starts_with('+')) v.remove_prefix(1);
  if (v.empty()) return false;
  const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
  return ec == std::errc{} && ptr == v.data() + v.size();
}

bool is_valid_float(std::string_view v) noexcept {
  if (v.starts_with('+')) v.remove_prefix(1);
  if (v.empty()) return false;
  double x = 0;
  const auto r = fast_float::from_chars(v.data(), v.data() + v.size(), x);
  // fast_float accepts "inf"/"nan"; a Marketo number field does not.
  return r.ec == std::errc{} && r.ptr == v.data() + v.size() &&
         (is_digit(v.back()) || v.back() == '.') && x == x;
}

bool is_valid_boolean(std::string_view v) noexcept {
  for (const std::string_view ok : {"true", "false", "1", "0", "yes", "no"}) {
    if (lower_equals(v, ok)) return true;
  }
  return false;
}

bool is_valid_date(std::string_view v) noexcept {
  int y = 0, m = 0, d = 0;
  if (v.size() != 10 || v[4] != '-' || v[7] != '-') return false;
  if (!digits(v, 0, 4, y) || !digits(v, 5, 2, m) || !digits(v, 8, 2, d)) return false;
  if (m < 1 || m > 12 || d < 1) return false;
  static constexpr int DAYS[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  const int max_day = DAYS[m - 1] + (m == 2 && leap ? 1 : 0);
  return d <= max_day;
}

bool is_valid_datetime(std::string_view v) noexcept {
  if (v.size() < 10 || !is_valid_date(v.substr(0, 10))) return false;
  if (v.size() == 10) return true;
  if (v[10] != 'T' && v[10] != ' ') return false;
  int hh = 0, mm = 0, ss = 0;
  std::size_t p = 11;
  if (!digits(v, p, 2, hh) || p + 2 >= v.size() || v[p + 2] != ':' || !digits(v, p + 3, 2, mm)) {
    return false;
  }
  p += 5;
  if (p < v.size() && v[p] == ':') {
    if (!digits(v, p + 1, 2, ss)) return false;
    p += 3;
    if (p < v.size() && v[p] == '.') {
      ++p;
      const std::size_t start = p;
      while (p < v.size() && is_digit(v[p])) ++p;
      if (p == start) return false;
    }
  }
  if (hh > 23 || mm > 59 || ss > 60) return false;
  if (p == v.size()) return true;
  if (v[p] == 'Z') return p + 1 == v.size();
  if (v[p] != '+' && v[p] != '-') return false;
  int oh = 0, om = 0;
  const std::string_view zone = v.substr(p + 1);
  if (zone.size() == 5 && zone[2] == ':') {
    return digits(zone, 0, 2, oh) && digits(zone, 3, 2, om) && oh <= 14 && om <= 59;
  }
  if (zone.size() == 4) return digits(zone, 0, 2, oh) && digits(zone, 2, 2, om) && oh <= 14 && om <= 59;
  return false;
}

bool is_valid_email(std::string_view v) noexcept {
  const auto at = v.find('@');
  if (at == 0 || at == std::string_view::npos || v.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  const std::string_view domain = v.substr(at + 1);
  const auto dot = domain.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 3 > domain.size() ||  // TLD >= 2
      domain.find("..") != std::string_view::npos) {
    return false;
  }
  for (const char c : v) {
    if (c == ' ' || c == '\t' || c == ',' || c == ';' || c == '<' || c == '>' || c == '"' ||
        static_cast<unsigned char>(c) < 0x20) {
      return false;
    }
  }
  return true;
}

value_check check_value(engine::field_type type, std::uint32_t max_length,
                        std::string_view value) noexcept {
  using enum engine::field_type;
  value_check r;
  switch (type) {
    case integer: r.type_ok = is_valid_integer(value); break;
    case float_number:
    case currency: r.type_ok = is_valid_float(value); break;
    case boolean: r.type_ok = is_valid_boolean(value); break;
    case date: r.type_ok = is_valid_date(value); break;
    case datetime: r.type_ok = is_valid_datetime(value); break;
    case email: r.email_ok = is_valid_email(value); break;
    default: break;
  }
  if (is_string_like(type) && max_length > 0 && value.size() > max_length) {
    // Count code points: every byte that is not a UTF-8 continuation byte starts one.
    std::size_t chars = 0;
    for (std::size_t i = 0; i < value.size(); ++i) {
      if ((static_cast<unsigned char>(value[i]) & 0xC0) != 0x80) {
        if (chars == max_length) {
          r.too_long = true;
          r.keep_bytes = i;
          break;
        }
        ++chars;
      }
    }
  }
  return r;
}

}  // namespace mkbulk::sandbox
