// The server's frame: construction, binding, the httplib thread pool (more than 10 threads so
// that 615 can happen), and wrap(), the path every API call takes before its handler:
// call counting, the concurrency limit, injected faults, the token check and the rate limits.
#include "mkbulk/sandbox/server.h"

#include <sys/socket.h>

#include <cstdio>
#include <stdexcept>
#include <thread>

#include <httplib.h>

#include "mkbulk/sandbox/json_writer.h"

namespace mkbulk::sandbox {
namespace {

constexpr std::size_t THREADS = 48;
constexpr int LISTEN_BACKLOG = 256;

// Debian's httplib listens with a backlog of 5: a burst of new connections (the 615 case, an
// uploader opening its pool) would have SYNs dropped and retried a second later. A second
// listen() on the bound socket widens the backlog; svr_sock_ is protected, hence the subclass.
template <typename base>
class wide_backlog : public base {
 public:
  using base::base;
  void widen_backlog() { ::listen(this->svr_sock_, LISTEN_BACKLOG); }
};
constexpr int MAX_CONCURRENT_CALLS = 10;

std::string bearer_token(const httplib::Request& req) {
  const std::string h = req.get_header_value("Authorization");
  constexpr std::string_view prefix = "Bearer ";
  if (h.size() > prefix.size() && h.compare(0, prefix.size(), prefix) == 0) {
    return h.substr(prefix.size());
  }
  // The deprecated query parameter still works, as it does on Marketo for now.
  return req.get_param_value("access_token");
}

}  // namespace

sandbox_server::sandbox_server(sandbox_options options, std::string_view schema_text)
    : options_(std::move(options)), started_(std::chrono::steady_clock::now()),
      schema_(schema_text.empty() ? schema_table::standard()
                                  : schema_table::from_describe_json(schema_text)),
      store_(std::make_unique<store>(options_.db_path)),
      tokens_(options_.client_id, options_.client_secret, options_.token_ttl_seconds),
      limiter_(100, std::chrono::seconds(20), MAX_CONCURRENT_CALLS, options_.daily_quota) {
  queue_ = std::make_unique<job_queue>(
      *store_, schema_,
      job_queue_options{options_.rows_per_second, options_.seed, options_.faults}, started_);
  if (!options_.tls_cert.empty()) {
    auto tls = std::make_unique<wide_backlog<httplib::SSLServer>>(options_.tls_cert.c_str(),
                                                                  options_.tls_key.c_str());
    if (!tls->is_valid()) {
      throw std::runtime_error("cannot use the TLS certificate '" + options_.tls_cert +
                               "' and key '" + options_.tls_key + "'");
    }
    widen_backlog_ = [p = tls.get()] { p->widen_backlog(); };
    http_ = std::move(tls);
  } else {
    auto plain = std::make_unique<wide_backlog<httplib::Server>>();
    widen_backlog_ = [p = plain.get()] { p->widen_backlog(); };
    http_ = std::move(plain);
  }
  http_->new_task_queue = [] { return new httplib::ThreadPool(THREADS); };
  http_->set_payload_max_length(MAX_BODY_BYTES);
  http_->set_keep_alive_timeout(2);
  // Without TCP_NODELAY, small answers written in two pieces wait for delayed ACKs (~40 ms).
  http_->set_tcp_nodelay(true);
  setup_routes();
}

sandbox_server::~sandbox_server() {
  stop();
}

void sandbox_server::bind() {
  if (options_.port == 0) {
    port_ = http_->bind_to_any_port(options_.host);
  } else if (http_->bind_to_port(options_.host, options_.port)) {
    port_ = options_.port;
  } else {
    port_ = -1;
  }
  if (port_ <= 0) {
    throw std::runtime_error("cannot listen on " + options_.host + ":" +
                             std::to_string(options_.port));
  }
  widen_backlog_();
}

std::string sandbox_server::base_url() const {
  const bool v6 = options_.host.find(':') != std::string::npos;
  return std::string(options_.tls_cert.empty() ? "http://" : "https://") +
         (v6 ? "[" + options_.host + "]" : options_.host) + ":" + std::to_string(port_);
}

bool sandbox_server::run() {
  queue_->start();
  const bool ok = http_->listen_after_bind();
  queue_->stop();
  return ok;
}

void sandbox_server::stop() {
  // Only the listener: run() stops the queue once listening has ended, on its own thread.
  if (http_) http_->stop();
}

std::string sandbox_server::next_request_id() {
  const auto n = request_ids_.fetch_add(1) + 1;
  char buf[48];
  const int len = std::snprintf(buf, sizeof buf, "%llx#%llx",
                                static_cast<unsigned long long>(port_),
                                static_cast<unsigned long long>(n));
  return {buf, static_cast<std::size_t>(len)};
}

void sandbox_server::count_error(int code) {
  std::lock_guard lock(stats_mutex_);
  ++errors_[code];
}

void sandbox_server::answer_error(httplib::Response& res, int code, std::string_view message) {
  count_error(code);
  res.status = 200;
  res.set_content(error_envelope(next_request_id(), code,
                                 message.empty() ? error_message(code) : message),
                  "application/json");
}

void sandbox_server::answer_result(httplib::Response& res, std::string_view result_json) {
  res.status = 200;
  res.set_content(success_envelope(next_request_id(), result_json), "application/json");
}

void sandbox_server::run_call(const std::string& name, call_class cls,
                              const httplib::Request& req, httplib::Response& res,
                              const std::function<void()>& work,
                              const std::function<void()>& skip_body) {
  {
    std::lock_guard lock(stats_mutex_);
    ++calls_[name];
  }
  rate_limiter::in_flight flight(limiter_);
  // Every early answer still reads (and drops) an unread upload, so that the connection stays
  // in step for its next request.
  const auto early = [&](auto&& answer) {
    skip_body();
    answer();
  };
  if (cls == call_class::api && !flight.admitted()) {
    early([&] { answer_error(res, 615); });
    return;
  }
  const auto counter = request_counter_.fetch_add(1);
  const fault_decision fault = decide_request_fault(options_.faults, options_.seed, counter);
  if (options_.faults.latency.count() > 0) std::this_thread::sleep_for(options_.faults.latency);
  if (fault.kind == fault_kind::http502) {
    early([&] {
      count_error(502);
      res.status = 502;
      res.set_content("<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html");
    });
    return;
  }
  if (fault.kind == fault_kind::marketo_error) {
    early([&] { answer_error(res, fault.code); });
    return;
  }
  if (cls == call_class::api) {
    const auto now = std::chrono::steady_clock::now();
    if (const int code = tokens_.check(bearer_token(req), now); code != 0) {
      early([&] { answer_error(res, code); });
      return;
    }
    if (const int code = limiter_.admit(now); code != 0) {
      early([&] { answer_error(res, code); });
      return;
    }
  }
  work();
  if (fault.kind == fault_kind::drop) {
    // Send the headers and half the body, then close the connection: the client sees a
    // truncated answer to a request that the sandbox did carry out.
    count_error(-1);
    auto body = std::make_shared<std::string>(std::move(res.body));
    res.body.clear();
    const std::string type = res.get_header_value("Content-Type");
    res.set_content_provider(body->size(), type.empty() ? "application/octet-stream" : type,
                             [body](std::size_t, std::size_t, httplib::DataSink& sink) {
                               sink.write(body->data(), body->size() / 2);
                               return false;
                             });
  }
}

sandbox_server::handler sandbox_server::wrap(std::string name, call_class cls, handler h) {
  return [this, name = std::move(name), cls, h = std::move(h)](const httplib::Request& req,
                                                               httplib::Response& res) {
    run_call(name, cls, req, res, [&] { h(req, res); }, [] {});
  };
}

sandbox_server::upload_handler sandbox_server::wrap_upload(std::string name, call_class cls,
                                                           upload_handler h) {
  return [this, name = std::move(name), cls, h = std::move(h)](
             const httplib::Request& req, httplib::Response& res,
             const httplib::ContentReader& content) {
    run_call(
        name, cls, req, res, [&] { h(req, res, content); },
        [&] {
          // httplib feeds a multipart body only to the multipart form of the reader.
          const auto drop = [](const char*, std::size_t) { return true; };
          if (req.is_multipart_form_data()) {
            content([](const httplib::MultipartFormData&) { return true; }, drop);
          } else {
            content(drop);
          }
        });
  };
}

void sandbox_server::on_stats(const httplib::Request&, httplib::Response& res) {
  std::string out = "{\"wall_seconds\":";
  append_json_double(out, std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                                        started_)
                              .count());
  {
    std::lock_guard lock(stats_mutex_);
    out += ",\"calls\":{";
    bool first = true;
    for (const auto& [name, n] : calls_) {
      if (!first) out += ",";
      first = false;
      append_json_string(out, name);
      out += ":" + std::to_string(n);
    }
    out += "},\"errors\":{";
    first = true;
    for (const auto& [code, n] : errors_) {
      if (!first) out += ",";
      first = false;
      out += code < 0 ? "\"drop\"" : "\"" + std::to_string(code) + "\"";
      out += ":" + std::to_string(n);
    }
    out += "},";
  }
  out += queue_->stats_members();
  out += "}";
  res.set_content(out, "application/json");
}

}  // namespace mkbulk::sandbox
