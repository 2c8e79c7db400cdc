// The process and data helpers of harness.h: posix_spawn with redirected streams, the
// sandbox's first stdout line, HTTP through the uploader's own http_client, SQLite read-only.
#include "harness.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "mkbulk/upload/http_client.h"

extern char** environ;

namespace mkbulk::test {

namespace {

std::vector<char*> c_strings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (auto& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

std::vector<std::string> environment_with(const std::map<std::string, std::string>& extra) {
  std::map<std::string, std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string s = *e;
    const auto eq = s.find('=');
    if (eq != std::string::npos) env[s.substr(0, eq)] = s.substr(eq + 1);
  }
  env["MKBULK_CLIENT_ID"] = TEST_CLIENT_ID;
  env["MKBULK_CLIENT_SECRET"] = TEST_SECRET;
  env["MKBULK_SANDBOX_CLIENT_ID"] = TEST_CLIENT_ID;
  env["MKBULK_SANDBOX_CLIENT_SECRET"] = TEST_SECRET;
  env.erase("MKBULK_BASE_URL");
  env.erase("MKBULK_TEST_KILL_AFTER");
  for (const auto& [k, v] : extra) env[k] = v;
  std::vector<std::string> out;
  for (const auto& [k, v] : env) out.push_back(k + "=" + v);
  return out;
}

}  // namespace

temp_dir::temp_dir(const std::string& name) {
  path = std::filesystem::path(MKBULK_TEST_TMP) / (name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(path);
  std::filesystem::create_directories(path);
}

temp_dir::~temp_dir() {
  std::error_code ec;
  if (std::getenv("MKBULK_KEEP_TEST_DIRS") == nullptr) std::filesystem::remove_all(path, ec);
}

sandbox_process::sandbox_process(const std::filesystem::path& db,
                                 const std::vector<std::string>& extra) {
  std::vector<std::string> argv{MKBULK_SANDBOX_BIN, "--port", "0", "--db", db.string()};
  argv.insert(argv.end(), extra.begin(), extra.end());
  auto env = environment_with({});
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) throw std::runtime_error("pipe");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&fa, pipe_fds[0]);
  posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  auto cargv = c_strings(argv);
  auto cenv = c_strings(env);
  const int rc = ::posix_spawn(&pid_, cargv[0], &fa, nullptr, cargv.data(), cenv.data());
  posix_spawn_file_actions_destroy(&fa);
  ::close(pipe_fds[1]);
  out_fd_ = pipe_fds[0];
  if (rc != 0) throw std::runtime_error("cannot start mkbulk-sandbox");
  std::string line;
  char ch = 0;
  while (::read(out_fd_, &ch, 1) == 1 && ch != '\n') line += ch;
  if (line.rfind("http", 0) != 0) throw std::runtime_error("sandbox printed '" + line + "'");
  base_url_ = line;
}

sandbox_process::~sandbox_process() { stop(); }

void sandbox_process::stop() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 100 && ::waitpid(pid_, &status, WNOHANG) == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (::waitpid(pid_, &status, WNOHANG) == 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    }
    pid_ = -1;
  }
  if (out_fd_ >= 0) ::close(out_fd_);
  out_fd_ = -1;
}

std::string sandbox_process::get(const std::string& path) const {
  upload::http_client c(upload::http_options{});
  return c.get(base_url_ + path, "").body;
}

std::string sandbox_process::token() const {
  upload::http_client c(upload::http_options{});
  const auto r = c.post_form(base_url_ + "/identity/oauth/token",
                             {{"grant_type", "client_credentials"},
                              {"client_id", TEST_CLIENT_ID},
                              {"client_secret", TEST_SECRET}},
                             "");
  simdjson::ondemand::parser p;
  simdjson::padded_string ps(r.body);
  auto doc = p.iterate(ps);
  std::string_view tok;
  if (doc.find_field_unordered("access_token").get_string().get(tok) != simdjson::SUCCESS) {
    return {};
  }
  return std::string(tok);
}

