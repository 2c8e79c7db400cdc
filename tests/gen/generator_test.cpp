// The export generator: determinism, exact sizes, every dialect option, minimal and full
// quoting, and a truth file that points at exactly the defective records (checked with the
// engine's record_reader and simdjson's UTF-8 validator); then mkbulk-gen end to end.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "export_generator.h"
#include "lead_tables.h"
#include "mkbulk/engine/record_reader.h"
#include "split_test_support.h"

namespace mkbulk::gen {
namespace {

using engine::record_reader;
using engine::reject_reason;

generator_options rows_options(std::uint64_t rows, std::uint64_t seed = 7) {
  generator_options o;
  o.rows = rows;
  o.seed = seed;
  return o;
}

struct record {
  std::uint64_t line;
  std::uint64_t offset;
  std::string raw;
  std::vector<std::string> fields;
  std::optional<reject_reason> defect;
};

std::vector<record> read_all(std::string_view text, char delimiter) {
  record_reader reader(text, delimiter);
  std::vector<record> out;
  std::vector<std::string> fields;
  while (reader.next(fields)) {
    out.push_back(
        {reader.line(), reader.byte_offset(), std::string(reader.raw()), fields, reader.defect()});
  }
  return out;
}

bool valid_utf8(std::string_view s) { return simdjson::validate_utf8(s.data(), s.size()); }

// The record as a minimal (or full) RFC 4180 writer would spell it.
std::string spell(const std::vector<std::string>& fields, char delimiter, bool quote_all) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i != 0) out += delimiter;
    const std::string& f = fields[i];
    if (quote_all ||
        f.find_first_of(std::string{delimiter, '"', '\r', '\n'}) != std::string::npos) {
      out += '"';
      for (char c : f) out += c == '"' ? std::string("\"\"") : std::string(1, c);
      out += '"';
    } else {
      out += f;
    }
  }
  return out;
}

// Every record of a defect-free export: 15 fields, unique e-mail, valid UTF-8, spelled with
// exactly the quoting the options ask for.
void expect_clean_export(const std::string& text, const generator_options& o) {
  const auto records = read_all(text, o.delimiter);
  ASSERT_EQ(records.size(), o.rows + 1);
  EXPECT_EQ(records[0].fields,
            std::vector<std::string>(std::begin(HEADER_FIELDS), std::end(HEADER_FIELDS)));
  std::set<std::string> emails;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const record& r = records[i];
    ASSERT_EQ(r.fields.size(), FIELD_COUNT) << "line " << r.line;
    EXPECT_FALSE(r.defect.has_value()) << "line " << r.line;
    EXPECT_TRUE(valid_utf8(r.raw)) << "line " << r.line;
    EXPECT_EQ(r.raw.find('\0'), std::string::npos);
    EXPECT_EQ(r.raw, spell(r.fields, o.delimiter, o.quote_all)) << "line " << r.line;
    if (i > 0) {
      EXPECT_FALSE(r.fields[0].empty());
      EXPECT_TRUE(emails.insert(r.fields[0]).second) << "duplicate " << r.fields[0];
    }
  }
}

TEST(generator, same_seed_same_bytes_other_seed_other_bytes) {
  generator_options o = rows_options(3000, 42);
  const std::string a = generate_export(o);
  EXPECT_EQ(a, generate_export(o));
  o.seed = 43;
  EXPECT_NE(a, generate_export(o));
  o.seed = 42;
  o.defect_rate = 0.05;
  std::vector<truth_entry> t1, t2;
  EXPECT_EQ(generate_export(o, &t1), generate_export(o, &t2));
  EXPECT_EQ(t1, t2);
  EXPECT_FALSE(t1.empty());
}

