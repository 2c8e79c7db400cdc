// The public face of uploader: options validation, journal replay on open, chunks in from the
// split (thread-safe), and run(): one thread, one loop (curl's 10-at-a-time pattern reduced to
// blocking calls, each short next to a job's minutes in the queue) that calls the steps in
// scheduler.cpp, then writes the outputs and the report. Every state change is journaled
// (fsync) before the loop relies on it.
#include "mkbulk/upload/uploader.h"

#include "uploader_internal.h"

namespace mkbulk::upload {

using namespace detail;

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
    if (e.calls.size() == ENDPOINT_COUNT) {
      std::copy(e.calls.begin(), e.calls.end(), impl_->prior_calls.begin());
    }
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

std::array<std::uint64_t, ENDPOINT_COUNT> uploader::impl::total_calls() const {
  auto calls = client.calls();
  for (std::size_t i = 0; i < ENDPOINT_COUNT; ++i) calls[i] += prior_calls[i];
  return calls;
}

bool uploader::impl::journal_append(const std::string& entry) {
  return journal.append(journal_with_calls(entry, total_calls()));
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
  for (const auto c : total_calls()) p.api_calls += c;
  p.depth = depth;
  return p;
}

run_report uploader::impl::make_report(const engine::manifest& m) const {
  run_report r;
  set_local_counts(r, m);
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
  settle_accounting(r);
  r.api_calls = total_calls();
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
    // A clean stop leaves its calls in the journal too (best effort: the journal may be what
    // failed), so that the resumed run's report counts them.
    if (*I.stop_status != upload_status::io_error) {
      (void)I.journal_append(journal_simple("session_stopped"));
    }
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
  if (!I.journal_append(journal_simple("run_finished"))) {
    result.status = upload_status::io_error;
    result.message = "cannot write the journal";
    return result;
  }
  result.status = upload_status::complete;
  return result;
}

}  // namespace mkbulk::upload
