// Fault injection: the same seed gives the same faults for the same request order, another
// seed gives others; each kind shows as a client would see it (HTTP 502, a cut answer, a
// transient Marketo error, a slow answer, a job that ends Failed); a cut answer to a create
// still created the job.
#include <gtest/gtest.h>

#include "sandbox_harness.h"

namespace mkbulk::sandbox::test {
namespace {

std::string outcome(const http_answer& a) {
  if (a.curl != CURLE_OK) return "cut";
  if (a.status != 200) return std::to_string(a.status);
  json_doc d(a.body);
  if (!d.ok()) return "not-json";
  if (d.has("/access_token")) return "token";
  return d.error_code().empty() ? "ok" : d.error_code();
}

// 60 sequential calls: a token until one is granted, then describe calls.
std::vector<std::string> run_sequence(const std::string& seed) {
  sandbox_process sb({"--seed", seed, "--faults", "http502=0.15,drop=0.1,err604=0.1,err608=0.05"});
  api_client c(sb.base());
  std::vector<std::string> seen;
  for (int i = 0; i < 60; ++i) {
    if (c.token().empty()) {
      const auto a = http_get(c.token_url());
      seen.push_back("T" + outcome(a));
      if (outcome(a) == "token") c.set_token(json_doc(a.body).str("/access_token"));
    } else {
      seen.push_back(outcome(c.get("/rest/v1/leads/describe.json")));
    }
  }
  return seen;
}

TEST(sandbox_server_faults, same_seed_same_faults_other_seed_other_faults) {
  const auto a = run_sequence("7");
  const auto b = run_sequence("7");
  const auto other = run_sequence("8");
  EXPECT_EQ(a, b);
  EXPECT_NE(a, other);
  for (const std::string kind : {"502", "cut", "604", "608", "ok"}) {
    EXPECT_NE(std::find(a.begin(), a.end(), kind), a.end()) << "no " << kind << " in 60 calls";
  }
}

TEST(sandbox_server_faults, a_cut_answer_to_a_create_still_created_the_job) {
  sandbox_process sb({"--seed", "3", "--faults", "drop=0.5"});
  api_client c(sb.base());
  for (int i = 0; i < 50 && c.token().empty(); ++i) {
    const auto a = http_get(c.token_url());
    if (outcome(a) == "token") c.set_token(json_doc(a.body).str("/access_token"));
  }
  ASSERT_FALSE(c.token().empty());
  int answered = 0, cut = 0;
  for (int i = 0; i < 8; ++i) {
    const auto o = outcome(c.create("email\nz" + std::to_string(i) + "@x.com\n"));
    if (o == "ok") ++answered;
    if (o == "cut") ++cut;
  }
  EXPECT_GT(cut, 0);
  EXPECT_GT(answered, 0);
  json_doc stats(http_get(sb.base() + "/sandbox/stats").body);
  std::int64_t jobs = 0;
  while (stats.has("/jobs/" + std::to_string(jobs))) ++jobs;
  EXPECT_EQ(jobs, answered + cut);
  EXPECT_EQ(stats.num("/errors/drop"), cut + (stats.num("/calls/token") - 1));
}

// Early answers to an upload read and drop its multipart body; httplib once answered 500
// (bad_function_call) there because a multipart body only goes to the multipart reader.
TEST(sandbox_server_faults, create_answered_early_gets_its_502_not_500) {
  sandbox_process sb({"--faults", "http502=1"});
  api_client c(sb.base());
  const auto a = c.create("email\na@x.com\n");
  EXPECT_EQ(a.status, 502) << a.body;
}

TEST(sandbox_server_faults, latency_slows_every_answer) {
  sandbox_process sb({"--faults", "latency=300ms"});
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(http_get(api_client(sb.base()).token_url()).status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(300));
  const auto t1 = std::chrono::steady_clock::now();
  EXPECT_EQ(http_get(sb.base() + "/sandbox/stats").status, 200);  // not an API call
  EXPECT_LT(std::chrono::steady_clock::now() - t1, std::chrono::milliseconds(300));
}

TEST(sandbox_server_faults, jobfail_ends_jobs_failed) {
  sandbox_process sb({"--faults", "jobfail=1"});
  api_client c(sb.base());
  c.fetch_token();
  json_doc st(c.wait_final(c.create_ok("email\na@x.com\nb@x.com\nc@x.com\nd@x.com\n")));
  EXPECT_EQ(st.str("/result/0/status"), "Failed");
  EXPECT_NE(st.str("/result/0/message").find("injected"), std::string::npos);
  EXPECT_EQ(st.num("/result/0/numOfLeadsProcessed"), 2);  // it failed half way
}

TEST(sandbox_server_faults, bad_fault_spec_is_refused) {
  EXPECT_THROW(sandbox_process({"--faults", "http503=0.1"}), std::runtime_error);
  EXPECT_THROW(sandbox_process({"--faults", "drop=2"}), std::runtime_error);
}

}  // namespace
}  // namespace mkbulk::sandbox::test