TEST(generator, output_does_not_depend_on_how_it_is_drained) {
  generator_options o = rows_options(500);
  o.defect_rate = 0.1;
  std::vector<truth_entry> whole_truth;
  const std::string whole = generate_export(o, &whole_truth);
  export_generator gen(o);
  std::string pieces;
  std::vector<truth_entry> piece_truth;
  while (gen.fill(pieces, 1)) {
    for (const auto& e : gen.take_truth()) piece_truth.push_back(e);
  }
  EXPECT_TRUE(gen.done());
  EXPECT_EQ(pieces, whole);
  EXPECT_EQ(piece_truth, whole_truth);
  EXPECT_EQ(gen.rows_written(), 500u);
  EXPECT_EQ(gen.bytes_written(), whole.size());
}

TEST(generator, rows_count_is_exact_and_rows_are_clean) {
  for (std::uint64_t rows : {1u, 2u, 999u}) {
    generator_options o = rows_options(rows);
    o.multiline_rate = 0.2;
    expect_clean_export(generate_export(o), o);
  }
}

TEST(generator, bytes_gives_at_least_that_many_whole_rows) {
  generator_options o;
  o.bytes = 200'000;
  const std::string text = generate_export(o);
  EXPECT_GE(text.size(), o.bytes);
  EXPECT_LT(text.size(), o.bytes + 2000);
  EXPECT_EQ(text.back(), '\n');
  // Dropping the last row would bring it under the target.
  const std::size_t last_row = text.rfind('\n', text.size() - 2);
  EXPECT_LT(last_row + 1, o.bytes);
}

TEST(generator, every_dialect_with_bom_crlf_and_quote_all) {
  for (char delimiter : {',', '\t', ';'}) {
    for (int variant = 0; variant < 8; ++variant) {
      generator_options o = rows_options(400, 100 + static_cast<std::uint64_t>(variant));
      o.delimiter = delimiter;
      o.bom = (variant & 1) != 0;
      o.crlf = (variant & 2) != 0;
      o.quote_all = (variant & 4) != 0;
      o.multiline_rate = 0.2;
      const std::string text = generate_export(o);
      SCOPED_TRACE(testing::Message() << "delimiter " << int{delimiter} << " variant " << variant);
      EXPECT_EQ(text.starts_with("\xEF\xBB\xBF"), o.bom);
      std::size_t lf = 0, crlf = 0;
      for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n') {
          ++lf;
          if (i > 0 && text[i - 1] == '\r') ++crlf;
        }
      }
      EXPECT_EQ(std::count(text.begin(), text.end(), '\r'), static_cast<long>(crlf));
      EXPECT_EQ(crlf, o.crlf ? lf : 0u);
      EXPECT_GT(lf, o.rows + 1) << "some multi-line Comments expected";
      // Companies with the dialect's own delimiter in them ("Acme, Inc."), hence quoted.
      std::size_t suffixed = 0;
      for (std::string_view suffix : tables::company_suffixes()) {
        if (text.find(std::string(1, delimiter) + " " + std::string(suffix) + "\"") !=
            std::string::npos) {
          ++suffixed;
        }
      }
      EXPECT_GT(suffixed, 3u);
      expect_clean_export(text, o);
    }
  }
}

TEST(generator, doubled_quotes_and_many_scripts_appear) {
  const std::string text = generate_export(rows_options(2000));
  EXPECT_NE(text.find("\"\"Best\"\""), std::string::npos);
  for (std::string_view s : {"Иван", "Γιώργος", "山田", "محمد", "🚀", "ö"}) {
    EXPECT_NE(text.find(s), std::string::npos) << s;
  }
}

TEST(generator, vocabulary_is_plain_valid_utf8) {
  std::vector<std::string_view> all;
  for (const auto& n : tables::first_names()) all.insert(all.end(), {n.display, n.slug});
  for (const auto& n : tables::last_names()) all.insert(all.end(), {n.display, n.slug});
  for (const auto& p : tables::places())
    all.insert(all.end(), {p.city, p.state, p.country, p.zip_format});
  for (auto t : {tables::company_stems(), tables::company_suffixes(), tables::job_titles(),
                 tables::street_names(), tables::lead_sources(), tables::email_domains(),
                 tables::comment_lines(), tables::emoji()}) {
    all.insert(all.end(), t.begin(), t.end());
  }
  for (std::string_view s : all) {
    EXPECT_EQ(s.find_first_of(std::string_view(",\t;\"\r\n\0", 7)), std::string_view::npos) << s;
    EXPECT_TRUE(valid_utf8(s)) << s;
  }
  for (std::string_view s : tables::invalid_utf8()) {
    EXPECT_FALSE(valid_utf8(std::string(s) + "z")) << "still valid";
  }
  for (const auto& n : tables::first_names()) {
    for (char c : n.slug) EXPECT_TRUE(c >= 'a' && c <= 'z') << n.slug;
  }
}

