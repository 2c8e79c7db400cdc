// Command-line parsing for mkbulk-sandbox: --flag VALUE or --flag=VALUE, validated here once.
#include "mkbulk/sandbox/sandbox_options.h"

#include <charconv>
#include <stdexcept>
#include <string>

namespace mkbulk::sandbox {
namespace {

template <typename T>
T parse_number(std::string_view flag, std::string_view value) {
  T out{};
  const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), out);
  if (ec != std::errc{} || ptr != value.data() + value.size()) {
    throw std::invalid_argument(std::string(flag) + ": '" + std::string(value) +
                                "' is not a non-negative whole number");
  }
  return out;
}

constexpr std::string_view USAGE =
    "usage: mkbulk-sandbox [options]\n"
    "A local stand-in for Marketo's bulk lead import API. Prints its base URL as the first line\n"
    "on stdout, then serves until SIGINT or SIGTERM.\n\n"
    "  --host ADDR             address to bind (default 127.0.0.1, loopback)\n"
    "  --port N                port (default 0: a free port)\n"
    "  --db FILE               SQLite store (WAL); jobs, results and leads survive a restart.\n"
    "                          Default ':memory:' (nothing is kept after exit)\n"
    "  --client-id ID          default 'mkbulk-sandbox' (or MKBULK_SANDBOX_CLIENT_ID)\n"
    "  --client-secret S       default 'mkbulk-sandbox-secret' (or MKBULK_SANDBOX_CLIENT_SECRET;\n"
    "                          prefer the environment: argv is visible to other users)\n"
    "  --rows-per-second N     processing speed per job (default 0: unthrottled)\n"
    "  --token-ttl SECONDS     access token lifetime (default 3600)\n"
    "  --faults SPEC           e.g. http502=0.05,drop=0.02,latency=200ms,err604=0.02,jobfail=0.01\n"
    "                          (errNNN for 604, 608, 611, 614, 713, 719)\n"
    "  --seed N                seed of faults and of the order of failure/warning rows (default 1)\n"
    "  --schema FILE           lead fields as describe.json's answer (default: the standard ones)\n"
    "  --empty-files 404|empty how failures/warnings answer when there are none (default 404)\n"
    "  --daily-quota N         API calls per day before 607 (default 0: none)\n"
    "  --tls-cert F --tls-key F  serve HTTPS with this certificate and key (PEM)\n"
    "  --help                  this text\n";

}  // namespace

std::string_view usage_text() noexcept { return USAGE; }

sandbox_options parse_options(const std::vector<std::string_view>& args,
                              const credential_env& env) {
  sandbox_options o;
  if (env.client_id) o.client_id = *env.client_id;
  if (env.client_secret) o.client_secret = *env.client_secret;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view flag = args[i];
    std::string_view value;
    bool has_inline = false;
    if (const auto eq = flag.find('='); flag.starts_with("--") && eq != std::string_view::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
      has_inline = true;
    }
    if (flag == "--help" || flag == "-h") {
      o.help = true;
      continue;
    }
    if (!has_inline) {
      if (i + 1 >= args.size()) {
        throw std::invalid_argument(std::string(flag) + " needs a value (see --help)");
      }
      value = args[++i];
    }
    if (flag == "--host") {
      o.host = value;
    } else if (flag == "--port") {
      const auto p = parse_number<std::uint32_t>(flag, value);
      if (p > 65535) throw std::invalid_argument("--port: must be 0..65535");
      o.port = static_cast<int>(p);
    } else if (flag == "--db") {
      o.db_path = value;
    } else if (flag == "--client-id") {
      o.client_id = value;
    } else if (flag == "--client-secret") {
      o.client_secret = value;
    } else if (flag == "--rows-per-second") {
      o.rows_per_second = parse_number<std::uint64_t>(flag, value);
    } else if (flag == "--token-ttl") {
      o.token_ttl_seconds = parse_number<std::uint32_t>(flag, value);
      if (o.token_ttl_seconds == 0) throw std::invalid_argument("--token-ttl: must be > 0");
    } else if (flag == "--faults") {
      o.faults = parse_fault_spec(value);
    } else if (flag == "--seed") {
      o.seed = parse_number<std::uint64_t>(flag, value);
    } else if (flag == "--schema") {
      o.schema_path = value;
    } else if (flag == "--empty-files") {
      if (value == "404") {
        o.empty_files = empty_file_answer::not_found_404;
      } else if (value == "empty") {
        o.empty_files = empty_file_answer::empty_body;
      } else {
        throw std::invalid_argument("--empty-files: '404' or 'empty'");
      }
    } else if (flag == "--daily-quota") {
      o.daily_quota = parse_number<std::uint64_t>(flag, value);
    } else if (flag == "--tls-cert") {
      o.tls_cert = value;
    } else if (flag == "--tls-key") {
      o.tls_key = value;
    } else {
      throw std::invalid_argument("unknown option '" + std::string(flag) + "' (see --help)");
    }
  }
  if (o.tls_cert.empty() != o.tls_key.empty()) {
    throw std::invalid_argument("--tls-cert and --tls-key go together");
  }
  if (o.client_id.empty() || o.client_secret.empty()) {
    throw std::invalid_argument("the client id and secret must not be empty");
  }
  return o;
}

}  // namespace mkbulk::sandbox
