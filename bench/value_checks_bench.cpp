// check_value throughput per field type, on generated values of which half are already in
// normal form (kept) and half need rewriting ("12,345", "$1,234.56", "Yes", "25.04.2024").
// Each case first checks that the verdicts are exactly the expected ones.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "mkbulk/engine/value_checks.h"

namespace {

using mkbulk::engine::field_type;
using mkbulk::engine::lead_field;
using mkbulk::engine::value_verdict;

struct value_set {
  lead_field field;
  std::vector<std::string> values;
  std::size_t expected_rewrites = 0;
  std::size_t bytes = 0;
};

value_set make_values(field_type type) {
  value_set s{{"f", "Field", type, type == field_type::email || type == field_type::string ? 255U : 0U, false},
              {}, 0, 0};
  std::mt19937_64 rng(99);
  char buf[96];
  constexpr std::size_t COUNT = 50'000;
  for (std::size_t i = 0; i < COUNT; ++i) {
    const bool rewrite = (i % 2) == 1;
    const auto r = rng();
    const int a = static_cast<int>(r % 1'000'000);
    int n = 0;
    switch (type) {
      case field_type::integer:
        n = rewrite ? std::snprintf(buf, sizeof buf, "%d,%03d", (a / 1000) % 999 + 1, a % 1000)
                    : std::snprintf(buf, sizeof buf, "%d", a);
        break;
      case field_type::float_number:
        n = rewrite ? std::snprintf(buf, sizeof buf, "%d,%03d.%02d", (a / 1000) % 999 + 1, a % 1000, a % 100)
                    : std::snprintf(buf, sizeof buf, "%d.%02d", a, a % 97);
        break;
      case field_type::currency:
        n = rewrite ? std::snprintf(buf, sizeof buf, "$%d,%03d.%02d", (a / 1000) % 999 + 1, a % 1000, a % 100)
                    : std::snprintf(buf, sizeof buf, "%d.%02d", a, a % 97);
        break;
      case field_type::boolean:
        n = std::snprintf(buf, sizeof buf, "%s",
                          rewrite ? (a % 2 ? "Yes" : "n") : (a % 2 ? "true" : "false"));
        break;
      case field_type::date:
        n = rewrite ? std::snprintf(buf, sizeof buf, "%02d.%02d.%04d", a % 28 + 1, a % 12 + 1, 1950 + a % 70)
                    : std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", 1950 + a % 70, a % 12 + 1, a % 28 + 1);
        break;
      case field_type::datetime:
        n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02d%c%02d:%02d:%02d", 1990 + a % 35,
                          a % 12 + 1, a % 28 + 1, rewrite ? ' ' : 'T', a % 24, a % 60, (a / 7) % 60);
        break;
      case field_type::email:
        n = std::snprintf(buf, sizeof buf, "%sfirst.last%d@example-%d.com%s", rewrite ? " " : "",
                          a, a % 500, rewrite ? " " : "");
        break;
      default:
        n = std::snprintf(buf, sizeof buf, "Person number %d of company %d", a, a % 333);
        break;
    }
    s.values.emplace_back(buf, static_cast<std::size_t>(n));
    s.bytes += static_cast<std::size_t>(n);
    if (rewrite && type != field_type::string) ++s.expected_rewrites;
  }
  return s;
}

void BM_check_value(benchmark::State& state, field_type type) {
  const value_set s = make_values(type);
  const mkbulk::engine::value_check_options options;
  std::string out;
  mkbulk::engine::value_issue issue;
  std::size_t rewrites = 0;
  for (const auto& v : s.values) {
    const value_verdict verdict = check_value(s.field, v, options, out, issue);
    if (verdict == value_verdict::reject || verdict == value_verdict::warn) {
      state.SkipWithError(("unexpected verdict for \"" + v + "\": " + issue.message).c_str());
      return;
    }
    rewrites += verdict == value_verdict::rewritten ? 1U : 0U;
  }
  if (rewrites != s.expected_rewrites) {
    state.SkipWithError("wrong answer: unexpected number of rewritten values");
    return;
  }
  for (auto _ : state) {
    std::size_t kept = 0;
    for (const auto& v : s.values) {
      kept += check_value(s.field, v, options, out, issue) == value_verdict::keep ? 1U : 0U;
    }
    benchmark::DoNotOptimize(kept);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(s.bytes));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(s.values.size()));
}

