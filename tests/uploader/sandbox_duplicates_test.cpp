// Issue 5's closed loop with duplicate lookup keys: a generated export with typed defects and
// repeated e-mails, run against a real mkbulk-sandbox under each --duplicates policy; the
// expected leads are computed here from the source, independently of the duplicate pass.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <sqlite3.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include "export_generator.h"
#include "harness.h"
#include "mkbulk/engine/duplicate_keys.h"
#include "mkbulk/engine/lead_schema_json.h"
#include "mkbulk/engine/manifest.h"
#include "mkbulk/engine/record_reader.h"

namespace mkbulk::test {
namespace {

using row = std::vector<std::string>;
using lead = std::map<std::string, std::string>;  // REST field -> value, blanks absent

constexpr std::uint64_t ROWS = 4000;

// What a split wrote: every chunk row by its source line, and the chunk it is in.
struct split_rows {
  engine::manifest m;
  std::map<std::uint64_t, row> by_line;
  std::map<std::uint64_t, std::uint32_t> chunk_of_line;
};

split_rows read_split(const std::filesystem::path& dir) {
  split_rows s;
  engine::manifest_error err;
  EXPECT_TRUE(engine::read_manifest(dir, s.m, err)) << err.message;
  const char delim = engine::delimiter_of_format(s.m.out_format);
  for (const auto& c : s.m.chunks) {
    const std::string text = read_text(dir / c.file);
    engine::record_reader reader(text, delim);
    row fields;
    EXPECT_TRUE(reader.next(fields));  // the header
    std::uint64_t k = 0;
    while (reader.next(fields)) {
      const std::uint64_t line = c.source_line_of_row(k++);
      EXPECT_NE(line, 0U) << c.file;
      EXPECT_TRUE(s.by_line.emplace(line, fields).second) << "line " << line << " twice";
      s.chunk_of_line[line] = c.index;
    }
    EXPECT_EQ(k, c.rows) << c.file;
  }
  return s;
}

// rejects.csv: source line -> reason.
std::map<std::uint64_t, std::string> read_rejects(const std::filesystem::path& file) {
  std::map<std::uint64_t, std::string> out;
  const std::string text = read_text(file);
  engine::record_reader reader(text, ',');
  row f;
  if (!reader.next(f)) return out;  // header
  while (reader.next(f)) {
    EXPECT_GE(f.size(), 3U);
    if (f.size() >= 3) out[std::stoull(f[0])] = f[2];
  }
  return out;
}

struct dup_line {
  std::string action;
  std::string kept_line;
  std::vector<std::uint64_t> source_lines;
};

// duplicates.csv: key -> its line.
std::map<std::string, dup_line> read_duplicates(const std::filesystem::path& file) {
  std::map<std::string, dup_line> out;
  const std::string text = read_text(file);
  engine::record_reader reader(text, ',');
  row f;
  if (!reader.next(f)) return out;
  EXPECT_EQ(f, (row{"key", "action", "kept_line", "source_lines", "overwritten_values"}));
  while (reader.next(f)) {
    EXPECT_EQ(f.size(), 5U);
    if (f.size() < 4) continue;
    dup_line d{f[1], f[2], {}};
    std::size_t pos = 0;
    while (pos < f[3].size()) {
      std::size_t end = f[3].find(' ', pos);
      if (end == std::string::npos) end = f[3].size();
      d.source_lines.push_back(std::stoull(f[3].substr(pos, end - pos)));
      pos = end + 1;
    }
    EXPECT_TRUE(out.emplace(f[0], d).second) << "key twice: " << f[0];
  }
  return out;
}

// The sandbox's leads by folded e-mail (each key once), their data parsed with simdjson.
std::map<std::string, lead> read_leads(const std::filesystem::path& db) {
  std::map<std::string, lead> out;
  sqlite3* h = nullptr;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "cannot open " << db;
    sqlite3_close(h);
    return out;
  }
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(h, "SELECT email, data FROM leads", -1, &st, nullptr), SQLITE_OK);
  simdjson::ondemand::parser parser;
  while (st != nullptr && sqlite3_step(st) == SQLITE_ROW) {
    const auto* e = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    const auto* d = reinterpret_cast<const char*>(sqlite3_column_text(st, 1));
    const std::string key = engine::fold_lookup_key(e ? e : "");
    const simdjson::padded_string json(std::string(d ? d : ""));
    lead l;
    simdjson::ondemand::document doc;
    simdjson::ondemand::object obj;
    if (parser.iterate(json).get(doc) != simdjson::SUCCESS ||
        doc.get_object().get(obj) != simdjson::SUCCESS) {
      ADD_FAILURE() << "unparsable lead data: " << (d ? d : "");
      continue;
    }
    for (auto field : obj) {
      std::string_view k;
      std::string_view v;
      if (field.unescaped_key().get(k) != simdjson::SUCCESS) {
        ADD_FAILURE() << "bad key in " << (d ? d : "");
        break;
      }
      const std::string name(k);
      if (field.value().get_string().get(v) != simdjson::SUCCESS) {
        ADD_FAILURE() << "non-string value of " << name << " in " << (d ? d : "");
        break;
      }
      l[name] = std::string(v);
    }
    EXPECT_TRUE(out.emplace(key, std::move(l)).second) << "two leads for " << key;
  }
  sqlite3_finalize(st);
  sqlite3_close(h);
  return out;
}

