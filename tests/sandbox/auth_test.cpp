// Token endpoint contract: GET and POST grants, 401 for bad credentials, the same token with a
// falling expires_in, 601 for unknown tokens, 602 after --token-ttl, refresh, credentials from
// the environment and the flags.
#include <thread>

#include <gtest/gtest.h>

#include "sandbox_harness.h"

namespace mkbulk::sandbox::test {
namespace {

TEST(sandbox_server_auth, token_by_get_has_the_documented_shape) {
  sandbox_process sb({});
  const auto a = http_get(api_client(sb.base()).token_url());
  ASSERT_EQ(a.status, 200) << a.body;
  json_doc d(a.body);
  EXPECT_FALSE(d.str("/access_token").empty());
  EXPECT_EQ(d.str("/token_type"), "bearer");
  EXPECT_EQ(d.num("/expires_in"), 3600);
  EXPECT_FALSE(d.str("/scope").empty());
}

TEST(sandbox_server_auth, token_by_post_form_returns_the_same_token) {
  sandbox_process sb({});
  api_client c(sb.base());
  const auto first = c.fetch_token();
  const auto a = http_post_form(sb.base() + "/identity/oauth/token",
                                {{"grant_type", "client_credentials"},
                                 {"client_id", std::string(CLIENT_ID)},
                                 {"client_secret", std::string(CLIENT_SECRET)}});
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(json_doc(a.body).str("/access_token"), first);
}

TEST(sandbox_server_auth, bad_credentials_get_http_401) {
  sandbox_process sb({});
  api_client c(sb.base());
  EXPECT_EQ(http_get(c.token_url(CLIENT_ID, "wrong")).status, 401);
  EXPECT_EQ(http_get(c.token_url("someone-else", CLIENT_SECRET)).status, 401);
  EXPECT_EQ(http_get(sb.base() + "/identity/oauth/token?grant_type=client_credentials").status,
            401);
}

TEST(sandbox_server_auth, expires_in_falls_while_the_token_stays_the_same) {
  sandbox_process sb({"--token-ttl", "30"});
  api_client c(sb.base());
  const auto a1 = http_get(c.token_url());
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  const auto a2 = http_get(c.token_url());
  json_doc d1(a1.body), d2(a2.body);
  EXPECT_EQ(d1.str("/access_token"), d2.str("/access_token"));
  EXPECT_EQ(d1.num("/expires_in"), 30);
  EXPECT_LT(d2.num("/expires_in"), 30);
  EXPECT_GE(d2.num("/expires_in"), 28);
}

TEST(sandbox_server_auth, unknown_or_missing_token_gets_601) {
  sandbox_process sb({});
  api_client c(sb.base());
  c.set_token("not-a-token");
  const auto a = c.get("/rest/v1/leads/describe.json");
  EXPECT_EQ(a.status, 200);
  json_doc d(a.body);
  EXPECT_EQ(d.at("/success").get_bool().value(), false);
  EXPECT_EQ(d.error_code(), "601");
  EXPECT_EQ(json_doc(http_get(sb.base() + "/rest/v1/leads/describe.json").body).error_code(),
            "601");
}

TEST(sandbox_server_auth, expired_token_gets_602_and_a_refresh_works) {
  sandbox_process sb({"--token-ttl", "1"});
  api_client c(sb.base());
  const auto old_token = c.fetch_token();
  EXPECT_EQ(json_doc(c.get("/rest/v1/leads/describe.json").body).at("/success").get_bool().value(),
            true);
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  EXPECT_EQ(json_doc(c.get("/rest/v1/leads/describe.json").body).error_code(), "602");
  const auto new_token = c.fetch_token();
  EXPECT_NE(new_token, old_token);
  EXPECT_EQ(json_doc(c.get("/rest/v1/leads/describe.json").body).at("/success").get_bool().value(),
            true);
  c.set_token(old_token);  // an expired token stays "expired", not "unknown"
  EXPECT_EQ(json_doc(c.get("/rest/v1/leads/describe.json").body).error_code(), "602");
}

TEST(sandbox_server_auth, credentials_come_from_the_environment_or_the_flags) {
  {
    sandbox_process sb({}, {"MKBULK_SANDBOX_CLIENT_ID=env-id",
                            "MKBULK_SANDBOX_CLIENT_SECRET=env-secret"});
    api_client c(sb.base());
    EXPECT_EQ(http_get(c.token_url()).status, 401);
    EXPECT_EQ(http_get(c.token_url("env-id", "env-secret")).status, 200);
  }
  {
    sandbox_process sb({"--client-id", "flag-id", "--client-secret", "flag-secret"});
    api_client c(sb.base());
    EXPECT_EQ(http_get(c.token_url("flag-id", "flag-secret")).status, 200);
    EXPECT_EQ(http_get(c.token_url()).status, 401);
  }
}

}  // namespace
}  // namespace mkbulk::sandbox::test
