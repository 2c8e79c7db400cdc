// The sliding 20 s window is a deque of admission times; the quota day is the calendar day in
// US Central standard time (UTC-6), when Marketo resets it.
#include "mkbulk/sandbox/rate_limiter.h"

namespace mkbulk::sandbox {

rate_limiter::rate_limiter(std::size_t max_calls, std::chrono::milliseconds window,
                           int max_concurrent, std::uint64_t daily_quota) noexcept
    : max_calls_(max_calls), window_(window), max_concurrent_(max_concurrent),
      daily_quota_(daily_quota) {}

rate_limiter::in_flight::in_flight(rate_limiter& r) noexcept
    : r_(r), admitted_(r.concurrent_.fetch_add(1) + 1 <= r.max_concurrent_) {}

rate_limiter::in_flight::~in_flight() { r_.concurrent_.fetch_sub(1); }

int rate_limiter::admit(clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (daily_quota_ > 0) {
    const auto unix_s = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    const std::int64_t day = (unix_s - 6 * 3600) / 86400;
    if (day != quota_day_) {
      quota_day_ = day;
      quota_used_ = 0;
    }
    if (quota_used_ >= daily_quota_) return 607;
  }
  while (!recent_.empty() && now - recent_.front() >= window_) recent_.pop_front();
  if (recent_.size() >= max_calls_) return 606;
  recent_.push_back(now);
  ++quota_used_;
  return 0;
}

}  // namespace mkbulk::sandbox