// The export, its truth, and what is expected of it, computed once: the source read with
// record_reader, grouped by folded e-mail among the rows pre-flight accepts; each row's values
// as the chunks normalise them, from a split with --duplicates off (no duplicate pass at all).
struct expected_export {
  std::filesystem::path dir;
  std::vector<gen::truth_entry> truth;
  std::set<std::uint64_t> typed_lines;
  std::map<std::uint64_t, row> source;          // source line -> raw fields
  std::map<std::uint64_t, std::string> rejects;  // of the plain split
  split_rows plain;                              // the split with --duplicates off
  std::map<std::string, std::vector<std::uint64_t>> groups;  // folded key -> accepted lines
  std::vector<std::string> fields;                           // REST names in chunk order
  std::uint64_t repeated_keys = 0;
};

const expected_export& the_export() {
  static const temp_dir dir("duplicates-loop");
  static const expected_export e = [] {
    expected_export x;
    x.dir = dir.path;
    gen::generator_options o;
    o.seed = 11;
    o.rows = ROWS;
    o.duplicate_rate = 0.1;
    o.typed_defect_rate = 0.04;
    gen::export_generator g(o);
    std::string text;
    while (g.fill(text, 1 << 20)) {
    }
    x.truth = g.take_truth();
    for (const auto& t : g.take_typed_truth()) x.typed_lines.insert(t.source_line);
    {
      std::ofstream out(x.dir / "in.csv", std::ios::binary);
      out << text;
      std::ofstream schema(x.dir / "describe.json", std::ios::binary);
      schema << engine::standard_lead_schema_json();
    }
    engine::record_reader reader(text, ',');
    row f;
    EXPECT_TRUE(reader.next(f));
    while (reader.next(f)) {
      EXPECT_FALSE(reader.defect().has_value()) << reader.line();
      x.source[reader.line()] = f;
    }
    const auto r = run_mkbulk({"split", (x.dir / "in.csv").string(), "--out-dir",
                               (x.dir / "plain").string(), "--schema",
                               (x.dir / "describe.json").string(), "--duplicates", "off"});
    EXPECT_EQ(r.exit_code, 1) << r.err;  // the typed defects
    x.rejects = read_rejects(x.dir / "plain" / "rejects.csv");
    x.plain = read_split(x.dir / "plain");
    for (const auto& c : x.plain.m.columns) x.fields.push_back(c.field);
    for (const auto& [line, fields] : x.source) {
      if (x.rejects.count(line) != 0) continue;
      x.groups[engine::fold_lookup_key(fields.at(0))].push_back(line);
    }
    for (const auto& [key, lines] : x.groups) {
      if (lines.size() > 1) ++x.repeated_keys;
    }
    return x;
  }();
  return e;
}

// The lead one chunk row makes in the sandbox (blank values are not written).
lead lead_of(const expected_export& e, const row& r) {
  lead l;
  for (std::size_t i = 0; i < r.size() && i < e.fields.size(); ++i) {
    if (!r[i].empty()) l[e.fields[i]] = r[i];
  }
  return l;
}

