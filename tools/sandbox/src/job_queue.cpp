// The queue and its two workers. Each worker takes the oldest Queued job, reads its file,
// processes rows in batches (one store transaction each) and sleeps between batches to keep
// rows_per_second; between batches it also notices stop().
#include "mkbulk/sandbox/job_queue.h"

#include <algorithm>

#include "mkbulk/sandbox/importer.h"
#include "mkbulk/sandbox/json_writer.h"

namespace mkbulk::sandbox {

job_queue::job_queue(store& db, const schema_table& schema, job_queue_options options,
                     clock::time_point started)
    : db_(db), schema_(schema), options_(std::move(options)), started_(started) {}

job_queue::~job_queue() { stop(); }

double job_queue::now_seconds() const {
  return std::chrono::duration<double>(clock::now() - started_).count();
}

void job_queue::start() {
  {
    std::lock_guard lock(mutex_);
    std::vector<std::int64_t> resumed;
    for (auto& j : db_.load_jobs()) {
      const auto id = j.batch_id;
      if (j.status == job_status::importing) {
        resumed.push_back(id);
      } else if (j.status == job_status::queued) {
        fifo_.push_back(id);
      }
      jobs_[id] = entry{std::move(j), {}, {}, {}};
    }
    // Jobs that were importing were taken before the ones still queued: they go first.
    fifo_.insert(fifo_.begin(), resumed.begin(), resumed.end());
    for (const auto id : resumed) jobs_[id].job.status = job_status::queued;
    max_depth_ = fifo_.size();
    last_change_ = now_seconds();
  }
  for (int i = 0; i < MAX_IMPORTING_JOBS; ++i) workers_.emplace_back([this] { worker_loop(); });
}

void job_queue::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  std::lock_guard join_lock(join_mutex_);
  for (auto& t : workers_) {
    if (t.joinable()) t.join();
  }
  workers_.clear();
}

std::optional<std::int64_t> job_queue::submit(job_record job, std::string_view file) {
  {
    // Reserve a place first, so that the (slow) store insert runs without the queue's lock
    // and status calls are not held up by a 10 MB upload being saved.
    std::lock_guard lock(mutex_);
    if (fifo_.size() + static_cast<std::size_t>(importing_) + reserved_ >= MAX_QUEUED_JOBS) {
      return std::nullopt;
    }
    ++reserved_;
  }
  job.status = job_status::queued;
  job.message = "Queued for import";
  job.file_bytes = static_cast<std::int64_t>(file.size());
  std::int64_t id = 0;
  try {
    id = db_.insert_job(job, file);
  } catch (...) {
    std::lock_guard lock(mutex_);
    --reserved_;
    throw;
  }
  job.batch_id = id;
  std::lock_guard lock(mutex_);
  --reserved_;
  jobs_[id] = entry{std::move(job), now_seconds(), {}, {}};
  // Ids come from the store in insert order; keep the FIFO sorted by id even when two
  // uploads finish saving in the other order.
  fifo_.insert(std::upper_bound(fifo_.begin(), fifo_.end(), id), id);
  max_depth_ = std::max(max_depth_, fifo_.size() + static_cast<std::size_t>(importing_));
  cv_.notify_one();
  return id;
}

std::optional<job_record> job_queue::find(std::int64_t batch_id) {
  std::lock_guard lock(mutex_);
  const auto it = jobs_.find(batch_id);
  if (it == jobs_.end()) return std::nullopt;
  return it->second.job;
}

void job_queue::set_importing_count(int delta) {
  const double now = now_seconds();
  busy_seconds_[importing_] += now - last_change_;
  last_change_ = now;
  importing_ += delta;
}

void job_queue::worker_loop() {
  std::unique_lock lock(mutex_);
  while (true) {
    cv_.wait(lock, [this] { return stopping_ || !fifo_.empty(); });
    if (stopping_) return;
    const auto id = fifo_.front();
    fifo_.pop_front();
    auto& e = jobs_[id];
    e.job.status = job_status::importing;
    e.started_at = now_seconds();
    set_importing_count(+1);
    lock.unlock();
    run_job(id);
    lock.lock();
    set_importing_count(-1);
  }
}