// ---- Defects and the truth file ---------------------------------------------------------

// What record_reader and simdjson see of a record with each defect (invalid UTF-8 only
// simdjson sees; bare quotes record_reader keeps as characters).
void expect_defect_visible(const record& r, defect_kind kind) {
  SCOPED_TRACE(testing::Message() << "line " << r.line << " " << to_string(kind) << ": " << r.raw);
  switch (kind) {
    case defect_kind::field_count_mismatch:
      EXPECT_NE(r.fields.size(), FIELD_COUNT);
      EXPECT_FALSE(r.defect.has_value());
      break;
    case defect_kind::bytes_after_closing_quote:
      EXPECT_EQ(r.defect, reject_reason::bytes_after_closing_quote);
      break;
    case defect_kind::nul_byte:
      EXPECT_EQ(r.defect, reject_reason::nul_byte);
      break;
    case defect_kind::empty_lookup_field:
      ASSERT_EQ(r.fields.size(), FIELD_COUNT);
      EXPECT_TRUE(r.fields[0].empty());
      EXPECT_FALSE(r.defect.has_value());
      break;
    case defect_kind::invalid_utf8:
      EXPECT_FALSE(valid_utf8(r.raw));
      EXPECT_FALSE(r.defect.has_value());
      EXPECT_EQ(r.fields.size(), FIELD_COUNT);
      break;
    case defect_kind::bare_quote:
      ASSERT_EQ(r.fields.size(), FIELD_COUNT);
      EXPECT_FALSE(r.defect.has_value());
      EXPECT_NE(r.fields[2].find('"'), std::string::npos);
      EXPECT_NE(r.fields[2].front(), '"');
      break;
    case defect_kind::unterminated_quote:
      EXPECT_EQ(r.defect, reject_reason::unterminated_quote);
      break;
    case defect_kind::duplicate_key:
      ADD_FAILURE() << "duplicate_key is not a --defect-rate defect";
      break;
  }
  if (kind != defect_kind::invalid_utf8) {
    EXPECT_TRUE(valid_utf8(r.raw));
  }
}

bool is_clean(const record& r) {
  return r.fields.size() == FIELD_COUNT && !r.defect && !r.fields[0].empty() && valid_utf8(r.raw) &&
         r.raw.find('\0') == std::string::npos;
}

TEST(generator_truth, points_at_exactly_the_defective_records_for_each_kind) {
  for (std::size_t k = 0; k < DEFECT_KIND_COUNT; ++k) {
    const auto kind = static_cast<defect_kind>(k);
    if (kind == defect_kind::unterminated_quote) continue;  // its own test below
    for (bool quote_all : {false, true}) {
      generator_options o = rows_options(1500, 900 + k);
      o.defect_rate = 0.1;
      o.defects = {kind};
      o.multiline_rate = 0.1;
      o.quote_all = quote_all;
      o.crlf = quote_all;
      std::vector<truth_entry> truth;
      const std::string text = generate_export(o, &truth);
      const auto records = read_all(text, o.delimiter);
      ASSERT_EQ(records.size(), o.rows + 1);
      ASSERT_GT(truth.size(), 100u);
      ASSERT_LT(truth.size(), 200u);
      std::map<std::uint64_t, const record*> by_line;
      for (const record& r : records) by_line[r.line] = &r;
      std::set<std::uint64_t> defective;
      for (const truth_entry& e : truth) {
        EXPECT_EQ(e.kind, kind);
        const auto it = by_line.find(e.source_line);
        ASSERT_NE(it, by_line.end()) << "no record starts on line " << e.source_line;
        expect_defect_visible(*it->second, kind);
        defective.insert(e.source_line);
      }
      for (const record& r : records) {
        if (!defective.contains(r.line)) {
          EXPECT_TRUE(is_clean(r)) << "line " << r.line << ": " << r.raw;
        }
      }
    }
  }
}

