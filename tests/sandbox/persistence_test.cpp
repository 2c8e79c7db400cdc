// Restart survival with --db: finished jobs, their failure files and the leads are still there
// after a clean stop; a job killed (SIGKILL) while Importing resumes after its last committed
// batch and ends with every row processed exactly once; batch ids keep counting.
#include <thread>

#include <gtest/gtest.h>

#include "sandbox_harness.h"

namespace mkbulk::sandbox::test {
namespace {

TEST(sandbox_server_persistence, jobs_results_and_leads_survive_a_restart) {
  temp_dir dir;
  const auto db = dir.file("sandbox.db");
  std::int64_t id = 0;
  std::string failures;
  {
    sandbox_process sb({"--db", db});
    api_client c(sb.base());
    c.fetch_token();
    id = c.create_ok("email,leadScore\nkeep@x.com,1\nbad@x.com,x\n", "csv", {{"listId", "3"}});
    c.wait_final(id);
    failures = c.get("/bulk/v1/leads/batch/" + std::to_string(id) + "/failures.json").body;
    EXPECT_EQ(sb.stop(), 0);  // a clean stop on SIGTERM
  }
  sandbox_process sb({"--db", db});
  api_client c(sb.base());
  c.fetch_token();
  json_doc st(c.get("/bulk/v1/leads/batch/" + std::to_string(id) + ".json").body);
  EXPECT_EQ(st.str("/result/0/status"), "Complete");
  EXPECT_EQ(st.num("/result/0/numOfLeadsProcessed"), 1);
  EXPECT_EQ(st.num("/result/0/numOfRowsFailed"), 1);
  EXPECT_EQ(st.str("/result/0/message"),
            "Import completed with errors, 1 records imported (1 members), 1 failed");
  EXPECT_EQ(c.get("/bulk/v1/leads/batch/" + std::to_string(id) + "/failures.json").body, failures);
  json_doc lead(c.get("/rest/v1/leads.json?filterType=email&filterValues=keep@x.com").body);
  EXPECT_EQ(lead.str("/result/0/leadScore"), "1");
  EXPECT_EQ(c.create_ok("email\nnext@x.com\n"), id + 1);
}

TEST(sandbox_server_persistence, a_job_killed_while_importing_resumes_after_restart) {
  temp_dir dir;
  const auto db = dir.file("sandbox.db");
  std::string file = "email,firstName\n";
  for (int i = 0; i < 300; ++i) file += "r" + std::to_string(i) + "@x.com,R" + std::to_string(i) + "\n";
  std::int64_t id = 0;
  {
    sandbox_process sb({"--db", db, "--rows-per-second", "200"});
    api_client c(sb.base());
    c.fetch_token();
    id = c.create_ok(file);
    // Wait until some, not all, rows are committed, then crash it.
    std::int64_t processed = 0;
    for (int i = 0; i < 200 && processed < 40; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      processed = json_doc(c.get("/bulk/v1/leads/batch/" + std::to_string(id) + ".json").body)
                      .num("/result/0/numOfLeadsProcessed");
    }
    ASSERT_GE(processed, 40);
    ASSERT_LT(processed, 300);
    sb.kill_hard();
  }
  sandbox_process sb({"--db", db});
  api_client c(sb.base());
  c.fetch_token();
  json_doc st(c.wait_final(id));
  EXPECT_EQ(st.str("/result/0/status"), "Complete");
  EXPECT_EQ(st.num("/result/0/numOfLeadsProcessed"), 300);
  EXPECT_EQ(st.num("/result/0/numOfRowsFailed"), 0);
  // Every lead exactly once.
  json_doc first(c.get("/rest/v1/leads.json?filterType=email&filterValues=r0@x.com,r299@x.com").body);
  EXPECT_EQ(first.str("/result/0/firstName"), "R0");
  EXPECT_EQ(first.str("/result/1/firstName"), "R299");
  EXPECT_FALSE(first.has("/result/2"));
  EXPECT_EQ(first.num("/result/1/id"), 300);  // ids 1..300: no row was inserted twice
}

}  // namespace
}  // namespace mkbulk::sandbox::test
