// Token issue and check. Tokens are 128 random bits from std::random_device in Marketo's
// "uuid:region" shape; they are never logged.
#include "mkbulk/sandbox/auth.h"

#include <cstdio>
#include <random>

namespace mkbulk::sandbox {
namespace {

std::string new_token() {
  std::random_device rd;
  std::uint32_t w[4];
  for (auto& x : w) x = rd();
  char buf[64];
  const int n = std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%04x%08x:sb", w[0],
                              w[1] >> 16, w[1] & 0xFFFF, w[2] >> 16, w[2] & 0xFFFF, w[3]);
  return {buf, static_cast<std::size_t>(n)};
}

// Constant-time comparison, so that response times say nothing about the secret.
bool same_secret(std::string_view a, std::string_view b) noexcept {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    diff = static_cast<unsigned char>(diff | (a[i] ^ b[i]));
  }
  return diff == 0;
}

}  // namespace

token_store::token_store(std::string client_id, std::string client_secret,
                         std::uint32_t ttl_seconds)
    : client_id_(std::move(client_id)), client_secret_(std::move(client_secret)),
      ttl_(ttl_seconds) {}

std::optional<token_grant> token_store::issue(std::string_view client_id,
                                              std::string_view client_secret,
                                              clock::time_point now) {
  if (client_id != client_id_ || !same_secret(client_secret, client_secret_)) return std::nullopt;
  std::lock_guard lock(mutex_);
  if (current_.empty() || now >= expires_at_) {
    if (!current_.empty()) expired_.insert(current_);
    current_ = new_token();
    expires_at_ = now + ttl_;
  }
  // Round up, so that a fresh token reports the full TTL and a live one never reports 0.
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(expires_at_ - now);
  return token_grant{current_, (left.count() + 999) / 1000};
}

int token_store::check(std::string_view token, clock::time_point now) {
  if (token.empty()) return 601;
  std::lock_guard lock(mutex_);
  if (token == current_) {
    if (now < expires_at_) return 0;
    expired_.insert(current_);
    current_.clear();
    return 602;
  }
  return expired_.contains(std::string(token)) ? 602 : 601;
}

}  // namespace mkbulk::sandbox
