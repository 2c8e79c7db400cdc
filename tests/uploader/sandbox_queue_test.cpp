// End to end: another client fills Marketo's import queue (1016 for us: back off with jitter,
// lower the depth, finish anyway), and our own depth never exceeds --max-queued.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "harness.h"
#include "mkbulk/upload/http_client.h"

namespace mkbulk::test {
namespace {

// Submits n jobs of rows rows each as "another integration" would, and returns how many the
// sandbox accepted.
int fill_queue(const sandbox_process& sb, const std::filesystem::path& dir, int n, int rows) {
  const auto file = dir / "other.csv";
  {
    std::ofstream out(file);
    out << "email,firstName\n";
    for (int i = 0; i < rows; ++i) out << "other" << i << "@elsewhere.com,Other\n";
  }
  const std::string token = sb.token();
  upload::http_client c(upload::http_options{});
  int accepted = 0;
  for (int i = 0; i < n; ++i) {
    const auto r = c.post_multipart(sb.base_url() + "/bulk/v1/leads.json",
                                    {{"format", "csv", {}}, {"file", "other.csv", file}}, token);
    if (r.status == 200 && r.body.find("\"success\":true") != std::string::npos) ++accepted;
  }
  return accepted;
}

TEST(sandbox_queue, backs_off_on_1016_while_another_client_fills_the_queue) {
  temp_dir dir("queue");
  write_export(dir.path / "in.csv", 1500);
  sandbox_process sb(dir.path / "sb.db", {"--rows-per-second", "500"});
  ASSERT_EQ(fill_queue(sb, dir.path, 9, 500), 9);  // about 5 s of work in the queue
  std::vector<std::string> a{"run", (dir.path / "in.csv").string(), "--out-dir",
                             (dir.path / "run").string(), "--max-bytes", "8000",
                             "--max-queued", "6", "--json"};
  const auto f = fast_flags(sb.base_url());
  a.insert(a.end(), f.begin(), f.end());
  a.insert(a.end(), {"--retry-cap", "1"});
  const auto r = run_mkbulk(a);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("queue full (code 1016"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("depth lowered to"), std::string::npos) << r.err;
  EXPECT_EQ(report_number(r.out, "rows", "imported"), 1500);
  EXPECT_EQ(report_number(r.out, "rows", "unaccounted"), 0);
  const auto db = dir.path / "sb.db";
  EXPECT_EQ(sql_count(db, "SELECT COUNT(*) FROM leads WHERE email LIKE 'user%'"), 1500);
  EXPECT_EQ(sql_count(db, "SELECT COUNT(DISTINCT email) FROM leads WHERE email LIKE 'user%'"),
            1500);
  const std::string stats = sb.get("/sandbox/stats");
  EXPECT_LE(report_number(stats, "", "max_queue_depth"), 10);
  // Our jobs: one per chunk, none sent twice.
  const auto jobs = stats_job_rows(stats);
  EXPECT_EQ(static_cast<std::int64_t>(jobs.size()), 9 + report_number(r.out, "", "chunks"));
}

TEST(sandbox_queue, never_more_than_max_queued_of_our_jobs) {
  temp_dir dir("depth");
  write_export(dir.path / "in.csv", 1500);
  sandbox_process sb(dir.path / "sb.db", {"--rows-per-second", "1500"});
  std::vector<std::string> a{"run", (dir.path / "in.csv").string(), "--out-dir",
                             (dir.path / "run").string(), "--max-bytes", "6000",
                             "--max-queued", "3", "--json"};
  const auto f = fast_flags(sb.base_url());
  a.insert(a.end(), f.begin(), f.end());
  const auto r = run_mkbulk(a);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string stats = sb.get("/sandbox/stats");
  EXPECT_LE(report_number(stats, "", "max_queue_depth"), 3);
  EXPECT_GE(report_number(stats, "", "max_queue_depth"), 2);  // both slots were fed
  EXPECT_EQ(report_number(r.out, "rows", "imported"), 1500);
}

}  // namespace
}  // namespace mkbulk::test