// --duplicates merge: each column's last non-empty value among the key's rows.
row merged_row(const expected_export& e, const std::vector<std::uint64_t>& lines) {
  row out(e.fields.size());
  for (const std::uint64_t line : lines) {
    const row& r = e.plain.by_line.at(line);
    for (std::size_t i = 0; i < r.size() && i < out.size(); ++i) {
      if (!r[i].empty()) out[i] = r[i];
    }
  }
  return out;
}

struct run_result {
  std::filesystem::path run;
  std::string report;
  std::map<std::string, lead> leads;
};

run_result run_policy(const std::string& policy, const std::vector<std::string>& extra = {}) {
  const expected_export& e = the_export();
  run_result out;
  out.run = e.dir / ("run-" + policy);
  const auto db = e.dir / ("sb-" + policy + ".db");
  sandbox_process sb(db, {"--rows-per-second", "50000"});
  std::vector<std::string> args{"run",      (e.dir / "in.csv").string(),
                                "--out-dir", out.run.string(),
                                "--schema",  (e.dir / "describe.json").string(),
                                "--duplicates", policy};
  for (const auto& a : extra) args.push_back(a);
  for (const auto& f : fast_flags(sb.base_url())) args.push_back(f);
  const auto r = run_mkbulk(args);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;  // the typed defects are rejected locally
  out.report = read_text(out.run / "report.json");
  out.leads = read_leads(db);
  // The run's pre-flight rejects the same rows as the plain split (besides duplicate rejects).
  std::set<std::uint64_t> typed;
  for (const auto& [line, reason] : read_rejects(out.run / "rejects.csv")) {
    if (reason != engine::DUPLICATE_KEY_REJECT_REASON) typed.insert(line);
  }
  EXPECT_EQ(typed, e.typed_lines);
  // (c) of the loop: nothing pre-flight accepted fails there (for any reason, so certainly not
  // for one pre-flight checks).
  EXPECT_EQ(report_number(out.report, "rows", "failed"), 0) << out.report;
  if (std::filesystem::exists(out.run / "failures.csv")) {
    const std::string failures = read_text(out.run / "failures.csv");
    EXPECT_EQ(failures.find("Invalid data type"), std::string::npos) << failures;
    EXPECT_EQ(failures.find("not found"), std::string::npos) << failures;
  }
  EXPECT_EQ(report_number(out.report, "rows", "in"), static_cast<std::int64_t>(ROWS));
  EXPECT_EQ(report_number(out.report, "rows", "unaccounted"), 0);
  EXPECT_EQ(report_number(out.report, "rows", "in"),
            report_number(out.report, "rows", "imported") +
                report_number(out.report, "rows", "failed") +
                report_number(out.report, "rows", "rejected_locally") +
                report_number(out.report, "rows", "merged"));
  return out;
}

TEST(sandbox_duplicates, the_export_has_what_the_test_needs) {
  const expected_export& e = the_export();
  ASSERT_GT(e.truth.size(), 100U);
  ASSERT_GT(e.typed_lines.size(), 30U);
  EXPECT_GT(e.repeated_keys, 50U);
  // The plain split rejects exactly the typed defects and chunks every other row.
  std::set<std::uint64_t> rejected;
  for (const auto& [line, reason] : e.rejects) rejected.insert(line);
  EXPECT_EQ(rejected, e.typed_lines);
  EXPECT_EQ(e.plain.by_line.size() + e.rejects.size(), ROWS);
  // Every truth repeat is grouped with its first row.
  for (const auto& t : e.truth) {
    ASSERT_EQ(t.kind, gen::defect_kind::duplicate_key);
    const auto& lines = e.groups.at(engine::fold_lookup_key(e.source.at(t.source_line).at(0)));
    EXPECT_EQ(lines.front(), t.first_line);
    EXPECT_NE(std::find(lines.begin(), lines.end(), t.source_line), lines.end());
  }
  // The policies give different leads for most repeated keys, so each test below can tell
  // them apart: the first row, the last and the merge differ.
  std::size_t first_vs_last = 0;
  std::size_t merge_vs_last = 0;
  for (const auto& [key, lines] : e.groups) {
    if (lines.size() < 2) continue;
    const lead last = lead_of(e, e.plain.by_line.at(lines.back()));
    if (lead_of(e, e.plain.by_line.at(lines.front())) != last) ++first_vs_last;
    if (lead_of(e, merged_row(e, lines)) != last) ++merge_vs_last;
  }
  EXPECT_GT(first_vs_last, e.repeated_keys * 9 / 10);
  EXPECT_GT(merge_vs_last, e.repeated_keys / 5);
}

