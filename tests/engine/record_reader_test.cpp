// The scalar record reader: dialects, quoting, line ends and the defects it reports.
#include "mkbulk/engine/record_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mkbulk::engine {
namespace {

using fields_t = std::vector<std::string>;

std::vector<fields_t> read_all(std::string_view text, char delimiter) {
  record_reader reader(text, delimiter);
  std::vector<fields_t> out;
  fields_t f;
  while (reader.next(f)) out.push_back(f);
  return out;
}

TEST(record_reader, reads_quoted_fields_with_escapes_and_newlines) {
  const auto rows = read_all("a,b\r\n\"x,1\",\"say \"\"hi\"\"\nthere\"\n", ',');
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], (fields_t{"a", "b"}));
  EXPECT_EQ(rows[1], (fields_t{"x,1", "say \"hi\"\nthere"}));
}

TEST(record_reader, tracks_physical_lines_across_embedded_newlines_and_cr_only_ends) {
  record_reader reader("h\r\"1\n2\"\rz", ',');
  fields_t f;
  ASSERT_TRUE(reader.next(f));
  EXPECT_EQ(reader.line(), 1u);
  ASSERT_TRUE(reader.next(f));
  EXPECT_EQ(reader.line(), 2u);
  EXPECT_EQ(f, (fields_t{"1\n2"}));
  ASSERT_TRUE(reader.next(f));
  EXPECT_EQ(reader.line(), 4u);
  EXPECT_EQ(reader.raw(), "z");
  EXPECT_FALSE(reader.next(f));
}

TEST(record_reader, keeps_bare_quotes_literal_and_flags_bytes_after_closing_quote) {
  record_reader reader("ab\"c;\"d\"e\n", ';');
  fields_t f;
  ASSERT_TRUE(reader.next(f));
  EXPECT_EQ(f, (fields_t{"ab\"c", "de"}));
  EXPECT_EQ(reader.defect(), reject_reason::bytes_after_closing_quote);
}

TEST(record_reader, reports_unterminated_quote_and_nul) {
  record_reader a("x\t\"open\n", '\t');
  fields_t f;
  ASSERT_TRUE(a.next(f));
  EXPECT_EQ(a.defect(), reject_reason::unterminated_quote);
  record_reader b(std::string_view("a\0b\n", 4), ',');
  ASSERT_TRUE(b.next(f));
  EXPECT_EQ(b.defect(), reject_reason::nul_byte);
}

TEST(record_reader, skips_bom_and_keeps_empty_trailing_field) {
  const auto rows = read_all("\xEF\xBB\xBF" "a,\n", ',');
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], (fields_t{"a", ""}));
}

}  // namespace
}  // namespace mkbulk::engine
