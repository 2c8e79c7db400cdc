// mkbulk-gen --duplicate-rate: repeated lookup e-mails (another case, surrounding spaces) with
// their truth (duplicate_key, the key's first line), checked against the engine's key folding;
// outputs without the option unchanged (golden hashes); no accidental duplicates by default.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "export_generator.h"
#include "mkbulk/engine/duplicate_keys.h"
#include "mkbulk/engine/record_reader.h"
#include "split_test_support.h"

namespace mkbulk::gen {
namespace {

std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;
  }
  return h;
}

struct row {
  std::uint64_t line = 0;
  std::vector<std::string> fields;
};

// Every record by source line (no unterminated_quote defects in these exports, so the
// engine's plain record_reader reads them as the split does).
std::map<std::uint64_t, row> rows_by_line(const std::string& text, char delimiter) {
  engine::record_reader reader(text, delimiter);
  std::vector<std::string> fields;
  std::map<std::uint64_t, row> out;
  bool header = true;
  while (reader.next(fields)) {
    if (header) {
      header = false;
      continue;
    }
    out[reader.line()] = {reader.line(), fields};
  }
  return out;
}

generator_options dup_options(std::uint64_t rows, std::uint64_t seed, double rate) {
  generator_options o;
  o.rows = rows;
  o.seed = seed;
  o.duplicate_rate = rate;
  return o;
}

// Written by the generator before --duplicate-rate existed (mkbulk-gen at ae90fc2): the other
// tests, the demo and the benchmarks rely on these bytes staying the same.
TEST(generator_duplicates, outputs_without_the_option_are_unchanged) {
  generator_options a;
  a.seed = 7;
  a.rows = 20000;
  a.defect_rate = 0.05;
  a.typed_defect_rate = 0.02;
  std::vector<truth_entry> truth;
  EXPECT_EQ(fnv1a(generate_export(a, &truth)), 0xca1a12934b1d0f39ull);
  std::string csv(truth_csv_header());
  for (const auto& e : truth) append_truth_csv(csv, e);
  EXPECT_EQ(fnv1a(csv), 0x25cce0c068add94full);
  generator_options b;
  b.seed = 3;
  b.rows = 5000;
  b.delimiter = ';';
  b.crlf = b.quote_all = true;
  EXPECT_EQ(fnv1a(generate_export(b)), 0xf68fc6994fc41b92ull);
}

// The demo and the benchmarks use the default output: with --duplicates merge the default, an
// accidental repeat there would be merged. There is none (the row number ends each local part).
TEST(generator_duplicates, default_output_has_no_repeated_key) {
  for (const char d : {',', '\t'}) {
    generator_options o;
    o.seed = 5;
    o.rows = 30000;
    o.delimiter = d;
    o.defect_rate = 0.05;  // every kind but unterminated_quote (record_reader does not resync)
    o.defects = {defect_kind::field_count_mismatch, defect_kind::bytes_after_closing_quote,
                 defect_kind::invalid_utf8,         defect_kind::nul_byte,
                 defect_kind::empty_lookup_field,   defect_kind::bare_quote};
    o.typed_defect_rate = 0.02;
    const auto rows = rows_by_line(generate_export(o), d);
    ASSERT_EQ(rows.size(), o.rows);
    std::set<std::string> keys;
    std::size_t with_key = 0;
    for (const auto& [line, r] : rows) {
      if (r.fields.empty() || r.fields[0].empty()) continue;
      ++with_key;
      EXPECT_TRUE(keys.insert(engine::fold_lookup_key(r.fields[0])).second)
          << "line " << line << " repeats " << r.fields[0];
    }
    EXPECT_GT(with_key, o.rows * 9 / 10);
  }
}

TEST(generator_duplicates, repeats_are_where_the_truth_says_and_only_there) {
  const generator_options o = dup_options(20000, 11, 0.1);
  std::vector<truth_entry> truth;
  const std::string text = generate_export(o, &truth);
  const auto rows = rows_by_line(text, ',');
  ASSERT_EQ(rows.size(), o.rows);

  std::map<std::uint64_t, std::uint64_t> first_of;  // duplicate line -> first line
  for (const auto& t : truth) {
    ASSERT_EQ(t.kind, defect_kind::duplicate_key);
    first_of[t.source_line] = t.first_line;
  }
  ASSERT_EQ(first_of.size(), truth.size());  // one entry per line
  // About 10% of the rows (all but the first can repeat a key).
  EXPECT_GT(truth.size(), 1800u);
  EXPECT_LT(truth.size(), 2200u);

  std::size_t cased = 0, spaced = 0, emptied = 0;
  for (const auto& [line, first] : first_of) {
    SCOPED_TRACE("line " + std::to_string(line));
    ASSERT_LT(first, line);
    ASSERT_TRUE(rows.count(line) && rows.count(first));
    const std::string& dup = rows.at(line).fields[0];
    const std::string& orig = rows.at(first).fields[0];
    EXPECT_FALSE(first_of.count(first)) << "the first row of a key is not itself a repeat";
    EXPECT_NE(dup, orig);  // another spelling
    EXPECT_EQ(engine::fold_lookup_key(dup), engine::fold_lookup_key(orig));
    EXPECT_EQ(engine::lookup_key_hash(dup), engine::lookup_key_hash(orig));
    if (dup.front() == ' ' || dup.back() == ' ') ++spaced;
    if (dup.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string::npos) ++cased;
    std::size_t empty = 0;
    for (std::size_t i = 1; i < 14; ++i) {
      if (rows.at(line).fields[i].empty()) ++empty;
    }
    if (empty >= 3) ++emptied;
  }
  EXPECT_GT(cased, truth.size() / 3);
  EXPECT_GT(spaced, truth.size() / 4);
  EXPECT_GT(emptied, truth.size() / 5);

  // Every repeated key in the file is in the truth, pointing at the key's first row.
  std::map<std::string, std::uint64_t> first_line_of_key;
  std::size_t repeats = 0;
  for (const auto& [line, r] : rows) {
    const auto [it, fresh] = first_line_of_key.emplace(engine::fold_lookup_key(r.fields[0]), line);
    if (fresh) {
      EXPECT_FALSE(first_of.count(line)) << "line " << line << " repeats nothing";
      continue;
    }
    ++repeats;
    ASSERT_TRUE(first_of.count(line)) << "line " << line << ": repeat missing from the truth";
    EXPECT_EQ(first_of.at(line), it->second) << "line " << line;
  }
  EXPECT_EQ(repeats, truth.size());
}

