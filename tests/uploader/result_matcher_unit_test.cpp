// Tying Marketo's result rows to source lines: any order, identical rows on several lines,
// a reason column of any name, quoted values, rows that match nothing.
#include <gtest/gtest.h>

#include "mkbulk/upload/result_matcher.h"

namespace mkbulk::upload {
namespace {

engine::chunk_info chunk_of(std::uint64_t rows, std::vector<engine::line_run> runs) {
  engine::chunk_info c;
  c.index = 1;
  c.file = "chunks/000001.csv";
  c.rows = rows;
  c.line_runs = std::move(runs);
  c.first_line = c.line_runs.front().first;
  return c;
}

const std::string CHUNK =
    "email,firstName,company\n"
    "a@x.com,Ann,Acme\n"              // row 0: line 2
    "b@x.com,Bob,\"Big, Co\"\n"       // row 1: line 3
    "c@x.com,Cy,Acme\n"               // row 2: line 10
    "c@x.com,Cy,Acme\n"               // row 3: line 11 (identical to row 2)
    "d@x.com,\"D \"\"Dee\"\"\",Acme\n";  // row 4: line 12

TEST(result_matcher, ties_rows_in_any_order_to_their_lines) {
  result_matcher m;
  std::string error;
  ASSERT_TRUE(m.load_chunk(CHUNK, ',', chunk_of(5, {{2, 2}, {10, 3}}), error)) << error;
  const std::string failures =
      "email,firstName,company,Import Failure Reason\n"
      "d@x.com,\"D \"\"Dee\"\"\",Acme,Invalid data type in field Company\n"
      "b@x.com,Bob,\"Big, Co\",Something\n";
  const auto rows = m.match(failures);
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(rows[0].source_line, 12U);
  EXPECT_EQ(rows[0].reason, "Invalid data type in field Company");
  EXPECT_EQ(rows[0].values[1], "D \"Dee\"");
  EXPECT_EQ(rows[1].source_line, 3U);
  EXPECT_EQ(rows[1].values[2], "Big, Co");
}

TEST(result_matcher, identical_rows_take_distinct_lines) {
  result_matcher m;
  std::string error;
  ASSERT_TRUE(m.load_chunk(CHUNK, ',', chunk_of(5, {{2, 2}, {10, 3}}), error)) << error;
  const auto rows = m.match(
      "email,firstName,company,Reason With Another Name\n"
      "c@x.com,Cy,Acme,r1\n"
      "c@x.com,Cy,Acme,r2\n"
      "c@x.com,Cy,Acme,r3\n");
  ASSERT_EQ(rows.size(), 3U);
  EXPECT_EQ(rows[0].source_line, 10U);
  EXPECT_EQ(rows[1].source_line, 11U);
  EXPECT_EQ(rows[2].source_line, 0U);  // a third copy matches nothing: untied, not invented
}

TEST(result_matcher, unknown_rows_are_untied) {
  result_matcher m;
  std::string error;
  ASSERT_TRUE(m.load_chunk(CHUNK, ',', chunk_of(5, {{2, 2}, {10, 3}}), error)) << error;
  const auto rows = m.match("email,firstName,company,Reason\nz@x.com,Zed,Acme,why\n");
  ASSERT_EQ(rows.size(), 1U);
  EXPECT_EQ(rows[0].source_line, 0U);
  EXPECT_EQ(rows[0].reason, "why");
}

TEST(result_matcher, empty_result_file_means_no_rows) {
  result_matcher m;
  std::string error;
  ASSERT_TRUE(m.load_chunk(CHUNK, ',', chunk_of(5, {{2, 2}, {10, 3}}), error)) << error;
  EXPECT_TRUE(m.match("").empty());
  EXPECT_TRUE(m.match("email,firstName,company,Import Failure Reason\n").empty());
}

TEST(result_matcher, tab_separated_chunks) {
  const std::string tsv = "email\tcompany\na@x.com\tA, B\nb@x.com\tC\n";
  result_matcher m;
  std::string error;
  ASSERT_TRUE(m.load_chunk(tsv, '\t', chunk_of(2, {{5, 1}, {9, 1}}), error)) << error;
  const auto rows = m.match("email\tcompany\tImport Warning Reason\nb@x.com\tC\tw\n");
  ASSERT_EQ(rows.size(), 1U);
  EXPECT_EQ(rows[0].source_line, 9U);
}

TEST(result_matcher, chunk_disagreeing_with_its_manifest_is_an_error) {
  result_matcher m;
  std::string error;
  EXPECT_FALSE(m.load_chunk(CHUNK, ',', chunk_of(4, {{2, 4}}), error));
  EXPECT_FALSE(error.empty());
  error.clear();  // the row count right, the line runs one row short
  EXPECT_FALSE(m.load_chunk(CHUNK, ',', chunk_of(5, {{2, 2}, {10, 2}}), error));
  EXPECT_NE(error.find("more rows than the manifest"), std::string::npos) << error;
  error.clear();  // fewer rows than the manifest says
  EXPECT_FALSE(m.load_chunk(CHUNK, ',', chunk_of(6, {{2, 2}, {10, 4}}), error));
  EXPECT_NE(error.find("5 rows, the manifest says 6"), std::string::npos) << error;
}

TEST(result_matcher, each_result_file_starts_from_every_line) {
  // The failures and then the warnings of one job, on one loaded chunk: a row may be in both.
  result_matcher m;
  std::string error;
  ASSERT_TRUE(m.load_chunk(CHUNK, ',', chunk_of(5, {{2, 2}, {10, 3}}), error)) << error;
  const std::string result = "email,firstName,company,Reason\nc@x.com,Cy,Acme,r\n";
  for (int call = 0; call < 2; ++call) {
    const auto rows = m.match(result);
    ASSERT_EQ(rows.size(), 1U);
    EXPECT_EQ(rows[0].source_line, 10U) << "call " << call;
  }
}

TEST(result_matcher, lines_across_many_runs) {
  // One row per run (each source record after a multi-line one), the rows asked for last
  // first: each takes the line of its own run.
  std::string chunk = "email,n\n";
  std::vector<engine::line_run> runs;
  for (std::uint64_t i = 0; i < 40; ++i) {
    const std::string n = std::to_string(i);
    chunk.append("r").append(n).append("@x.com,").append(n).append("\n");
    runs.push_back({100 + 3 * i, 1});
  }
  result_matcher m;
  std::string error;
  ASSERT_TRUE(m.load_chunk(chunk, ',', chunk_of(40, runs), error)) << error;
  const auto rows = m.match("email,n,Reason\nr39@x.com,39,a\nr0@x.com,0,b\nr17@x.com,17,c\n");
  ASSERT_EQ(rows.size(), 3U);
  EXPECT_EQ(rows[0].source_line, 100U + 3 * 39);
  EXPECT_EQ(rows[1].source_line, 100U);
  EXPECT_EQ(rows[2].source_line, 100U + 3 * 17);
  EXPECT_EQ(rows[2].values, (std::vector<std::string>{"r17@x.com", "17"}));
  const auto all = m.all_rows("boom");
  ASSERT_EQ(all.size(), 40U);
  for (std::uint64_t i = 0; i < 40; ++i) EXPECT_EQ(all[i].source_line, 100 + 3 * i);
}

TEST(result_matcher, all_rows_of_a_failed_job) {
  result_matcher m;
  std::string error;
  ASSERT_TRUE(m.load_chunk(CHUNK, ',', chunk_of(5, {{2, 2}, {10, 3}}), error)) << error;
  const auto rows = m.all_rows("job failed: boom");
  ASSERT_EQ(rows.size(), 5U);
  EXPECT_EQ(rows[4].source_line, 12U);
  EXPECT_EQ(rows[4].reason, "job failed: boom");
}

}  // namespace
}  // namespace mkbulk::upload
