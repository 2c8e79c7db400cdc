// Internal to the uploader library: the scheduler's state (one chunk_job per chunk, the
// shared impl) and small helpers, shared by uploader.cpp (the public face, replay, the run
// loop and the report) and scheduler.cpp (the loop's steps). Not installed, not public.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "mkbulk/upload/uploader.h"

namespace mkbulk::upload {

namespace detail {

using clock_type = std::chrono::steady_clock;
using seconds_d = std::chrono::duration<double>;

inline constexpr std::int64_t BATCH_ID_LIFE_SECONDS = 7 * 24 * 3600;

inline std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline clock_type::duration to_duration(double s) {
  return std::chrono::duration_cast<clock_type::duration>(seconds_d(s));
}

// An HTTP error without a Marketo code (400, 403, 405, ...): the contract answers refusals
// with a code, so this is a proxy or a desynchronised connection, worth a bounded retry; a job
// must not be declared failed (its rows may well be imported) on such an answer.
inline bool bare_http_error(const api_result& r) {
  return r.verdict == call_verdict::fatal && r.error_code.empty() && r.curl_code == 0 &&
         r.http_status >= 400 && r.http_status != 404 && r.http_status != 413 &&
         r.http_status != 414;
}

inline std::string describe(const api_result& r) {
  std::string s;
  if (!r.error_code.empty()) s = "code " + r.error_code + ": ";
  else if (r.curl_code != 0) s = "transport error " + std::to_string(r.curl_code) + ": ";
  else if (r.http_status != 0 && r.http_status != 200) s = "HTTP " + std::to_string(r.http_status) + ": ";
  return s + r.message;
}

}  // namespace detail

using detail::clock_type;
using detail::seconds_d;

struct uploader::chunk_job {
  enum class phase : std::uint8_t { pending, active, finished, merged, expired };
  engine::chunk_info info;
  bool have_info = false;
  phase ph = phase::pending;
  std::uint64_t batch_id = 0;
  std::int64_t created_at = 0;
  std::string status;  // the last status seen
  job_status final_status;
  unsigned failed_attempts = 0;
  unsigned retries = 0;
  clock_type::time_point next_at{};
  clock_type::time_point last_polled{};
  clock_type::time_point created_seen{};
  clock_type::time_point importing_since{};
  bool seen_importing = false;
  std::uint64_t imported = 0, failed = 0, warned = 0, untied = 0;
};

struct uploader::impl {
  explicit impl(const upload_options& o) : client(o.client) {}
  marketo_client client;
  journal_writer journal;
  std::mutex mutex;
  std::condition_variable cv;
  std::deque<engine::chunk_info> inbox;
  std::vector<std::uint32_t> journaled_chunks;  // chunk_written already in the journal
  bool input_done = false;
  bool input_abandoned = false;
  std::string abandon_reason;
  std::optional<engine::manifest> manifest;
  double split_seconds = 0;
  std::atomic<bool> stop{false};

  // Scheduler-thread state.
  std::map<std::uint32_t, chunk_job> jobs;
  unsigned depth = 0;
  unsigned queue_full_streak = 0;
  unsigned create_retries = 0;
  clock_type::time_point submit_not_before{};
  std::uint64_t jobs_created = 0;
  // API calls of earlier sessions of this run (the last "calls" the journal holds).
  std::array<std::uint64_t, ENDPOINT_COUNT> prior_calls{};
  std::uint64_t rows_done_session = 0;
  clock_type::time_point first_create{};
  bool have_first_create = false;
  clock_type::time_point last_finish{};
  double merge_seconds = 0;
  clock_type::time_point run_started{};
  double first_submit_seconds = -1;  // from run() to the first create call sent; -1: none yet
  double first_job_seconds = -1;     // ... to the first job acknowledged and journaled
  std::optional<upload_status> stop_status;
  std::string stop_message;
  std::mt19937_64 rng;

  // Every session's calls: the earlier ones' (journal) plus this one's.
  [[nodiscard]] std::array<std::uint64_t, ENDPOINT_COUNT> total_calls() const;
  // Appends entry to the journal with the calls so far (so a resume can add them up).
  [[nodiscard]] bool journal_append(const std::string& entry);

  // The loop's steps (uploader_loop part of this file).
  void emit(const uploader& u, upload_event::kind k, std::string text) const;
  clock_type::duration backoff(const upload_options& o, unsigned n);
  void halt(upload_status s, std::string message);
  void pull_inbox(const uploader& u);
  void submit(const uploader& u, clock_type::time_point now);
  void poll(const uploader& u, clock_type::time_point now);
  void merge(const uploader& u, clock_type::time_point now);
  double poll_interval(const upload_options& o, const chunk_job& j, clock_type::time_point now) const;
  [[nodiscard]] unsigned ours_in_queue() const;
  [[nodiscard]] double budget_floor() const;
  [[nodiscard]] bool all_done() const;
  [[nodiscard]] clock_type::time_point next_wakeup(clock_type::time_point now) const;
  [[nodiscard]] upload_progress progress() const;
  [[nodiscard]] run_report make_report(const engine::manifest& m) const;
  bool on_job_final(const uploader& u, chunk_job& j, std::uint32_t index, const job_status& st);
};

}  // namespace mkbulk::upload
