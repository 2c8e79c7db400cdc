// manifest.json: write/read round trip, source lines from line runs, errors that name the
// key, and the CRC-32C the chunks are checked with.
#include <gtest/gtest.h>

#include "mkbulk/engine/json_text.h"
#include "split_test_support.h"

namespace mkbulk::engine {
namespace {

manifest sample() {
  manifest m;
  m.input_path = "exports/leads \"Q3\".csv";
  m.input_bytes = 123456;
  m.format = "tsv";
  m.delimiter = '\t';
  m.bom = true;
  m.line_endings = "crlf";
  m.out_format = "csv";
  m.lookup_field = "email";
  m.max_bytes = 9990000;
  m.columns = {{"Email Address", "email", 0}, {"Prénom", "firstName", 2}};
  m.dropped = {"Internal\nNotes"};
  m.header_line = "email,firstName";
  chunk_info c;
  c.index = 1;
  c.file = "chunks/000001.csv";
  c.bytes = 999;
  c.rows = 5;
  c.crc32c = 0x0a2b3c4d;
  c.first_line = 2;
  c.last_line = 9;
  c.line_runs = {{2, 3}, {8, 2}};
  m.chunks = {c};
  m.counts.rows_in = 6;
  m.counts.rows_chunked = 5;
  m.counts.rows_rejected = 1;
  m.counts.reject_counts[static_cast<std::size_t>(reject_reason::nul_byte)] = 1;
  m.counts.bare_quotes = 2;
  m.counts.bytes_in = 123456;
  m.counts.bytes_out = 999;
  return m;
}

TEST(manifest, write_then_read_gives_the_same_manifest) {
  testing::temp_dir dir;
  const manifest m = sample();
  manifest_error err;
  ASSERT_TRUE(write_manifest(dir.path(), m, err)) << err.message;
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "manifest.json.tmp"));
  manifest back;
  ASSERT_TRUE(read_manifest(dir.path(), back, err)) << err.message;
  EXPECT_EQ(back, m);
  EXPECT_NE(testing::read_file(dir.path() / "manifest.json").find("\"crc32c\":\"0a2b3c4d\""),
            std::string::npos);
}

TEST(manifest, source_line_of_row_expands_the_runs) {
  const manifest m = sample();
  const chunk_info& c = m.chunks[0];
  EXPECT_EQ(c.source_line_of_row(0), 2u);
  EXPECT_EQ(c.source_line_of_row(2), 4u);
  EXPECT_EQ(c.source_line_of_row(3), 8u);
  EXPECT_EQ(c.source_line_of_row(4), 9u);
  EXPECT_EQ(c.source_line_of_row(5), 0u);
}

TEST(manifest, read_errors_name_the_problem) {
  testing::temp_dir dir;
  manifest m;
  manifest_error err;
  EXPECT_FALSE(read_manifest(dir.path(), m, err));
  EXPECT_NE(err.message.find("manifest.json"), std::string::npos);
  ASSERT_TRUE(write_manifest(dir.path(), sample(), err));
  std::string text = testing::read_file(dir.path() / "manifest.json");
  const auto at = text.find("\"rows\":5");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 8, "\"rows\":\"5\"");
  testing::write_file(dir.path() / "manifest.json", text);
  EXPECT_FALSE(read_manifest(dir.path(), m, err));
  EXPECT_NE(err.message.find("chunks[0].rows"), std::string::npos) << err.message;
  testing::write_file(dir.path() / "manifest.json", "{\"format\":\"other\",\"version\":1}");
  EXPECT_FALSE(read_manifest(dir.path(), m, err));
  testing::write_file(dir.path() / "manifest.json", "{not json");
  EXPECT_FALSE(read_manifest(dir.path(), m, err));
}

TEST(manifest, delimiter_of_format) {
  EXPECT_EQ(delimiter_of_format("csv"), ',');
  EXPECT_EQ(delimiter_of_format("tsv"), '\t');
  EXPECT_EQ(delimiter_of_format("ssv"), ';');
}

TEST(json_text, escapes_quotes_controls_and_invalid_utf8) {
  std::string out;
  static constexpr char IN[] = "a\"b\\c\n\x01 é \xFF";
  append_json_string(out, std::string_view(IN, sizeof IN - 1));
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\u0001 é \xEF\xBF\xBD\"");
}

}  // namespace
}  // namespace mkbulk::engine