run_output run_mkbulk(const std::vector<std::string>& args,
                      const std::map<std::string, std::string>& env_extra,
                      const std::filesystem::path& cwd) {
  static int counter = 0;
  const auto base = std::filesystem::path(MKBULK_TEST_TMP) /
                    ("mkbulk-out-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
  const std::string out_file = base.string() + ".out";
  const std::string err_file = base.string() + ".err";
  std::vector<std::string> argv{MKBULK_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  auto env = environment_with(env_extra);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, out_file.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, err_file.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&fa, cwd.c_str());
  auto cargv = c_strings(argv);
  auto cenv = c_strings(env);
  pid_t pid = -1;
  run_output r;
  if (::posix_spawn(&pid, cargv[0], &fa, nullptr, cargv.data(), cenv.data()) != 0) {
    posix_spawn_file_actions_destroy(&fa);
    return r;
  }
  posix_spawn_file_actions_destroy(&fa);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  r.out = read_text(out_file);
  r.err = read_text(err_file);
  std::filesystem::remove(out_file);
  std::filesystem::remove(err_file);
  return r;
}

void write_export(const std::filesystem::path& file, std::size_t n,
                  const std::vector<std::size_t>& bad_type,
                  const std::vector<std::size_t>& long_name) {
  std::ofstream out(file, std::ios::binary);
  out << "email,firstName,lastName,company,numberOfEmployees\n";
  const std::string long_first(300, 'x');
  for (std::size_t i = 0; i < n; ++i) {
    const bool bad = std::find(bad_type.begin(), bad_type.end(), i) != bad_type.end();
    const bool lng = std::find(long_name.begin(), long_name.end(), i) != long_name.end();
    out << "user" << i << "@example.com," << (lng ? long_first : "First" + std::to_string(i))
        << ",Last" << i << ",\"Acme, Inc. " << i % 7 << "\"," << (bad ? "many" : std::to_string(i % 500))
        << "\n";
  }
}

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::int64_t sql_count(const std::filesystem::path& db, const std::string& sql) {
  sqlite3* h = nullptr;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(h);
    return -1;
  }
  sqlite3_busy_timeout(h, 5000);
  sqlite3_stmt* st = nullptr;
  std::int64_t v = -1;
  if (sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    v = sqlite3_column_int64(st, 0);
  }
  sqlite3_finalize(st);
  sqlite3_close(h);
  return v;
}

std::vector<std::int64_t> stats_job_rows(const std::string& stats_json) {
  std::vector<std::int64_t> rows;
  simdjson::ondemand::parser p;
  simdjson::padded_string ps(stats_json);
  auto doc = p.iterate(ps);
  simdjson::ondemand::array jobs;
  if (doc.find_field_unordered("jobs").get_array().get(jobs) != simdjson::SUCCESS) return rows;
  for (auto j : jobs) {
    std::int64_t r = 0;
    if (j.find_field_unordered("rows").get_int64().get(r) != simdjson::SUCCESS) r = -1;
    rows.push_back(r);
  }
  return rows;
}

std::int64_t stats_calls_total(const std::string& stats_json) {
  simdjson::ondemand::parser p;
  simdjson::padded_string ps(stats_json);
  auto doc = p.iterate(ps);
  simdjson::ondemand::object calls;
  if (doc.find_field_unordered("calls").get_object().get(calls) != simdjson::SUCCESS) return -1;
  std::int64_t total = 0;
  for (auto field : calls) {
    std::int64_t n = 0;
    if (field.value().get_int64().get(n) != simdjson::SUCCESS) return -1;
    total += n;
  }
  return total;
}

std::vector<std::string> fast_flags(const std::string& base_url) {
  return {"--base-url", base_url, "--poll-min", "0.05", "--poll-max", "0.3",
          "--retry-base", "0.05", "--retry-cap", "0.5"};
}

std::int64_t report_number(const std::string& report, const std::string& section,
                           const std::string& key) {
  simdjson::ondemand::parser p;
  simdjson::padded_string ps(report);
  auto doc = p.iterate(ps);
  std::int64_t v = -1;
  if (section.empty()) {
    if (doc.find_field_unordered(key).get_int64().get(v) != simdjson::SUCCESS) return -1;
    return v;
  }
  simdjson::ondemand::object o;
  if (doc.find_field_unordered(section).get_object().get(o) != simdjson::SUCCESS) return -1;
  if (o.find_field_unordered(key).get_int64().get(v) != simdjson::SUCCESS) return -1;
  return v;
}

std::vector<std::string> files_containing(const std::filesystem::path& dir,
                                          const std::string& needle) {
  std::vector<std::string> hits;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    if (read_text(e.path()).find(needle) != std::string::npos) hits.push_back(e.path().string());
  }
  return hits;
}

}  // namespace mkbulk::test
