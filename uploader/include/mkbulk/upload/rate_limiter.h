// The client-side limiter: fewer than Marketo's 100 calls per 20 s (a sliding window, so that
// no 20 s interval, however aligned, holds more) and at most 10 calls at once. Time is passed
// in, so the arithmetic is testable without sleeping; acquire() is the blocking convenience.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>

namespace mkbulk::upload {

class rate_limiter {
 public:
  using clock = std::chrono::steady_clock;

  // max_calls per window (default 95: room below 100 for clock skew), max_concurrent at once.
  rate_limiter(std::size_t max_calls = 95,
               std::chrono::milliseconds window = std::chrono::seconds(20),
               std::size_t max_concurrent = 10);

  // The earliest time at which one more call may start (now when it may start at once),
  // counting only the window; concurrency is acquire()'s business.
  [[nodiscard]] clock::time_point earliest(clock::time_point now) const;
  // Notes that a call started at t (call only when t >= earliest(t)).
  void record(clock::time_point t);
  // How many calls the window holds at t.
  [[nodiscard]] std::size_t in_window(clock::time_point t) const;

  // Blocks until a call may start, then records it and counts it as running; release() when
  // the call is over. Thread-safe.
  void acquire();
  void release();
  [[nodiscard]] std::size_t running() const;

 private:
  void expire(clock::time_point now) const;
  std::size_t max_calls_;
  std::chrono::milliseconds window_;
  std::size_t max_concurrent_;
  mutable std::deque<clock::time_point> starts_;
  std::size_t running_ = 0;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
};

// Holds a slot of the limiter for one call.
class limiter_slot {
 public:
  explicit limiter_slot(rate_limiter& l) : l_(l) { l_.acquire(); }
  ~limiter_slot() { l_.release(); }
  limiter_slot(const limiter_slot&) = delete;
  limiter_slot& operator=(const limiter_slot&) = delete;

 private:
  rate_limiter& l_;
};

}  // namespace mkbulk::upload