void job_queue::run_job(std::int64_t batch_id) {
  job_record job;
  {
    std::lock_guard lock(mutex_);
    job = jobs_[batch_id].job;
  }
  db_.save_job(job);
  const auto publish = [&](bool finished) {
    std::lock_guard lock(mutex_);
    auto& e = jobs_[batch_id];
    e.job = job;
    if (finished) e.finished_at = now_seconds();
  };
  importer imp(db_.load_job_file(batch_id), job, schema_);
  if (imp.error()) {
    job.status = job_status::failed;
    job.message = *imp.error();
    db_.save_job(job);
    publish(true);
    return;
  }
  job.rows_total = imp.total_rows();
  imp.skip(job.rows_done);
  const bool inject_failure = decide_job_failure(options_.faults, options_.seed,
                                                 static_cast<std::uint64_t>(batch_id));
  const std::int64_t fail_at = inject_failure ? job.rows_total / 2 : -1;
  const auto rps = static_cast<std::int64_t>(options_.rows_per_second);
  // Throttled batches are a twentieth of a second of rows, so progress moves smoothly.
  // Unthrottled batches stay small enough that a create or a read waiting for the store's lock
  // is not held up for long.
  const std::int64_t batch = rps > 0 ? std::max<std::int64_t>(1, rps / 20) : 1000;
  const auto t0 = clock::now();
  std::int64_t done_here = 0;
  while (true) {
    std::int64_t limit = batch;
    if (fail_at >= 0) limit = std::min(limit, std::max<std::int64_t>(0, fail_at - job.rows_done));
    std::int64_t n = 0;
    if (limit > 0) {
      store::batch_writer w(db_);
      n = imp.process(limit, w, job);
      job.message = "Import in progress, " + std::to_string(job.rows_done) + " of " +
                    std::to_string(job.rows_total) + " rows processed";
      w.commit(job);
    }
    done_here += n;
    publish(false);
    if (fail_at >= 0 && job.rows_done >= fail_at) {
      job.status = job_status::failed;
      job.message = "Import failed: an internal error stopped the import after " +
                    std::to_string(job.rows_done) + " rows (injected fault)";
      break;
    }
    if (n < limit || job.rows_done >= job.rows_total) {
      job.status = job_status::complete;
      job.message = completion_message(job);
      break;
    }
    if (rps > 0) {
      const auto due = t0 + std::chrono::duration_cast<clock::duration>(
                                std::chrono::duration<double>(static_cast<double>(done_here) /
                                                              static_cast<double>(rps)));
      std::unique_lock lock(mutex_);
      if (cv_.wait_until(lock, due, [this] { return stopping_; })) return;  // resumes later
    } else {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
  }
  db_.save_job(job);
  publish(true);
}

std::string job_queue::stats_members() {
  std::lock_guard lock(mutex_);
  const double now = now_seconds();
  std::string out = "\"jobs\":[";
  bool first = true;
  const auto opt = [&out](const std::optional<double>& v) {
    if (v) {
      append_json_double(out, *v);
    } else {
      out += "null";
    }
  };
  for (const auto& [id, e] : jobs_) {
    if (!first) out += ",";
    first = false;
    out += "{\"batchId\":" + std::to_string(id) + ",\"submitted_at\":";
    opt(e.submitted_at);
    out += ",\"started_at\":";
    opt(e.started_at);
    out += ",\"finished_at\":";
    opt(e.finished_at);
    out += ",\"rows\":" + std::to_string(e.job.rows_total) + ",\"status\":";
    append_json_string(out, to_string(e.job.status));
    out += ",\"numOfLeadsProcessed\":" + std::to_string(e.job.leads_processed) +
           ",\"numOfRowsFailed\":" + std::to_string(e.job.rows_failed) +
           ",\"numOfRowsWithWarning\":" + std::to_string(e.job.rows_warned) + "}";
  }
  out += "],\"max_queue_depth\":" + std::to_string(max_depth_);
  out += ",\"queue_depth\":" + std::to_string(fifo_.size() + static_cast<std::size_t>(importing_));
  double busy[MAX_IMPORTING_JOBS + 1];
  std::copy(std::begin(busy_seconds_), std::end(busy_seconds_), std::begin(busy));
  busy[importing_] += now - last_change_;
  out += ",\"one_slot_busy_seconds\":";
  append_json_double(out, busy[1]);
  out += ",\"two_slots_busy_seconds\":";
  append_json_double(out, busy[2]);
  return out;
}

}  // namespace mkbulk::sandbox
