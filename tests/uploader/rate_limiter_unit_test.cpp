// The client-side limiter: never more than max_calls starts in any window-long interval, and
// never more than max_concurrent calls at once; time is injected, so no test sleeps long.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "mkbulk/upload/rate_limiter.h"

namespace mkbulk::upload {
namespace {

using namespace std::chrono_literals;
using clock_type = rate_limiter::clock;

TEST(rate_limiter, allows_max_calls_then_waits_for_the_window) {
  rate_limiter l(95, 20s, 10);
  const auto t0 = clock_type::time_point{} + 1000s;
  for (int i = 0; i < 95; ++i) {
    const auto t = t0 + i * 10ms;
    ASSERT_EQ(l.earliest(t), t) << i;
    l.record(t);
  }
  const auto t = t0 + 1s;
  // The 96th call must wait until the first leaves the window.
  EXPECT_EQ(l.earliest(t), t0 + 20s);
  EXPECT_EQ(l.in_window(t), 95U);
  EXPECT_EQ(l.earliest(t0 + 20s), t0 + 20s);
  EXPECT_EQ(l.in_window(t0 + 20s), 94U);
}

TEST(rate_limiter, no_sliding_window_ever_holds_more_than_the_limit) {
  rate_limiter l(5, 1s, 10);
  std::vector<clock_type::time_point> starts;
  auto t = clock_type::time_point{} + 50s;
  for (int i = 0; i < 200; ++i) {
    t = l.earliest(t + 37ms);  // a greedy caller: as soon as allowed
    l.record(t);
    starts.push_back(t);
  }
  for (std::size_t i = 0; i < starts.size(); ++i) {
    std::size_t n = 0;
    for (std::size_t j = i; j < starts.size() && starts[j] < starts[i] + 1s; ++j) ++n;
    ASSERT_LE(n, 5U) << "window starting at call " << i;
  }
  // And the limiter is not over-cautious: 200 calls at 5 per second take about 40 s.
  EXPECT_LT(starts.back() - starts.front(), 41s);
}

TEST(rate_limiter, concurrency_is_capped) {
  rate_limiter l(1000, 20s, 3);
  std::atomic<int> running{0};
  std::atomic<int> peak{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 12; ++i) {
    threads.emplace_back([&] {
      limiter_slot slot(l);
      const int now = ++running;
      int p = peak.load();
      while (now > p && !peak.compare_exchange_weak(p, now)) {
      }
      std::this_thread::sleep_for(20ms);
      --running;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_LE(peak.load(), 3);
  EXPECT_GE(peak.load(), 2);  // it does run calls side by side
  EXPECT_EQ(l.running(), 0U);
}

TEST(rate_limiter, acquire_blocks_past_the_window_limit) {
  rate_limiter l(3, 300ms, 10);
  const auto t0 = clock_type::now();
  for (int i = 0; i < 4; ++i) {
    l.acquire();
    l.release();
  }
  EXPECT_GE(clock_type::now() - t0, 280ms);
}

}  // namespace
}  // namespace mkbulk::upload
