// upload_session: the glue between flags, the split (for `run`), the uploader and the user.
// The environment is read here, in tools/, and passed to the libraries as options.
#include "upload_session.h"

#include <simdjson.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "engine_flags.h"
#include "schema_remote.h"
#include "exit_codes.h"
#include "mkbulk/upload/report.h"
#include "mkbulk/upload/text_format.h"
#include "upload_display.h"

namespace mkbulk::cli {

namespace {

std::atomic<upload::uploader*> g_uploader{nullptr};

extern "C" void on_stop_signal(int) {
  if (upload::uploader* u = g_uploader.load()) u->request_stop();
}

class chunk_forwarder final : public engine::chunk_sink {
 public:
  explicit chunk_forwarder(upload::uploader& u) : u_(u) {}
  void on_chunk(const engine::chunk_info& chunk) override {
    if (!u_.add_chunk(chunk)) failed_ = true;
  }
  bool failed_ = false;

 private:
  upload::uploader& u_;
};

int exit_code_of(const upload::upload_result& r) {
  switch (r.status) {
    case upload::upload_status::complete:
      return (r.report.rows_failed > 0 || r.report.rows_rejected > 0 ||
              r.report.rows_unaccounted > 0)
                 ? EXIT_ROWS_REJECTED
                 : EXIT_CLEAN;
    case upload::upload_status::quota_exhausted:
    case upload::upload_status::interrupted: return EXIT_TEMPFAIL;
    case upload::upload_status::auth_failed: return EXIT_AUTH;
    case upload::upload_status::config_error: return EXIT_CONFIG;
    case upload::upload_status::io_error: return EXIT_IO;
  }
  return EXIT_SOFTWARE;
}

void print_summary(const session_request& req, const upload::upload_result& r) {
  const auto& t = r.report;
  std::printf(
      "rows: %llu in, %llu rejected locally, %llu merged, %llu submitted, %llu imported, "
      "%llu failed, %llu warned, %llu unaccounted\n"
      "jobs: %llu (%llu failed), chunks: %llu\n"
      "results: %s/{report.json,failures.csv,warnings.csv,retry.csv}\n",
      static_cast<unsigned long long>(t.rows_in), static_cast<unsigned long long>(t.rows_rejected),
      static_cast<unsigned long long>(t.rows_merged),
      static_cast<unsigned long long>(t.rows_submitted),
      static_cast<unsigned long long>(t.rows_imported),
      static_cast<unsigned long long>(t.rows_failed),
      static_cast<unsigned long long>(t.rows_warned),
      static_cast<unsigned long long>(t.rows_unaccounted),
      static_cast<unsigned long long>(t.jobs), static_cast<unsigned long long>(t.jobs_failed),
      static_cast<unsigned long long>(t.chunks), req.run_dir.string().c_str());
  std::fputs(local_summary(t).c_str(), stdout);
  for (const auto& f : t.failed_jobs) {
    std::printf("failed job: chunk %u, batch %llu: %s\n", f.chunk,
                static_cast<unsigned long long>(f.batch_id), f.message.c_str());
  }
}

// The file flags (--schema FILE, --cacert FILE) with absolute paths, so that a resume started
// from another directory finds the same files.
void make_file_flags_absolute(std::vector<std::string>& args) {
  const auto absolute = [](const std::string& v) {
    if (v.empty() || v == "remote") return v;
    std::error_code ec;
    const auto p = std::filesystem::absolute(v, ec);
    return ec ? v : p.string();
  };
  for (std::size_t i = 0; i < args.size(); ++i) {
    for (const std::string_view flag : {"--schema", "--cacert"}) {
      const std::string& a = args[i];
      if (a == flag && i + 1 < args.size()) {
        args[i + 1] = absolute(args[i + 1]);
      } else if (a.size() > flag.size() && a.starts_with(flag) && a[flag.size()] == '=') {
        args[i] = std::string(flag) + "=" + absolute(a.substr(flag.size() + 1));
      }
    }
  }
}

}  // namespace

std::string run_started_entry(const session_request& req) {
  std::string s = "{\"event\":\"run_started\",\"at\":" +
                  std::to_string(static_cast<long long>(std::time(nullptr))) + ",\"mode\":";
  upload::append_json_string(s, req.mode);
  s += ",\"input\":";
  upload::append_json_string(s, req.input);
  s += ",\"args\":[";
  for (std::size_t i = 0; i < req.args.size(); ++i) {
    if (i != 0) s += ',';
    upload::append_json_string(s, req.args[i]);
  }
  s += "]}";
  return s;
}

bool parse_run_started(const std::string& line, std::string& mode, std::string& input,
                       std::vector<std::string>& args) {
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(line);
  simdjson::ondemand::document doc;
  if (parser.iterate(padded).get(doc) != simdjson::SUCCESS) return false;
  std::string_view ev, m, in;
  if (doc.find_field_unordered("event").get_string().get(ev) != simdjson::SUCCESS ||
      ev != "run_started") {
    return false;
  }
  if (doc.find_field_unordered("mode").get_string().get(m) != simdjson::SUCCESS) return false;
  if (doc.find_field_unordered("input").get_string().get(in) != simdjson::SUCCESS) return false;
  mode = std::string(m);
  input = std::string(in);
  simdjson::ondemand::array arr;
  if (doc.find_field_unordered("args").get_array().get(arr) != simdjson::SUCCESS) return false;
  args.clear();
  for (auto v : arr) {
    std::string_view a;
    if (v.get_string().get(a) != simdjson::SUCCESS) return false;
    args.emplace_back(a);
  }
  return true;
}

int run_upload_session(session_request& req) {
  auto& opts = req.cli.options;
  opts.run_dir = req.run_dir;
  make_file_flags_absolute(req.args);
  read_upload_environment(req.cli);
  if (const std::string bad = opts.validate(); !bad.empty()) {
    std::fprintf(stderr, "mkbulk %s: %s\n", req.mode.c_str(), bad.c_str());
    return EXIT_CONFIG;
  }
  // Pre-flight (run): the schema is read, or fetched, before anything else happens, and saved
  // in the run directory.
  if (!req.cli.preflight.schema.empty() || !req.cli.preflight.value_flag.empty()) {
    check_preflight_flags(req.cli.preflight);
    std::string text;
    std::string error;
    if (req.cli.preflight.remote()) {
      if (!fetch_remote_schema(opts.client, text, error)) {
        std::fprintf(stderr, "mkbulk %s: %s\n", req.mode.c_str(), error.c_str());
        return EXIT_CONFIG;
      }
      apply_schema_text(req.cli.preflight, text, "GET /rest/v1/leads/describe.json",
                        req.cli.split);
    } else {
      text = apply_schema_file(req.cli.preflight, req.cli.split);
    }
    std::error_code ec;
    std::filesystem::create_directories(req.run_dir, ec);
    if (!save_schema(req.run_dir, text, error)) {
      std::fprintf(stderr, "mkbulk %s: %s\n", req.mode.c_str(), error.c_str());
      return EXIT_IO;
    }
  }
  upload_display display;
  if (opts.client.http.insecure) {
    display.note(
        "WARNING: --insecure: TLS certificate verification is OFF. Anyone on the network path "
        "can read the access token and the uploaded leads. Use --cacert instead.");
  }
  engine::manifest m;
  engine::manifest_error merr;
  const bool have_manifest = engine::read_manifest(req.run_dir, m, merr);
  if (req.mode == "upload" && !have_manifest) {
    std::fprintf(stderr, "mkbulk upload: %s (run 'mkbulk split' first)\n", merr.message.c_str());
    return EXIT_IO;
  }
  opts.job.format = have_manifest ? m.out_format : req.cli.split.out_format;
  if (opts.job.lookup_field.empty() && have_manifest) opts.job.lookup_field = m.lookup_field;

  upload::uploader up(opts);
  up.set_event_fn([&](const upload::upload_event& e) { display.on_event(e); });
  up.set_progress_fn([&](const upload::upload_progress& p) { display.on_progress(p); });
  if (const char* k = std::getenv("MKBULK_TEST_KILL_AFTER"); k != nullptr && *k != 0) {
    // Test-only: die hard right after the Nth durable journal entry of this process.
    const unsigned long long n = std::strtoull(k, nullptr, 10);
    up.set_journal_hook([n](std::uint64_t count) {
      if (count >= n) std::raise(SIGKILL);
    });
  }
  if (const char* k = std::getenv("MKBULK_TEST_SIGINT_AFTER"); k != nullptr && *k != 0) {
    // Test-only: interrupt ourselves (as Ctrl-C would) after the Nth journal entry.
    const unsigned long long n = std::strtoull(k, nullptr, 10);
    up.set_journal_hook([n](std::uint64_t count) {
      if (count == n) std::raise(SIGINT);
    });
  }
  std::string error;
  if (!up.open(run_started_entry(req), error)) {
    std::fprintf(stderr, "mkbulk %s: %s\n", req.mode.c_str(), error.c_str());
    return EXIT_IO;
  }
  g_uploader.store(&up);
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  std::signal(SIGPIPE, SIG_IGN);  // a dropped connection must be an error code, not a death

  upload::upload_result result;
  engine::split_result split;
  bool split_ran = false;
  if (have_manifest) {
    for (const auto& c : m.chunks) {
      if (!up.add_chunk(c)) {
        std::fprintf(stderr, "mkbulk %s: cannot write the journal\n", req.mode.c_str());
        return EXIT_IO;
      }
    }
    up.finish_input(m, 0);
    result = up.run();
  } else {
    engine::split_options so = req.cli.split;
    apply_engine_environment(so);
    so.input_path = req.input;
    so.out_dir = req.run_dir;
    so.fsync_chunks = true;  // a chunk is durable before its job can be created
    chunk_forwarder sink(up);
    split_ran = true;
    std::atomic<bool> split_done{false};
    std::thread splitter([&] {
      split = engine::run_split(so, &sink, [&](const engine::split_progress& p) {
        display.on_split(p);
      });
      if (split.status == engine::split_status::ok && !sink.failed_) {
        up.finish_input(split.result, split.seconds);
      } else {
        up.abandon_input(split.status == engine::split_status::ok ? "cannot write the journal"
                                                                  : split.message);
      }
      split_done.store(true);
    });
    result = up.run();
    if (result.status != upload::upload_status::complete && !split_done.load()) {
      // Stopped (Ctrl-C, quota, auth...) while the split still reads a long input: the split
      // cannot be cancelled, and nothing needs it any more. Every step is in the journal, so
      // leaving now loses nothing; resume re-runs the split.
      display.finish();
      std::fprintf(stderr, "mkbulk %s: stopped: %s\n", req.mode.c_str(), result.message.c_str());
      std::fprintf(stderr, "nothing is lost; finish with: mkbulk resume %s\n",
                   req.run_dir.string().c_str());
      std::fflush(stdout);
      std::fflush(stderr);
      std::_Exit(exit_code_of(result));
    }
    splitter.join();
  }
  g_uploader.store(nullptr);
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  display.finish();

  if (split_ran && split.status != engine::split_status::ok) {
    std::fprintf(stderr, "mkbulk %s: %s\n", req.mode.c_str(), split.message.c_str());
    return exit_code_of(split);
  }
  if (result.status != upload::upload_status::complete) {
    const bool resumable = result.status == upload::upload_status::quota_exhausted ||
                           result.status == upload::upload_status::interrupted;
    std::fprintf(stderr, "mkbulk %s: stopped: %s\n", req.mode.c_str(), result.message.c_str());
    if (result.status == upload::upload_status::quota_exhausted) {
      std::fprintf(stderr, "the daily API quota is used up (607); it resets at midnight US "
                           "Central time. Then run: mkbulk resume %s\n",
                   req.run_dir.string().c_str());
    } else if (resumable) {
      std::fprintf(stderr, "nothing is lost; finish with: mkbulk resume %s\n",
                   req.run_dir.string().c_str());
    }
    return exit_code_of(result);
  }
  if (req.cli.json) {
    std::fputs(upload::to_json(result.report).c_str(), stdout);
  } else {
    print_summary(req, result);
  }
  return exit_code_of(result);
}

}  // namespace mkbulk::cli
