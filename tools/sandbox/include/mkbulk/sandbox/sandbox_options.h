// The sandbox's settings: built once from the command line (and the credentials the caller
// read from the environment), validated, then immutable. Printing and the environment are
// main.cpp's business; parse_options only throws std::invalid_argument with a message.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mkbulk/sandbox/faults.h"

namespace mkbulk::sandbox {

// The documented default credentials: the demo and the tests need no set-up.
inline constexpr std::string_view DEFAULT_CLIENT_ID = "mkbulk-sandbox";
inline constexpr std::string_view DEFAULT_CLIENT_SECRET = "mkbulk-sandbox-secret";

enum class empty_file_answer : std::uint8_t { not_found_404, empty_body };

struct sandbox_options {
  std::string host = "127.0.0.1";
  int port = 0;                   // 0 = a free port
  std::string db_path = ":memory:";  // ":memory:" = nothing survives a restart
  std::string client_id{DEFAULT_CLIENT_ID};
  std::string client_secret{DEFAULT_CLIENT_SECRET};
  std::uint64_t rows_per_second = 0;  // per job; 0 = unthrottled
  std::uint32_t token_ttl_seconds = 3600;
  fault_spec faults;
  std::uint64_t seed = 1;
  std::string schema_path;  // empty = the engine's standard lead schema
  std::string tls_cert;
  std::string tls_key;
  empty_file_answer empty_files = empty_file_answer::not_found_404;
  std::uint64_t daily_quota = 0;  // 0 = none
  bool help = false;
};

// Credentials found in the environment, passed in by main (libraries never read it).
struct credential_env {
  std::optional<std::string> client_id;
  std::optional<std::string> client_secret;
};

// Parses the arguments after the program name. Precedence: flags, then env, then defaults.
[[nodiscard]] sandbox_options parse_options(const std::vector<std::string_view>& args,
                                            const credential_env& env);

[[nodiscard]] std::string_view usage_text() noexcept;

}  // namespace mkbulk::sandbox
