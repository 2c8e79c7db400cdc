// Fault spec parsing and the seeded decisions. Each request counter draws from its own
// splitmix64 stream, so decisions never depend on how many draws earlier requests made.
#include "mkbulk/sandbox/faults.h"

#include <charconv>
#include <stdexcept>
#include <string>

namespace mkbulk::sandbox {
namespace {

constexpr int TRANSIENT_CODES[] = {604, 608, 611, 614, 713, 719};

[[nodiscard]] std::uint64_t splitmix64(std::uint64_t x) noexcept {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

double parse_probability(std::string_view item, std::string_view value) {
  double p = 0;
  const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), p);
  if (ec != std::errc{} || ptr != value.data() + value.size() || p < 0 || p > 1) {
    throw std::invalid_argument("--faults: '" + std::string(item) +
                                "' needs a probability between 0 and 1");
  }
  return p;
}

}  // namespace

bool fault_spec::any() const noexcept {
  return http502 > 0 || drop > 0 || latency.count() > 0 || !errors.empty() || jobfail > 0;
}

fault_spec parse_fault_spec(std::string_view text) {
  fault_spec spec;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    if (item.empty()) continue;
    const auto eq = item.find('=');
    if (eq == std::string_view::npos) {
      throw std::invalid_argument("--faults: '" + std::string(item) + "' is not name=value");
    }
    const std::string_view name = item.substr(0, eq);
    std::string_view value = item.substr(eq + 1);
    if (name == "http502") {
      spec.http502 = parse_probability(item, value);
    } else if (name == "drop") {
      spec.drop = parse_probability(item, value);
    } else if (name == "jobfail") {
      spec.jobfail = parse_probability(item, value);
    } else if (name == "latency") {
      if (value.ends_with("ms")) value.remove_suffix(2);
      std::uint32_t ms = 0;
      const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
      if (ec != std::errc{} || ptr != value.data() + value.size()) {
        throw std::invalid_argument("--faults: '" + std::string(item) +
                                    "' needs milliseconds, e.g. latency=200ms");
      }
      spec.latency = std::chrono::milliseconds(ms);
    } else if (name.starts_with("err")) {
      int code = 0;
      const auto digits = name.substr(3);
      const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), code);
      bool known = false;
      for (const int c : TRANSIENT_CODES) known = known || c == code;
      if (ec != std::errc{} || ptr != digits.data() + digits.size() || !known) {
        throw std::invalid_argument("--faults: '" + std::string(name) +
                                    "' is not one of err604, err608, err611, err614, err713, "
                                    "err719");
      }
      spec.errors.emplace_back(code, parse_probability(item, value));
    } else {
      throw std::invalid_argument("--faults: unknown fault '" + std::string(name) +
                                  "' (known: http502, drop, latency, errNNN, jobfail)");
    }
  }
  return spec;
}

double seeded_uniform(std::uint64_t seed, std::uint64_t counter, std::uint64_t stream) noexcept {
  const std::uint64_t x = splitmix64(splitmix64(seed ^ (stream * 0xD1B54A32D192ED03ULL)) ^ counter);
  return static_cast<double>(x >> 11) * 0x1.0p-53;
}

fault_decision decide_request_fault(const fault_spec& spec, std::uint64_t seed,
                                    std::uint64_t counter) noexcept {
  // One draw picks at most one fault: the probabilities partition [0, 1).
  const double u = seeded_uniform(seed, counter, 1);
  double edge = spec.http502;
  if (u < edge) return {fault_kind::http502, 502};
  edge += spec.drop;
  if (u < edge) return {fault_kind::drop, 0};
  for (const auto& [code, p] : spec.errors) {
    edge += p;
    if (u < edge) return {fault_kind::marketo_error, code};
  }
  return {};
}

bool decide_job_failure(const fault_spec& spec, std::uint64_t seed,
                        std::uint64_t batch_id) noexcept {
  return spec.jobfail > 0 && seeded_uniform(seed, batch_id, 2) < spec.jobfail;
}

}  // namespace mkbulk::sandbox
