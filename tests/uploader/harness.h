// Test harness for the uploader tests that run against real processes: starts mkbulk-sandbox
// (reads its base URL from the first stdout line), runs mkbulk with a chosen environment,
// writes small exports, reads the sandbox's stats and its SQLite store.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace mkbulk::test {

inline const std::string TEST_CLIENT_ID = "mkbulk-test-client";
inline const std::string TEST_SECRET = "s3cr3t-Zq9-never-print-me";

// A fresh empty directory under the build tree, removed by the destructor.
struct temp_dir {
  explicit temp_dir(const std::string& name);
  ~temp_dir();
  std::filesystem::path path;
};

class sandbox_process {
 public:
  // extra: flags after --port 0 --db FILE (e.g. {"--rows-per-second","2000"}).
  sandbox_process(const std::filesystem::path& db, const std::vector<std::string>& extra);
  ~sandbox_process();
  sandbox_process(const sandbox_process&) = delete;
  sandbox_process& operator=(const sandbox_process&) = delete;
  [[nodiscard]] const std::string& base_url() const { return base_url_; }
  [[nodiscard]] std::string get(const std::string& path) const;  // body of GET base+path
  [[nodiscard]] std::string token() const;                        // the current access token
  void stop();

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string base_url_;
};

struct run_output {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;
  std::string out;
  std::string err;
};

// Runs mkbulk with args; env adds to (or overrides) a copy of this process's environment with
// the test credentials set; cwd (when not empty) is its working directory.
[[nodiscard]] run_output run_mkbulk(const std::vector<std::string>& args,
                                    const std::map<std::string, std::string>& env = {},
                                    const std::filesystem::path& cwd = {});

// The sum of the "calls" object of /sandbox/stats: every API request the sandbox answered.
[[nodiscard]] std::int64_t stats_calls_total(const std::string& stats_json);

// Writes an export: header "email,firstName,lastName,company,numberOfEmployees", n rows with
// e-mails user<i>@example.com; rows listed in bad_type get numberOfEmployees "many" (a Marketo
// failure), rows in long_name a 300-character first name (a warning). Row i is on source
// line i + 2.
void write_export(const std::filesystem::path& file, std::size_t n,
                  const std::vector<std::size_t>& bad_type = {},
                  const std::vector<std::size_t>& long_name = {});

[[nodiscard]] std::string read_text(const std::filesystem::path& file);

// SELECT answers from the sandbox's store (opened read-only).
[[nodiscard]] std::int64_t sql_count(const std::filesystem::path& db, const std::string& sql);

// How many top-level objects the stats' "jobs" array holds, and their row counts.
[[nodiscard]] std::vector<std::int64_t> stats_job_rows(const std::string& stats_json);

// The flags every test run uses: the sandbox's URL and fast polling and back-off.
[[nodiscard]] std::vector<std::string> fast_flags(const std::string& base_url);

// The value of "key":<number> inside the object "section" of a report.json (simple scan).
[[nodiscard]] std::int64_t report_number(const std::string& report, const std::string& section,
                                         const std::string& key);

// Every file under dir (recursively) whose contents include needle.
[[nodiscard]] std::vector<std::string> files_containing(const std::filesystem::path& dir,
                                                        const std::string& needle);

}  // namespace mkbulk::test