BENCHMARK_CAPTURE(BM_check_value, integer, field_type::integer);
BENCHMARK_CAPTURE(BM_check_value, float, field_type::float_number);
BENCHMARK_CAPTURE(BM_check_value, currency, field_type::currency);
BENCHMARK_CAPTURE(BM_check_value, boolean, field_type::boolean);
BENCHMARK_CAPTURE(BM_check_value, date, field_type::date);
BENCHMARK_CAPTURE(BM_check_value, datetime, field_type::datetime);
BENCHMARK_CAPTURE(BM_check_value, email, field_type::email);
BENCHMARK_CAPTURE(BM_check_value, string, field_type::string);

// A whole export row of the standard schema: what the split pays per row with checks on.
// One row in four carries values that need rewriting.
void BM_check_row(benchmark::State& state) {
  constexpr std::string_view COLUMNS[] = {
      "email",         "firstName",         "lastName",     "company",     "phone",
      "annualRevenue", "numberOfEmployees", "unsubscribed", "dateOfBirth", "acquisitionDate",
      "city",          "country"};
  std::vector<const lead_field*> fields;
  for (const auto name : COLUMNS) {
    for (const auto& f : mkbulk::engine::standard_lead_fields()) {
      if (f.rest_name == name) fields.push_back(&f);
    }
  }
  if (fields.size() != std::size(COLUMNS)) {
    state.SkipWithError("a column is missing from the standard schema");
    return;
  }
  std::mt19937_64 rng(5);
  std::vector<std::vector<std::string>> rows;
  std::size_t bytes = 0;
  std::size_t expected_rewrites = 0;
  char buf[64];
  for (std::size_t i = 0; i < 20'000; ++i) {
    const bool odd = i % 4 == 3;
    const int a = static_cast<int>(rng() % 1'000'000);
    std::vector<std::string> r;
    r.push_back("person." + std::to_string(a) + "@company-" + std::to_string(a % 977) + ".com");
    r.emplace_back(a % 2 ? "Maria" : "Jean-Fran\xC3\xA7ois");
    r.emplace_back(a % 3 ? "Schmidt" : "O'Neil");
    r.push_back("Company " + std::to_string(a % 5000) + " GmbH");
    r.push_back("+49 30 " + std::to_string(1000000 + a));
    std::snprintf(buf, sizeof buf, odd ? "$%d,%03d.00" : "%d%03d.00", a % 900 + 1, a % 1000);
    r.emplace_back(buf);
    r.push_back(std::to_string(a % 20000));
    r.emplace_back(odd ? "Y" : "false");
    if (odd) {
      std::snprintf(buf, sizeof buf, "%02d.%02d.%04d", a % 28 + 1, a % 12 + 1, 1950 + a % 50);
    } else {
      std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", 1950 + a % 50, a % 12 + 1, a % 28 + 1);
    }
    r.emplace_back(buf);
    std::snprintf(buf, sizeof buf, "2024-%02d-%02d%c%02d:%02d:00", a % 12 + 1, a % 28 + 1,
                  odd ? ' ' : 'T', a % 24, a % 60);
    r.emplace_back(buf);
    r.emplace_back(a % 2 ? "M\xC3\xBCnchen" : "Berlin");
    r.emplace_back("Germany");
    if (odd) expected_rewrites += 4;  // revenue, boolean, date, datetime
    for (const auto& v : r) bytes += v.size() + 1;  // a delimiter or line end each
    rows.push_back(std::move(r));
  }
  const mkbulk::engine::value_check_options options;
  std::string out;
  mkbulk::engine::value_issue issue;
  std::size_t rewrites = 0;
  for (const auto& r : rows) {
    for (std::size_t c = 0; c < r.size(); ++c) {
      const auto role = c == 0 ? mkbulk::engine::field_role::lookup : mkbulk::engine::field_role::value;
      const value_verdict v = check_value(*fields[c], r[c], options, out, issue, role);
      if (v == value_verdict::reject || v == value_verdict::warn) {
        state.SkipWithError(("unexpected verdict for \"" + r[c] + "\": " + issue.message).c_str());
        return;
      }
      rewrites += v == value_verdict::rewritten ? 1U : 0U;
    }
  }
  if (rewrites != expected_rewrites) {
    state.SkipWithError("wrong answer: unexpected number of rewritten values");
    return;
  }
  for (auto _ : state) {
    std::size_t kept = 0;
    for (const auto& r : rows) {
      for (std::size_t c = 0; c < r.size(); ++c) {
        const auto role = c == 0 ? mkbulk::engine::field_role::lookup : mkbulk::engine::field_role::value;
        kept += check_value(*fields[c], r[c], options, out, issue, role) == value_verdict::keep ? 1U : 0U;
      }
    }
    benchmark::DoNotOptimize(kept);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(rows.size()));
}

BENCHMARK(BM_check_row);

}  // namespace

BENCHMARK_MAIN();