// The engine resynchronises an unterminated quote at the end of its line: check that the
// generator makes that the only plausible reading. Read the records up to the defective one,
// check that its quote never closes on its line and that the next line is a plain record, then
// read on from there with a fresh reader.
TEST(generator_truth, unterminated_quote_damage_ends_with_its_line) {
  for (bool quote_all : {false, true}) {
    generator_options o = rows_options(1500, 77);
    o.defect_rate = 0.08;
    o.multiline_rate = 0.1;
    o.quote_all = quote_all;
    std::vector<truth_entry> truth;
    const std::string text = generate_export(o, &truth);
    std::size_t base = 0;         // where the current reader starts in text
    std::uint64_t line_base = 0;  // physical lines before it
    std::size_t truth_i = 0, rows_seen = 0, unterminated = 0;
    while (base < text.size()) {
      const auto records = read_all(std::string_view(text).substr(base), ',');
      bool restarted = false;
      for (const record& r : records) {
        const std::uint64_t line = r.line + line_base;
        const bool listed = truth_i < truth.size() && truth[truth_i].source_line == line;
        if (!listed) {
          ASSERT_TRUE(is_clean(r) || line == 1) << "line " << line << ": " << r.raw;
          ++rows_seen;
          continue;
        }
        const defect_kind kind = truth[truth_i++].kind;
        ++rows_seen;
        if (kind != defect_kind::unterminated_quote) {
          expect_defect_visible(r, kind);
          continue;
        }
        ++unterminated;
        const std::size_t start = base + r.offset;
        const std::size_t eol = text.find('\n', start);
        ASSERT_NE(eol, std::string::npos);
        const std::string_view this_line = std::string_view(text).substr(start, eol - start);
        // Quotes before the open one are balanced; the open one is the last on the line.
        EXPECT_EQ(std::count(this_line.begin(), this_line.end(), '"') % 2, 1) << this_line;
        const std::size_t open = this_line.rfind('"');
        EXPECT_TRUE(open == 0 || this_line[open - 1] == ',') << this_line;
        // Text follows the open quote, so it can never act as a valid closing quote of an
        // earlier unterminated quote.
        ASSERT_LT(open + 1, this_line.size()) << this_line;
        EXPECT_EQ(std::string_view(",\r\n\"").find(this_line[open + 1]), std::string_view::npos);
        const std::size_t next = eol + 1;
        if (next < text.size()) {
          const std::string_view next_line =
              std::string_view(text).substr(next, text.find('\n', next) - next);
          EXPECT_EQ(next_line.find('"'), std::string_view::npos) << next_line;
        }
        line_base = line;  // the fresh reader's line 1 is the defective one's next line
        base = next;
        restarted = true;
        break;
      }
      if (!restarted) break;
    }
    EXPECT_EQ(truth_i, truth.size());
    EXPECT_EQ(rows_seen, o.rows + 1);
    EXPECT_GT(unterminated, 5u);
  }
}

TEST(generator_truth, every_kind_is_drawn_and_the_csv_names_reasons) {
  generator_options o = rows_options(3000);
  o.defect_rate = 0.07;
  std::vector<truth_entry> truth;
  (void)generate_export(o, &truth);
  std::set<defect_kind> kinds;
  std::string csv(truth_csv_header());
  for (const auto& e : truth) {
    kinds.insert(e.kind);
    append_truth_csv(csv, e);
  }
  EXPECT_EQ(kinds.size(), DEFECT_KIND_COUNT);
  EXPECT_TRUE(csv.starts_with("source_line,kind,expected_reason\n"));
  EXPECT_NE(csv.find(",bare_quote,none\n"), std::string::npos);
  EXPECT_NE(csv.find(",invalid_utf8,invalid_utf8\n"), std::string::npos);
  for (std::size_t k = 0; k < DEFECT_KIND_COUNT; ++k) {
    const auto kind = static_cast<defect_kind>(k);
    EXPECT_EQ(defect_kind_from_string(to_string(kind)), kind);
    if (kind != defect_kind::bare_quote) {
      EXPECT_EQ(engine::reject_reason_from_string(expected_reason(kind)).has_value(), true)
          << "not an engine reject_reason: " << expected_reason(kind);
    }
  }
  EXPECT_FALSE(defect_kind_from_string("nul").has_value());
}

