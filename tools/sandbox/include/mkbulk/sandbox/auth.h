// Access tokens: client-credentials grants, one live token per sandbox that is handed out again
// with its remaining life until it expires, and the 601 (unknown) / 602 (expired) answers.
// Tokens live in memory only: after a restart every old token is unknown (601).
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

namespace mkbulk::sandbox {

struct token_grant {
  std::string access_token;
  std::int64_t expires_in = 0;  // whole seconds left, counting down
};

class token_store {
 public:
  using clock = std::chrono::steady_clock;

  token_store(std::string client_id, std::string client_secret, std::uint32_t ttl_seconds);

  // nullopt for wrong credentials (HTTP 401).
  [[nodiscard]] std::optional<token_grant> issue(std::string_view client_id,
                                                 std::string_view client_secret,
                                                 clock::time_point now);
  // 0 when valid, 601 unknown or missing, 602 expired.
  [[nodiscard]] int check(std::string_view token, clock::time_point now);

 private:
  std::string client_id_;
  std::string client_secret_;
  std::chrono::seconds ttl_;
  std::mutex mutex_;
  std::string current_;
  clock::time_point expires_at_{};
  std::unordered_set<std::string> expired_;
};

}  // namespace mkbulk::sandbox
