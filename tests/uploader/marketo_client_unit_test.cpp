// The HTTP layer and Marketo client against a tiny in-test fake (cpp-httplib): the exact
// requests sent (Bearer header only, the secret never in a URL, multipart fields and the file
// streamed), 601 answered by a new token and a repeat, the envelope's codes, 404 and empty
// bodies as "no file", and the per-endpoint call counts.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "mkbulk/upload/marketo_client.h"

namespace mkbulk::upload {
namespace {

struct seen_request {
  std::string method, target, authorization, body;
  std::map<std::string, std::string> fields;  // multipart fields (file: its content)
  std::string filename;
};

class fake_marketo {
 public:
  fake_marketo() {
    svr_.Post("/identity/oauth/token", [this](const httplib::Request& q, httplib::Response& r) {
      note(q);
      const bool ok = q.get_param_value("client_id") == "id-1" &&
                      q.get_param_value("client_secret") == "secret-XYZ";
      if (!ok) {
        r.status = 401;
        return;
      }
      ++tokens_;
      r.set_content("{\"access_token\":\"tok-" + std::to_string(tokens_.load()) +
                        "\",\"token_type\":\"bearer\",\"expires_in\":3600}",
                    "application/json");
    });
    svr_.Post("/bulk/v1/leads.json", [this](const httplib::Request& q, httplib::Response& r) {
      note(q);
      if (++creates_ == 1) {  // the first create meets an expired token
        r.set_content(R"({"requestId":"a","success":false,"errors":[{"code":"601","message":"Access token invalid"}]})",
                      "application/json");
        return;
      }
      if (creates_ == 3) {
        r.set_content(R"({"requestId":"b","success":false,"errors":[{"code":"1016","message":"Too many imports"}]})",
                      "application/json");
        return;
      }
      r.set_content(R"({"requestId":"c","success":true,"result":[{"batchId":77,"importId":"77","status":"Queued"}]})",
                    "application/json");
    });
    svr_.Get(R"(/bulk/v1/leads/batch/77\.json)", [this](const httplib::Request& q,
                                                       httplib::Response& r) {
      note(q);
      r.set_content(R"({"requestId":"d","success":true,"result":[{"batchId":77,"importId":"77","status":"Complete","numOfLeadsProcessed":2,"numOfRowsFailed":1,"numOfRowsWithWarning":0,"message":"Import completed with errors"}]})",
                    "application/json");
    });
    svr_.Get(R"(/bulk/v1/leads/batch/77/failures\.json)",
             [this](const httplib::Request& q, httplib::Response& r) {
               note(q);
               r.status = 404;
             });
    svr_.Get(R"(/bulk/v1/leads/batch/77/warnings\.json)",
             [this](const httplib::Request& q, httplib::Response& r) {
               note(q);
               r.set_content("", "text/csv");
             });
    port_ = svr_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { svr_.listen_after_bind(); });
    while (!svr_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~fake_marketo() {
    svr_.stop();
    thread_.join();
  }
  [[nodiscard]] std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<seen_request> seen() {
    std::lock_guard lock(m_);
    return seen_;
  }

 private:
  void note(const httplib::Request& q) {
    seen_request s{q.method, q.target, q.get_header_value("Authorization"), q.body, {}, {}};
    for (const auto& [name, f] : q.files) {
      s.fields[name] = f.content;
      if (name == "file") s.filename = f.filename;
    }
    std::lock_guard lock(m_);
    seen_.push_back(std::move(s));
  }
  httplib::Server svr_;
  int port_ = 0;
  std::thread thread_;
  std::mutex m_;
  std::vector<seen_request> seen_;
  std::atomic<int> tokens_{0};
  std::atomic<int> creates_{0};
};

client_options options_for(const std::string& base) {
  client_options o;
  o.base_url = base + "/";
  o.client_id = "id-1";
  o.client_secret = "secret-XYZ";
  o.http.request_timeout = 10;
  return o;
}

TEST(marketo_client, sends_exactly_what_the_contract_asks) {
  fake_marketo fake;
  const auto file = std::filesystem::path(MKBULK_TEST_TMP) / "client-chunk.csv";
  {
    std::ofstream out(file, std::ios::binary);
    out << "email,firstName\na@x.com,Ann\n";
  }
  marketo_client c(options_for(fake.base()));
  job_params p;
  p.format = "csv";
  p.lookup_field = "email";
  p.list_id = "1234";
  p.partition = "Europe";
  std::uint64_t batch = 0;
  const api_result created = c.create_job(file, p, batch);
  ASSERT_EQ(created.verdict, call_verdict::success) << created.message;
  EXPECT_EQ(batch, 77U);

  // The queue-full answer comes back as its own verdict, with Marketo's code and message.
  std::uint64_t batch2 = 0;
  const api_result full = c.create_job(file, p, batch2);
  EXPECT_EQ(full.verdict, call_verdict::queue_full);
  EXPECT_EQ(full.error_code, "1016");
  EXPECT_EQ(full.message, "Too many imports");

  job_status st;
  ASSERT_EQ(c.get_status(77, st).verdict, call_verdict::success);
  EXPECT_EQ(st.status, "Complete");
  EXPECT_EQ(st.processed, 2U);
  EXPECT_EQ(st.failed, 1U);
  EXPECT_TRUE(st.final());
  std::string body = "stale";
  EXPECT_EQ(c.download(77, true, body).verdict, call_verdict::success);   // 404: no file
  EXPECT_TRUE(body.empty());
  body = "stale";
  EXPECT_EQ(c.download(77, false, body).verdict, call_verdict::success);  // empty body
  EXPECT_TRUE(body.empty());

  const auto calls = c.calls();
  EXPECT_EQ(calls[static_cast<std::size_t>(endpoint::token)], 2U);   // first, then after 601
  EXPECT_EQ(calls[static_cast<std::size_t>(endpoint::create)], 3U);  // 601, success, 1016
  EXPECT_EQ(calls[static_cast<std::size_t>(endpoint::status)], 1U);
  EXPECT_EQ(calls[static_cast<std::size_t>(endpoint::failures)], 1U);
  EXPECT_EQ(calls[static_cast<std::size_t>(endpoint::warnings)], 1U);

  const auto seen = fake.seen();
  ASSERT_EQ(seen.size(), 8U);
  for (const auto& s : seen) {
    // Never the secret or a token in a URL; the token only in the Authorization header.
    EXPECT_EQ(s.target.find("secret-XYZ"), std::string::npos) << s.target;
    EXPECT_EQ(s.target.find("access_token"), std::string::npos) << s.target;
    EXPECT_EQ(s.target.find("tok-"), std::string::npos) << s.target;
  }
  EXPECT_EQ(seen[0].target, "/identity/oauth/token");
  EXPECT_NE(seen[0].body.find("client_secret=secret-XYZ"), std::string::npos);
  EXPECT_NE(seen[0].body.find("grant_type=client_credentials"), std::string::npos);
  EXPECT_EQ(seen[1].authorization, "Bearer tok-1");
  EXPECT_EQ(seen[2].target, "/identity/oauth/token");  // 601: a new token...
  EXPECT_EQ(seen[3].authorization, "Bearer tok-2");     // ...and the call repeated with it
  EXPECT_EQ(seen[3].fields.at("format"), "csv");
  EXPECT_EQ(seen[3].fields.at("lookupField"), "email");
  EXPECT_EQ(seen[3].fields.at("listId"), "1234");
  EXPECT_EQ(seen[3].fields.at("partitionName"), "Europe");
  EXPECT_EQ(seen[3].fields.at("file"), "email,firstName\na@x.com,Ann\n");
  EXPECT_EQ(seen[3].filename, "client-chunk.csv");
  EXPECT_EQ(seen[5].method, "GET");
  EXPECT_EQ(seen[5].target, "/bulk/v1/leads/batch/77.json");
  EXPECT_EQ(seen[5].authorization, "Bearer tok-2");  // reused, not fetched per call
}

TEST(marketo_client, refused_credentials_are_auth_failed) {
  fake_marketo fake;
  auto o = options_for(fake.base());
  o.client_secret = "wrong";
  marketo_client c(o);
  job_status st;
  const api_result r = c.get_status(77, st);
  EXPECT_EQ(r.verdict, call_verdict::auth_failed);
  EXPECT_EQ(r.message.find("wrong"), std::string::npos);
}

TEST(marketo_client, nothing_listening_is_transient) {
  client_options o = options_for("http://127.0.0.1:1");
  o.http.connect_timeout = 2;
  marketo_client c(o);
  job_status st;
  const api_result r = c.get_status(77, st);
  EXPECT_EQ(r.verdict, call_verdict::transient);
  EXPECT_NE(r.curl_code, 0);
}

}  // namespace
}  // namespace mkbulk::upload