TEST(sandbox_duplicates, merge_gives_one_lead_per_key_equal_to_the_merged_rows) {
  const expected_export& e = the_export();
  const run_result r = run_policy("merge");
  SCOPED_TRACE(r.report);
  // (a) one lead per distinct accepted key, (b) equal to the merged row.
  EXPECT_EQ(r.leads.size(), e.groups.size());
  std::size_t differing = 0;
  for (const auto& [key, lines] : e.groups) {
    const auto it = r.leads.find(key);
    ASSERT_NE(it, r.leads.end()) << "no lead for " << key;
    const lead want = lead_of(e, merged_row(e, lines));
    if (it->second != want && ++differing <= 5) {
      ADD_FAILURE() << key << " (lines " << lines.front() << ".." << lines.back()
                    << ") differs from the merged row";
    }
  }
  EXPECT_EQ(differing, 0U);
  // The merged row stands at its key's first line, every other accepted row at its own.
  std::set<std::uint64_t> want_lines;
  for (const auto& [key, lines] : e.groups) want_lines.insert(lines.front());
  std::set<std::uint64_t> chunk_lines;
  for (const auto& [line, fields] : read_split(r.run).by_line) chunk_lines.insert(line);
  EXPECT_EQ(chunk_lines, want_lines);
  // (d) the account: every repeat merged, the typed defects rejected locally.
  const auto merged = static_cast<std::int64_t>(e.truth.size());
  EXPECT_EQ(report_number(r.report, "rows", "merged"), merged);
  EXPECT_EQ(report_number(r.report, "rows", "rejected_locally"),
            static_cast<std::int64_t>(e.typed_lines.size()));
  EXPECT_EQ(report_number(r.report, "rows", "imported"),
            static_cast<std::int64_t>(e.groups.size()));
  // (e) duplicates.csv: every repeated key with every source line; each truth repeat under
  // the key of its first row.
  const auto dups = read_duplicates(r.run / "duplicates.csv");
  EXPECT_EQ(dups.size(), e.repeated_keys);
  for (const auto& [key, lines] : e.groups) {
    if (lines.size() < 2) {
      EXPECT_EQ(dups.count(key), 0U) << key;
      continue;
    }
    const auto it = dups.find(key);
    ASSERT_NE(it, dups.end()) << key;
    EXPECT_EQ(it->second.action, "merge");
    EXPECT_EQ(it->second.kept_line, std::to_string(lines.front()));
    EXPECT_EQ(it->second.source_lines, lines) << key;
  }
  for (const auto& t : e.truth) {
    const auto it = dups.find(engine::fold_lookup_key(e.source.at(t.first_line).at(0)));
    ASSERT_NE(it, dups.end()) << "line " << t.first_line;
    const auto& sl = it->second.source_lines;
    EXPECT_NE(std::find(sl.begin(), sl.end(), t.source_line), sl.end()) << t.source_line;
  }
}

void expect_kept_rows(const std::string& policy, bool first) {
  const expected_export& e = the_export();
  const run_result r = run_policy(policy);
  SCOPED_TRACE(r.report);
  EXPECT_EQ(r.leads.size(), e.groups.size());
  EXPECT_EQ(report_number(r.report, "rows", "merged"),
            static_cast<std::int64_t>(e.truth.size()));
  std::size_t differing = 0;
  for (const auto& [key, lines] : e.groups) {
    const auto it = r.leads.find(key);
    ASSERT_NE(it, r.leads.end()) << "no lead for " << key;
    const std::uint64_t kept = first ? lines.front() : lines.back();
    if (it->second != lead_of(e, e.plain.by_line.at(kept)) && ++differing <= 5) {
      ADD_FAILURE() << key << ": the lead is not line " << kept;
    }
  }
  EXPECT_EQ(differing, 0U);
  const auto dups = read_duplicates(r.run / "duplicates.csv");
  EXPECT_EQ(dups.size(), e.repeated_keys);
  for (const auto& [key, d] : dups) {
    EXPECT_EQ(d.action, policy);
    ASSERT_FALSE(d.source_lines.empty());
    EXPECT_EQ(d.kept_line,
              std::to_string(first ? d.source_lines.front() : d.source_lines.back()));
  }
}

