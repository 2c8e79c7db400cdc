// The queue and API limits: the 11th job gets 1016 while 10 wait, 606 after 100 calls in 20 s
// (token calls do not count), 615 for more than 10 calls at once, the daily quota's 607, and
// what /sandbox/stats reports about the queue.
#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "sandbox_harness.h"

namespace mkbulk::sandbox::test {
namespace {

std::string rows(int n) {
  std::string out = "email\n";
  for (int i = 0; i < n; ++i) out += "r" + std::to_string(i) + "@x.com\n";
  return out;
}

TEST(sandbox_server_limits, eleventh_job_gets_1016_while_ten_wait) {
  sandbox_process sb({"--rows-per-second", "20"});
  api_client c(sb.base());
  c.fetch_token();
  const auto file = rows(400);  // 20 s per job at this speed: nothing finishes during the test
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 10; ++i) ids.push_back(c.create_ok(file));
  json_doc eleventh(c.create(file).body);
  EXPECT_EQ(eleventh.error_code(), "1016");
  EXPECT_EQ(eleventh.at("/success").get_bool().value(), false);
  // FIFO: the first two import, the rest wait.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  for (std::size_t i = 0; i < ids.size(); ++i) {
    json_doc st(c.get("/bulk/v1/leads/batch/" + std::to_string(ids[i]) + ".json").body);
    EXPECT_EQ(st.str("/result/0/status"), i < 2 ? "Importing" : "Queued") << "job " << i;
  }
  json_doc stats(http_get(sb.base() + "/sandbox/stats").body);
  EXPECT_EQ(stats.num("/max_queue_depth"), 10);
  EXPECT_EQ(stats.num("/calls/create"), 11);
  EXPECT_EQ(stats.num("/errors/1016"), 1);
  EXPECT_TRUE(stats.at("/jobs/0/started_at").is_double());
  EXPECT_TRUE(stats.at("/jobs/2/started_at").is_null());
  EXPECT_GT(stats.at("/two_slots_busy_seconds").get_double().value(), 0.1);
  EXPECT_EQ(stats.num("/jobs/0/rows"), 400);
}

TEST(sandbox_server_limits, call_101_within_20_seconds_gets_606_and_token_calls_do_not_count) {
  sandbox_process sb({});
  api_client c(sb.base());
  for (int i = 0; i < 100; ++i) {
    if (i % 10 == 0) c.fetch_token();  // not counted
    json_doc d(c.get("/rest/v1/leads/describe.json").body);
    ASSERT_TRUE(d.at("/success").get_bool().value()) << "call " << i;
  }
  EXPECT_EQ(json_doc(c.get("/rest/v1/leads/describe.json").body).error_code(), "606");
  EXPECT_EQ(json_doc(c.get("/bulk/v1/leads/batch/1.json").body).error_code(), "606");
  // Stats calls are outside the API and its limits.
  EXPECT_EQ(http_get(sb.base() + "/sandbox/stats").status, 200);
  c.fetch_token();
}

TEST(sandbox_server_limits, more_than_ten_calls_at_once_get_615) {
  sandbox_process sb({"--faults", "latency=800ms"});
  api_client c(sb.base());
  c.fetch_token();
  std::atomic<int> ok{0}, limited{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 14; ++i) {
    threads.emplace_back([&] {
      api_client mine(sb.base());
      mine.set_token(c.token());
      json_doc d(mine.get("/rest/v1/leads/describe.json").body);
      if (d.has("/result/0")) {
        ++ok;
      } else if (d.error_code() == "615") {
        ++limited;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_LE(ok.load(), 10);
  EXPECT_GE(limited.load(), 1);
  EXPECT_EQ(ok + limited, 14);
  EXPECT_EQ(other.load(), 0);
}

TEST(sandbox_server_limits, daily_quota_gets_607) {
  sandbox_process sb({"--daily-quota", "5"});
  api_client c(sb.base());
  c.fetch_token();
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(json_doc(c.get("/rest/v1/leads/describe.json").body).at("/success").get_bool().value());
  }
  EXPECT_EQ(json_doc(c.get("/rest/v1/leads/describe.json").body).error_code(), "607");
}

TEST(sandbox_server_limits, throttled_jobs_take_rows_over_rows_per_second) {
  sandbox_process sb({"--rows-per-second", "200"});
  api_client c(sb.base());
  c.fetch_token();
  const auto start = std::chrono::steady_clock::now();
  const auto id = c.create_ok(rows(100));
  json_doc st(c.wait_final(id));
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(st.num("/result/0/numOfLeadsProcessed"), 100);
  EXPECT_GE(took, std::chrono::milliseconds(400));  // 100 rows at 200/s: about 0.5 s
  json_doc stats(http_get(sb.base() + "/sandbox/stats").body);
  const double started = stats.at("/jobs/0/started_at").get_double().value();
  const double finished = stats.at("/jobs/0/finished_at").get_double().value();
  EXPECT_GE(finished - started, 0.4);
  EXPECT_GE(stats.at("/one_slot_busy_seconds").get_double().value(), 0.4);
  EXPECT_GE(stats.at("/wall_seconds").get_double().value(), finished);
}

}  // namespace
}  // namespace mkbulk::sandbox::test
