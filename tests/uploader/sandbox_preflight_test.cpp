// Pre-flight's closed loop against a real mkbulk-sandbox (whose rules follow the same standard
// schema): an export with typed defects, split with --schema and uploaded, has no row that
// pre-flight accepted fail in the sandbox, and the sandbox's leads are exactly the chunked rows
// with their normalised values; the same export without a schema does fail there.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "harness.h"
#include "mkbulk/engine/lead_schema_json.h"

namespace mkbulk::test {
namespace {

constexpr std::size_t ROWS = 1200;

// Row i (source line i + 2): Num Employees is "many" for i % 7 == 3 (a Marketo failure), has a
// thousands separator for i % 11 == 5 ("1,2xx": plain for pre-flight, a failure for Marketo
// as it is), spaces around it for i % 13 == 6; First Name is 300 characters for i % 17 == 8
// (too long for its 255).
std::size_t write_typed_export(const std::filesystem::path& file, std::size_t& expect_rejects) {
  std::ofstream out(file, std::ios::binary);
  out << "Email Address,First Name,Num Employees\n";
  expect_rejects = 0;
  for (std::size_t i = 0; i < ROWS; ++i) {
    char employees[32];
    if (i % 7 == 3) {
      std::snprintf(employees, sizeof employees, "many");
      ++expect_rejects;
    } else if (i % 11 == 5) {
      std::snprintf(employees, sizeof employees, "\"1,%03zu\"", 200 + i % 100);
    } else if (i % 13 == 6) {
      std::snprintf(employees, sizeof employees, " %zu ", i);
    } else {
      std::snprintf(employees, sizeof employees, "%zu", i);
    }
    std::string name(300, 'n');
    if (i % 17 != 8) name.assign("Name").append(std::to_string(i));
    out << "user" << i << "@example.com," << name << "," << employees << "\n";
  }
  return ROWS;
}

TEST(sandbox_preflight, accepted_rows_never_fail_in_the_sandbox_and_leads_equal_the_chunks) {
  temp_dir dir("preflight");
  std::size_t rejects = 0;
  write_typed_export(dir.path / "in.csv", rejects);
  {
    std::ofstream schema(dir.path / "describe.json", std::ios::binary);
    schema << engine::standard_lead_schema_json();
  }
  sandbox_process sb(dir.path / "sb.db", {"--rows-per-second", "20000"});

  // Split with the schema (long names truncated, a predicted warning each), then upload.
  auto r = run_mkbulk({"split", (dir.path / "in.csv").string(), "--out-dir",
                       (dir.path / "run").string(), "--schema",
                       (dir.path / "describe.json").string(), "--on-long-value", "truncate",
                       "--max-bytes", "8000", "--json"});
  ASSERT_EQ(r.exit_code, 1) << r.err;  // rows rejected locally
  EXPECT_EQ(report_number(r.out, "", "rows_rejected"), static_cast<std::int64_t>(rejects));
  EXPECT_EQ(report_number(r.out, "reject_counts", "invalid_number"),
            static_cast<std::int64_t>(rejects));
  const std::int64_t chunked = report_number(r.out, "", "rows_chunked");
  EXPECT_EQ(chunked, static_cast<std::int64_t>(ROWS - rejects));
  EXPECT_GT(report_number(r.out, "predicted_warnings", "value_too_long"), 0);

  std::vector<std::string> up = {"upload", (dir.path / "run").string(), "--json"};
  for (const auto& f : fast_flags(sb.base_url())) up.push_back(f);
  r = run_mkbulk(up);
  ASSERT_EQ(r.exit_code, 1) << r.err;  // the rows rejected locally
  EXPECT_EQ(report_number(r.out, "rows", "rejected_locally"), static_cast<std::int64_t>(rejects));
  EXPECT_EQ(report_number(r.out, "rows", "failed"), 0);
  EXPECT_EQ(report_number(r.out, "rows", "warned"), 0);  // truncated before, not warned there
  EXPECT_EQ(report_number(r.out, "rows", "imported"), chunked);
  EXPECT_EQ(report_number(r.out, "rows", "unaccounted"), 0);

  const auto db = dir.path / "sb.db";
  EXPECT_EQ(sql_count(db, "SELECT COUNT(*) FROM leads"), chunked);
  EXPECT_EQ(sql_count(db, "SELECT COUNT(*) FROM leads WHERE email = 'user3@example.com'"), 0);
  EXPECT_EQ(sql_count(db, "SELECT COUNT(*) FROM leads WHERE email = 'user5@example.com' AND "
                          "data LIKE '%1205%' AND data NOT LIKE '%1,205%'"),
            1);
  std::string cut = "SELECT COUNT(*) FROM leads WHERE email = 'user8@example.com' AND data LIKE '%";
  cut.append(255, 'n').append("%' AND data NOT LIKE '%").append(256, 'n').append("%'");
  EXPECT_EQ(sql_count(db, cut), 1);
}

TEST(sandbox_preflight, without_a_schema_the_same_rows_fail_in_the_sandbox) {
  temp_dir dir("preflight-control");
  std::size_t rejects = 0;
  write_typed_export(dir.path / "in.csv", rejects);
  sandbox_process sb(dir.path / "sb.db", {"--rows-per-second", "20000"});
  std::vector<std::string> args = {"run", (dir.path / "in.csv").string(), "--out-dir",
                                   (dir.path / "run").string(), "--max-bytes", "8000", "--json"};
  for (const auto& f : fast_flags(sb.base_url())) args.push_back(f);
  const auto r = run_mkbulk(args);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  // "many" and "1,2xx" fail there: everything pre-flight rejected or rewrote.
  EXPECT_GE(report_number(r.out, "rows", "failed"), static_cast<std::int64_t>(rejects) + 100);
}

TEST(sandbox_preflight, run_fetches_the_schema_from_the_instance) {
  temp_dir dir("preflight-remote");
  std::size_t rejects = 0;
  write_typed_export(dir.path / "in.csv", rejects);
  sandbox_process sb(dir.path / "sb.db", {"--rows-per-second", "20000"});
  std::vector<std::string> args = {"run", (dir.path / "in.csv").string(), "--out-dir",
                                   (dir.path / "run").string(), "--schema", "remote",
                                   "--on-long-value", "truncate", "--max-bytes", "8000",
                                   "--json"};
  for (const auto& f : fast_flags(sb.base_url())) args.push_back(f);
  const auto r = run_mkbulk(args);
  EXPECT_EQ(r.exit_code, 1) << r.err;  // the rows rejected locally
  EXPECT_EQ(report_number(r.out, "rows", "rejected_locally"), static_cast<std::int64_t>(rejects));
  EXPECT_EQ(report_number(r.out, "rows", "failed"), 0);
  EXPECT_EQ(report_number(r.out, "rows", "imported"),
            static_cast<std::int64_t>(ROWS - rejects));
  // The schema the run checked against is saved with it: the sandbox's describe.json.
  const std::string saved = read_text(dir.path / "run" / "schema.json");
  engine::lead_schema schema;
  engine::schema_error err;
  ASSERT_TRUE(engine::parse_lead_schema_json(saved, "schema.json", schema, err)) << err.message;
  const engine::lead_field* employees = schema.find("numberOfEmployees");
  ASSERT_NE(employees, nullptr);
  EXPECT_EQ(employees->type, engine::field_type::integer);
  EXPECT_EQ(r.err.find(TEST_SECRET), std::string::npos);
  EXPECT_TRUE(files_containing(dir.path / "run", TEST_SECRET).empty());
}

TEST(sandbox_preflight, run_with_bad_credentials_cannot_fetch_the_schema) {
  temp_dir dir("preflight-remote-auth");
  std::size_t rejects = 0;
  write_typed_export(dir.path / "in.csv", rejects);
  sandbox_process sb(dir.path / "sb.db", {});
  std::vector<std::string> args = {"run", (dir.path / "in.csv").string(), "--out-dir",
                                   (dir.path / "run").string(), "--schema", "remote"};
  for (const auto& f : fast_flags(sb.base_url())) args.push_back(f);
  const auto r = run_mkbulk(args, {{"MKBULK_CLIENT_SECRET", "wrong"}});
  EXPECT_EQ(r.exit_code, 78) << r.err;  // configuration
  EXPECT_NE(r.err.find("--schema remote"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.path / "run" / "manifest.json"));
}

}  // namespace
}  // namespace mkbulk::test
