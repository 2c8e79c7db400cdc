// Pre-flight typed checks: every type with good, bad and borderline values, the verdicts and
// the normalised forms, and the messages people read in rejects.csv.
#include "mkbulk/engine/value_checks.h"

#include "../../engine/src/value_checks_internal.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <iterator>
#include <random>
#include <string>
#include <vector>

namespace mkbulk::engine {
namespace {

constexpr lead_field INT_FIELD{"numberOfEmployees", "Num Employees", field_type::integer, 0, false};
constexpr lead_field FLOAT_FIELD{"score2", "Score Two", field_type::float_number, 0, false};
constexpr lead_field CURRENCY_FIELD{"annualRevenue", "Annual Revenue", field_type::currency, 0,
                                    false};
constexpr lead_field BOOL_FIELD{"unsubscribed", "Unsubscribed", field_type::boolean, 0, false};
constexpr lead_field DATE_FIELD{"dateOfBirth", "Date of Birth", field_type::date, 0, false};
constexpr lead_field DATETIME_FIELD{"acquisitionDate", "Acquisition Date", field_type::datetime,
                                    0, false};
constexpr lead_field EMAIL_FIELD{"email", "Email Address", field_type::email, 255, false};
constexpr lead_field NAME_FIELD{"firstName", "First Name", field_type::string, 5, false};
constexpr lead_field TEXT_FIELD{"comments", "Comments", field_type::text, 0, false};

// One check, its outcome gathered for assertions.
struct outcome {
  value_verdict verdict;
  std::string written;  // what the pipeline writes (empty for reject)
  value_problem problem;
  std::string message;
};

outcome check(const lead_field& f, std::string_view in, value_check_options o = {},
              field_role role = field_role::value) {
  std::string out = "stale";
  value_issue issue;
  issue.problem = value_problem::invalid_date;  // must be reset by the check
  const value_verdict v = check_value(f, in, o, out, issue, role);
  return {v, std::string(value_to_write(v, in, out)), issue.problem, issue.message};
}

value_check_options comma() {
  value_check_options o;
  o.decimal_comma = true;
  return o;
}

value_check_options order(date_order d) {
  value_check_options o;
  o.order = d;
  return o;
}

// ---- integers ----

TEST(value_checks, integer_range_is_32_bit) {
  EXPECT_EQ(check(INT_FIELD, "2147483647").verdict, value_verdict::keep);
  EXPECT_EQ(check(INT_FIELD, "-2147483648").verdict, value_verdict::keep);
  const outcome over = check(INT_FIELD, "2147483648");
  EXPECT_EQ(over.verdict, value_verdict::reject);
  EXPECT_EQ(over.problem, value_problem::number_out_of_range);
  EXPECT_EQ(over.message,
            "Invalid data type in field Num Employees: above the integer maximum 2147483647 "
            "(value \"2147483648\")");
  EXPECT_EQ(check(INT_FIELD, "-2147483649").problem, value_problem::number_out_of_range);
  EXPECT_EQ(check(INT_FIELD, "99999999999999999999999").problem,
            value_problem::number_out_of_range);
  EXPECT_EQ(check(INT_FIELD, "0").verdict, value_verdict::keep);
}

// Strings joined without operator+ on literals (GCC 12 warns falsely there, -Wrestrict).
std::string cat(std::initializer_list<std::string_view> parts) {
  std::string s;
  for (const std::string_view p : parts) s.append(p);
  return s;
}

// The plain-form fast path (no parse for up to nine digits, a text comparison for ten) and the
// values next to its edges that must leave it: a leading zero, "-0", '+', eleven digits.
TEST(value_checks, integer_fast_path_borders) {
  for (const char* keep : {"0", "7", "-7", "999999999", "-999999999", "1000000000",
                           "-1000000000", "2147483647", "-2147483647", "-2147483648",
                           "1999999999", "2147483639"}) {
    EXPECT_EQ(check(INT_FIELD, keep).verdict, value_verdict::keep) << keep;
  }
  for (const char* over : {"2147483648", "2147483650", "2200000000", "9999999999",
                           "-2147483649", "-2147483650", "-9999999999", "10000000000",
                           "-10000000000"}) {
    EXPECT_EQ(check(INT_FIELD, over).problem, value_problem::number_out_of_range) << over;
  }
  const std::pair<const char*, const char*> rewritten[] = {
      {"-0", "0"},   {"00", "0"},   {"007", "7"},  {"+5", "5"},
      {"02147483647", "2147483647"}, {"-02147483648", "-2147483648"}, {"5.0", "5"}};
  for (const auto& [in, want] : rewritten) {
    const outcome o = check(INT_FIELD, in);
    EXPECT_EQ(o.verdict, value_verdict::rewritten) << in;
    EXPECT_EQ(o.written, want) << in;
  }
  EXPECT_EQ(check(INT_FIELD, "021474836470").problem, value_problem::number_out_of_range);
}

// Plain decimals with at most 308 integer digits are kept without a parse; longer ones go
// through fast_float, which finds the infinite ones.
TEST(value_checks, plain_decimal_fast_path_borders) {
  const std::string d308(308, '9');
  for (const std::string& keep : {std::string("0"), std::string("-0.25"), std::string("12.5"),
                                  d308, cat({d308, ".99"}), cat({"-", d308}), cat({"1", std::string(308, '0')})}) {
    EXPECT_EQ(check(FLOAT_FIELD, keep).verdict, value_verdict::keep) << keep;
    EXPECT_EQ(check(CURRENCY_FIELD, keep).verdict, value_verdict::keep) << keep;
  }
  for (const std::string& inf : {cat({"2", std::string(308, '0')}), std::string(309, '9'),
                                 cat({"-", std::string(310, '9'), ".5"})}) {
    EXPECT_EQ(check(FLOAT_FIELD, inf).problem, value_problem::number_out_of_range) << inf;
  }
  EXPECT_EQ(check(FLOAT_FIELD, ".5").written, "0.5");
  EXPECT_EQ(check(FLOAT_FIELD, "12.").written, "12");
  EXPECT_EQ(check(FLOAT_FIELD, "1.5", comma()).problem, value_problem::invalid_number);
}

TEST(value_checks, integer_normalises_blanks_signs_separators_and_zero_fractions) {
  EXPECT_EQ(check(INT_FIELD, " 12 ").written, "12");
  EXPECT_EQ(check(INT_FIELD, " 12 ").verdict, value_verdict::rewritten);
  EXPECT_EQ(check(INT_FIELD, "+12").written, "12");
  EXPECT_EQ(check(INT_FIELD, "007").written, "7");
  EXPECT_EQ(check(INT_FIELD, "-0").written, "0");
  EXPECT_EQ(check(INT_FIELD, "1,234,567").written, "1234567");
  EXPECT_EQ(check(INT_FIELD, "1.234.567", comma()).written, "1234567");
  EXPECT_EQ(check(INT_FIELD, "1 234").written, "1234");
  EXPECT_EQ(check(INT_FIELD, "12.00").written, "12");
  EXPECT_EQ(check(INT_FIELD, "2,147,483,647").written, "2147483647");
}

TEST(value_checks, integer_rejects_what_is_not_a_whole_number) {
  EXPECT_EQ(check(INT_FIELD, "12.5").problem, value_problem::invalid_number);
  EXPECT_EQ(check(INT_FIELD, "1e3").problem, value_problem::invalid_number);
  EXPECT_EQ(check(INT_FIELD, "twelve").problem, value_problem::invalid_number);
  EXPECT_EQ(check(INT_FIELD, "12abc").problem, value_problem::invalid_number);
  EXPECT_EQ(check(INT_FIELD, "--1").problem, value_problem::invalid_number);
  EXPECT_EQ(check(INT_FIELD, "0x1F").problem, value_problem::invalid_number);
  EXPECT_EQ(check(INT_FIELD, "1,23").problem, value_problem::invalid_number);
  // A first group of more than 3 digits is not thousands grouping (found by the benchmark's
  // answer check).
  const outcome long_group = check(INT_FIELD, "1000,468");
  EXPECT_EQ(long_group.problem, value_problem::invalid_number);
  EXPECT_NE(long_group.message.find("groups of 3 digits"), std::string::npos) << long_group.message;
  EXPECT_EQ(check(INT_FIELD, "1,234,56").problem, value_problem::invalid_number);
  EXPECT_EQ(check(INT_FIELD, "$12").problem, value_problem::invalid_number);  // not currency
}

// ---- floats and currency ----

TEST(value_checks, float_keeps_plain_values_and_rewrites_the_rest) {
  EXPECT_EQ(check(FLOAT_FIELD, "1234.5").verdict, value_verdict::keep);
  EXPECT_EQ(check(FLOAT_FIELD, "-0.25").verdict, value_verdict::keep);
  EXPECT_EQ(check(FLOAT_FIELD, "1,234.5").written, "1234.5");
  EXPECT_EQ(check(FLOAT_FIELD, "+3.5").written, "3.5");
  EXPECT_EQ(check(FLOAT_FIELD, ".5").written, "0.5");
  EXPECT_EQ(check(FLOAT_FIELD, "5.").written, "5");
  EXPECT_EQ(check(FLOAT_FIELD, "1.5e3").written, "1500");
  EXPECT_EQ(check(FLOAT_FIELD, "-2E-3").written, "-0.002");
  EXPECT_EQ(check(FLOAT_FIELD, "1\xC2\xA0" "234.5").written, "1234.5");  // no-break space
  EXPECT_EQ(check(FLOAT_FIELD, "1'234'567.25").written, "1234567.25");
}

TEST(value_checks, decimal_comma) {
  EXPECT_EQ(check(FLOAT_FIELD, "1.234,56", comma()).written, "1234.56");
  EXPECT_EQ(check(FLOAT_FIELD, "12,5", comma()).written, "12.5");
  EXPECT_EQ(check(FLOAT_FIELD, "-0,75", comma()).written, "-0.75");
  EXPECT_EQ(check(FLOAT_FIELD, "1 234,5", comma()).written, "1234.5");
  EXPECT_EQ(check(FLOAT_FIELD, "42", comma()).verdict, value_verdict::keep);
  // With a decimal comma, a lone '.' with one digit after it is not a thousands group.
  const outcome bad = check(FLOAT_FIELD, "12.5", comma());
  EXPECT_EQ(bad.problem, value_problem::invalid_number);
  EXPECT_NE(bad.message.find("'.' separates thousands"), std::string::npos) << bad.message;
}

TEST(value_checks, comma_without_decimal_comma_suggests_the_option) {
  const outcome bad = check(FLOAT_FIELD, "12,5");
  EXPECT_EQ(bad.verdict, value_verdict::reject);
  EXPECT_EQ(bad.problem, value_problem::invalid_number);
  EXPECT_NE(bad.message.find("--decimal-comma"), std::string::npos) << bad.message;
  EXPECT_EQ(check(FLOAT_FIELD, "1.234,56").problem, value_problem::invalid_number);
  // Mixed separators are not one number.
  EXPECT_EQ(check(FLOAT_FIELD, "1,234 567").problem, value_problem::invalid_number);
}

TEST(value_checks, float_out_of_range_and_not_numbers) {
  const outcome huge = check(FLOAT_FIELD, "1e400");
  EXPECT_EQ(huge.problem, value_problem::number_out_of_range);
  EXPECT_EQ(check(FLOAT_FIELD, "-1e400").problem, value_problem::number_out_of_range);
  EXPECT_EQ(check(FLOAT_FIELD, "1e-400").written, "0");  // underflow reads as zero, like Java
  for (const char* bad : {"inf", "nan", "Infinity", "-", ".", "e5", "1e", "1.2.3", "12 %"}) {
    EXPECT_EQ(check(FLOAT_FIELD, bad).problem, value_problem::invalid_number) << bad;
  }
  EXPECT_EQ(check(FLOAT_FIELD, "1.7976931348623157e308").verdict, value_verdict::rewritten);
}

TEST(value_checks, currency_marks) {
  EXPECT_EQ(check(CURRENCY_FIELD, "$1,234.50").written, "1234.50");
  EXPECT_EQ(check(CURRENCY_FIELD, "-$12").written, "-12");
  EXPECT_EQ(check(CURRENCY_FIELD, "$-12").written, "-12");
  EXPECT_EQ(check(CURRENCY_FIELD, "1.234,50 \xE2\x82\xAC", comma()).written, "1234.50");
  EXPECT_EQ(check(CURRENCY_FIELD, "EUR 99", comma()).written, "99");
  EXPECT_EQ(check(CURRENCY_FIELD, "99 USD").written, "99");
  EXPECT_EQ(check(CURRENCY_FIELD, "\xC2\xA3" "5").written, "5");
  EXPECT_EQ(check(CURRENCY_FIELD, "1000000").verdict, value_verdict::keep);
  EXPECT_EQ(check(CURRENCY_FIELD, "$").problem, value_problem::invalid_number);
  EXPECT_EQ(check(CURRENCY_FIELD, "$$5").problem, value_problem::invalid_number);
  EXPECT_EQ(check(CURRENCY_FIELD, "abc 5").problem, value_problem::invalid_number);
}

// ---- booleans ----

TEST(value_checks, boolean_spellings) {
  for (const char* t : {"true", "TRUE", "True", "yes", "YES", "y", "Y", "1", " yes "}) {
    const outcome o = check(BOOL_FIELD, t);
    EXPECT_EQ(o.written, "true") << t;
    EXPECT_EQ(o.verdict, std::string_view(t) == "true" ? value_verdict::keep
                                                       : value_verdict::rewritten)
        << t;
  }
  for (const char* f : {"false", "FALSE", "no", "No", "n", "N", "0"}) {
    EXPECT_EQ(check(BOOL_FIELD, f).written, "false") << f;
  }
  for (const char* bad : {"ja", "t", "2", "yess", "on", "-1", "true false"}) {
    const outcome o = check(BOOL_FIELD, bad);
    EXPECT_EQ(o.problem, value_problem::invalid_boolean) << bad;
    EXPECT_EQ(o.message.rfind("Invalid data type in field Unsubscribed: ", 0), 0U) << o.message;
  }
}

// ---- dates ----

TEST(value_checks, date_forms_become_iso) {
  EXPECT_EQ(check(DATE_FIELD, "2024-04-25").verdict, value_verdict::keep);
  EXPECT_EQ(check(DATE_FIELD, "2024/04/25").written, "2024-04-25");
  EXPECT_EQ(check(DATE_FIELD, "25.04.2024").written, "2024-04-25");
  EXPECT_EQ(check(DATE_FIELD, "5.4.2024").written, "2024-04-05");
  EXPECT_EQ(check(DATE_FIELD, "25/04/2024").written, "2024-04-25");  // unambiguous: dmy
  EXPECT_EQ(check(DATE_FIELD, "04/25/2024").written, "2024-04-25");  // unambiguous: mdy
  EXPECT_EQ(check(DATE_FIELD, "03/03/2024").written, "2024-03-03");  // the same either way
  EXPECT_EQ(check(DATE_FIELD, "2024-04-25 00:00:00").written, "2024-04-25");
}

TEST(value_checks, leap_days) {
  EXPECT_EQ(check(DATE_FIELD, "2024-02-29").verdict, value_verdict::keep);
  const outcome bad = check(DATE_FIELD, "2023-02-29");
  EXPECT_EQ(bad.problem, value_problem::invalid_date);
  EXPECT_NE(bad.message.find("day 29 does not exist in February 2023"), std::string::npos)
      << bad.message;
  EXPECT_EQ(check(DATE_FIELD, "2000-02-29").verdict, value_verdict::keep);  // 400-year rule
  EXPECT_EQ(check(DATE_FIELD, "1900-02-29").problem, value_problem::invalid_date);
  EXPECT_EQ(check(DATE_FIELD, "2024-04-31").problem, value_problem::invalid_date);
  EXPECT_EQ(check(DATE_FIELD, "2024-13-01").problem, value_problem::invalid_date);
  EXPECT_EQ(check(DATE_FIELD, "2024-00-10").problem, value_problem::invalid_date);
  EXPECT_EQ(check(DATE_FIELD, "0000-01-01").problem, value_problem::invalid_date);
}

TEST(value_checks, date_order) {
  const outcome ambiguous = check(DATE_FIELD, "03/04/2024");
  EXPECT_EQ(ambiguous.verdict, value_verdict::reject);
  EXPECT_EQ(ambiguous.problem, value_problem::ambiguous_date);
  EXPECT_NE(ambiguous.message.find("--date-order"), std::string::npos) << ambiguous.message;
  EXPECT_EQ(check(DATE_FIELD, "03/04/2024", order(date_order::mdy)).written, "2024-03-04");
  EXPECT_EQ(check(DATE_FIELD, "03/04/2024", order(date_order::dmy)).written, "2024-04-03");
  const outcome month13 = check(DATE_FIELD, "13/01/2024", order(date_order::mdy));
  EXPECT_EQ(month13.problem, value_problem::invalid_date);
  EXPECT_NE(month13.message.find("month 13 does not exist"), std::string::npos)
      << month13.message;
  EXPECT_EQ(check(DATE_FIELD, "13/01/2024", order(date_order::dmy)).written, "2024-01-13");
  EXPECT_EQ(check(DATE_FIELD, "13/13/2024").problem, value_problem::invalid_date);
  // The dot form is day-first whatever the order says.
  EXPECT_EQ(check(DATE_FIELD, "03.04.2024", order(date_order::mdy)).written, "2024-04-03");
}

TEST(value_checks, bad_dates) {
  for (const char* bad : {"25/04/24", "2024-4", "April 25, 2024", "2024-04-25x", "20240425",
                          "2024-04-25T", "2024-04-25 25:00", "2024-04-25 12:60",
                          "2024--04-25", "yesterday"}) {
    EXPECT_EQ(check(DATE_FIELD, bad).problem, value_problem::invalid_date) << bad;
  }
  EXPECT_NE(check(DATE_FIELD, "25/04/24").message.find("two-digit year"), std::string::npos);
}

TEST(value_checks, datetimes_keep_their_zone) {
  EXPECT_EQ(check(DATETIME_FIELD, "2024-04-25T13:45:00").verdict, value_verdict::keep);
  EXPECT_EQ(check(DATETIME_FIELD, "2024-04-25T13:45:00Z").verdict, value_verdict::keep);
  EXPECT_EQ(check(DATETIME_FIELD, "2024-04-25T13:45:00+02:00").verdict, value_verdict::keep);
  EXPECT_EQ(check(DATETIME_FIELD, "2024-04-25 13:45:00").written, "2024-04-25T13:45:00");
  EXPECT_EQ(check(DATETIME_FIELD, "2024-04-25 13:45").written, "2024-04-25T13:45:00");
  EXPECT_EQ(check(DATETIME_FIELD, "2024-04-25T13:45:00+0200").written,
            "2024-04-25T13:45:00+02:00");
  EXPECT_EQ(check(DATETIME_FIELD, "2024-04-25T13:45:00-05").written,
            "2024-04-25T13:45:00-05:00");
  EXPECT_EQ(check(DATETIME_FIELD, "2024-04-25 13:45:00 UTC").written, "2024-04-25T13:45:00Z");
  EXPECT_EQ(check(DATETIME_FIELD, "2024-04-25T13:45:00.123Z").verdict, value_verdict::keep);
  EXPECT_EQ(check(DATETIME_FIELD, "04/25/2024 1:45 PM").written, "2024-04-25T13:45:00");
  EXPECT_EQ(check(DATETIME_FIELD, "04/25/2024 12:05 am").written, "2024-04-25T00:05:00");
  EXPECT_EQ(check(DATETIME_FIELD, "25.04.2024 13:45:30").written, "2024-04-25T13:45:30");
  EXPECT_EQ(check(DATETIME_FIELD, "2024-04-25").verdict, value_verdict::keep);
  EXPECT_EQ(check(DATETIME_FIELD, "2024-04-25T13:45:00+15:00").problem,
            value_problem::invalid_date);
  EXPECT_EQ(check(DATETIME_FIELD, "04/25/2024 13:45 PM").problem, value_problem::invalid_date);
  EXPECT_EQ(check(DATETIME_FIELD, "2024-02-30T10:00:00").problem, value_problem::invalid_date);
}

// ---- e-mail ----

TEST(value_checks, email_syntax) {
  for (const char* good : {"a@example.com", "first.last+tag@sub.example.co.uk", "x_y@ex-ample.io",
                           "O'Brien@example.ie", "user@b\xC3\xBC" "cher.de"}) {
    EXPECT_TRUE(is_plausible_email(good)) << good;
  }
  for (const char* bad : {"a@example", "a.example.com", "a@@example.com", "a@b@example.com",
                          "a b@example.com", "a@exa mple.com", ".a@example.com", "a.@example.com",
                          "a..b@example.com", "a@-example.com", "a@example-.com", "a@example..com",
                          "a@example.c", "a@1.2.3.4", "@example.com", "a@", "a@.com",
                          "\"a\"@example.com", "a@example.com."}) {
    EXPECT_FALSE(is_plausible_email(bad)) << bad;
  }
}

// The e-mail check as it was first written (split at '@', then at each '.'): the one-pass
// check must answer the same for every string.
bool reference_email(std::string_view s) {
  const auto alnum = [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  };
  const auto local_char = [&](char c) {
    return alnum(c) || std::string_view("!#$%&'*+-/=?^_`{|}~.").find(c) != std::string_view::npos;
  };
  if (s.size() > 254) return false;
  const std::size_t at = s.find('@');
  if (at == std::string_view::npos || s.find('@', at + 1) != std::string_view::npos) return false;
  const std::string_view local = s.substr(0, at);
  if (local.empty() || local.size() > 64 || local.front() == '.' || local.back() == '.' ||
      local.find("..") != std::string_view::npos) {
    return false;
  }
  for (const char c : local) {
    if (!local_char(c)) return false;
  }
  std::string_view d = s.substr(at + 1);
  if (d.empty() || d.size() > 253) return false;
  std::size_t labels = 0;
  std::string_view last;
  while (true) {
    const std::size_t dot = d.find('.');
    const std::string_view label = d.substr(0, dot);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (const char c : label) {
      if (!alnum(c) && c != '-' && static_cast<unsigned char>(c) < 0x80) return false;
    }
    ++labels;
    last = label;
    if (dot == std::string_view::npos) break;
    d.remove_prefix(dot + 1);
  }
  if (labels < 2 || last.size() < 2) return false;
  for (const char c : last) {
    if (c < '0' || c > '9') return true;
  }
  return false;
}

TEST(value_checks, one_pass_email_check_answers_as_the_split_one) {
  std::mt19937 rng(5);
  // Short strings over the characters that matter, and long runs near the length limits.
  const std::string alphabet = "ab1.-@_+\"\xC3\xBC ";
  std::size_t good = 0;
  for (int i = 0; i < 200000; ++i) {
    std::string s;
    const std::size_t len = rng() % 12;
    for (std::size_t k = 0; k < len; ++k) s.push_back(alphabet[rng() % alphabet.size()]);
    if (i % 4 == 0) s = cat({"a", std::to_string(i), "@", s, ".com"});
    const bool want = reference_email(s);
    good += want ? 1 : 0;
    ASSERT_EQ(is_plausible_email(s), want) << s;
  }
  EXPECT_GT(good, 2000u);
  for (const std::size_t local : {63u, 64u, 65u}) {
    for (const std::size_t label : {62u, 63u, 64u}) {
      for (const std::size_t labels : {1u, 2u, 3u, 4u}) {
        std::string s(local, 'x');
        s += '@';
        for (std::size_t k = 0; k < labels; ++k) s += std::string(label, 'd') + ".";
        s += "com";
        EXPECT_EQ(is_plausible_email(s), reference_email(s)) << s.size();
      }
    }
  }
  // Around the 64-byte limit of the bit-mask check, and each of its rules.
  for (std::size_t local = 1; local <= 66; ++local) {
    for (const char* domain : {"@d.co", "@d.c", "@d.12", "@d-.co", "@-d.co", "@d..co", "@d.co.",
                               "@d_e.co", "@d.c-", "@dd", "@.d.co"}) {
      std::string a(local, 'x');
      a.append(domain);
      EXPECT_EQ(is_plausible_email(a), reference_email(a)) << a;
      a[0] = '.';
      EXPECT_EQ(is_plausible_email(a), reference_email(a)) << a;
      a[0] = 'x';
      a[local - 1] = local > 1 ? '.' : '-';
      EXPECT_EQ(is_plausible_email(a), reference_email(a)) << a;
    }
  }
  for (const char* edge : {"a-@b.cc", "a_b@c.de", "a+b@c.de", "a@b.c+d", "a@b+c.de", "a@b.c_d",
                           "A.B-C_D+E@Sub-1.Example.COM", "1@2.3c", "a@b.c1", "a@b.12", "a@b.-c", "a@b.c-", "a@b.cc", "a@b..cc",
                           "a@b.cc.", "a@.b.cc", "-@b.cc", ".@b.cc", "a.b.c@d.ee", "a@b\xC3\xBC.de"}) {
    EXPECT_EQ(is_plausible_email(edge), reference_email(edge)) << edge;
  }
}

// The bit-mask e-mail check gives the same answer from AVX-512 and AVX2 vectors (where the CPU
// has them) as from SSE2 ones, for every length around its 16-, 32- and 64-byte steps and for
// values that end just before a page boundary (AVX2 and SSE2 read them from a copy, AVX-512
// with a masked load).
TEST(value_checks, email_masks_answer_alike_with_avx512_avx2_and_sse2) {
  std::mt19937 rng(9);
  const std::string alphabet = "abZ19.-@_+.@\xC3";
  constexpr std::size_t PAGE = 4096;
  auto* pages = static_cast<char*>(std::aligned_alloc(PAGE, 2 * PAGE));
  ASSERT_NE(pages, nullptr);
  std::memset(pages, 'x', 2 * PAGE);
  std::size_t accepted = 0;
  for (int i = 0; i < 100000; ++i) {
    const std::size_t len = 1 + rng() % 70;
    std::string s;
    if (i % 2 == 0) {  // a plausible address, so that the later rules are reached too
      s = std::string(len / 2 + 1, 'a') + "@" + std::string(len / 3 + 1, 'd') + ".com";
      s[rng() % s.size()] = alphabet[rng() % alphabet.size()];
    } else {
      for (std::size_t k = 0; k < len; ++k) s.push_back(alphabet[rng() % alphabet.size()]);
    }
    const std::string_view in_place(s);
    const bool want = value_checks_detail::plain_email_masks_sse2(in_place);
    accepted += want ? 1 : 0;
    ASSERT_EQ(value_checks_detail::plain_email_masks(in_place), want) << s;
    // The same bytes ending right at the first page's end.
    char* at = pages + PAGE - s.size();
    std::memcpy(at, s.data(), s.size());
    const std::string_view edge(at, s.size());
    ASSERT_EQ(value_checks_detail::plain_email_masks(edge), want) << s;
    for (int isa = 0; isa <= value_checks_detail::email_masks_best_isa(); ++isa) {
      ASSERT_EQ(value_checks_detail::plain_email_masks_with(in_place, isa), want) << isa << s;
      ASSERT_EQ(value_checks_detail::plain_email_masks_with(edge, isa), want) << isa << s;
    }
  }
  std::free(pages);
  EXPECT_GT(accepted, 5000u);
}

// The cheap test never claims a value that check_value would not keep as it is; it claims the
// common plain ones; and borderline values (blanks, '+', leading zeros, a decimal comma, an
// e-mail longer than its field or outside the masks' alphabet) are left to check_value.
TEST(value_checks, kept_as_is_only_when_check_value_keeps) {
  constexpr lead_field SHORT_EMAIL{"email", "Email Address", field_type::email, 12, false};
  const lead_field fields[] = {INT_FIELD,   FLOAT_FIELD, CURRENCY_FIELD, BOOL_FIELD, DATE_FIELD,
                               EMAIL_FIELD, NAME_FIELD,  TEXT_FIELD,     SHORT_EMAIL};
  const std::vector<std::string> values = {
      "", "0", "-0", "7", "+7", " 7", "7 ", "007", "12.5", "-0.25", ".5", "12.", "1,234",
      "1.234,5", "2147483647", "2147483648", "-2147483648", "-2147483649", "1e3", "$12",
      std::string(309, '9'), "true", "false", "True", "TRUE", " true", "yes", "1", "2024-01-02",
      "a@b.co", "a@b.c", " a@b.co", "a@b.co ", "abcdefgh@b.co", "abcdefg@b.co", "a.b@c.de",
      "a..b@c.de", "O'Brien@example.ie", "a@b\xC3\xBC.de", "abcde", "abcdef", "\xC3\xA9\xC3\xA9",
      "a@1.2.3.4", "x@y"};
  std::size_t claimed = 0;
  for (const auto& f : fields) {
    for (const bool dc : {false, true}) {
      value_check_options o;
      o.decimal_comma = dc;
      for (const auto& v : values) {
        if (!value_kept_as_is(f, v, o)) continue;
        ++claimed;
        EXPECT_EQ(check(f, v, o).verdict, value_verdict::keep) << f.rest_name << " " << v;
        EXPECT_EQ(check(f, v, o, field_role::lookup).verdict, value_verdict::keep)
            << f.rest_name << " " << v;
      }
    }
  }
  EXPECT_GT(claimed, 40u);
  // Random number-like strings, both sides of the 16-byte vector path.
  std::mt19937 rng(3);
  const std::string alphabet = "0123456789.-+ ,e\xC2";
  std::size_t numbers = 0;
  for (int i = 0; i < 100000; ++i) {
    std::string v;
    const std::size_t len = 1 + rng() % 19;
    for (std::size_t k = 0; k < len; ++k) {
      v.push_back(k > 0 && rng() % 3 != 0 ? static_cast<char>('0' + rng() % 10)
                                          : alphabet[rng() % alphabet.size()]);
    }
    for (const auto& f : {INT_FIELD, FLOAT_FIELD, CURRENCY_FIELD}) {
      for (const bool dc : {false, true}) {
        value_check_options o;
        o.decimal_comma = dc;
        if (!value_kept_as_is(f, v, o)) continue;
        ++numbers;
        ASSERT_EQ(check(f, v, o).verdict, value_verdict::keep) << f.rest_name << " " << v;
      }
    }
  }
  EXPECT_GT(numbers, 10000u);
  value_check_options o;
  for (const char* v : {"7", "-7", "2147483647", "-2147483648"}) {
    EXPECT_TRUE(value_kept_as_is(INT_FIELD, v, o)) << v;
  }
  for (const char* v : {"12.5", "-0.25", "99"}) EXPECT_TRUE(value_kept_as_is(CURRENCY_FIELD, v, o));
  for (const char* v : {"a@b.co", "first.last+tag@sub.example.co.uk", ""}) {
    EXPECT_TRUE(value_kept_as_is(EMAIL_FIELD, v, o)) << v;
  }
  for (const char* v : {"+7", " 7", "007", "-0", "2147483648", "1,000", "7.0"}) {
    EXPECT_FALSE(value_kept_as_is(INT_FIELD, v, o)) << v;
  }
  for (const char* v : {" a@b.co", "abcdefgh@b.co", "O'Brien@example.ie", "a@b"}) {
    EXPECT_FALSE(value_kept_as_is(v[0] == 'a' && v[1] == 'b' ? SHORT_EMAIL : EMAIL_FIELD, v, o))
        << v;
  }
  EXPECT_FALSE(value_kept_as_is(FLOAT_FIELD, "12.5", comma()));
  EXPECT_FALSE(value_kept_as_is(BOOL_FIELD, "True", o));
  EXPECT_FALSE(value_kept_as_is(DATE_FIELD, "2024-01-02", o));  // dates: check_value decides
}

TEST(value_checks, malformed_email_warns_outside_the_lookup_field_and_rejects_in_it) {
  const outcome warned = check(EMAIL_FIELD, "john.example.com");
  EXPECT_EQ(warned.verdict, value_verdict::warn);
  EXPECT_EQ(warned.problem, value_problem::invalid_email);
  EXPECT_EQ(warned.written, "john.example.com");
  EXPECT_EQ(warned.message.rfind("Invalid email address: ", 0), 0U) << warned.message;

  const outcome rejected = check(EMAIL_FIELD, "john.example.com", {}, field_role::lookup);
  EXPECT_EQ(rejected.verdict, value_verdict::reject);
  EXPECT_EQ(rejected.problem, value_problem::invalid_email);

  EXPECT_EQ(check(EMAIL_FIELD, "John@Example.com", {}, field_role::lookup).verdict,
            value_verdict::keep);
  EXPECT_EQ(check(EMAIL_FIELD, "  john@example.com ", {}, field_role::lookup).written,
            "john@example.com");
  EXPECT_EQ(check(EMAIL_FIELD, "").verdict, value_verdict::keep);
}

// ---- lengths ----

TEST(value_checks, string_length_counts_code_points_not_bytes) {
  // "Zoë" x: 5 code points in 6 bytes fits a length of 5.
  EXPECT_EQ(check(NAME_FIELD, "Zo\xC3\xAB" "ab").verdict, value_verdict::keep);
  EXPECT_EQ(check(NAME_FIELD, "\xE5\xBC\xA0\xE4\xBC\x9F\xE6\x98\x8E\xE5\xBC\xA0\xE4\xBC\x9F")
                .verdict,
            value_verdict::keep);  // 5 CJK characters, 15 bytes
  const std::string six = "J\xC3\xB6rgen";  // "Jörgen": 6 code points
  const outcome rejected = check(NAME_FIELD, six);
  EXPECT_EQ(rejected.verdict, value_verdict::reject);
  EXPECT_EQ(rejected.problem, value_problem::value_too_long);
  EXPECT_NE(rejected.message.find("6 characters, the field holds 5"), std::string::npos)
      << rejected.message;

  value_check_options truncate;
  truncate.on_long = long_value_policy::truncate;
  const outcome cut = check(NAME_FIELD, six, truncate);
  EXPECT_EQ(cut.verdict, value_verdict::warn);
  EXPECT_EQ(cut.written, "J\xC3\xB6rge");
  // The cut never splits a multi-byte sequence.
  const outcome cjk =
      check(NAME_FIELD, "\xE5\xBC\xA0\xE4\xBC\x9F\xE6\x98\x8E\xE5\xBC\xA0\xE4\xBC\x9F\xE6\x98\x8E",
            truncate);
  EXPECT_EQ(cjk.written, "\xE5\xBC\xA0\xE4\xBC\x9F\xE6\x98\x8E\xE5\xBC\xA0\xE4\xBC\x9F");
  EXPECT_EQ(check(TEXT_FIELD, std::string(100000, 'x')).verdict, value_verdict::keep);
}

TEST(value_checks, long_email_is_rejected_even_when_truncating) {
  value_check_options truncate;
  truncate.on_long = long_value_policy::truncate;
  constexpr lead_field SHORT_EMAIL{"email", "Email Address", field_type::email, 10, false};
  const outcome o = check(SHORT_EMAIL, "someone@example.com", truncate);
  EXPECT_EQ(o.verdict, value_verdict::reject);
  EXPECT_EQ(o.problem, value_problem::value_too_long);
}

TEST(value_checks, code_point_helpers) {
  EXPECT_EQ(count_code_points(""), 0U);
  EXPECT_EQ(count_code_points("abc"), 3U);
  EXPECT_EQ(count_code_points("\xF0\x9F\x98\x80" "a"), 2U);  // an emoji and a letter
  EXPECT_EQ(truncate_code_points("\xF0\x9F\x98\x80" "ab", 1), "\xF0\x9F\x98\x80");
  EXPECT_EQ(truncate_code_points("ab", 0), "");
  EXPECT_EQ(truncate_code_points("ab", 5), "ab");
}

// ---- empty values and codes ----

TEST(value_checks, empty_values_are_fine_for_every_type) {
  for (const lead_field* f : {&INT_FIELD, &FLOAT_FIELD, &CURRENCY_FIELD, &BOOL_FIELD, &DATE_FIELD,
                              &DATETIME_FIELD, &EMAIL_FIELD, &NAME_FIELD}) {
    EXPECT_EQ(check(*f, "").verdict, value_verdict::keep) << f->rest_name;
    const outcome blank = check(*f, "   ");
    EXPECT_NE(blank.verdict, value_verdict::reject) << f->rest_name;
    EXPECT_EQ(check(*f, "", {}, field_role::lookup).verdict, value_verdict::keep);
  }
}

TEST(value_checks, problem_codes_round_trip) {
  for (std::size_t i = 0; i < VALUE_PROBLEM_COUNT; ++i) {
    const auto p = static_cast<value_problem>(i);
    EXPECT_EQ(value_problem_from_string(to_string(p)), p);
  }
  EXPECT_EQ(to_string(value_problem::ambiguous_date), "ambiguous_date");
  EXPECT_FALSE(value_problem_from_string("bogus").has_value());
}

TEST(value_checks, option_spellings_round_trip) {
  for (const auto o : {date_order::unset, date_order::mdy, date_order::dmy}) {
    EXPECT_EQ(date_order_from_string(to_string(o)), o);
  }
  for (const auto p : {long_value_policy::reject, long_value_policy::truncate}) {
    EXPECT_EQ(long_value_policy_from_string(to_string(p)), p);
  }
  EXPECT_FALSE(date_order_from_string("ymd").has_value());
  EXPECT_FALSE(date_order_from_string("MDY").has_value());
  EXPECT_FALSE(long_value_policy_from_string("cut").has_value());
}

// ---- properties over generated values ----

// Values built from the pieces exports are made of: digits, separators, signs, marks, letters.
std::string random_value(std::mt19937_64& rng) {
  constexpr std::string_view PIECES[] = {
      "0", "1", "2", "9", "12", "31", "2024", "1999", ".", ",", "-", "+", "/", ":", " ", "e",
      "E", "T", "Z", "$", "\xE2\x82\xAC", "\xC2\xA0", "'", "AM", "pm", "@", "a", "x.com", "yes",
      "N", "true", "\t", "07", "29", "02", "60", "999", "00"};
  std::string v;
  const std::size_t n = 1 + rng() % 8;
  for (std::size_t i = 0; i < n; ++i) v += PIECES[rng() % std::size(PIECES)];
  return v;
}

TEST(value_checks, normal_forms_are_fixed_points) {
  // Whatever check_value writes, checking it again (with '.' as the decimal mark: the normal
  // form is for Marketo, not for the export's dialect) keeps it as it is.
  std::mt19937_64 rng(12345);
  const lead_field* fields[] = {&INT_FIELD, &FLOAT_FIELD, &CURRENCY_FIELD, &BOOL_FIELD,
                                &DATE_FIELD, &DATETIME_FIELD, &EMAIL_FIELD, &NAME_FIELD};
  std::size_t rewritten = 0;
  std::size_t kept = 0;
  for (int round = 0; round < 40000; ++round) {
    const std::string in = random_value(rng);
    value_check_options o;
    o.decimal_comma = (rng() & 1U) != 0;
    o.order = static_cast<date_order>(rng() % 3);
    o.on_long = (rng() & 1U) != 0 ? long_value_policy::truncate : long_value_policy::reject;
    for (const lead_field* f : fields) {
      std::string out;
      value_issue issue;
      const value_verdict v = check_value(*f, in, o, out, issue);
      if (v == value_verdict::reject) {
        EXPECT_NE(issue.problem, value_problem::none) << in;
        EXPECT_FALSE(issue.message.empty()) << in;
        continue;
      }
      if (v == value_verdict::keep) {
        ++kept;
        EXPECT_EQ(issue.problem, value_problem::none) << in;
        continue;
      }
      if (v == value_verdict::rewritten) ++rewritten;
      value_check_options again = o;
      again.decimal_comma = false;
      std::string out2;
      value_issue issue2;
      const value_verdict v2 = check_value(*f, out, again, out2, issue2);
      // A truncated value fits once cut; a malformed e-mail stays a warning.
      const value_verdict want =
          issue.problem == value_problem::invalid_email ? value_verdict::warn : value_verdict::keep;
      EXPECT_EQ(v2, want) << f->rest_name << ": \"" << in << "\" -> \"" << out << "\" -> "
                          << issue2.message;
      if (v2 == value_verdict::warn) {
        EXPECT_EQ(out2, out);
      }
    }
  }
  // The generator reaches every verdict often enough to mean something.
  EXPECT_GT(rewritten, 1000U);
  EXPECT_GT(kept, 1000U);
}

TEST(value_checks, truncation_never_exceeds_the_length_or_splits_a_character) {
  std::mt19937_64 rng(777);
  constexpr std::string_view PIECES[] = {"a", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", " "};
  value_check_options o;
  o.on_long = long_value_policy::truncate;
  for (int round = 0; round < 5000; ++round) {
    std::string in;
    const std::size_t n = rng() % 12;
    for (std::size_t i = 0; i < n; ++i) in += PIECES[rng() % std::size(PIECES)];
    std::string out;
    value_issue issue;
    const value_verdict v = check_value(NAME_FIELD, in, o, out, issue);
    const std::string_view written = value_to_write(v, in, out);
    EXPECT_LE(count_code_points(written), NAME_FIELD.length);
    EXPECT_EQ(in.compare(0, written.size(), written), 0);  // a prefix of the input
    EXPECT_EQ(v == value_verdict::warn, count_code_points(in) > NAME_FIELD.length);
    if (written.size() < in.size()) {  // cut at a character boundary
      EXPECT_NE(static_cast<unsigned char>(in[written.size()]) & 0xC0U, 0x80U);
    }
  }
}

}  // namespace
}  // namespace mkbulk::engine
