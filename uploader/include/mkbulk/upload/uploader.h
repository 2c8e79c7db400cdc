// The uploader: a scheduler that takes chunks (from a finished split's manifest, or one by one
// while `mkbulk run` is still splitting), submits them as import jobs keeping Marketo's two
// processing slots busy under --max-queued, polls adaptively, downloads and ties back results,
// journals every step, and on resume replays the journal. Printing is the caller's business:
// it hears of events and progress through callbacks.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "mkbulk/engine/manifest.h"
#include "mkbulk/upload/journal.h"
#include "mkbulk/upload/marketo_client.h"
#include "mkbulk/upload/report.h"

namespace mkbulk::upload {

inline constexpr unsigned MAX_QUEUE_DEPTH = 10;  // Marketo's queue, processing slots included

struct upload_options {
  std::filesystem::path run_dir;
  client_options client;
  job_params job;                  // job.format is overridden by the manifest's out_format
  unsigned max_queued = 6;         // our jobs in Marketo's queue at most (1..10)
  unsigned retry_failed_jobs = 0;  // resubmit a job that ends Failed this many times
  unsigned max_retries = 8;        // transient errors in a row before the run stops (resumable)
  double retry_base_seconds = 1;   // exponential back-off: base * 2^n, jittered, capped
  double retry_cap_seconds = 60;
  double poll_min_seconds = 5;     // the contract's 5 to 30 s; tests and demos poll faster
  double poll_max_seconds = 30;
  std::uint64_t seed = 0;          // jitter; 0 = from the clock

  // An empty string when the options are usable, else what is wrong.
  [[nodiscard]] std::string validate() const;
};

enum class upload_status : std::uint8_t {
  complete,         // every chunk's job finished and its results were merged
  quota_exhausted,  // 607: resumable after the daily reset
  interrupted,      // request_stop(), or transient errors beyond max_retries: resumable
  auth_failed,
  config_error,
  io_error,
};

struct upload_event {
  enum class kind : std::uint8_t { info, backoff, job, warning, error } what = kind::info;
  std::string text;  // for people; never a secret
};

struct upload_progress {
  std::uint64_t chunks_known = 0;
  std::uint64_t jobs_created = 0;
  std::uint64_t queued = 0;
  std::uint64_t importing = 0;
  std::uint64_t done = 0;
  std::uint64_t failed_jobs = 0;
  std::uint64_t rows_imported = 0;
  std::uint64_t rows_failed = 0;
  std::uint64_t rows_warned = 0;
  std::uint64_t api_calls = 0;
  unsigned depth = 0;
  bool input_done = false;
};

struct upload_result {
  upload_status status = upload_status::complete;
  std::string message;
  run_report report;  // filled when status == complete
};

class uploader {
 public:
  explicit uploader(upload_options options);
  ~uploader();
  uploader(const uploader&) = delete;
  uploader& operator=(const uploader&) = delete;

  void set_event_fn(std::function<void(const upload_event&)> fn) { event_fn_ = std::move(fn); }
  void set_progress_fn(std::function<void(const upload_progress&)> fn) {
    progress_fn_ = std::move(fn);
  }
  void set_journal_hook(std::function<void(std::uint64_t)> fn);

  // Opens the journal and replays what an earlier session did. first_entry: written when the
  // journal is new (run_started with the run's settings). False with error on failure.
  [[nodiscard]] bool open(const std::string& first_entry, std::string& error);
  // The journal's entries as read by open() (the run_started payload, for resume).
  [[nodiscard]] const std::vector<journal_entry>& replayed() const noexcept { return replayed_; }

  // A chunk is complete on disk. Thread-safe; journals chunk_written (unless already there).
  [[nodiscard]] bool add_chunk(const engine::chunk_info& chunk);
  // No more chunks will come; m is the finished split's manifest (for totals and retry.csv).
  void finish_input(const engine::manifest& m, double split_seconds);
  // The split failed: stop once the jobs already created are finished.
  void abandon_input(const std::string& why);
  // Stop submitting and return as soon as possible (resumable). Thread-safe, signal-safe.
  void request_stop() noexcept;

  // Runs until every chunk is done or the run stops. Call once.
  [[nodiscard]] upload_result run();

 private:
  struct chunk_job;
  struct impl;
  std::unique_ptr<impl> impl_;
  upload_options options_;
  std::vector<journal_entry> replayed_;
  std::function<void(const upload_event&)> event_fn_;
  std::function<void(const upload_progress&)> progress_fn_;
};

}  // namespace mkbulk::upload
