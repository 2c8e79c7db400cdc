// The Marketo bulk lead import API as calls: token (client credentials, reused until shortly
// before it expires, renewed on 601/602), create a job, its status, its failure and warning
// files. Each call goes through the limiter, is counted by endpoint, and returns a verdict from
// retry_policy; repeating and backing off are the scheduler's business.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "mkbulk/upload/http_client.h"
#include "mkbulk/upload/rate_limiter.h"
#include "mkbulk/upload/retry_policy.h"

namespace mkbulk::upload {

enum class endpoint : std::uint8_t { token, create, status, failures, warnings };
inline constexpr std::size_t ENDPOINT_COUNT = 5;
[[nodiscard]] std::string_view to_string(endpoint e) noexcept;

struct client_options {
  std::string base_url;      // https://123-ABC-456.mktorest.com (no trailing slash needed)
  std::string identity_url;  // empty: base_url + "/identity"
  std::string client_id;     // secrets: passed in by the caller, never logged or written
  std::string client_secret;
  http_options http;
  std::size_t max_calls_per_window = 95;
  std::chrono::milliseconds window = std::chrono::seconds(20);
  std::size_t max_concurrent = 10;
};

// What one call came to: the verdict and, for people, what happened (never a secret).
struct api_result {
  call_verdict verdict = call_verdict::success;
  int curl_code = 0;
  long http_status = 0;
  std::string error_code;  // Marketo's code, "" when none
  std::string message;     // Marketo's or curl's message
};

struct job_params {
  std::string format = "csv";  // csv, tsv, ssv
  std::string lookup_field;    // empty: Marketo's default (email)
  std::string list_id;         // empty: none
  std::string partition;       // empty: none
};

struct job_status {
  std::uint64_t batch_id = 0;
  std::string status;  // Queued, Importing, Complete, Failed
  std::uint64_t processed = 0;
  std::uint64_t failed = 0;
  std::uint64_t warned = 0;
  std::string message;
  [[nodiscard]] bool final() const noexcept { return status == "Complete" || status == "Failed"; }
};

class marketo_client {
 public:
  explicit marketo_client(client_options options);
  ~marketo_client();
  marketo_client(const marketo_client&) = delete;
  marketo_client& operator=(const marketo_client&) = delete;

  // POSTs the chunk file (streamed) as a new import job; fills batch_id on success.
  [[nodiscard]] api_result create_job(const std::filesystem::path& file, const job_params& p,
                                      std::uint64_t& batch_id);
  [[nodiscard]] api_result get_status(std::uint64_t batch_id, job_status& out);
  // Gets a token (and so a warm connection) ahead of the first call: bad credentials show at
  // once, and the first create does not wait for the identity service.
  [[nodiscard]] api_result prepare() { return ensure_token(); }
  // Downloads the failures or warnings file. HTTP 404 and an empty body both mean "none":
  // success with body empty.
  [[nodiscard]] api_result download(std::uint64_t batch_id, bool failures, std::string& body);

  [[nodiscard]] std::array<std::uint64_t, ENDPOINT_COUNT> calls() const noexcept { return calls_; }
  // Calls started in the limiter's current window, and the window's budget.
  [[nodiscard]] std::size_t calls_in_window() const {
    return limiter_.in_window(std::chrono::steady_clock::now());
  }
  [[nodiscard]] std::size_t window_budget() const noexcept { return options_.max_calls_per_window; }
  [[nodiscard]] double window_seconds() const noexcept {
    return std::chrono::duration<double>(options_.window).count();
  }

 private:
  api_result ensure_token();
  api_result fetch_token();
  template <class Perform>
  api_result call(endpoint e, Perform&& perform, std::string& body);

  client_options options_;
  http_client http_;
  rate_limiter limiter_;
  std::string token_;
  std::chrono::steady_clock::time_point token_renew_at_{};
  std::array<std::uint64_t, ENDPOINT_COUNT> calls_{};
};

}  // namespace mkbulk::upload
