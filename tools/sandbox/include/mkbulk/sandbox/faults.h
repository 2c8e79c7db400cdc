// Fault injection: which faults to inject and how often (--faults), and the per-request and
// per-job decisions, reproducible for a seed. A decision depends only on (seed, counter), so
// the same seed and the same request order give the same faults.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace mkbulk::sandbox {

struct fault_spec {
  double http502 = 0;    // answer HTTP 502 before doing anything
  double drop = 0;       // do the work, then close the connection in the middle of the answer
  std::chrono::milliseconds latency{0};  // every API answer waits this long
  std::vector<std::pair<int, double>> errors;  // Marketo code (604, 608, ...) -> probability
  double jobfail = 0;    // a job ends Failed after its rows were read

  [[nodiscard]] bool any() const noexcept;
};

// Parses "http502=0.05,drop=0.02,latency=200ms,err604=0.02,jobfail=0.01". The error codes
// accepted as errNNN are the transient ones: 604, 608, 611, 614, 713, 719. Throws
// std::invalid_argument naming the bad item.
[[nodiscard]] fault_spec parse_fault_spec(std::string_view text);

enum class fault_kind : std::uint8_t { none, http502, drop, marketo_error };

struct fault_decision {
  fault_kind kind = fault_kind::none;
  int code = 0;  // for marketo_error
};

// A uniform double in [0, 1) from (seed, counter, stream); splitmix64 underneath.
[[nodiscard]] double seeded_uniform(std::uint64_t seed, std::uint64_t counter,
                                    std::uint64_t stream) noexcept;

// The fault for the counter-th API request (0-based), and whether job batch_id fails.
[[nodiscard]] fault_decision decide_request_fault(const fault_spec& spec, std::uint64_t seed,
                                                  std::uint64_t counter) noexcept;
[[nodiscard]] bool decide_job_failure(const fault_spec& spec, std::uint64_t seed,
                                      std::uint64_t batch_id) noexcept;

}  // namespace mkbulk::sandbox
