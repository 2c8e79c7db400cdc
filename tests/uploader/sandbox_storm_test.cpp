// End to end: a 606 storm. Another client spends almost all of the instance's 100 calls per
// 20 s; our run meets 606, backs off with jitter and finishes once the window frees up.
// (About 20 s: the sandbox's window is the real one.)
#include <gtest/gtest.h>

#include "harness.h"
#include "mkbulk/upload/http_client.h"

namespace mkbulk::test {
namespace {

TEST(sandbox_storm, rate_limit_606_storm_is_survived) {
  temp_dir dir("storm");
  write_export(dir.path / "in.csv", 800);
  sandbox_process sb(dir.path / "sb.db", {"--rows-per-second", "20000"});
  const std::string token = sb.token();
  upload::http_client c(upload::http_options{});
  int ok = 0;
  for (int i = 0; i < 98; ++i) {
    const auto r = c.get(sb.base_url() + "/rest/v1/leads/describe.json", token);
    ok += r.body.find("\"success\":true") != std::string::npos ? 1 : 0;
  }
  ASSERT_GE(ok, 90);
  std::vector<std::string> a{"run", (dir.path / "in.csv").string(), "--out-dir",
                             (dir.path / "run").string(), "--max-bytes", "8000", "--json"};
  const auto f = fast_flags(sb.base_url());
  a.insert(a.end(), f.begin(), f.end());
  a.insert(a.end(), {"--retry-cap", "2", "--max-retries", "40"});
  const auto r = run_mkbulk(a);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("code 606"), std::string::npos) << r.err;
  EXPECT_EQ(report_number(r.out, "rows", "imported"), 800);
  EXPECT_EQ(sql_count(dir.path / "sb.db", "SELECT COUNT(DISTINCT email) FROM leads"), 800);
  EXPECT_EQ(sql_count(dir.path / "sb.db", "SELECT COUNT(*) FROM leads"), 800);
}

}  // namespace
}  // namespace mkbulk::test
