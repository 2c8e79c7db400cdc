// typed_verdicts: the read-ahead thread lists exactly the records that lie wholly in a block,
// have the header's field count and keep every typed value as it is (quoted values and CRLF
// included); the partial records at the block's ends, rewritten and rejected values are not
// listed; and block_index::kept finds them by start and end. Without a schema every whole
// record with the header's field count is listed, with its lookup field's bounds and what its
// bytes hold (block_index::record_at).
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "../../engine/src/block_index.h"
#include "../../engine/src/careful_parser.h"
#include "../../engine/src/typed_verdicts.h"
#include "mkbulk/engine/scan_dispatch.h"

namespace {

using namespace mkbulk::engine;
using namespace mkbulk::engine::detail;

preflight_options standard_options() {
  preflight_options o;
  o.schema = lead_schema::standard();
  return o;
}

const std::vector<std::string> COLUMNS = {"email", "numberOfEmployees", "company",
                                          "annualRevenue"};

std::vector<std::uint8_t> padded(const std::string& s) {
  std::vector<std::uint8_t> v(s.size() + 128, 0);
  std::memcpy(v.data(), s.data(), s.size());
  return v;
}

TEST(typed_verdicts, lists_the_whole_records_whose_typed_values_are_kept) {
  // A partial record first (its start is in the previous block), then one record of each kind,
  // then a partial one at the end.
  const std::string text =
      "tail,of,a,record\r\n"                       // partial: not listed
      "a@x.com,12,Acme,1000\r\n"                   // kept
      "b@x.com,1 200,Acme,1000\r\n"                // 1 200: rewritten, not listed
      "c@x.com,abc,Acme,1000\r\n"                  // rejected, not listed
      "d@x.com,7,\"Acme, Inc.\",\"25.5\"\n"        // quoted values, LF: kept
      "e@x.com,7,Acme\r\n"                         // three fields: not listed
      "f@x.com,,Acme,\r\n"                         // empty values: kept
      "g@x.com,8,Ac";                              // partial: not listed
  const auto buf = padded(text);
  const std::size_t at_a = text.find("a@x.com");
  const std::size_t at_d = text.find("d@x.com");
  const std::size_t at_f = text.find("f@x.com");
  const preflight_options options = standard_options();  // the checkers point into its schema
  for (const auto& k : supported_scan_kernels()) {
    SCOPED_TRACE(k.name);
    typed_verdicts verdicts(options, COLUMNS, "email", ',', COLUMNS.size(), 0);
    block_index ix;
    ix.build(buf.data(), text.size(), ',', k.fn, COLUMNS.size(), &verdicts);
    std::size_t cursor = 0;
    EXPECT_TRUE(ix.kept(at_a, text.find('\r', at_a), cursor));
    EXPECT_FALSE(ix.kept(text.find("b@x.com"), text.find('\r', text.find("b@x.com")), cursor));
    EXPECT_FALSE(ix.kept(text.find("c@x.com"), text.find('\r', text.find("c@x.com")), cursor));
    EXPECT_TRUE(ix.kept(at_d, text.find('\n', at_d), cursor));
    EXPECT_FALSE(ix.kept(text.find("e@x.com"), text.find('\r', text.find("e@x.com")), cursor));
    EXPECT_TRUE(ix.kept(at_f, text.find('\r', at_f), cursor));
    // Not by the wrong end, nor from a fresh cursor for a start in the middle of a record.
    std::size_t fresh = 0;
    EXPECT_FALSE(ix.kept(at_a, text.find('\r', at_a) + 1, fresh));
    fresh = 0;
    EXPECT_FALSE(ix.kept(at_a + 1, text.find('\r', at_a), fresh));
    fresh = 0;
    EXPECT_FALSE(ix.kept(0, text.find('\r'), fresh)) << "the block's first, partial record";
  }
}

TEST(typed_verdicts, without_a_schema_lists_each_whole_record_with_its_lookup_and_flags) {
  const std::string text =
      "tail\n"                                   // partial: not listed
      "1,a@x.com,\"Acme, Inc.\"\r\n"          // a quote
      "2,b@x.com,Caf\xc3\xa9\n"                // a special byte
      "3,\"c@x.com\",\"two\nlines\"\n"     // a line end in quotes; a needless quote
      "7,g@x.com,\"a\r\nb\nc\"\n"           // regular quotes around two line ends
      "4,d@x.com\n"                              // two fields: not listed
      "5,e@x.com,plain\r\n"                     // nothing
      "6,f@x.com,pa";                             // partial: not listed
  const auto buf = padded(text);
  struct want {
    std::string start;  // the record's first bytes
    std::string last;   // bytes on its last line
    std::string lookup;
    std::uint32_t flags;  // but the line end's
    line_end eol;
  };
  constexpr std::uint32_t regular = RECORD_QUOTE | RECORD_QUOTES_REGULAR;
  const std::vector<want> wants = {
      {"1,a@", "1,a@", "a@x.com", regular, line_end::crlf},  // quoted for its delimiter: regular
      {"2,b@", "2,b@", "b@x.com", RECORD_SPECIAL, line_end::lf},
      {"3,\"c", "lines", "\"c@x.com\"", RECORD_QUOTE | RECORD_INNER_EOL, line_end::lf},
      // Two inner line ends (the CR of a CRLF does not count).
      {"7,g@", "c\"", "g@x.com", regular | RECORD_INNER_EOL | (2U << RECORD_INNER_LINES_SHIFT),
       line_end::lf},
      {"5,e@", "5,e@", "e@x.com", 0, line_end::crlf}};
  for (const auto& k : supported_scan_kernels()) {
    SCOPED_TRACE(k.name);
    typed_verdicts records(',', 3, 1);  // three fields, the lookup in the middle
    block_index ix;
    ix.build(buf.data(), text.size(), ',', k.fn, 3, &records);
    std::size_t cursor = 0;
    for (const want& w : wants) {
      const std::size_t start = text.find(w.start);
      const kept_record* r = ix.record_at(start, cursor);
      ASSERT_NE(r, nullptr) << w.start;
      EXPECT_EQ(r->end, text.find_first_of("\r\n", text.find(w.last)));
      EXPECT_EQ(text.substr(r->lookup_begin, r->lookup_end - r->lookup_begin), w.lookup);
      EXPECT_EQ(r->flags & ~(RECORD_EOL_MASK << RECORD_EOL_SHIFT), w.flags) << w.start;
      EXPECT_EQ((r->flags >> RECORD_EOL_SHIFT) & RECORD_EOL_MASK, static_cast<std::uint32_t>(w.eol))
          << w.start;
    }
    std::size_t fresh = 0;
    EXPECT_EQ(ix.record_at(text.find("4,d@"), fresh), nullptr) << "two fields";
    EXPECT_EQ(ix.record_at(text.find("6,f@"), fresh), nullptr) << "partial";
    EXPECT_EQ(ix.record_at(0, fresh), nullptr) << "the block's first, partial record";
    // Asked again from an earlier start (a restart), the cursor is taken back.
    EXPECT_NE(ix.record_at(text.find("1,a@"), fresh), nullptr);
  }
}

TEST(typed_verdicts, a_records_line_end_is_listed_unless_a_cr_ends_the_block) {
  // A lone CR ends a record; a CR in the block's last byte may be a CRLF's: unknown.
  const std::string text = "x\n1,a@x.com,y\r2,b@x.com,z\r";
  const auto buf = padded(text);
  for (const auto& k : supported_scan_kernels()) {
    SCOPED_TRACE(k.name);
    typed_verdicts records(',', 3, 1);
    block_index ix;
    ix.build(buf.data(), text.size(), ',', k.fn, 3, &records);
    std::size_t cursor = 0;
    const kept_record* cr = ix.record_at(text.find("1,a@"), cursor);
    ASSERT_NE(cr, nullptr);
    EXPECT_EQ((cr->flags >> RECORD_EOL_SHIFT) & RECORD_EOL_MASK,
              static_cast<std::uint32_t>(line_end::cr));
    const kept_record* last = ix.record_at(text.find("2,b@"), cursor);
    ASSERT_NE(last, nullptr);
    EXPECT_EQ(last->end, text.size() - 1);
    EXPECT_EQ((last->flags >> RECORD_EOL_SHIFT) & RECORD_EOL_MASK,
              static_cast<std::uint32_t>(line_end::none));
  }
}

// The parser lists the blocks the reader did not (block_index::list_records): the same list as
// build() with verdicts, on text whose bare quotes make the reader choose its quote state
// afresh at 64 KiB boundaries (a record open across such a switch is not listed).
TEST(typed_verdicts, the_parsers_list_of_a_block_is_the_readers) {
  std::uint64_t seed = 7;
  const auto rnd = [&seed](std::uint64_t n) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return (seed >> 33) % n;
  };
  std::size_t switched_texts = 0;
  for (int round = 0; round < 24; ++round) {
    std::string text = "partial\n";
    while (text.size() < 3 * 65536 + 1000) {
      text += std::to_string(rnd(1000)) + ",u" + std::to_string(rnd(100)) + "@x.com,";
      switch (rnd(12)) {
        case 0: text += "ab\"c"; break;                 // a bare quote
        case 1: text += "\"two\r\nlines, quoted\""; break;
        case 2: text += "\"say \"\"hi\"\"\""; break;
        case 3: text += "x,y"; break;                    // four fields
        case 4: text += "caf\xc3\xa9"; break;
        default: text += std::string(rnd(60), 'v'); break;
      }
      text += rnd(3) == 0 ? "\n" : "\r\n";
    }
    const auto buf = padded(text);
    for (const auto& k : supported_scan_kernels()) {
      SCOPED_TRACE(std::string(k.name) + " round " + std::to_string(round));
      typed_verdicts reader(',', 3, 1);
      typed_verdicts parser(',', 3, 1);
      block_index by_reader;
      by_reader.build(buf.data(), text.size(), ',', k.fn, 3, &reader);
      block_index by_parser;
      by_parser.build(buf.data(), text.size(), ',', k.fn, 3);
      EXPECT_FALSE(by_parser.listed());
      by_parser.list_records(buf.data(), parser);
      EXPECT_TRUE(by_parser.listed());
      ASSERT_EQ(by_parser.record_count(), by_reader.record_count());
      ASSERT_GT(by_reader.record_count(), 100U);
      for (std::size_t i = 0; i < by_reader.record_count(); ++i) {
        const kept_record& a = by_reader.records()[i];
        const kept_record& b = by_parser.records()[i];
        ASSERT_EQ(a.start, b.start) << i;
        EXPECT_EQ(a.end, b.end) << i;
        EXPECT_EQ(a.lookup_begin, b.lookup_begin) << i;
        EXPECT_EQ(a.lookup_end, b.lookup_end) << i;
        EXPECT_EQ(a.flags, b.flags) << i;
      }
      // A record open across a switch is not listed: listing across it would take bits of two
      // quote states. Count the texts where the reader switched and such a record was left out.
      if (k.name == supported_scan_kernels()[0].name) {
        typed_verdicts unswitched(',', 3, 1);
        unswitched.begin();
        std::pmr::vector<kept_record> all;
        for (std::size_t first = 0; first < by_reader.blocks(); first += STATE_CHOICE_BLOCKS) {
          unswitched.build(buf.data(), text.size(), by_reader.masks(), first,
                           std::min(first + STATE_CHOICE_BLOCKS, by_reader.blocks()), false, all);
        }
        if (all.size() != by_reader.record_count()) ++switched_texts;
      }
    }
  }
  EXPECT_GT(switched_texts, 0U) << "no text made the reader switch across a record";
}

TEST(typed_verdicts, nothing_is_listed_without_them) {
  const std::string text = "x\na@x.com,12,Acme,1000\nb@x.com,13,Acme,1000\n";
  const auto buf = padded(text);
  block_index ix;
  ix.build(buf.data(), text.size(), ',', supported_scan_kernels()[0].fn);
  std::size_t cursor = 0;
  EXPECT_FALSE(ix.kept(2, text.find('\n', 2), cursor));
}

}  // namespace