TEST(generator_duplicates, deterministic_for_a_seed_and_late_keys_repeat_too) {
  const generator_options o = dup_options(60000, 4, 0.05);
  std::vector<truth_entry> t1, t2, t3;
  const std::string a = generate_export(o, &t1);
  EXPECT_EQ(a, generate_export(o, &t2));
  EXPECT_EQ(t1, t2);
  generator_options other = o;
  other.seed = 5;
  EXPECT_NE(a, generate_export(other, &t3));
  // The reservoir keeps a sample of all earlier keys: beyond its size, late rows' keys are
  // repeated too (not only the first DUPLICATE_RESERVOIR rows').
  std::size_t late = 0;
  for (const auto& t : t1) {
    if (t.first_line > 3 * DUPLICATE_RESERVOIR) ++late;
  }
  EXPECT_GT(late, t1.size() / 4);
}

TEST(generator_duplicates, mix_with_defects_one_truth_line_per_row_in_file_order) {
  generator_options o = dup_options(20000, 8, 0.05);
  o.defect_rate = 0.05;
  o.typed_defect_rate = 0.02;
  std::vector<truth_entry> truth;
  (void)generate_export(o, &truth);
  std::set<defect_kind> kinds;
  for (std::size_t i = 0; i < truth.size(); ++i) {
    kinds.insert(truth[i].kind);
    if (i != 0) {
      EXPECT_LT(truth[i - 1].source_line, truth[i].source_line);
    }
    EXPECT_EQ(truth[i].first_line != 0, truth[i].kind == defect_kind::duplicate_key);
  }
  EXPECT_EQ(kinds.size(), DEFECT_KIND_COUNT + 1);
  std::string csv(truth_csv_header(true));
  for (const auto& e : truth) append_truth_csv(csv, e, true);
  EXPECT_TRUE(csv.starts_with("source_line,kind,expected_reason,first_line\n"));
  EXPECT_NE(csv.find(",duplicate_key,duplicate_lookup_key,"), std::string::npos);
  EXPECT_NE(csv.find(",bare_quote,none,\n"), std::string::npos);
  EXPECT_EQ(defect_kind_from_string("duplicate_key"), defect_kind::duplicate_key);
}

TEST(generator_duplicates, options_are_checked) {
  generator_options o = dup_options(10, 1, 1.5);
  EXPECT_THROW(o.validate(), std::invalid_argument);
  o.duplicate_rate = 0.5;
  EXPECT_NO_THROW(o.validate());
  o.defects = {defect_kind::duplicate_key};
  EXPECT_THROW(o.validate(), std::invalid_argument);
}

using engine::testing::read_file;

TEST(generator_duplicates, the_program_writes_the_same_export_and_truth) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("mkbulk_gen_dup_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string cmd = std::string(MKBULK_GEN_EXE) +
                          " --seed 12 --rows 3000 --duplicate-rate 0.2 --defect-rate 0.02"
                          " --truth '" + (dir / "truth.csv").string() + "' --out '" +
                          (dir / "out.csv").string() + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  generator_options o = dup_options(3000, 12, 0.2);
  o.defect_rate = 0.02;
  std::vector<truth_entry> truth;
  EXPECT_EQ(read_file(dir / "out.csv"), generate_export(o, &truth));
  std::string csv(truth_csv_header(true));
  for (const auto& e : truth) append_truth_csv(csv, e, true);
  EXPECT_EQ(read_file(dir / "truth.csv"), csv);
  const std::string bad =
      std::string(MKBULK_GEN_EXE) + " --rows 3 --duplicate-rate 2 > /dev/null 2>&1";
  EXPECT_NE(std::system(bad.c_str()), 0);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace mkbulk::gen
