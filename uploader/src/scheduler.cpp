// The scheduler's steps, called by uploader::run()'s loop: submit (under the queue depth,
// lowered on 1016), poll (adaptive intervals, our two oldest jobs first, the call budget
// respected), merge (download, tie to source lines, per-chunk result files), and the back-off
// and wake-up arithmetic. retry_policy classifies; these functions decide.
#include <fstream>
#include <sstream>

#include "mkbulk/upload/report.h"
#include "mkbulk/upload/result_matcher.h"
#include "uploader_internal.h"

namespace mkbulk::upload {

using namespace detail;

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
        if (!journal_append(journal_job_created(index, batch_id, unix_now()))) {
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
        if (!journal_append(journal_job_finished(index, 0, st.status, 0, 0, 0, st.message))) {
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
  if (!journal_append(journal_job_finished(index, j.batch_id, st.status, st.processed, st.failed,
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
          rows = matcher.match(body);  // each result file starts from every line
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
    if (!journal_append(journal_results_merged(index, j.batch_id, imported, failed, warned,
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

}  // namespace mkbulk::upload