// ---- Options ------------------------------------------------------------------------------

TEST(generator_options_check, parse_size_uses_binary_units) {
  EXPECT_EQ(parse_size("4096"), 4096u);
  EXPECT_EQ(parse_size("100K"), 100u << 10);
  EXPECT_EQ(parse_size("100M"), 100u << 20);
  EXPECT_EQ(parse_size("1G"), std::uint64_t{1} << 30);
  EXPECT_EQ(parse_size("4G"), std::uint64_t{4} << 30);
  EXPECT_EQ(parse_size("4GiB"), std::uint64_t{4} << 30);
  EXPECT_EQ(parse_size("2m"), 2u << 20);
  EXPECT_EQ(parse_size("10MB"), 10u << 20);
  for (const char* bad : {"", "M", "12X", "-1", "1.5G", "99999999999999999999T", "20000000T"}) {
    EXPECT_THROW((void)parse_size(bad), std::invalid_argument) << bad;
  }
}

TEST(generator_options_check, invalid_options_throw) {
  generator_options o;
  EXPECT_THROW(o.validate(), std::invalid_argument);  // neither rows nor bytes
  o.rows = 1;
  o.bytes = 1;
  EXPECT_THROW(o.validate(), std::invalid_argument);  // both
  o.bytes = 0;
  EXPECT_NO_THROW(o.validate());
  o.delimiter = '|';
  EXPECT_THROW(export_generator{o}, std::invalid_argument);
  o.delimiter = ',';
  o.defect_rate = 1.5;
  EXPECT_THROW(o.validate(), std::invalid_argument);
  o.defect_rate = 0;
  o.multiline_rate = -0.1;
  EXPECT_THROW(o.validate(), std::invalid_argument);
}

// ---- The program ----------------------------------------------------------------------------

using engine::testing::read_file;

TEST(mkbulk_gen_program, writes_what_the_library_generates_and_its_truth) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("mkbulk_gen_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string cmd = std::string(MKBULK_GEN_EXE) +
                          " --seed 9 --rows 700 --format ssv --bom --crlf --multiline-rate 0.2"
                          " --defect-rate 0.1 --defects nul_byte,bare_quote --truth '" +
                          (dir / "truth.csv").string() + "' --out '" + (dir / "out.ssv").string() +
                          "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  generator_options o = rows_options(700, 9);
  o.delimiter = ';';
  o.bom = o.crlf = true;
  o.multiline_rate = 0.2;
  o.defect_rate = 0.1;
  o.defects = {defect_kind::nul_byte, defect_kind::bare_quote};
  std::vector<truth_entry> truth;
  EXPECT_EQ(read_file(dir / "out.ssv"), generate_export(o, &truth));
  std::string csv(truth_csv_header());
  for (const auto& e : truth) append_truth_csv(csv, e);
  EXPECT_EQ(read_file(dir / "truth.csv"), csv);
  EXPECT_GT(truth.size(), 30u);

  const std::string bad = std::string(MKBULK_GEN_EXE) + " --rows 3 --format xml > /dev/null 2>&1";
  EXPECT_NE(std::system(bad.c_str()), 0);
  const std::string bad2 =
      std::string(MKBULK_GEN_EXE) + " --rows 3 --defects nope > /dev/null 2>&1";
  EXPECT_NE(std::system(bad2.c_str()), 0);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace mkbulk::gen
