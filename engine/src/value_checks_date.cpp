// Dates for check_value: the forms CRM exports use (ISO 8601, "YYYY-MM-DD HH:MM:SS",
// MM/DD/YYYY, DD/MM/YYYY, DD.MM.YYYY, YYYY/MM/DD, with an optional time, AM/PM and zone),
// validated as calendar dates and written as ISO 8601 ("2024-04-25", "2024-04-25T13:45:00Z").
#include <array>
#include <charconv>

#include "value_checks_internal.h"

namespace mkbulk::engine::value_checks_detail {
namespace {

constexpr std::string_view KNOWN_FORMS =
    "not a date in a known form (YYYY-MM-DD, YYYY-MM-DD HH:MM:SS, ISO 8601, MM/DD/YYYY, "
    "DD/MM/YYYY, DD.MM.YYYY, YYYY/MM/DD)";

constexpr std::array<std::string_view, 12> MONTHS = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December",
};

// Writes v with exactly `width` digits (leading zeros); returns the end.
[[nodiscard]] char* put_digits(char* p, int v, int width) noexcept {
  for (int k = width - 1; k >= 0; --k) {
    p[k] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  return p + width;
}

[[nodiscard]] bool is_leap(int y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

[[nodiscard]] int days_in_month(int y, int m) noexcept {
  constexpr int DAYS[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : DAYS[m - 1];
}

// A cursor over the value.
struct cursor {
  std::string_view s;
  std::size_t i = 0;

  [[nodiscard]] bool done() const noexcept { return i >= s.size(); }
  [[nodiscard]] char peek() const noexcept { return done() ? '\0' : s[i]; }
  [[nodiscard]] bool eat(char c) noexcept {
    if (peek() != c) return false;
    ++i;
    return true;
  }
  // Reads 1..max digits; returns how many (0: none) and their value.
  [[nodiscard]] std::size_t digits(std::size_t max, int& value) noexcept {
    value = 0;
    std::size_t n = 0;
    while (n < max && !done() && is_digit(s[i])) {
      value = value * 10 + (s[i] - '0');
      ++i;
      ++n;
    }
    return n;
  }
  [[nodiscard]] bool eat_word(std::string_view w) noexcept {  // ASCII, case-insensitive
    if (s.size() - i < w.size()) return false;
    for (std::size_t k = 0; k < w.size(); ++k) {
      char c = s[i + k];
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      if (c != w[k]) return false;
    }
    i += w.size();
    return true;
  }
  void skip_spaces() noexcept {
    while (peek() == ' ') ++i;
  }
};

struct parsed_time {
  int hour = 0, minute = 0, second = 0;
  std::string_view fraction;  // digits after the seconds' '.'
  bool zone = false;
  bool utc = false;
  char zone_sign = '+';
  int zone_hour = 0, zone_minute = 0;
};

// Time after the date: H[H]:MM[:SS[.f]] [AM|PM] [Z|UTC|GMT|±HH[:MM]]. Returns false with
// detail on anything else.
[[nodiscard]] bool parse_time(cursor& c, parsed_time& t, std::string& detail) {
  const bool ok_hm = c.digits(2, t.hour) > 0 && c.eat(':') && c.digits(2, t.minute) == 2;
  if (!ok_hm) {
    detail = KNOWN_FORMS;
    return false;
  }
  if (c.eat(':')) {
    if (c.digits(2, t.second) != 2) {
      detail = KNOWN_FORMS;
      return false;
    }
    if (c.peek() == '.' || c.peek() == ',') {
      const std::size_t start = ++c.i;
      int ignored = 0;
      if (c.digits(9, ignored) == 0) {
        detail = "fractional seconds need digits";
        return false;
      }
      t.fraction = c.s.substr(start, c.i - start);
    }
  }
  c.skip_spaces();
  bool pm = false;
  bool meridiem = false;
  if (c.eat_word("AM") || c.eat_word("A.M.")) {
    meridiem = true;
  } else if (c.eat_word("PM") || c.eat_word("P.M.")) {
    meridiem = pm = true;
  }
  if (meridiem) {
    if (t.hour < 1 || t.hour > 12) {
      detail = "hour " + std::to_string(t.hour) + " does not exist on a 12-hour clock";
      return false;
    }
    t.hour = (t.hour % 12) + (pm ? 12 : 0);
  }
  c.skip_spaces();
  if (c.eat('Z') || c.eat_word("UTC") || c.eat_word("GMT")) {
    t.zone = t.utc = true;
  } else if (c.peek() == '+' || c.peek() == '-') {
    t.zone_sign = c.s[c.i++];
    t.zone = true;
    if (c.digits(2, t.zone_hour) != 2) {
      detail = "a time zone offset is +HH:MM, +HHMM or +HH";
      return false;
    }
    const bool colon = c.eat(':');
    if ((colon || !c.done()) && c.digits(2, t.zone_minute) != 2) {
      detail = "a time zone offset is +HH:MM, +HHMM or +HH";
      return false;
    }
    if (t.zone_hour > 14 || t.zone_minute > 59) {
      detail = "time zone offset out of range (at most ±14:00)";
      return false;
    }
  }
  if (!c.done()) {
    detail = KNOWN_FORMS;
    return false;
  }
  if (t.hour > 23 || t.minute > 59 || t.second > 59) {
    detail = "not a time of day (hours 0-23, minutes and seconds 0-59)";
    return false;
  }
  return true;
}

// Which of a/b (the first two numbers of a day/month/year date) is the month.
[[nodiscard]] value_problem pick_order(int a, int b, char sep, const value_check_options& opt,
                                       int& month, int& day, std::string& detail) {
  bool month_first = false;
  if (sep == '.') {
    month_first = false;  // DD.MM.YYYY: the dot form is day-first everywhere it is used
  } else if (opt.order == date_order::mdy) {
    month_first = true;
  } else if (opt.order == date_order::dmy) {
    month_first = false;
  } else if (a > 12 && b <= 12) {
    month_first = false;
  } else if (b > 12 && a <= 12) {
    month_first = true;
  } else if (a == b || a > 12) {
    month_first = true;  // the same either way, or neither can be a month (reported below)
  } else {
    detail = "day and month order is ambiguous (" + std::to_string(a) + " and " +
             std::to_string(b) + " can both be a month); use --date-order mdy or dmy";
    return value_problem::ambiguous_date;
  }
  month = month_first ? a : b;
  day = month_first ? b : a;
  if (month > 12 || month < 1) {
    detail = "month " + std::to_string(month) + " does not exist";
    if (opt.order != date_order::unset && sep != '.') {
      detail += opt.order == date_order::mdy ? " (read as month/day/year: --date-order mdy)"
                                             : " (read as day/month/year: --date-order dmy)";
    }
    return value_problem::invalid_date;
  }
  return value_problem::none;
}

}  // namespace

value_problem check_date(field_type type, std::string_view s, const value_check_options& options,
                         std::string& out, std::string& detail, bool& changed) noexcept {
  cursor c{s};
  int year = 0, month = 0, day = 0;
  int first = 0;
  const std::size_t first_len = c.digits(4, first);
  const char sep = c.peek();
  if (first_len == 0 || (sep != '-' && sep != '/' && sep != '.')) {
    detail = KNOWN_FORMS;
    return value_problem::invalid_date;
  }
  ++c.i;
  if (first_len == 4) {  // YYYY-MM-DD, YYYY/MM/DD
    year = first;
    if (c.digits(2, month) == 0 || !c.eat(sep) || c.digits(2, day) == 0) {
      detail = KNOWN_FORMS;
      return value_problem::invalid_date;
    }
  } else if (first_len <= 2) {  // MM/DD/YYYY, DD/MM/YYYY, DD.MM.YYYY
    int second = 0;
    if (c.digits(2, second) == 0 || !c.eat(sep)) {
      detail = KNOWN_FORMS;
      return value_problem::invalid_date;
    }
    const std::size_t year_len = c.digits(4, year);
    if (year_len != 4) {
      detail = year_len == 2 ? "a two-digit year leaves the century unknown; write YYYY"
                             : std::string(KNOWN_FORMS);
      return value_problem::invalid_date;
    }
    const value_problem p = pick_order(first, second, sep, options, month, day, detail);
    if (p != value_problem::none) return p;
  } else {
    detail = KNOWN_FORMS;
    return value_problem::invalid_date;
  }
  if (year < 1 || month < 1 || month > 12) {
    detail = year < 1 ? "year 0 does not exist" : "month " + std::to_string(month) + " does not exist";
    return value_problem::invalid_date;
  }
  if (day < 1 || day > days_in_month(year, month)) {
    detail = "day " + std::to_string(day) + " does not exist in " +
             std::string(MONTHS[static_cast<std::size_t>(month - 1)]) + " " +
             std::to_string(year);
    return value_problem::invalid_date;
  }

  parsed_time t;
  bool has_time = false;
  if (!c.done()) {
    // 'T' (ISO 8601) or spaces, then a time.
    if (!c.eat('T')) {
      if (c.peek() != ' ') {
        detail = KNOWN_FORMS;
        return value_problem::invalid_date;
      }
      c.skip_spaces();
    }
    if (!parse_time(c, t, detail)) return value_problem::invalid_date;
    has_time = true;
  }

  // The ISO 8601 form. A date field keeps the calendar date as written and drops any time.
  // Written by hand: snprintf cost more than the whole parse.
  char buf[48];
  char* p = buf;
  p = put_digits(p, year, 4);
  *p++ = '-';
  p = put_digits(p, month, 2);
  *p++ = '-';
  p = put_digits(p, day, 2);
  if (has_time && type == field_type::datetime) {
    *p++ = 'T';
    p = put_digits(p, t.hour, 2);
    *p++ = ':';
    p = put_digits(p, t.minute, 2);
    *p++ = ':';
    p = put_digits(p, t.second, 2);
    if (!t.fraction.empty()) {  // at most 9 digits
      *p++ = '.';
      for (const char f : t.fraction) *p++ = f;
    }
    if (t.utc) {
      *p++ = 'Z';
    } else if (t.zone) {
      *p++ = t.zone_sign;
      p = put_digits(p, t.zone_hour, 2);
      *p++ = ':';
      p = put_digits(p, t.zone_minute, 2);
    }
  }
  const auto n = p - buf;
  const std::string_view iso(buf, static_cast<std::size_t>(n));
  if (iso != s) {
    out.assign(iso);
    changed = true;
  }
  return value_problem::none;
}

}  // namespace mkbulk::engine::value_checks_detail
