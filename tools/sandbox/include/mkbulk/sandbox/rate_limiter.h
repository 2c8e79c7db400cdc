// Marketo's API limits as the sandbox enforces them: 100 calls in any 20 s (606), more than 10
// calls at once (615) and an optional daily quota (607). Only API calls that got past
// authentication count; token calls and calls answered 601/602, 606, 607 or 615 do not.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>

namespace mkbulk::sandbox {

class rate_limiter {
 public:
  using clock = std::chrono::steady_clock;

  rate_limiter(std::size_t max_calls, std::chrono::milliseconds window, int max_concurrent,
               std::uint64_t daily_quota) noexcept;

  // Marks one call in flight for its lifetime; admitted() is false when it made more than
  // max_concurrent at once.
  class in_flight {
   public:
    explicit in_flight(rate_limiter& r) noexcept;
    ~in_flight();
    in_flight(const in_flight&) = delete;
    in_flight& operator=(const in_flight&) = delete;
    [[nodiscard]] bool admitted() const noexcept { return admitted_; }

   private:
    rate_limiter& r_;
    bool admitted_;
  };

  // 0 when the call may go ahead (and is counted), else 607 or 606.
  [[nodiscard]] int admit(clock::time_point now);

 private:
  std::size_t max_calls_;
  std::chrono::milliseconds window_;
  int max_concurrent_;
  std::uint64_t daily_quota_;
  std::atomic<int> concurrent_{0};
  std::mutex mutex_;
  std::deque<clock::time_point> recent_;  // admitted calls inside the window
  std::int64_t quota_day_ = -1;
  std::uint64_t quota_used_ = 0;
};

}  // namespace mkbulk::sandbox
