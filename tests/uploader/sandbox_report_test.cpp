// report.json as one account of every row: the local side (the split's rejects by reason,
// value problems and predicted warnings, merged duplicates) next to Marketo's, adding up to
// rows in; the summary printed at the end; and a resume from another working directory, with
// the run's relative --schema file gone, checks against the schema the run used (its copy).
#include <gtest/gtest.h>
#include <simdjson.h>

#include <csignal>
#include <fstream>
#include <set>

#include "export_generator.h"
#include "harness.h"
#include "mkbulk/engine/lead_schema_json.h"

namespace mkbulk::test {
namespace {

constexpr std::size_t ROWS = 900;

struct expected_counts {
  std::int64_t invalid_number = 0;       // "many" employees: rejected by pre-flight
  std::int64_t field_count_mismatch = 0;  // one field too many: rejected by the split
  std::int64_t too_long = 0;              // 300-character first names: truncated, warned
};

// Row i on source line i + 2.
expected_counts write_export_with_local_problems(const std::filesystem::path& file) {
  std::ofstream out(file, std::ios::binary);
  out << "Email Address,First Name,Num Employees\n";
  expected_counts e;
  for (std::size_t i = 0; i < ROWS; ++i) {
    std::string name = "Name" + std::to_string(i);
    std::string employees = std::to_string(i);
    std::string extra;
    if (i % 60 == 10) {
      extra = ",surplus";
      ++e.field_count_mismatch;
    } else if (i % 7 == 3) {
      employees = "many";
      ++e.invalid_number;
    } else if (i % 17 == 8) {
      name.assign(300, 'n');
      ++e.too_long;
    }
    out << "user" << i << "@example.com," << name << "," << employees << extra << "\n";
  }
  return e;
}

std::int64_t at(const std::string& json, const char* pointer) {
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  if (p.parse(json).get(doc) != simdjson::SUCCESS) return -1;
  std::int64_t v = -1;
  if (doc.at_pointer(pointer).get_int64().get(v) != simdjson::SUCCESS) return -1;
  return v;
}

std::string string_at(const std::string& json, const char* pointer) {
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  if (p.parse(json).get(doc) != simdjson::SUCCESS) return "<unparsable>";
  std::string_view v;
  if (doc.at_pointer(pointer).get_string().get(v) != simdjson::SUCCESS) return "<missing>";
  return std::string(v);
}

std::vector<std::string> run_args(const std::string& url) {
  std::vector<std::string> a{"run", "../in.csv", "--out-dir", "run", "--schema", "describe.json",
                             "--on-long-value", "truncate", "--max-bytes", "6000"};
  for (const auto& f : fast_flags(url)) a.push_back(f);
  return a;
}

// dir/in.csv, and dir/a/describe.json (the run's relative --schema, from dir/a).
expected_counts prepare(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir / "a");
  std::filesystem::create_directories(dir / "b");
  std::ofstream schema(dir / "a" / "describe.json", std::ios::binary);
  schema << engine::standard_lead_schema_json();
  return write_export_with_local_problems(dir / "in.csv");
}

TEST(sandbox_report, local_rejects_and_warnings_by_reason_and_rows_add_up) {
  temp_dir dir("report-local");
  const expected_counts e = prepare(dir.path);
  sandbox_process sb(dir.path / "sb.db", {"--rows-per-second", "20000"});
  const auto r = run_mkbulk(run_args(sb.base_url()), {}, dir.path / "a");
  ASSERT_EQ(r.exit_code, 1) << r.err;  // rows rejected locally
  const std::string report = read_text(dir.path / "a" / "run" / "report.json");
  SCOPED_TRACE(report);
  const std::int64_t rejected = e.invalid_number + e.field_count_mismatch;
  const std::int64_t rows = static_cast<std::int64_t>(ROWS);
  EXPECT_EQ(at(report, "/rows/in"), rows);
  EXPECT_EQ(at(report, "/rows/rejected_locally"), rejected);
  EXPECT_EQ(at(report, "/rows/merged"), 0);
  EXPECT_EQ(at(report, "/rows/imported"), rows - rejected);
  EXPECT_EQ(at(report, "/rows/failed"), 0);
  EXPECT_EQ(at(report, "/rows/unaccounted"), 0);
  EXPECT_EQ(at(report, "/rows/in"),
            at(report, "/rows/imported") + at(report, "/rows/failed") +
                at(report, "/rows/rejected_locally") + at(report, "/rows/merged"));
  // The local side, named as in the split's --json summary and the manifest.
  EXPECT_EQ(at(report, "/local/rows_in"), rows);
  EXPECT_EQ(at(report, "/local/rows_chunked"), rows - rejected);
  EXPECT_EQ(at(report, "/local/rows_rejected"), rejected);
  EXPECT_EQ(at(report, "/local/reject_counts/invalid_number"), e.invalid_number);
  EXPECT_EQ(at(report, "/local/reject_counts/field_count_mismatch"), e.field_count_mismatch);
  EXPECT_EQ(at(report, "/local/reject_counts/unterminated_quote"), 0);
  EXPECT_EQ(at(report, "/local/predicted_warnings/value_too_long"), e.too_long);
  EXPECT_EQ(at(report, "/local/rows_merged"), 0);
  EXPECT_EQ(string_at(report, "/local/rejects_file"), "rejects.csv");
  EXPECT_TRUE(std::filesystem::exists(dir.path / "a" / "run" / "rejects.csv"));
  // The summary on stdout names the reasons, most frequent first.
  const std::string line = "rejected locally: " + std::to_string(rejected) + " (invalid_number " +
                           std::to_string(e.invalid_number) + ", field_count_mismatch " +
                           std::to_string(e.field_count_mismatch) + ")";
  EXPECT_NE(r.out.find(line), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("duplicates:"), std::string::npos) << r.out;  // nothing merged
}

TEST(sandbox_report, resume_elsewhere_checks_against_the_runs_saved_schema) {
  temp_dir dir("report-resume-schema");
  const expected_counts e = prepare(dir.path);
  sandbox_process sb(dir.path / "sb.db", {"--rows-per-second", "20000"});
  // Killed after its 4th journal entry (the split has written a few chunks)...
  const auto killed =
      run_mkbulk(run_args(sb.base_url()), {{"MKBULK_TEST_KILL_AFTER", "4"}}, dir.path / "a");
  ASSERT_EQ(killed.signal, SIGKILL) << killed.err;
  ASSERT_TRUE(std::filesystem::exists(dir.path / "a" / "run" / "schema.json"));
  // ...then the schema file is gone and the resume starts in another directory: it re-runs
  // the split, which must check against the schema the run used.
  std::filesystem::remove(dir.path / "a" / "describe.json");
  const auto resumed = run_mkbulk({"resume", "../a/run"}, {}, dir.path / "b");
  ASSERT_EQ(resumed.exit_code, 1) << resumed.err;
  const std::string report = read_text(dir.path / "a" / "run" / "report.json");
  SCOPED_TRACE(report);
  const std::int64_t rejected = e.invalid_number + e.field_count_mismatch;
  EXPECT_EQ(at(report, "/rows/rejected_locally"), rejected);
  EXPECT_EQ(at(report, "/local/reject_counts/invalid_number"), e.invalid_number);
  EXPECT_EQ(at(report, "/rows/failed"), 0);  // without the schema, "many" would fail there
  EXPECT_EQ(at(report, "/rows/imported"), static_cast<std::int64_t>(ROWS) - rejected);
  EXPECT_EQ(at(report, "/rows/unaccounted"), 0);
  EXPECT_EQ(sql_count(dir.path / "sb.db", "SELECT COUNT(DISTINCT email) FROM leads"),
            static_cast<std::int64_t>(ROWS) - rejected);
}

TEST(sandbox_report, merged_duplicates_are_in_the_account_and_the_summary) {
  temp_dir dir("report-duplicates");
  gen::generator_options o;
  o.seed = 3;
  o.rows = 1500;
  o.duplicate_rate = 0.1;
  std::vector<gen::truth_entry> truth;
  {
    std::ofstream out(dir.path / "in.csv", std::ios::binary);
    out << gen::generate_export(o, &truth);
  }
  std::set<std::uint64_t> first_lines;
  for (const auto& t : truth) first_lines.insert(t.first_line);
  const auto merged = static_cast<std::int64_t>(truth.size());
  ASSERT_GT(merged, 100);
  sandbox_process sb(dir.path / "sb.db", {"--rows-per-second", "20000"});
  std::vector<std::string> args{"run", (dir.path / "in.csv").string(), "--out-dir",
                                (dir.path / "run").string(), "--max-bytes", "60000"};
  for (const auto& f : fast_flags(sb.base_url())) args.push_back(f);
  const auto r = run_mkbulk(args);  // --duplicates merge: the default
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.exit_code << " " << r.err;
  const std::string report = read_text(dir.path / "run" / "report.json");
  SCOPED_TRACE(report);
  const auto rows = static_cast<std::int64_t>(o.rows);
  EXPECT_EQ(at(report, "/rows/in"), rows);
  EXPECT_EQ(at(report, "/rows/merged"), merged);
  EXPECT_EQ(at(report, "/rows/rejected_locally"), 0);
  EXPECT_EQ(at(report, "/rows/imported") + at(report, "/rows/failed"), rows - merged);
  EXPECT_EQ(at(report, "/rows/unaccounted"), 0);
  EXPECT_EQ(at(report, "/local/rows_merged"), merged);
  EXPECT_EQ(string_at(report, "/local/duplicates/policy"), "merge");
  EXPECT_EQ(at(report, "/local/duplicates/repeated_keys"),
            static_cast<std::int64_t>(first_lines.size()));
  EXPECT_EQ(at(report, "/local/duplicates/rows_merged"), merged);
  EXPECT_EQ(at(report, "/local/duplicates/rows_held_back"),
            merged + static_cast<std::int64_t>(first_lines.size()));
  EXPECT_EQ(string_at(report, "/local/duplicates_file"), "duplicates.csv");
  EXPECT_TRUE(std::filesystem::exists(dir.path / "run" / "duplicates.csv"));
  // One lead per key in the sandbox: the merged rows never raced each other.
  const auto db = dir.path / "sb.db";
  EXPECT_EQ(sql_count(db, "SELECT COUNT(DISTINCT lower(trim(email))) FROM leads"),
            at(report, "/rows/imported"));
  EXPECT_NE(r.out.find("duplicates: " + std::to_string(merged) + " rows merged into others (" +
                       std::to_string(first_lines.size()) + " repeated lookup keys"),
            std::string::npos)
      << r.out;
}

}  // namespace
}  // namespace mkbulk::test
