// The import queue: one FIFO, at most 10 jobs waiting or importing (the 11th submit is refused
// for 1016), two worker threads so at most 2 jobs import at once, each throttled to
// rows_per_second. Keeps every job's record in memory (the store is the durable copy) and the
// timing figures that /sandbox/stats reports. A job that was Importing when the sandbox
// stopped RESUMES after its last committed batch when the sandbox starts again.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "mkbulk/sandbox/faults.h"
#include "mkbulk/sandbox/schema.h"
#include "mkbulk/sandbox/store.h"

namespace mkbulk::sandbox {

inline constexpr std::size_t MAX_QUEUED_JOBS = 10;
inline constexpr int MAX_IMPORTING_JOBS = 2;

struct job_queue_options {
  std::uint64_t rows_per_second = 0;
  std::uint64_t seed = 1;
  fault_spec faults;
};

class job_queue {
 public:
  using clock = std::chrono::steady_clock;

  job_queue(store& db, const schema_table& schema, job_queue_options options,
            clock::time_point started);
  ~job_queue();  // stops the workers
  job_queue(const job_queue&) = delete;
  job_queue& operator=(const job_queue&) = delete;

  // Loads the jobs from the store (Importing ones go back to the front of the queue) and
  // starts the workers.
  void start();
  // Asks the workers to stop after their current batch and joins them.
  void stop();

  // Queues a new job; nullopt when 10 jobs are already waiting or importing (1016).
  [[nodiscard]] std::optional<std::int64_t> submit(job_record job, std::string_view file);
  [[nodiscard]] std::optional<job_record> find(std::int64_t batch_id);

  // The "jobs", "max_queue_depth", "one_slot_busy_seconds", "two_slots_busy_seconds" members
  // of /sandbox/stats, as JSON members without the enclosing braces.
  [[nodiscard]] std::string stats_members();

 private:
  struct entry {
    job_record job;
    std::optional<double> submitted_at, started_at, finished_at;  // seconds since start
  };
  void worker_loop();
  void run_job(std::int64_t batch_id);
  void set_importing_count(int delta);  // under mutex_
  [[nodiscard]] double now_seconds() const;

  store& db_;
  const schema_table& schema_;
  job_queue_options options_;
  clock::time_point started_;

  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::map<std::int64_t, entry> jobs_;
  std::deque<std::int64_t> fifo_;
  int importing_ = 0;
  std::size_t reserved_ = 0;  // creates admitted and still being saved
  std::size_t max_depth_ = 0;
  double busy_seconds_[MAX_IMPORTING_JOBS + 1] = {};
  double last_change_ = 0;
  std::mutex join_mutex_;  // stop() may be called from two threads
  std::vector<std::thread> workers_;
};

}  // namespace mkbulk::sandbox
