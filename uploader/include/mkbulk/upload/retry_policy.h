// The one place that decides what an API call's outcome means: success, a token to renew, a
// back-off, a stop, or a fatal error. It looks at the three things the HTTP layer keeps apart
// (curl code, HTTP status, Marketo error code) and nothing else; the scheduler acts on it.
#pragma once

#include <cstdint>
#include <string_view>

namespace mkbulk::upload {

enum class call_verdict : std::uint8_t {
  success,
  refresh_token,    // 601, 602: get a new token and repeat the call at once
  rate_limited,     // 606, 615, HTTP 429: back off with jitter, repeat
  transient,        // 604, 608, 611, 614, 713, 719, HTTP 5xx, timeouts, dropped connections
  queue_full,       // 1016, 1019: someone else fills the import queue; back off, lower the depth
  quota_exhausted,  // 607: stop cleanly; resumable after the daily reset
  auth_failed,      // the identity service refused the credentials (HTTP 401, 603 on token)
  config_error,     // bad URL, TLS verification failed, no CA bundle: retrying cannot help
  io_error,         // the chunk file could not be read
  fatal,            // the call cannot succeed (1003, 610, 413, ...): fail that job
};

[[nodiscard]] std::string_view to_string(call_verdict v) noexcept;

struct call_outcome {
  int curl_code = 0;             // CURLcode, 0 = the transfer completed
  long http_status = 0;          // 0 when there was no answer
  std::string_view error_code;   // Marketo's errors[0].code ("606"), empty when none
  bool body_ok = true;           // false: HTTP 200 but the body was not the expected JSON
};

// The classification. Marketo's code wins over an HTTP 200; an HTTP error wins over a body.
[[nodiscard]] call_verdict classify(const call_outcome& o) noexcept;

// Whether the scheduler may simply repeat the same call after a pause.
[[nodiscard]] constexpr bool is_retryable(call_verdict v) noexcept {
  return v == call_verdict::rate_limited || v == call_verdict::transient ||
         v == call_verdict::queue_full;
}

}  // namespace mkbulk::upload
