// The retry classifier: every Marketo code of the contract, HTTP statuses and transport errors
// land on the verdict the scheduler expects; the three sources are kept apart.
#include <curl/curl.h>
#include <gtest/gtest.h>

#include "mkbulk/upload/retry_policy.h"

namespace mkbulk::upload {
namespace {

call_verdict marketo(std::string_view code) { return classify({0, 200, code, true}); }

TEST(retry_policy, success_on_http_200_without_error) {
  EXPECT_EQ(classify({0, 200, "", true}), call_verdict::success);
}

TEST(retry_policy, token_codes_refresh) {
  EXPECT_EQ(marketo("601"), call_verdict::refresh_token);
  EXPECT_EQ(marketo("602"), call_verdict::refresh_token);
}

TEST(retry_policy, rate_and_concurrency_limits_back_off) {
  EXPECT_EQ(marketo("606"), call_verdict::rate_limited);
  EXPECT_EQ(marketo("615"), call_verdict::rate_limited);
  EXPECT_EQ(classify({0, 429, "", true}), call_verdict::rate_limited);
}

TEST(retry_policy, transient_codes_retry) {
  for (const char* c : {"604", "608", "611", "614", "713", "719"}) {
    EXPECT_EQ(marketo(c), call_verdict::transient) << c;
    EXPECT_TRUE(is_retryable(marketo(c))) << c;
  }
}

TEST(retry_policy, queue_full_is_its_own_verdict) {
  EXPECT_EQ(marketo("1016"), call_verdict::queue_full);
  EXPECT_EQ(marketo("1019"), call_verdict::queue_full);
}

TEST(retry_policy, daily_quota_stops) {
  EXPECT_EQ(marketo("607"), call_verdict::quota_exhausted);
  EXPECT_FALSE(is_retryable(call_verdict::quota_exhausted));
}

TEST(retry_policy, fatal_codes_fail_the_job) {
  for (const char* c : {"603", "609", "610", "612", "613", "1003", "1006", "1008", "1009",
                        "1010", "9999"}) {
    EXPECT_EQ(marketo(c), call_verdict::fatal) << c;
    EXPECT_FALSE(is_retryable(marketo(c))) << c;
  }
}

TEST(retry_policy, http_statuses) {
  EXPECT_EQ(classify({0, 502, "", true}), call_verdict::transient);
  EXPECT_EQ(classify({0, 503, "", true}), call_verdict::transient);
  EXPECT_EQ(classify({0, 401, "", true}), call_verdict::auth_failed);
  EXPECT_EQ(classify({0, 413, "", true}), call_verdict::fatal);
  EXPECT_EQ(classify({0, 414, "", true}), call_verdict::fatal);
  // An HTTP error wins over whatever the body said.
  EXPECT_EQ(classify({0, 502, "1003", true}), call_verdict::transient);
}

TEST(retry_policy, transport_errors) {
  EXPECT_EQ(classify({CURLE_OPERATION_TIMEDOUT, 0, "", true}), call_verdict::transient);
  EXPECT_EQ(classify({CURLE_GOT_NOTHING, 0, "", true}), call_verdict::transient);
  EXPECT_EQ(classify({CURLE_RECV_ERROR, 0, "", true}), call_verdict::transient);
  EXPECT_EQ(classify({CURLE_PARTIAL_FILE, 0, "", true}), call_verdict::transient);
  EXPECT_EQ(classify({CURLE_COULDNT_CONNECT, 0, "", true}), call_verdict::transient);
  EXPECT_EQ(classify({CURLE_PEER_FAILED_VERIFICATION, 0, "", true}), call_verdict::config_error);
  EXPECT_EQ(classify({CURLE_URL_MALFORMAT, 0, "", true}), call_verdict::config_error);
  EXPECT_EQ(classify({CURLE_FAILED_INIT, 0, "", true}), call_verdict::config_error)
      << "no libcurl to load: retrying cannot help";
  EXPECT_EQ(classify({CURLE_READ_ERROR, 0, "", true}), call_verdict::io_error);
  // A transport error wins over a status or a code left from a partial answer.
  EXPECT_EQ(classify({CURLE_RECV_ERROR, 200, "1003", true}), call_verdict::transient);
}

TEST(retry_policy, garbled_200_body_is_transient) {
  EXPECT_EQ(classify({0, 200, "", false}), call_verdict::transient);
}

}  // namespace
}  // namespace mkbulk::upload
