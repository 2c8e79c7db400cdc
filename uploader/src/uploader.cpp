// The scheduler behind uploader: one thread, one loop (curl's 10-at-a-time pattern reduced to
// blocking calls, since each call is short next to a job's minutes in the queue): submit while
// our jobs in the queue are under the depth, poll each job when its adaptive interval is due,
// merge the results of finished jobs, then sleep until the next due time or a new chunk.
// Every state change is journaled (fsync) before the loop relies on it.
#include "mkbulk/upload/uploader.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "mkbulk/upload/result_matcher.h"

namespace mkbulk::upload {

namespace {

using clock_type = std::chrono::steady_clock;
using seconds_d = std::chrono::duration<double>;

constexpr std::int64_t BATCH_ID_LIFE_SECONDS = 7 * 24 * 3600;

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

clock_type::duration to_duration(double s) {
  return std::chrono::duration_cast<clock_type::duration>(seconds_d(s));
}

// An HTTP error without a Marketo code (400, 403, 405, ...): the contract answers refusals
// with a code, so this is a proxy or a desynchronised connection, worth a bounded retry; a job
// must not be declared failed (its rows may well be imported) on such an answer.
bool bare_http_error(const api_result& r) {
  return r.verdict == call_verdict::fatal && r.error_code.empty() && r.curl_code == 0 &&
         r.http_status >= 400 && r.http_status != 404 && r.http_status != 413 &&
         r.http_status != 414;
}

std::string describe(const api_result& r) {
  std::string s;
  if (!r.error_code.empty()) s = "code " + r.error_code + ": ";
  else if (r.curl_code != 0) s = "transport error " + std::to_string(r.curl_code) + ": ";
  else if (r.http_status != 0 && r.http_status != 200) s = "HTTP " + std::to_string(r.http_status) + ": ";
  return s + r.message;
}

}  // namespace

std::string upload_options::validate() const {
  if (client.base_url.empty()) return "no base URL (--base-url, --munchkin or MKBULK_BASE_URL)";
  if (client.client_id.empty() || client.client_secret.empty()) {
    return "MKBULK_CLIENT_ID and MKBULK_CLIENT_SECRET must be set in the environment";
  }
  if (max_queued < 1 || max_queued > MAX_QUEUE_DEPTH) return "--max-queued must be 1 to 10";
  if (!(poll_min_seconds > 0) || poll_max_seconds < poll_min_seconds) {
    return "--poll-min must be > 0 and <= --poll-max";
  }
  if (!(retry_base_seconds > 0) || retry_cap_seconds < retry_base_seconds) {
    return "retry back-off base must be > 0 and <= its cap";
  }
  return {};
}

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

uploader::uploader(upload_options options)
    : impl_(std::make_unique<impl>(options)), options_(std::move(options)) {
  impl_->depth = options_.max_queued;
  impl_->rng.seed(options_.seed != 0 ? options_.seed
                                     : static_cast<std::uint64_t>(
                                           clock_type::now().time_since_epoch().count()));
}

uploader::~uploader() = default;

void uploader::set_journal_hook(std::function<void(std::uint64_t)> fn) {
  impl_->journal.set_after_append(std::move(fn));
}

bool uploader::open(const std::string& first_entry, std::string& error) {
  std::error_code ec;
  std::filesystem::create_directories(options_.run_dir, ec);
  if (!read_journal(options_.run_dir, replayed_, error)) return false;
  if (!impl_->journal.open(options_.run_dir, error)) return false;
  if (replayed_.empty() && !first_entry.empty() && !impl_->journal.append(first_entry)) {
    error = "cannot write the journal in " + options_.run_dir.string();
    return false;
  }
  // Replay: the last word on each chunk wins.
  const std::int64_t now_unix = unix_now();
  for (const auto& e : replayed_) {
    if (e.event == "chunk_written") {
      impl_->journaled_chunks.push_back(e.chunk);
      continue;
    }
    if (e.chunk == 0) continue;
    chunk_job& j = impl_->jobs[e.chunk];
    if (e.event == "job_created") {
      j.ph = chunk_job::phase::active;
      j.batch_id = e.batch_id;
      j.created_at = e.at;
      j.status = "Queued";
      ++impl_->jobs_created;
    } else if (e.event == "job_finished") {
      j.final_status = job_status{e.batch_id, e.status, e.imported, e.failed, e.warned, e.message};
      j.status = e.status;
      j.ph = chunk_job::phase::finished;
      if (e.status == "Failed" && j.failed_attempts++ < options_.retry_failed_jobs &&
          e.batch_id != 0) {
        j.ph = chunk_job::phase::pending;  // resubmitted, as --retry-failed-jobs asks
      }
    } else if (e.event == "results_merged") {
      j.ph = chunk_job::phase::merged;
      j.imported = e.imported;
      j.failed = e.failed;
      j.warned = e.warned;
      j.untied = e.untied;
    }
  }
  for (auto& [index, j] : impl_->jobs) {
    if (j.ph == chunk_job::phase::active && j.created_at != 0 &&
        now_unix - j.created_at > BATCH_ID_LIFE_SECONDS) {
      j.ph = chunk_job::phase::expired;  // Marketo forgets batch ids after 7 days
    }
  }
  return true;
}

bool uploader::add_chunk(const engine::chunk_info& chunk) {
  bool journal_it = false;
  {
    std::lock_guard lock(impl_->mutex);
    const auto& jc = impl_->journaled_chunks;
    journal_it = std::find(jc.begin(), jc.end(), chunk.index) == jc.end();
    if (journal_it) impl_->journaled_chunks.push_back(chunk.index);
  }
  if (journal_it &&
      !impl_->journal.append(journal_chunk_written(chunk.index, chunk.rows, chunk.crc32c))) {
    return false;
  }
  {
    std::lock_guard lock(impl_->mutex);
    impl_->inbox.push_back(chunk);
  }
  impl_->cv.notify_all();
  return true;
}

void uploader::finish_input(const engine::manifest& m, double split_seconds) {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->manifest = m;
    impl_->split_seconds = split_seconds;
    impl_->input_done = true;
  }
  impl_->cv.notify_all();
}

