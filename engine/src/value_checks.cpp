// check_value: the per-type dispatch, string lengths in code points, booleans and e-mails, and
// the Marketo wording of each problem. Numbers live in value_checks_number.cpp, dates in
// value_checks_date.cpp.
#include "mkbulk/engine/value_checks.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

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

// Under AddressSanitizer (GCC's macro, clang's feature test) no read goes past a value.
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

#if defined(__SSE2__)
namespace {

// Bit i set where byte i of the 64 at p lies in [lo, hi] (ASCII bounds: signed compares, so
// bytes >= 0x80 are never in range).
inline std::uint64_t in_range(const __m128i (&v)[4], char lo, char hi) noexcept {
  const __m128i l = _mm_set1_epi8(static_cast<char>(lo - 1));
  const __m128i h = _mm_set1_epi8(static_cast<char>(hi + 1));
  std::uint64_t m = 0;
  for (unsigned k = 0; k < 4; ++k) {
    const __m128i r = _mm_and_si128(_mm_cmpgt_epi8(v[k], l), _mm_cmplt_epi8(v[k], h));
    m |= std::uint64_t{static_cast<std::uint32_t>(_mm_movemask_epi8(r)) & 0xFFFFu} << (16 * k);
  }
  return m;
}

inline std::uint64_t equal_to(const __m128i (&v)[4], char c) noexcept { return in_range(v, c, c); }

}  // namespace
#endif

namespace value_checks_detail {

// The common address checked on bit masks of its bytes, all at once (value_checks_internal.h).
bool plain_email_masks(std::string_view s) noexcept {
#if defined(__SSE2__)
  const std::size_t n = s.size();
  if (n == 0 || n > 64) return false;
  __m128i v[4];
  alignas(16) char buf[64];
#if !MKBULK_ADDRESS_SANITIZER
  // 64 bytes from s.data() stay in its page: read them in place (bytes past the value are
  // masked off below). Otherwise, and under AddressSanitizer, from a copy.
  if ((reinterpret_cast<std::uintptr_t>(s.data()) & 4095U) <= 4096U - 64U) {
    for (unsigned k = 0; k < 4; ++k) {
      v[k] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + 16 * k));
    }
  } else
#endif
  {
    std::memset(buf, 0, sizeof buf);
    std::memcpy(buf, s.data(), n);
    for (unsigned k = 0; k < 4; ++k) {
      v[k] = _mm_load_si128(reinterpret_cast<const __m128i*>(buf + 16 * k));
    }
  }
  const std::uint64_t all = n == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1;
  // Every mask keeps only the value's own bytes (`all`).
  const std::uint64_t digit = in_range(v, '0', '9') & all;
  const std::uint64_t alpha = (in_range(v, 'a', 'z') | in_range(v, 'A', 'Z')) & all;
  const std::uint64_t dot = equal_to(v, '.') & all;
  const std::uint64_t dash = equal_to(v, '-') & all;
  const std::uint64_t at = equal_to(v, '@') & all;
  const std::uint64_t local_only = (equal_to(v, '_') | equal_to(v, '+')) & all;
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

bool value_kept_as_is(const lead_field& field, std::string_view in,
                      const value_check_options& options) noexcept {
  if (in.empty()) return true;
  switch (field.type) {
    case field_type::string:
    case field_type::text:
    case field_type::phone:
    case field_type::url:
      return field.length == 0 || in.size() <= field.length;
    case field_type::email:
      return (field.length == 0 || in.size() <= field.length) &&
             value_checks_detail::plain_email_masks(in);
    case field_type::boolean:
      return in == "true" || in == "false";
    case field_type::integer:
    case field_type::float_number:
    case field_type::currency:
      return value_checks_detail::plain_fast_path(field.type, in, options.decimal_comma);
    case field_type::date:
    case field_type::datetime:
      return false;
  }
  return false;
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
