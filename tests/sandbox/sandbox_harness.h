// Test-only harness for the sandbox contract tests: starts mkbulk-sandbox as a child process
// (posix_spawn, killed by RAII), reads its base URL from the first stdout line, and talks HTTP
// to it with libcurl. JSON answers are read with simdjson.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <curl/curl.h>
#include <simdjson.h>

namespace mkbulk::sandbox::test {

inline constexpr std::string_view CLIENT_ID = "mkbulk-sandbox";
inline constexpr std::string_view CLIENT_SECRET = "mkbulk-sandbox-secret";

// A temporary directory, removed with its contents on destruction.
class temp_dir {
 public:
  temp_dir();
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  [[nodiscard]] std::string file(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

void write_file(const std::string& path, std::string_view content);

class sandbox_process {
 public:
  // args: the sandbox's arguments (--port 0 is added). env: extra NAME=VALUE entries.
  explicit sandbox_process(std::vector<std::string> args, std::vector<std::string> env = {});
  ~sandbox_process();  // SIGTERM, then SIGKILL after 3 s; always reaped
  sandbox_process(const sandbox_process&) = delete;
  sandbox_process& operator=(const sandbox_process&) = delete;

  [[nodiscard]] const std::string& base() const noexcept { return base_; }
  // SIGTERM and wait; returns the exit status (or -1).
  int stop();
  // SIGKILL and wait: a crash, not a clean stop.
  void kill_hard();

 private:
  pid_t pid_ = -1;
  std::string base_;
};

struct http_answer {
  CURLcode curl = CURLE_OK;
  long status = 0;
  std::string body;
};

struct request_options {
  std::vector<std::string> headers;
  std::string ca_file;  // verify TLS against this CA bundle
};

// Plain requests.
http_answer http_get(const std::string& url, const request_options& o = {});
// application/x-www-form-urlencoded POST; fields are escaped here.
http_answer http_post_form(const std::string& url,
                           const std::vector<std::pair<std::string, std::string>>& fields,
                           const request_options& o = {});
// multipart/form-data POST: a file part (when filename is not empty) plus text parts.
http_answer http_post_multipart(const std::string& url, const std::string& file_field,
                                const std::string& filename, const std::string& content,
                                const std::vector<std::pair<std::string, std::string>>& fields,
                                const request_options& o = {});
// A raw POST with a given content type.
http_answer http_post_raw(const std::string& url, const std::string& content_type,
                          const std::string& body, const request_options& o = {});

// A parsed JSON answer that owns its parser.
class json_doc {
 public:
  explicit json_doc(const std::string& text);
  [[nodiscard]] bool ok() const noexcept { return ok_; }
  [[nodiscard]] simdjson::dom::element at(std::string_view pointer) const;
  [[nodiscard]] std::string str(std::string_view pointer) const;     // "" when absent
  [[nodiscard]] std::int64_t num(std::string_view pointer) const;    // -1 when absent
  [[nodiscard]] bool has(std::string_view pointer) const;
  [[nodiscard]] std::string error_code() const { return str("/errors/0/code"); }

 private:
  simdjson::padded_string text_;
  simdjson::dom::parser parser_;
  simdjson::dom::element root_;
  bool ok_ = false;
};

// A client of one sandbox: gets a token and sends authorized calls.
class api_client {
 public:
  explicit api_client(std::string base, request_options o = {});
  [[nodiscard]] std::string token_url(std::string_view id = CLIENT_ID,
                                      std::string_view secret = CLIENT_SECRET) const;
  std::string fetch_token();  // also remembers it
  void set_token(std::string t) { token_ = std::move(t); }
  [[nodiscard]] const std::string& token() const noexcept { return token_; }

  http_answer get(const std::string& path);
  http_answer post_form(const std::string& path,
                        const std::vector<std::pair<std::string, std::string>>& fields);
  // Creates an import job: file as part "file", fields as text parts, query appended.
  http_answer create(const std::string& content,
                     const std::vector<std::pair<std::string, std::string>>& fields = {{"format", "csv"}},
                     const std::string& query = "");
  // Creates and returns the batch id (fails the test on error).
  std::int64_t create_ok(const std::string& content, const std::string& format = "csv",
                         const std::vector<std::pair<std::string, std::string>>& extra = {});
  // Polls until Complete or Failed; returns the status answer's body.
  std::string wait_final(std::int64_t batch_id,
                         std::chrono::milliseconds timeout = std::chrono::seconds(15));

 private:
  [[nodiscard]] request_options with_auth() const;
  std::string base_;
  request_options options_;
  std::string token_;
};

}  // namespace mkbulk::sandbox::test