void uploader::abandon_input(const std::string& why) {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->input_abandoned = true;
    impl_->abandon_reason = why;
  }
  impl_->cv.notify_all();
}

void uploader::request_stop() noexcept { impl_->stop.store(true); }

// ---- the loop ----------------------------------------------------------------------------

void uploader::impl::emit(const uploader& u, upload_event::kind k, std::string text) const {
  if (u.event_fn_) u.event_fn_(upload_event{k, std::move(text)});
}

// Exponential back-off with "equal jitter": half the delay fixed, half random, so that many
// clients hit by the same error do not come back in step.
clock_type::duration uploader::impl::backoff(const upload_options& o, unsigned n) {
  const double full = std::min(o.retry_cap_seconds,
                               o.retry_base_seconds * std::pow(2.0, std::min(n, 30U)));
  std::uniform_real_distribution<double> jitter(0.5, 1.0);
  return to_duration(full * jitter(rng));
}

void uploader::impl::halt(upload_status s, std::string message) {
  if (!stop_status) {
    stop_status = s;
    stop_message = std::move(message);
  }
}

void uploader::impl::pull_inbox(const uploader& u) {
  std::deque<engine::chunk_info> fresh;
  {
    std::lock_guard lock(mutex);
    fresh.swap(inbox);
  }
  for (auto& c : fresh) {
    chunk_job& j = jobs[c.index];
    j.info = std::move(c);
    j.have_info = true;
    (void)u;
  }
}

unsigned uploader::impl::ours_in_queue() const {
  unsigned n = 0;
  for (const auto& [i, j] : jobs) n += j.ph == chunk_job::phase::active ? 1U : 0U;
  return n;
}

