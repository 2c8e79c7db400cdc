// End to end against a sandbox that misbehaves: HTTP 502s, dropped connections and transient
// Marketo codes; a token that expires every 2 s; jobs that end Failed (reported, resubmitted
// with --retry-failed-jobs). Each run must still account for every row.
#include <gtest/gtest.h>

#include "harness.h"

namespace mkbulk::test {
namespace {

std::vector<std::string> run_args(const temp_dir& dir, const std::string& url,
                                  std::vector<std::string> more) {
  std::vector<std::string> a{"run", (dir.path / "in.csv").string(), "--out-dir",
                             (dir.path / "run").string(), "--json"};
  const auto f = fast_flags(url);
  a.insert(a.end(), f.begin(), f.end());
  a.insert(a.end(), more.begin(), more.end());
  return a;
}

TEST(sandbox_faults, http_502_dropped_connections_and_transient_codes) {
  temp_dir dir("faults");
  write_export(dir.path / "in.csv", 2000);
  sandbox_process sb(dir.path / "sb.db",
                     {"--rows-per-second", "20000", "--seed", "7", "--faults",
                      "http502=0.15,drop=0.1,err604=0.1,err713=0.1"});
  const auto r = run_mkbulk(run_args(dir, sb.base_url(), {"--max-bytes", "9000",
                                                          "--max-retries", "12"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(report_number(r.out, "rows", "imported"), 2000);
  EXPECT_EQ(report_number(r.out, "rows", "unaccounted"), 0);
  // The faults were met and survived: HTTP 5xx, dropped connections, transient codes.
  EXPECT_NE(r.err.find("back-off"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(": HTTP 50"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("transport error"), std::string::npos) << r.err;
  EXPECT_TRUE(r.err.find("code 604") != std::string::npos ||
              r.err.find("code 713") != std::string::npos) << r.err;
  // Every lead once, although a create whose answer was dropped may have been sent again.
  const auto db = dir.path / "sb.db";
  EXPECT_EQ(sql_count(db, "SELECT COUNT(*) FROM leads"), 2000);
  EXPECT_EQ(sql_count(db, "SELECT COUNT(DISTINCT email) FROM leads"), 2000);
  // More calls than a fault-free run needs (a create and a status per chunk, one token).
  EXPECT_GT(report_number(r.out, "api_calls", "total"),
            2 * report_number(r.out, "", "chunks") + 1);
}

TEST(sandbox_faults, token_expiring_every_two_seconds) {
  temp_dir dir("ttl");
  write_export(dir.path / "in.csv", 1200);
  // 200 rows/s per job: about 3 s of importing per slot, so the run outlives several tokens.
  sandbox_process sb(dir.path / "sb.db", {"--rows-per-second", "200", "--token-ttl", "2"});
  const auto r = run_mkbulk(run_args(dir, sb.base_url(), {"--max-bytes", "8000"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(report_number(r.out, "rows", "imported"), 1200);
  EXPECT_GE(report_number(r.out, "api_calls", "token"), 2);
  EXPECT_EQ(sql_count(dir.path / "sb.db", "SELECT COUNT(DISTINCT email) FROM leads"), 1200);
}

TEST(sandbox_faults, failed_jobs_are_reported_with_every_row) {
  temp_dir dir("jobfail");
  write_export(dir.path / "in.csv", 600);
  sandbox_process sb(dir.path / "sb.db", {"--rows-per-second", "20000", "--faults", "jobfail=1"});
  const auto r = run_mkbulk(run_args(dir, sb.base_url(), {"--max-bytes", "10000",
                                                          "--retry-failed-jobs", "1"}));
  ASSERT_EQ(r.exit_code, 1) << r.err;
  const auto chunks = report_number(r.out, "", "chunks");
  ASSERT_GT(chunks, 1);
  EXPECT_EQ(report_number(r.out, "", "jobs_failed"), chunks);
  EXPECT_EQ(report_number(r.out, "", "jobs"), 2 * chunks);  // each resubmitted once
  EXPECT_EQ(report_number(r.out, "rows", "failed"), 600);
  EXPECT_EQ(report_number(r.out, "rows", "imported"), 0);
  EXPECT_EQ(report_number(r.out, "rows", "unaccounted"), 0);
  EXPECT_NE(r.out.find("\"message\":\""), std::string::npos);  // Marketo's message kept
  const std::string failures = read_text(dir.path / "run" / "failures.csv");
  EXPECT_EQ(std::count(failures.begin(), failures.end(), '\n'), 601);
  EXPECT_NE(failures.find("\n2,job failed: "), std::string::npos) << failures.substr(0, 300);
  EXPECT_NE(failures.find("\n601,job failed: "), std::string::npos);
  const std::string retry = read_text(dir.path / "run" / "retry.csv");
  EXPECT_EQ(std::count(retry.begin(), retry.end(), '\n'), 601);
}

TEST(sandbox_faults, daily_quota_607_stops_with_75_and_resume_finishes_after_the_reset) {
  temp_dir dir("quota");
  write_export(dir.path / "in.csv", 1200);
  const auto db = dir.path / "sb.db";
  {
    sandbox_process sb(db, {"--rows-per-second", "20000", "--daily-quota", "8"});
    const auto r = run_mkbulk(run_args(dir, sb.base_url(), {"--max-bytes", "6000"}));
    ASSERT_EQ(r.exit_code, 75) << r.err;
    EXPECT_NE(r.err.find("607"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("mkbulk resume"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir.path / "run" / "report.json"));
  }
  // "Midnight": the same store behind a fresh sandbox (new port, old tokens unknown: 601).
  sandbox_process sb(db, {"--rows-per-second", "20000"});
  const auto r = run_mkbulk({"resume", (dir.path / "run").string(), "--base-url", sb.base_url(),
                             "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(report_number(r.out, "rows", "imported"), 1200);
  EXPECT_EQ(report_number(r.out, "rows", "unaccounted"), 0);
  EXPECT_EQ(sql_count(db, "SELECT COUNT(*) FROM leads"), 1200);
  EXPECT_EQ(sql_count(db, "SELECT COUNT(DISTINCT email) FROM leads"), 1200);
}

}  // namespace
}  // namespace mkbulk::test
