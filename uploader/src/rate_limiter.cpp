// rate_limiter: a deque of call start times (the sliding window) plus a running-call count.
// The window check is "the oldest of the last max_calls starts must be a window ago".
#include "mkbulk/upload/rate_limiter.h"

#include <thread>

namespace mkbulk::upload {

rate_limiter::rate_limiter(std::size_t max_calls, std::chrono::milliseconds window,
                           std::size_t max_concurrent)
    : max_calls_(max_calls == 0 ? 1 : max_calls),
      window_(window),
      max_concurrent_(max_concurrent == 0 ? 1 : max_concurrent) {}

void rate_limiter::expire(clock::time_point now) const {
  while (!starts_.empty() && starts_.front() + window_ <= now) starts_.pop_front();
}

rate_limiter::clock::time_point rate_limiter::earliest(clock::time_point now) const {
  expire(now);
  if (starts_.size() < max_calls_) return now;
  // The call may start once the oldest call that keeps the window full has left it.
  return starts_[starts_.size() - max_calls_] + window_;
}

void rate_limiter::record(clock::time_point t) { starts_.push_back(t); }

std::size_t rate_limiter::in_window(clock::time_point t) const {
  expire(t);
  return starts_.size();
}

void rate_limiter::acquire() {
  std::unique_lock lock(mutex_);
  for (;;) {
    cv_.wait(lock, [&] { return running_ < max_concurrent_; });
    const auto now = clock::now();
    const auto at = earliest(now);
    if (at <= now) {
      record(now);
      ++running_;
      return;
    }
    lock.unlock();
    std::this_thread::sleep_until(at);
    lock.lock();
  }
}

void rate_limiter::release() {
  {
    std::lock_guard lock(mutex_);
    if (running_ > 0) --running_;
  }
  cv_.notify_one();
}

std::size_t rate_limiter::running() const {
  std::lock_guard lock(mutex_);
  return running_;
}

}  // namespace mkbulk::upload