void uploader::impl::submit(const uploader& u, clock_type::time_point now) {
  const upload_options& o = u.options_;
  while (!stop_status && !stop.load() && now >= submit_not_before && ours_in_queue() < depth) {
    auto it = std::find_if(jobs.begin(), jobs.end(), [](const auto& kv) {
      return kv.second.ph == chunk_job::phase::pending && kv.second.have_info;
    });
    if (it == jobs.end()) return;
    const std::uint32_t index = it->first;
    chunk_job& j = it->second;
    job_params params = o.job;
    std::uint64_t batch_id = 0;
    const auto create_started = clock_type::now();
    const api_result r = client.create_job(o.run_dir / j.info.file, params, batch_id);
    now = clock_type::now();
    switch (bare_http_error(r) ? call_verdict::transient : r.verdict) {
      case call_verdict::success: {
        // Journaled before anything relies on it: a resume must never submit this chunk again.
        if (!journal.append(journal_job_created(index, batch_id, unix_now()))) {
          halt(upload_status::io_error, "cannot write the journal");
          return;
        }
        j.ph = chunk_job::phase::active;
        j.batch_id = batch_id;
        j.status = "Queued";
        j.created_seen = now;
        j.seen_importing = false;
        j.retries = 0;
        j.next_at = now + to_duration(std::max(o.poll_min_seconds, budget_floor()));
        ++jobs_created;
        create_retries = 0;
        queue_full_streak = 0;
        if (!have_first_create) {
          first_create = now;
          have_first_create = true;
          first_submit_seconds = seconds_d(create_started - run_started).count();
          first_job_seconds = seconds_d(now - run_started).count();
        }
        emit(u, upload_event::kind::job,
             "chunk " + std::to_string(index) + ": job " + std::to_string(batch_id) + " queued (" +
                 std::to_string(j.info.rows) + " rows)");
        break;
      }
      case call_verdict::queue_full: {
        // Someone else holds part of the queue: wait with jitter and aim lower.
        depth = std::max(1U, ours_in_queue());
        submit_not_before = now + std::min(backoff(o, queue_full_streak++),
                                           to_duration(o.poll_max_seconds));
        emit(u, upload_event::kind::backoff,
             "queue full (" + describe(r) + "); depth lowered to " + std::to_string(depth));
        return;
      }
      case call_verdict::rate_limited:
      case call_verdict::transient:
      case call_verdict::refresh_token: {
        if (++create_retries > o.max_retries) {
          halt(upload_status::interrupted, "creating a job for chunk " + std::to_string(index) +
                                               " failed " + std::to_string(create_retries) +
                                               " times in a row: " + describe(r));
          return;
        }
        const auto wait = backoff(o, create_retries - 1);
        submit_not_before = now + wait;
        emit(u, upload_event::kind::backoff,
             "create for chunk " + std::to_string(index) + ": " + describe(r) + "; retrying in " +
                 std::to_string(seconds_d(wait).count()).substr(0, 4) + " s");
        return;
      }
      case call_verdict::quota_exhausted:
        halt(upload_status::quota_exhausted, describe(r));
        return;
      case call_verdict::auth_failed:
        halt(upload_status::auth_failed, describe(r));
        return;
      case call_verdict::config_error:
        halt(upload_status::config_error, describe(r));
        return;
      case call_verdict::io_error:
        halt(upload_status::io_error, (o.run_dir / j.info.file).string() + ": " + describe(r));
        return;
      case call_verdict::fatal: {
        job_status st;
        st.status = "Failed";
        st.message = "job refused: " + describe(r);
        if (!journal.append(journal_job_finished(index, 0, st.status, 0, 0, 0, st.message))) {
          halt(upload_status::io_error, "cannot write the journal");
          return;
        }
        j.final_status = st;
        j.status = st.status;
        j.ph = chunk_job::phase::finished;
        j.next_at = now;
        emit(u, upload_event::kind::error, "chunk " + std::to_string(index) + ": " + st.message);
        break;
      }
    }
  }
}

