// mkbulk-sandbox as an object: the HTTP(S) server, its routes and everything behind them
// (store, schema, tokens, limits, faults, queue). main.cpp constructs it from the options,
// prints base_url() and calls run(); stop() (from a signal thread) ends run().
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "mkbulk/sandbox/auth.h"
#include "mkbulk/sandbox/job_queue.h"
#include "mkbulk/sandbox/rate_limiter.h"
#include "mkbulk/sandbox/sandbox_options.h"
#include "mkbulk/sandbox/schema.h"
#include "mkbulk/sandbox/store.h"

namespace httplib {
class Server;
class ContentReader;
struct Request;
struct Response;
}  // namespace httplib

namespace mkbulk::sandbox {

// The largest request body accepted; more is HTTP 413.
inline constexpr std::size_t MAX_BODY_BYTES = 10'000'000;

class sandbox_server {
 public:
  // Opens the store, loads the schema (schema_text: the --schema file's contents, empty for
  // the standard one) and sets up the routes. Throws std::runtime_error / invalid_argument.
  sandbox_server(sandbox_options options, std::string_view schema_text);
  ~sandbox_server();
  sandbox_server(const sandbox_server&) = delete;
  sandbox_server& operator=(const sandbox_server&) = delete;

  // Binds host:port (port 0: a free one); throws std::runtime_error when it cannot.
  void bind();
  [[nodiscard]] std::string base_url() const;
  // Starts the queue's workers and serves until stop(); returns false on a listen error.
  bool run();
  void stop();

 private:
  using handler = std::function<void(const httplib::Request&, httplib::Response&)>;
  // For uploads: the body is read by the handler (streamed), after the checks passed.
  using upload_handler = std::function<void(const httplib::Request&, httplib::Response&,
                                            const httplib::ContentReader&)>;
  enum class call_class : std::uint8_t { token, api };

  void setup_routes();
  // The common path of every API call: counts it, applies 615, faults, auth, 606/607, then
  // runs work; a drop fault cuts the answer in half afterwards. skip_body reads and drops an
  // upload that an early answer left unread.
  void run_call(const std::string& name, call_class cls, const httplib::Request& req,
                httplib::Response& res, const std::function<void()>& work,
                const std::function<void()>& skip_body);
  [[nodiscard]] handler wrap(std::string name, call_class cls, handler h);
  [[nodiscard]] upload_handler wrap_upload(std::string name, call_class cls, upload_handler h);
  [[nodiscard]] std::string next_request_id();
  void answer_error(httplib::Response& res, int code, std::string_view message = {});
  void answer_result(httplib::Response& res, std::string_view result_json);
  void count_error(int code);

  void on_token(const httplib::Request& req, httplib::Response& res);
  void on_create(const httplib::Request& req, httplib::Response& res,
                 const httplib::ContentReader& content);
  void on_status(const httplib::Request& req, httplib::Response& res);
  void on_result_file(const httplib::Request& req, httplib::Response& res, row_kind kind);
  void on_describe(const httplib::Request& req, httplib::Response& res);
  void on_read_leads(const httplib::Request& req, httplib::Response& res);
  void on_stats(const httplib::Request& req, httplib::Response& res);

  sandbox_options options_;
  std::chrono::steady_clock::time_point started_;
  schema_table schema_;
  std::unique_ptr<store> store_;
  token_store tokens_;
  rate_limiter limiter_;
  std::unique_ptr<job_queue> queue_;
  std::unique_ptr<httplib::Server> http_;
  std::function<void()> widen_backlog_;
  int port_ = 0;
  std::atomic<std::uint64_t> request_counter_{0};  // API and token calls: keys the faults
  std::atomic<std::uint64_t> request_ids_{0};
  std::mutex stats_mutex_;
  std::map<std::string, std::uint64_t> calls_;
  std::map<int, std::uint64_t> errors_;
};

}  // namespace mkbulk::sandbox
