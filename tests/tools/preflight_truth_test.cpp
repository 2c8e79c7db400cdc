// Pre-flight against mkbulk-gen's ground truth: an export with injected engine defects and
// typed defects (--typed-defect-rate) splits with the typed rows chunked as they are without a
// schema, and rejected at their source lines with their value_problem codes with the standard
// schema; every other row is chunked either way. Also: the option leaves the default output
// byte-identical.
#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "export_generator.h"
#include "mkbulk/engine/lead_schema_json.h"
#include "mkbulk/engine/preflight.h"
#include "split_test_support.h"

namespace mkbulk::engine {
namespace {

struct generated {
  std::string text;
  std::vector<gen::truth_entry> truth;
  std::vector<gen::typed_truth_entry> typed;
};

generated generate(const gen::generator_options& g) {
  generated out;
  gen::export_generator gen(g);
  while (gen.fill(out.text, std::size_t{1} << 20)) {
    for (const auto& e : gen.take_truth()) out.truth.push_back(e);
    for (const auto& e : gen.take_typed_truth()) out.typed.push_back(e);
  }
  return out;
}

std::map<std::uint64_t, std::string> rejected(const testing::split_output& s) {
  std::map<std::uint64_t, std::string> got;
  for (const auto& r : testing::reject_rows(s)) got[r.line] = r.reason;
  return got;
}

TEST(preflight_truth, typed_defects_are_rejected_only_with_a_schema) {
  gen::generator_options g;
  g.seed = 77;
  g.rows = 20000;
  g.defect_rate = 0.01;
  g.typed_defect_rate = 0.02;
  const generated x = generate(g);
  ASSERT_GT(x.typed.size(), 250u);
  ASSERT_GT(x.truth.size(), 100u);

  std::map<std::uint64_t, std::string> engine_want;
  for (const auto& t : x.truth) {
    const std::string_view reason = gen::expected_reason(t.kind);
    if (reason != "none") engine_want[t.source_line] = std::string(reason);
  }
  std::map<std::uint64_t, std::string> typed_want;
  std::map<std::string, std::uint64_t> typed_counts;
  for (const auto& t : x.typed) {
    typed_want[t.source_line] = std::string(t.problem);
    ++typed_counts[std::string(t.problem)];
  }
  EXPECT_EQ(typed_counts.size(), 3u);  // every kind drawn

  testing::temp_dir dir;
  const auto input = dir.path() / "export.csv";
  testing::write_file(input, x.text);
  split_options o;
  o.max_bytes = 1'000'000;
  const auto plain = testing::run_on_file(input, dir.path() / "plain", o);
  ASSERT_EQ(plain.result.status, split_status::ok) << plain.result.message;
  EXPECT_EQ(rejected(plain), engine_want);

  const auto file = dir.path() / "describe.json";
  testing::write_file(file, standard_lead_schema_json());
  auto p = std::make_shared<preflight_options>();
  schema_error err;
  ASSERT_TRUE(read_lead_schema_json(file, p->schema, err)) << err.message;
  o.preflight = p;
  const auto typed = testing::run_on_file(input, dir.path() / "typed", o);
  ASSERT_EQ(typed.result.status, split_status::ok) << typed.result.message;
  std::map<std::uint64_t, std::string> want = engine_want;
  want.insert(typed_want.begin(), typed_want.end());
  EXPECT_EQ(rejected(typed), want);
  const split_counts& c = typed.result.result.counts;
  EXPECT_EQ(c.rows_in, g.rows);
  EXPECT_EQ(c.rows_in, c.rows_chunked + c.rows_rejected);
  EXPECT_EQ(c.rows_chunked, plain.result.result.counts.rows_chunked - typed_want.size());
  for (const auto& [problem, n] : typed_counts) {
    EXPECT_EQ(c.value_reject_counts[static_cast<std::size_t>(*value_problem_from_string(problem))],
              n)
        << problem;
  }
}

TEST(preflight_truth, a_zero_typed_rate_leaves_the_output_as_it_was) {
  gen::generator_options g;
  g.seed = 5;
  g.rows = 3000;
  g.defect_rate = 0.02;
  const generated a = generate(g);
  g.typed_defect_rate = 0;
  const generated b = generate(g);
  EXPECT_EQ(a.text, b.text);
  EXPECT_TRUE(b.typed.empty());
  g.typed_defect_rate = 0.05;
  const generated c = generate(g);
  EXPECT_NE(a.text, c.text);
  EXPECT_FALSE(c.typed.empty());
}

}  // namespace
}  // namespace mkbulk::engine