// The time to the next poll: the job's expected remaining time from the throughput seen so
// far (two slots share it), clamped to [poll_min, poll_max]; poll_min until there is a rate.
double uploader::impl::poll_interval(const upload_options& o, const chunk_job& j,
                                     clock_type::time_point now) const {
  if (!have_first_create || rows_done_session == 0) return std::max(o.poll_min_seconds, budget_floor());
  const double elapsed = seconds_d(last_finish - first_create).count();
  if (elapsed <= 0) return std::max(o.poll_min_seconds, budget_floor());
  const double throughput = static_cast<double>(rows_done_session) / elapsed;  // both slots
  double remaining = 0;
  if (j.status == "Importing" && j.seen_importing) {
    remaining = static_cast<double>(j.info.rows) / (throughput / 2) -
                seconds_d(now - j.importing_since).count();
  } else {
    std::uint64_t ahead = 0;  // rows of our jobs queued before this one
    for (const auto& [i, other] : jobs) {
      if (&other == &j) break;
      if (other.ph == chunk_job::phase::active) ahead += other.info.rows;
    }
    remaining = static_cast<double>(ahead) / throughput +
                static_cast<double>(j.info.rows) / (throughput / 2) -
                seconds_d(now - j.created_seen).count();
  }
  return std::max(std::clamp(remaining, o.poll_min_seconds, o.poll_max_seconds),
                  budget_floor());
}

// Polls must leave room in the call budget for creates, downloads and other integrations:
// once half of the window's budget is spent, each active job is polled at most often enough
// that all polls together use 60% of it.
double uploader::impl::budget_floor() const {
  const double budget = static_cast<double>(client.window_budget());
  if (static_cast<double>(client.calls_in_window()) < budget / 2) return 0;
  return static_cast<double>(ours_in_queue()) * client.window_seconds() / (0.6 * budget);
}

bool uploader::impl::on_job_final(const uploader& u, chunk_job& j, std::uint32_t index,
                                  const job_status& st) {
  const upload_options& o = u.options_;
  if (!journal.append(journal_job_finished(index, j.batch_id, st.status, st.processed, st.failed,
                                           st.warned, st.message))) {
    halt(upload_status::io_error, "cannot write the journal");
    return false;
  }
  const auto now = clock_type::now();
  j.final_status = st;
  j.status = st.status;
  j.ph = chunk_job::phase::finished;
  j.next_at = now;
  j.retries = 0;
  if (depth < o.max_queued) ++depth;  // the queue moves: climb back towards --max-queued
  if (st.status == "Complete" && j.have_info) {
    rows_done_session += j.info.rows;
    last_finish = now;
  }
  if (st.status == "Failed") {
    if (j.failed_attempts++ < o.retry_failed_jobs) {
      j.ph = chunk_job::phase::pending;
      emit(u, upload_event::kind::warning,
           "chunk " + std::to_string(index) + ": job " + std::to_string(j.batch_id) +
               " failed (" + st.message + "); resubmitting");
      return true;
    }
    emit(u, upload_event::kind::error, "chunk " + std::to_string(index) + ": job " +
                                           std::to_string(j.batch_id) + " failed: " + st.message);
  } else {
    emit(u, upload_event::kind::job,
         "chunk " + std::to_string(index) + ": job " + std::to_string(j.batch_id) + " " +
             st.status + " (" + std::to_string(st.processed) + " imported, " +
             std::to_string(st.failed) + " failed, " + std::to_string(st.warned) + " warned)");
  }
  return true;
}

