// The split pipeline against mkbulk-gen's ground truth: every injected defect that must be
// rejected is in rejects.csv at its source line with its reason, no good row is rejected, bare
// quotes are kept and counted; in each dialect, with BOM, CRLF and quote-all variants; and the
// output is the same for every block size and thread count.
#include <gtest/gtest.h>

#include <map>

#include "export_generator.h"
#include "split_test_support.h"

namespace mkbulk::engine {
namespace {

struct truth_case {
  char delimiter;
  bool bom;
  bool crlf;
  bool quote_all;
};

class split_truth : public ::testing::TestWithParam<truth_case> {};

TEST_P(split_truth, rejects_exactly_the_injected_defects_at_their_lines) {
  const truth_case tc = GetParam();
  gen::generator_options g;
  g.seed = 1234 + static_cast<std::uint64_t>(tc.delimiter);
  g.rows = 20000;
  g.delimiter = tc.delimiter;
  g.bom = tc.bom;
  g.crlf = tc.crlf;
  g.quote_all = tc.quote_all;
  g.multiline_rate = 0.05;
  g.defect_rate = 0.02;
  std::vector<gen::truth_entry> truth;
  const std::string text = gen::generate_export(g, &truth);
  ASSERT_GT(truth.size(), 200u);

  testing::temp_dir dir;
  const auto input = dir.path() / "export.txt";
  testing::write_file(input, text);
  split_options o;
  o.max_bytes = 1'000'000;
  const auto s = testing::run_on_file(input, dir.path() / "out", o);
  ASSERT_EQ(s.result.status, split_status::ok) << s.result.message;
  const split_counts& c = s.result.result.counts;
  EXPECT_EQ(c.rows_in, g.rows);
  EXPECT_EQ(c.rows_in, c.rows_chunked + c.rows_rejected);

  std::map<std::uint64_t, std::string> want;  // line -> reason, for defects that must go
  std::uint64_t bare = 0;
  for (const auto& t : truth) {
    const std::string_view reason = gen::expected_reason(t.kind);
    if (reason == "none") {
      ++bare;
    } else {
      want[t.source_line] = std::string(reason);
    }
  }
  std::map<std::uint64_t, std::string> got;
  for (const auto& r : testing::reject_rows(s)) got[r.line] = r.reason;
  for (const auto& [line, reason] : want) {
    const auto it = got.find(line);
    if (it == got.end()) {
      ADD_FAILURE() << "line " << line << " (" << reason << ") was not rejected";
    } else {
      EXPECT_EQ(it->second, reason) << "line " << line;
    }
  }
  for (const auto& [line, reason] : got) {
    EXPECT_TRUE(want.contains(line)) << "good line " << line << " rejected as " << reason;
  }
  EXPECT_EQ(c.rows_rejected, want.size());
  EXPECT_GE(c.bare_quotes, bare);

  // The chunks hold every other row, at its source line, once.
  const auto rows = testing::chunk_rows(s);
  EXPECT_EQ(rows.size(), g.rows - want.size());
  std::uint64_t prev = 1;
  for (const auto& r : rows) {
    EXPECT_GT(r.line, prev);
    EXPECT_FALSE(want.contains(r.line));
    prev = r.line;
  }

  // Same output with tiny reads and one thread.
  o.block_bytes = 4096;
  o.threads = 1;
  const auto again = testing::run_on_file(input, dir.path() / "again", o);
  EXPECT_EQ(again.chunk_texts, s.chunk_texts);
  EXPECT_EQ(again.rejects, s.rejects);
  EXPECT_EQ(again.manifest_text, s.manifest_text);
}

INSTANTIATE_TEST_SUITE_P(dialects, split_truth,
                         ::testing::Values(truth_case{',', false, false, false},
                                           truth_case{',', true, true, false},
                                           truth_case{'\t', false, false, true},
                                           truth_case{';', true, false, false},
                                           truth_case{',', false, true, true}));

}  // namespace
}  // namespace mkbulk::engine