TEST(sandbox_duplicates, keep_first_leads_equal_each_keys_first_row) {
  expect_kept_rows("keep-first", true);
}

TEST(sandbox_duplicates, keep_last_leads_equal_each_keys_last_row) {
  expect_kept_rows("keep-last", false);
}

TEST(sandbox_duplicates, reject_leaves_no_lead_for_a_repeated_key) {
  const expected_export& e = the_export();
  const run_result r = run_policy("reject");
  SCOPED_TRACE(r.report);
  const auto rejects = read_rejects(r.run / "rejects.csv");
  std::size_t repeated_rows = 0;
  for (const auto& [key, lines] : e.groups) {
    if (lines.size() == 1) {
      const auto it = r.leads.find(key);
      ASSERT_NE(it, r.leads.end()) << key;
      EXPECT_EQ(it->second, lead_of(e, e.plain.by_line.at(lines.front()))) << key;
      continue;
    }
    repeated_rows += lines.size();
    EXPECT_EQ(r.leads.count(key), 0U) << "a lead for the repeated key " << key;
    for (const std::uint64_t line : lines) {
      const auto it = rejects.find(line);
      ASSERT_NE(it, rejects.end()) << "line " << line << " of " << key << " not rejected";
      EXPECT_EQ(it->second, engine::DUPLICATE_KEY_REJECT_REASON) << line;
    }
  }
  EXPECT_EQ(r.leads.size(), e.groups.size() - e.repeated_keys);
  EXPECT_EQ(rejects.size(), e.typed_lines.size() + repeated_rows);
  EXPECT_EQ(report_number(r.report, "rows", "merged"), 0);
  EXPECT_EQ(report_number(r.report, "rows", "rejected_locally"),
            static_cast<std::int64_t>(e.typed_lines.size() + repeated_rows));
}

TEST(sandbox_duplicates, allow_keeps_a_keys_rows_in_one_chunk_applied_in_order) {
  const expected_export& e = the_export();
  const run_result r = run_policy("allow", {"--max-bytes", "40000"});
  SCOPED_TRACE(r.report);
  const split_rows s = read_split(r.run);
  EXPECT_GT(s.m.chunks.size(), 15U);
  std::set<std::uint32_t> held_chunks;  // the chunks holding repeated keys' rows
  EXPECT_EQ(s.by_line.size(), e.plain.by_line.size());  // every accepted row, none merged
  EXPECT_EQ(report_number(r.report, "rows", "merged"), 0);
  EXPECT_EQ(r.leads.size(), e.groups.size());
  std::size_t differing = 0;
  for (const auto& [key, lines] : e.groups) {
    std::set<std::uint32_t> chunks;
    for (const std::uint64_t line : lines) {
      const auto it = s.chunk_of_line.find(line);
      ASSERT_NE(it, s.chunk_of_line.end()) << "line " << line << " in no chunk";
      chunks.insert(it->second);
      EXPECT_EQ(s.by_line.at(line), e.plain.by_line.at(line)) << line;  // kept as it was
    }
    EXPECT_EQ(chunks.size(), 1U) << key << " spans " << chunks.size() << " chunks";
    if (lines.size() > 1) held_chunks.insert(chunks.begin(), chunks.end());
    const auto it = r.leads.find(key);
    ASSERT_NE(it, r.leads.end()) << "no lead for " << key;
    // Applied in order: the last row's values win; where it is blank (a blank does not
    // overwrite) the latest earlier value stays, i.e. the lead is the rows merged in order.
    const lead want = lead_of(e, merged_row(e, lines));
    for (const auto& [field, value] : lead_of(e, e.plain.by_line.at(lines.back()))) {
      EXPECT_EQ(want.at(field), value);
    }
    if (it->second != want && ++differing <= 5) {
      ADD_FAILURE() << key << ": the lead is not its rows applied in order (last line "
                    << lines.back() << ")";
    }
  }
  EXPECT_EQ(differing, 0U);
  EXPECT_GT(held_chunks.size(), 2U);  // the keys' rows were spread over several chunks
}

}  // namespace
}  // namespace mkbulk::test