void uploader::impl::poll(const uploader& u, clock_type::time_point now) {
  const upload_options& o = u.options_;
  // Marketo's queue is FIFO with two slots: only our two oldest active jobs can be importing
  // (or about to), so the others are polled at most every poll_max: few calls per chunk.
  unsigned position = 0;
  for (auto& [index, j] : jobs) {
    if (stop_status || stop.load()) return;
    if (j.ph != chunk_job::phase::active) continue;
    const bool head = position++ < 2;
    auto due = j.next_at;
    if (!head) due = std::max(due, j.last_polled + to_duration(o.poll_max_seconds));
    if (now < due) continue;
    j.last_polled = now;
    job_status st;
    const api_result r = client.get_status(j.batch_id, st);
    now = clock_type::now();
    if (r.verdict == call_verdict::success) {
      j.retries = 0;
      if (st.status == "Importing" && !j.seen_importing) {
        j.seen_importing = true;
        j.importing_since = now;
      }
      j.status = st.status;
      if (st.final()) {
        if (!on_job_final(u, j, index, st)) return;
      } else {
        j.next_at = now + to_duration(poll_interval(o, j, now));
      }
      continue;
    }
    if (is_retryable(r.verdict) || r.verdict == call_verdict::refresh_token ||
        bare_http_error(r)) {
      if (++j.retries > o.max_retries) {
        halt(upload_status::interrupted, "status of job " + std::to_string(j.batch_id) +
                                             " failed " + std::to_string(j.retries) +
                                             " times in a row: " + describe(r));
        return;
      }
      j.next_at = now + backoff(o, j.retries - 1);
      emit(u, upload_event::kind::backoff,
           "status of job " + std::to_string(j.batch_id) + ": " + describe(r) + "; retrying");
      continue;
    }
    switch (r.verdict) {
      case call_verdict::quota_exhausted: halt(upload_status::quota_exhausted, describe(r)); return;
      case call_verdict::auth_failed: halt(upload_status::auth_failed, describe(r)); return;
      case call_verdict::config_error: halt(upload_status::config_error, describe(r)); return;
      default: {
        job_status failed;
        failed.batch_id = j.batch_id;
        failed.status = "Failed";
        failed.message = "status call refused: " + describe(r);
        const unsigned keep = j.failed_attempts;
        j.failed_attempts = o.retry_failed_jobs;  // the batch is unknown: do not resubmit blindly
        if (!on_job_final(u, j, index, failed)) return;
        j.failed_attempts = std::max(keep, j.failed_attempts);
      }
    }
  }
}

void uploader::impl::merge(const uploader& u, clock_type::time_point now) {
  const upload_options& o = u.options_;
  for (auto& [index, j] : jobs) {
    if (stop_status || stop.load()) return;
    if (j.ph != chunk_job::phase::finished || !j.have_info || now < j.next_at) continue;
    const auto t0 = clock_type::now();
    const job_status& st = j.final_status;
    const char delimiter = engine::delimiter_of_format(o.job.format);
    // A clean job needs nothing from its chunk: read it back only to tie rows to lines.
    const bool clean = st.status == "Complete" && st.failed == 0 && st.warned == 0;
    std::string chunk_text;
    result_matcher matcher;
    std::string error;
    if (!clean) {
      std::ifstream in(o.run_dir / j.info.file, std::ios::binary);
      if (!in) {
        halt(upload_status::io_error, (o.run_dir / j.info.file).string() + ": cannot read");
        return;
      }
      std::stringstream ss;
      ss << in.rdbuf();
      chunk_text = ss.str();
      if (!matcher.load_chunk(chunk_text, delimiter, j.info, error)) {
        halt(upload_status::io_error, error);
        return;
      }
    }
    std::uint64_t imported = 0, failed = 0, warned = 0, untied = 0;
    if (st.status != "Complete") {
      // A failed job: every row failed, with Marketo's message as the reason.
      const auto rows = matcher.all_rows("job failed: " + st.message);
      failed = rows.size();
      if (!write_chunk_results(o.run_dir, index, true, matcher.header(), rows, error)) {
        halt(upload_status::io_error, error);
        return;
      }
    } else {
      imported = st.processed;
      bool retry_later = false;
      for (const bool failures : {true, false}) {
        if ((failures ? st.failed : st.warned) == 0) continue;  // nothing to fetch
        std::string body;
        const api_result r = client.download(j.batch_id, failures, body);
        if (is_retryable(r.verdict) || r.verdict == call_verdict::refresh_token ||
            bare_http_error(r)) {
          if (++j.retries > o.max_retries) {
            halt(upload_status::interrupted, "results of job " + std::to_string(j.batch_id) +
                                                 ": " + describe(r));
            return;
          }
          j.next_at = clock_type::now() + backoff(o, j.retries - 1);
          retry_later = true;
          break;
        }
        if (r.verdict == call_verdict::quota_exhausted) {
          halt(upload_status::quota_exhausted, describe(r));
          return;
        }
        if (r.verdict == call_verdict::auth_failed || r.verdict == call_verdict::config_error) {
          halt(r.verdict == call_verdict::auth_failed ? upload_status::auth_failed
                                                      : upload_status::config_error,
               describe(r));
          return;
        }
        std::vector<matched_row> rows;
        if (r.verdict == call_verdict::success) {
          if (!failures && !matcher.load_chunk(chunk_text, delimiter, j.info, error)) {
            halt(upload_status::io_error, error);
            return;
          }
          rows = matcher.match(body);
        } else {
          emit(u, upload_event::kind::warning,
               "job " + std::to_string(j.batch_id) + ": cannot fetch its " +
                   (failures ? "failures" : "warnings") + ": " + describe(r));
        }
        std::uint64_t n_untied = 0;
        for (const auto& m : rows) n_untied += m.source_line == 0 ? 1U : 0U;
        // Rows Marketo counted but did not list (or that we could not fetch) stay untied.
        const std::uint64_t counted = failures ? st.failed : st.warned;
        const std::uint64_t listed = rows.size();
        if (counted > listed) n_untied += counted - listed;
        if (failures) {
          failed = std::max<std::uint64_t>(listed, counted);
          untied += n_untied;
        } else {
          warned = std::max<std::uint64_t>(listed, counted);
        }
        if (!write_chunk_results(o.run_dir, index, failures, matcher.header(), rows, error)) {
          halt(upload_status::io_error, error);
          return;
        }
      }
      if (retry_later) continue;
    }
    if (!journal.append(journal_results_merged(index, j.batch_id, imported, failed, warned,
                                               untied))) {
      halt(upload_status::io_error, "cannot write the journal");
      return;
    }
    j.imported = imported;
    j.failed = failed;
    j.warned = warned;
    j.untied = untied;
    j.ph = chunk_job::phase::merged;
    merge_seconds += seconds_d(clock_type::now() - t0).count();
    now = clock_type::now();
  }
}

