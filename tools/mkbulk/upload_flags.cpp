// Parsing of the upload/run/resume flags; `run`'s engine flags go to the shared engine flag
// parser (engine_flags.h), so that `run` and `split` accept exactly the same ones.
#include "upload_flags.h"

#include <charconv>
#include <cstdlib>

#include "commands.h"
#include "engine_flags.h"

namespace mkbulk::cli {

std::string_view upload_flags_help() noexcept {
  return R"(connection (credentials come from MKBULK_CLIENT_ID and MKBULK_CLIENT_SECRET only):
  --base-url URL         the REST base, e.g. https://123-ABC-456.mktorest.com (or MKBULK_BASE_URL)
  --munchkin ID          same as --base-url https://ID.mktorest.com
  --identity-url URL     default: the base URL + /identity
  --cacert FILE          CA bundle for TLS verification
  --insecure             turn TLS verification off (dangerous; warns loudly)
jobs:
  --lookup-field F       Marketo's lookupField (default email)
  --list-id N            add every imported lead to static list N
  --partition P          lead partition for new leads
  --max-queued N         at most N of this run's jobs in Marketo's queue (1-10, default 6)
  --retry-failed-jobs N  resubmit a job that ends Failed up to N times (default 0)
  --max-retries N        transient errors in a row before the run stops, resumable (default 8)
  --retry-base S         first back-off in seconds (default 1; doubles, jittered)
  --retry-cap S          longest back-off in seconds (default 60)
  --poll-min S           shortest poll interval in seconds, fractions allowed (default 5)
  --poll-max S           longest poll interval in seconds (default 30); the contract asks for
                         5-30 s against Marketo: lower values are for the sandbox and demos
output:
  --json                 print report.json on stdout at the end
)";
}

std::string_view run_engine_flags_help() noexcept {
  static const std::string help = std::string(engine_flags_help()) + std::string(preflight_flags_help());
  return help;
}

namespace {

double to_double(std::string_view flag, const std::string& v) {
  char* end = nullptr;
  const double d = std::strtod(v.c_str(), &end);
  if (v.empty() || end != v.c_str() + v.size() || !(d >= 0)) {
    throw usage_error(std::string(flag) + ": expected a number of seconds, got '" + v + "'");
  }
  return d;
}

std::uint64_t to_u64(std::string_view flag, const std::string& v) {
  std::uint64_t n = 0;
  const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc() || p != v.data() + v.size()) {
    throw usage_error(std::string(flag) + ": expected a whole number, got '" + v + "'");
  }
  return n;
}

unsigned to_unsigned(std::string_view flag, const std::string& v) {
  const std::uint64_t n = to_u64(flag, v);
  if (n > 1'000'000) throw usage_error(std::string(flag) + ": too large");
  return static_cast<unsigned>(n);
}

}  // namespace

void parse_upload_flags(std::span<const std::string> args, bool engine_flags, upload_cli& cli) {
  auto& o = cli.options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::string value;
    bool has_inline = false;
    if (flag.rfind("--", 0) == 0) {
      const auto eq = flag.find('=');
      if (eq != std::string::npos) {
        value = flag.substr(eq + 1);
        flag = flag.substr(0, eq);
        has_inline = true;
      }
    } else {
      cli.positional.push_back(flag);
      continue;
    }
    auto next = [&]() -> std::string {
      if (has_inline) return value;
      if (i + 1 >= args.size()) throw usage_error(flag + " needs a value");
      return args[++i];
    };
    if (flag == "--base-url") {
      o.client.base_url = next();
      cli.base_url_given = true;
    } else if (flag == "--munchkin") {
      o.client.base_url = "https://" + next() + ".mktorest.com";
      cli.base_url_given = true;
    } else if (flag == "--identity-url") {
      o.client.identity_url = next();
    } else if (flag == "--cacert") {
      o.client.http.cacert = next();
    } else if (flag == "--insecure") {
      o.client.http.insecure = true;
    } else if (flag == "--lookup-field") {
      o.job.lookup_field = next();
      cli.split.lookup_field = o.job.lookup_field;
    } else if (flag == "--list-id") {
      o.job.list_id = std::to_string(to_u64(flag, next()));
    } else if (flag == "--partition") {
      o.job.partition = next();
    } else if (flag == "--max-queued") {
      o.max_queued = to_unsigned(flag, next());
    } else if (flag == "--retry-failed-jobs") {
      o.retry_failed_jobs = to_unsigned(flag, next());
    } else if (flag == "--max-retries") {
      o.max_retries = to_unsigned(flag, next());
    } else if (flag == "--retry-base") {
      o.retry_base_seconds = to_double(flag, next());
    } else if (flag == "--retry-cap") {
      o.retry_cap_seconds = to_double(flag, next());
    } else if (flag == "--poll-min") {
      o.poll_min_seconds = to_double(flag, next());
    } else if (flag == "--poll-max") {
      o.poll_max_seconds = to_double(flag, next());
    } else if (flag == "--json") {
      cli.json = true;
    } else if (flag == "--client-secret" || flag == "--client-id" || flag == "--token") {
      throw usage_error(flag + ": credentials come from MKBULK_CLIENT_ID and "
                               "MKBULK_CLIENT_SECRET in the environment, never from arguments");
    } else {
      // The split's own flags, parsed by the engine's shared parser (the same as `split`).
      std::size_t used = 0;
      if (engine_flags) {
        const std::vector<std::string_view> views(args.begin(), args.end());
        used = parse_engine_flag(views, i, cli.split);
        if (used == 0) used = parse_preflight_flag(views, i, cli.preflight);
      }
      if (used == 0) throw usage_error("unknown option " + flag);
      i += used - 1;
    }
  }
}

void read_upload_environment(upload_cli& cli) {
  if (!cli.base_url_given) {
    if (const char* b = std::getenv("MKBULK_BASE_URL"); b != nullptr && *b != 0) {
      cli.options.client.base_url = b;
    }
  }
  if (const char* id = std::getenv("MKBULK_CLIENT_ID"); id != nullptr) {
    cli.options.client.client_id = id;
  }
  if (const char* s = std::getenv("MKBULK_CLIENT_SECRET"); s != nullptr) {
    cli.options.client.client_secret = s;
  }
}

}  // namespace mkbulk::cli
