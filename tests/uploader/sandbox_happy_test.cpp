// End to end against a real mkbulk-sandbox: the happy path (counts checked in the sandbox's
// database), failed and warned rows tied back to their true source lines, `upload` of a split
// directory with `status`, and no secret in the run directory or the output.
#include <gtest/gtest.h>

#include <numeric>

#include "harness.h"

namespace mkbulk::test {
namespace {

std::vector<std::string> args_of(std::vector<std::string> a, const std::vector<std::string>& more) {
  a.insert(a.end(), more.begin(), more.end());
  return a;
}

TEST(sandbox_happy, run_imports_every_row_once) {
  temp_dir dir("happy");
  write_export(dir.path / "in.csv", 3000);
  sandbox_process sb(dir.path / "sb.db", {"--rows-per-second", "20000"});
  const auto r = run_mkbulk(args_of({"run", (dir.path / "in.csv").string(), "--out-dir",
                                     (dir.path / "run").string(), "--max-bytes", "10000",
                                     "--json"},
                                    fast_flags(sb.base_url())));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(report_number(r.out, "rows", "in"), 3000);
  EXPECT_EQ(report_number(r.out, "rows", "imported"), 3000);
  EXPECT_EQ(report_number(r.out, "rows", "failed"), 0);
  EXPECT_EQ(report_number(r.out, "rows", "unaccounted"), 0);
  const auto db = dir.path / "sb.db";
  EXPECT_EQ(sql_count(db, "SELECT COUNT(*) FROM leads"), 3000);
  EXPECT_EQ(sql_count(db, "SELECT COUNT(DISTINCT email) FROM leads"), 3000);
  EXPECT_EQ(sql_count(db, "SELECT COUNT(*) FROM leads WHERE email = 'user2999@example.com'"), 1);
  // One job per chunk, each chunk's rows submitted once.
  const auto jobs = stats_job_rows(sb.get("/sandbox/stats"));
  const std::int64_t chunks = report_number(r.out, "", "chunks");
  EXPECT_GT(chunks, 10);
  EXPECT_EQ(static_cast<std::int64_t>(jobs.size()), chunks);
  EXPECT_EQ(std::accumulate(jobs.begin(), jobs.end(), std::int64_t{0}), 3000);
  // report.json on disk equals what --json printed.
  EXPECT_EQ(read_text(dir.path / "run" / "report.json"), r.out);
  // No secret anywhere: not the client secret, not the access token.
  const std::string token = sb.token();
  ASSERT_FALSE(token.empty());
  EXPECT_TRUE(files_containing(dir.path / "run", TEST_SECRET).empty());
  EXPECT_TRUE(files_containing(dir.path / "run", token).empty());
  EXPECT_EQ(r.out.find(TEST_SECRET), std::string::npos);
  EXPECT_EQ(r.err.find(TEST_SECRET), std::string::npos);
  EXPECT_EQ(r.err.find(token), std::string::npos);
}

TEST(sandbox_happy, failed_and_warned_rows_are_tied_to_their_source_lines) {
  temp_dir dir("tied");
  write_export(dir.path / "in.csv", 2000, {5, 777, 1500, 1999}, {10, 1499});
  sandbox_process sb(dir.path / "sb.db", {"--rows-per-second", "20000"});
  const auto r = run_mkbulk(args_of({"run", (dir.path / "in.csv").string(), "--out-dir",
                                     (dir.path / "run").string(), "--max-bytes", "12000",
                                     "--json"},
                                    fast_flags(sb.base_url())));
  ASSERT_EQ(r.exit_code, 1) << r.err;  // rows failed
  EXPECT_EQ(report_number(r.out, "rows", "failed"), 4);
  EXPECT_EQ(report_number(r.out, "rows", "warned"), 2);
  EXPECT_EQ(report_number(r.out, "rows", "imported"), 1996);
  EXPECT_EQ(report_number(r.out, "rows", "untied"), 0);
  EXPECT_EQ(report_number(r.out, "rows", "unaccounted"), 0);
  const std::string failures = read_text(dir.path / "run" / "failures.csv");
  // Row i sits on source line i + 2.
  EXPECT_EQ(failures,
            "source_line,reason,email,firstName,lastName,company,numberOfEmployees\n"
            "7,Invalid data type in field Num Employees,user5@example.com,First5,Last5,"
            "\"Acme, Inc. 5\",many\n"
            "779,Invalid data type in field Num Employees,user777@example.com,First777,Last777,"
            "\"Acme, Inc. 0\",many\n"
            "1502,Invalid data type in field Num Employees,user1500@example.com,First1500,"
            "Last1500,\"Acme, Inc. 2\",many\n"
            "2001,Invalid data type in field Num Employees,user1999@example.com,First1999,"
            "Last1999,\"Acme, Inc. 4\",many\n");
  const std::string warnings = read_text(dir.path / "run" / "warnings.csv");
  EXPECT_NE(warnings.find("\n12,"), std::string::npos) << warnings;
  EXPECT_NE(warnings.find("\n1501,"), std::string::npos) << warnings;
  EXPECT_NE(warnings.find("truncated"), std::string::npos) << warnings;
  const std::string retry = read_text(dir.path / "run" / "retry.csv");
  EXPECT_EQ(retry.substr(0, retry.find('\n')),
            "email,firstName,lastName,company,numberOfEmployees");
  EXPECT_EQ(std::count(retry.begin(), retry.end(), '\n'), 5);
  EXPECT_NE(retry.find("user777@example.com,First777"), std::string::npos);
  // The sandbox imported the rest exactly once and not the failed rows.
  const auto db = dir.path / "sb.db";
  EXPECT_EQ(sql_count(db, "SELECT COUNT(*) FROM leads"), 1996);
  EXPECT_EQ(sql_count(db, "SELECT COUNT(*) FROM leads WHERE email = 'user777@example.com'"), 0);
}

TEST(sandbox_happy, upload_of_a_split_directory_and_status) {
  temp_dir dir("upload");
  write_export(dir.path / "in.csv", 1500);
  const auto split = run_mkbulk({"split", (dir.path / "in.csv").string(), "--out-dir",
                                 (dir.path / "run").string(), "--max-bytes", "9000"});
  ASSERT_EQ(split.exit_code, 0) << split.err;
  const auto before = run_mkbulk({"status", (dir.path / "run").string()});
  EXPECT_EQ(before.exit_code, 0);
  EXPECT_NE(before.out.find("no run has started"), std::string::npos) << before.out;
  sandbox_process sb(dir.path / "sb.db", {"--rows-per-second", "20000"});
  const auto r = run_mkbulk(args_of({"upload", (dir.path / "run").string()},
                                    fast_flags(sb.base_url())));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("1500 imported"), std::string::npos) << r.out;
  EXPECT_EQ(sql_count(dir.path / "sb.db", "SELECT COUNT(DISTINCT email) FROM leads"), 1500);
  const auto after = run_mkbulk({"status", (dir.path / "run").string(), "--json"});
  EXPECT_EQ(after.exit_code, 0);
  EXPECT_NE(after.out.find("\"finished\":true"), std::string::npos) << after.out;
}

TEST(sandbox_happy, wrong_credentials_exit_77_and_missing_ones_78) {
  temp_dir dir("auth");
  write_export(dir.path / "in.csv", 100);
  sandbox_process sb(dir.path / "sb.db", {});
  const auto bad = run_mkbulk(args_of({"run", (dir.path / "in.csv").string(), "--out-dir",
                                       (dir.path / "run").string()},
                                      fast_flags(sb.base_url())),
                              {{"MKBULK_CLIENT_SECRET", "wrong-secret-value"}});
  EXPECT_EQ(bad.exit_code, 77) << bad.err;
  EXPECT_EQ(bad.err.find("wrong-secret-value"), std::string::npos);
  const auto none = run_mkbulk(args_of({"run", (dir.path / "in.csv").string(), "--out-dir",
                                        (dir.path / "run2").string()},
                                       fast_flags(sb.base_url())),
                               {{"MKBULK_CLIENT_SECRET", ""}});
  EXPECT_EQ(none.exit_code, 78) << none.err;
  const auto argv_secret = run_mkbulk({"upload", (dir.path / "run").string(), "--client-secret",
                                       "x"});
  EXPECT_EQ(argv_secret.exit_code, 2);
}

}  // namespace
}  // namespace mkbulk::test