bool uploader::impl::all_done() const {
  for (const auto& [i, j] : jobs) {
    if (j.ph != chunk_job::phase::merged && j.ph != chunk_job::phase::expired) return false;
  }
  return true;
}

clock_type::time_point uploader::impl::next_wakeup(clock_type::time_point now) const {
  auto next = now + std::chrono::milliseconds(250);  // notices request_stop() from a signal
  for (const auto& [i, j] : jobs) {
    if (j.ph == chunk_job::phase::active || (j.ph == chunk_job::phase::finished && j.have_info)) {
      next = std::min(next, j.next_at);
    }
    if (j.ph == chunk_job::phase::pending && j.have_info && ours_in_queue() < depth) {
      next = std::min(next, submit_not_before);
    }
  }
  return std::max(next, now);
}

upload_progress uploader::impl::progress() const {
  upload_progress p;
  for (const auto& [i, j] : jobs) {
    ++p.chunks_known;
    if (j.ph == chunk_job::phase::active) {
      (j.status == "Importing" ? p.importing : p.queued) += 1;
    } else if (j.ph == chunk_job::phase::finished || j.ph == chunk_job::phase::merged) {
      (j.status == "Failed" ? p.failed_jobs : p.done) += 1;
    }
    if (j.ph == chunk_job::phase::merged) {
      p.rows_imported += j.imported;
      p.rows_failed += j.failed;
      p.rows_warned += j.warned;
    } else if (j.ph == chunk_job::phase::finished && j.status == "Complete") {
      p.rows_imported += j.final_status.processed;
      p.rows_failed += j.final_status.failed;
      p.rows_warned += j.final_status.warned;
    }
  }
  p.jobs_created = jobs_created;
  for (const auto c : client.calls()) p.api_calls += c;
  p.depth = depth;
  return p;
}

run_report uploader::impl::make_report(const engine::manifest& m) const {
  run_report r;
  r.rows_in = m.counts.rows_in;
  r.rows_rejected = m.counts.rows_rejected;
  r.chunks = m.chunks.size();
  r.jobs = jobs_created;
  for (const auto& [index, j] : jobs) {
    if (j.ph == chunk_job::phase::expired) {
      r.failed_jobs.push_back({index, j.batch_id, "batch id older than 7 days: expired, not polled"});
      continue;
    }
    r.rows_submitted += j.have_info ? j.info.rows : j.imported + j.failed;
    r.rows_imported += j.imported;
    r.rows_failed += j.failed;
    r.rows_warned += j.warned;
    r.rows_untied += j.untied;
    if (j.status == "Failed") {
      ++r.jobs_failed;
      r.failed_jobs.push_back({index, j.final_status.batch_id, j.final_status.message});
    }
  }
  const std::uint64_t known = r.rows_rejected + r.rows_imported + r.rows_failed;
  r.rows_unaccounted = known > r.rows_in ? known - r.rows_in : r.rows_in - known;
  r.api_calls = client.calls();
  return r;
}

upload_result uploader::run() {
  impl& I = *impl_;
  const auto t0 = clock_type::now();
  I.run_started = t0;
  upload_result result;
  bool known_complete = false;
  {
    std::lock_guard lock(I.mutex);
    known_complete = I.input_done && I.inbox.empty();
  }
  I.pull_inbox(*this);
  known_complete = known_complete && I.all_done();
  if (!known_complete) {
    // While the split writes the first chunk: a token, or an early and clear refusal.
    const api_result r = I.client.prepare();
    if (r.verdict == call_verdict::auth_failed) I.halt(upload_status::auth_failed, describe(r));
    if (r.verdict == call_verdict::config_error) I.halt(upload_status::config_error, describe(r));
  }
  for (;;) {
    I.pull_inbox(*this);
    if (I.stop.load()) I.halt(upload_status::interrupted, "stopped on request");
    if (I.stop_status) break;
    I.submit(*this, clock_type::now());
    I.poll(*this, clock_type::now());
    I.merge(*this, clock_type::now());
    if (I.stop_status) break;
    bool input_done = false;
    bool abandoned = false;
    {
      std::lock_guard lock(I.mutex);
      input_done = I.input_done && I.inbox.empty();
      abandoned = I.input_abandoned && I.inbox.empty();
    }
    auto p = I.progress();
    p.input_done = input_done;
    if (progress_fn_) progress_fn_(p);
    if ((input_done || abandoned) && I.all_done()) {
      if (abandoned) I.halt(upload_status::interrupted, I.abandon_reason);
      break;
    }
    std::unique_lock lock(I.mutex);
    const auto now = clock_type::now();
    I.cv.wait_until(lock, I.next_wakeup(now), [&] { return !I.inbox.empty() || I.stop.load(); });
  }
  if (I.stop_status) {
    result.status = *I.stop_status;
    result.message = I.stop_message;
    result.report = I.make_report(I.manifest.value_or(engine::manifest{}));
    return result;
  }
  // Every chunk is merged: write the outputs, then say so in the journal.
  engine::manifest m;
  {
    std::lock_guard lock(I.mutex);
    m = *I.manifest;
  }
  result.report = I.make_report(m);
  result.report.split_seconds = I.split_seconds;
  result.report.merge_seconds = I.merge_seconds;
  result.report.first_submit_seconds = I.first_submit_seconds;
  result.report.first_job_seconds = I.first_job_seconds;
  result.report.upload_seconds =
      I.have_first_create ? seconds_d(clock_type::now() - I.first_create).count() : 0;
  std::string error;
  result.report.total_seconds = seconds_d(clock_type::now() - t0).count();
  if (!write_outputs(options_.run_dir, m, result.report, error)) {
    result.status = upload_status::io_error;
    result.message = error;
    return result;
  }
  if (!I.journal.append(journal_simple("run_finished"))) {
    result.status = upload_status::io_error;
    result.message = "cannot write the journal";
    return result;
  }
  result.status = upload_status::complete;
  return result;
}

}  // namespace mkbulk::upload
