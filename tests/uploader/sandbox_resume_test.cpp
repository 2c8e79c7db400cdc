// kill -9 at several points of a run, then `mkbulk resume`: the final outputs equal an
// uninterrupted run's, the sandbox holds every lead once, no chunk whose job was acknowledged
// (journaled) is ever submitted again, and report.json's api_calls add up every session's.
// Also SIGINT (exit 75) and expired batch ids.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <map>
#include <numeric>

#include "harness.h"
#include "mkbulk/upload/journal.h"

namespace mkbulk::test {
namespace {

constexpr std::size_t ROWS = 1200;
const std::vector<std::size_t> BAD{3, 500, 1100};
const std::vector<std::size_t> LONG{7, 640};

struct outcome {
  std::string failures, warnings, retry;
  std::vector<std::int64_t> rows;  // in, imported, failed, warned, untied, unaccounted
  std::int64_t chunks = 0;
};

outcome outcome_of(const std::filesystem::path& run) {
  outcome o;
  o.failures = read_text(run / "failures.csv");
  o.warnings = read_text(run / "warnings.csv");
  o.retry = read_text(run / "retry.csv");
  const std::string report = read_text(run / "report.json");
  for (const char* k : {"in", "imported", "failed", "warned", "untied", "unaccounted"}) {
    o.rows.push_back(report_number(report, "rows", k));
  }
  o.chunks = report_number(report, "", "chunks");
  return o;
}

std::vector<std::string> run_args(const std::filesystem::path& dir, const std::string& url) {
  std::vector<std::string> a{"run", (dir / "in.csv").string(), "--out-dir", (dir / "run").string(),
                             "--max-bytes", "6000"};
  const auto f = fast_flags(url);
  a.insert(a.end(), f.begin(), f.end());
  return a;
}

// The API calls the journal has recorded so far (the last "calls" of an entry), summed.
std::int64_t journaled_calls(const std::filesystem::path& run) {
  std::vector<upload::journal_entry> e;
  std::string error;
  EXPECT_TRUE(upload::read_journal(run, e, error)) << error;
  std::int64_t total = 0;
  for (const auto& x : e) {
    if (x.calls.empty()) continue;
    total = 0;
    for (const auto n : x.calls) total += static_cast<std::int64_t>(n);
  }
  return total;
}

// Chunk -> number of job_created entries in the journal.
std::map<std::uint32_t, int> creates_per_chunk(const std::filesystem::path& run) {
  std::vector<upload::journal_entry> e;
  std::string error;
  EXPECT_TRUE(upload::read_journal(run, e, error)) << error;
  std::map<std::uint32_t, int> n;
  for (const auto& x : e) {
    if (x.event == "job_created") ++n[x.chunk];
  }
  return n;
}

class sandbox_resume : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ref_dir_ = new temp_dir("resume-ref");
    write_export(ref_dir_->path / "in.csv", ROWS, BAD, LONG);
    sandbox_process sb(ref_dir_->path / "sb.db", {"--rows-per-second", "20000"});
    const auto r = run_mkbulk(run_args(ref_dir_->path, sb.base_url()));
    ASSERT_EQ(r.exit_code, 1) << r.err;
    ref_ = new outcome(outcome_of(ref_dir_->path / "run"));
    ref_sandbox_calls_ = stats_calls_total(sb.get("/sandbox/stats"));
    std::ifstream j(ref_dir_->path / "run" / "journal.jsonl");
    std::string line;
    while (std::getline(j, line)) ++ref_events_;
  }
  static void TearDownTestSuite() {
    delete ref_;
    delete ref_dir_;
  }
  static temp_dir* ref_dir_;
  static outcome* ref_;
  static int ref_events_;
  static std::int64_t ref_sandbox_calls_;
};

temp_dir* sandbox_resume::ref_dir_ = nullptr;
outcome* sandbox_resume::ref_ = nullptr;
int sandbox_resume::ref_events_ = 0;
std::int64_t sandbox_resume::ref_sandbox_calls_ = 0;

TEST_F(sandbox_resume, reference_run_is_what_the_data_says) {
  ASSERT_NE(ref_, nullptr);
  EXPECT_EQ(ref_->rows, (std::vector<std::int64_t>{1200, 1197, 3, 2, 0, 0}));
  EXPECT_GE(ref_->chunks, 8);
  EXPECT_EQ(ref_events_, 2 + 4 * ref_->chunks);
  // Every call the sandbox answered is in the report, and in the journal's last entry.
  const std::string report = read_text(ref_dir_->path / "run" / "report.json");
  EXPECT_GT(ref_sandbox_calls_, 2 * ref_->chunks);
  EXPECT_EQ(report_number(report, "api_calls", "total"), ref_sandbox_calls_);
  EXPECT_EQ(journaled_calls(ref_dir_->path / "run"), ref_sandbox_calls_);
}

TEST_F(sandbox_resume, kill_9_at_several_points_then_resume) {
  ASSERT_NE(ref_, nullptr);
  const int last = ref_events_ - 1;
  for (const int kill_after : {2, 5, 9, ref_events_ / 2, last - 6, last - 1}) {
    SCOPED_TRACE("killed after journal entry " + std::to_string(kill_after));
    temp_dir dir("resume-kill-" + std::to_string(kill_after));
    std::filesystem::copy_file(ref_dir_->path / "in.csv", dir.path / "in.csv");
    sandbox_process sb(dir.path / "sb.db", {"--rows-per-second", "20000"});
    const auto killed = run_mkbulk(run_args(dir.path, sb.base_url()),
                                   {{"MKBULK_TEST_KILL_AFTER", std::to_string(kill_after)}});
    ASSERT_EQ(killed.signal, SIGKILL) << killed.err;
    const auto st = run_mkbulk({"status", (dir.path / "run").string()});
    EXPECT_NE(st.out.find("not finished"), std::string::npos) << st.out;
    const std::int64_t before = journaled_calls(dir.path / "run");
    const std::int64_t sandbox_before = stats_calls_total(sb.get("/sandbox/stats"));
    const auto resumed = run_mkbulk({"resume", (dir.path / "run").string()});
    ASSERT_EQ(resumed.exit_code, 1) << resumed.err;  // 1: the three bad rows failed
    const outcome got = outcome_of(dir.path / "run");
    // api_calls: the killed session's (as far as its journal got: the kill came right after
    // an entry) plus every call of the resume.
    const std::int64_t resume_calls =
        stats_calls_total(sb.get("/sandbox/stats")) - sandbox_before;
    EXPECT_GT(resume_calls, 0);
    EXPECT_EQ(report_number(read_text(dir.path / "run" / "report.json"), "api_calls", "total"),
              before + resume_calls);
    EXPECT_EQ(got.rows, ref_->rows);
    EXPECT_EQ(got.failures, ref_->failures);
    EXPECT_EQ(got.warnings, ref_->warnings);
    EXPECT_EQ(got.retry, ref_->retry);
    const auto db = dir.path / "sb.db";
    EXPECT_EQ(sql_count(db, "SELECT COUNT(*) FROM leads"), 1197);
    EXPECT_EQ(sql_count(db, "SELECT COUNT(DISTINCT email) FROM leads"), 1197);
    // No acknowledged chunk submitted again: one journaled job per chunk, and the sandbox saw
    // at most one extra job (a create in flight when the process died).
    const auto creates = creates_per_chunk(dir.path / "run");
    EXPECT_EQ(static_cast<std::int64_t>(creates.size()), ref_->chunks);
    for (const auto& [chunk, n] : creates) EXPECT_EQ(n, 1) << "chunk " << chunk;
    const auto jobs = stats_job_rows(sb.get("/sandbox/stats"));
    EXPECT_GE(static_cast<std::int64_t>(jobs.size()), ref_->chunks);
    EXPECT_LE(static_cast<std::int64_t>(jobs.size()), ref_->chunks + 1);
  }
}

TEST_F(sandbox_resume, upload_killed_then_resume_killed_then_resumed) {
  ASSERT_NE(ref_, nullptr);
  temp_dir dir("resume-upload");
  const auto split = run_mkbulk({"split", (ref_dir_->path / "in.csv").string(), "--out-dir",
                                 (dir.path / "run").string(), "--max-bytes", "6000"});
  ASSERT_EQ(split.exit_code, 0) << split.err;
  sandbox_process sb(dir.path / "sb.db", {"--rows-per-second", "20000"});
  std::vector<std::string> a{"upload", (dir.path / "run").string()};
  const auto f = fast_flags(sb.base_url());
  a.insert(a.end(), f.begin(), f.end());
  const auto first = run_mkbulk(a, {{"MKBULK_TEST_KILL_AFTER", "7"}});
  ASSERT_EQ(first.signal, SIGKILL) << first.err;
  // The resume itself dies too (its own 10th entry), and a second resume finishes.
  const auto second = run_mkbulk({"resume", (dir.path / "run").string()},
                                 {{"MKBULK_TEST_KILL_AFTER", "10"}});
  ASSERT_EQ(second.signal, SIGKILL) << second.err;
  const auto third = run_mkbulk({"resume", (dir.path / "run").string()});
  ASSERT_EQ(third.exit_code, 1) << third.err;
  const outcome got = outcome_of(dir.path / "run");
  EXPECT_EQ(got.rows, ref_->rows);
  EXPECT_EQ(got.failures, ref_->failures);
  EXPECT_EQ(got.warnings, ref_->warnings);
  EXPECT_EQ(got.retry, ref_->retry);
  EXPECT_EQ(sql_count(dir.path / "sb.db", "SELECT COUNT(*) FROM leads"), 1197);
  for (const auto& [chunk, n] : creates_per_chunk(dir.path / "run")) {
    EXPECT_EQ(n, 1) << "chunk " << chunk;
  }
  const auto jobs = stats_job_rows(sb.get("/sandbox/stats"));
  EXPECT_LE(static_cast<std::int64_t>(jobs.size()), ref_->chunks + 2);
}

TEST_F(sandbox_resume, sigint_stops_with_75_and_resume_finishes) {
  ASSERT_NE(ref_, nullptr);
  temp_dir dir("resume-sigint");
  std::filesystem::copy_file(ref_dir_->path / "in.csv", dir.path / "in.csv");
  // A slow sandbox so that the run is still going when the signal comes.
  sandbox_process sb(dir.path / "sb.db", {"--rows-per-second", "400"});
  auto args = run_args(dir.path, sb.base_url());
  const auto stopped = run_mkbulk(args, {{"MKBULK_TEST_SIGINT_AFTER", "8"}});
  ASSERT_EQ(stopped.exit_code, 75) << stopped.err;
  EXPECT_NE(stopped.err.find("mkbulk resume"), std::string::npos) << stopped.err;
  const auto resumed = run_mkbulk({"resume", (dir.path / "run").string()});
  ASSERT_EQ(resumed.exit_code, 1) << resumed.err;
  EXPECT_EQ(outcome_of(dir.path / "run").rows, ref_->rows);
  // A clean stop journals its calls: the report counts both sessions' calls, every one.
  EXPECT_EQ(report_number(read_text(dir.path / "run" / "report.json"), "api_calls", "total"),
            stats_calls_total(sb.get("/sandbox/stats")));
  EXPECT_EQ(sql_count(dir.path / "sb.db", "SELECT COUNT(DISTINCT email) FROM leads"), 1197);
}

TEST_F(sandbox_resume, batch_ids_older_than_7_days_are_expired_not_polled) {
  ASSERT_NE(ref_, nullptr);
  temp_dir dir("resume-expired");
  sandbox_process sb(dir.path / "sb.db", {"--rows-per-second", "20000"});
  const auto split = run_mkbulk({"split", (ref_dir_->path / "in.csv").string(), "--out-dir",
                                 (dir.path / "run").string(), "--max-bytes", "6000"});
  ASSERT_LE(split.exit_code, 1) << split.err;
  {
    // A journal as an `upload` ten days ago would have left it: chunk 1 acknowledged, then
    // the process died.
    std::ofstream j(dir.path / "run" / "journal.jsonl");
    j << R"({"event":"run_started","at":1000,"mode":"upload","input":"","args":["--base-url",")"
      << sb.base_url()
      << R"(","--poll-min","0.05","--poll-max","0.3","--retry-base","0.05","--retry-cap","0.5"]})"
      << "\n"
      << upload::journal_job_created(1, 424242, 1000) << "\n";
  }
  const auto r = run_mkbulk({"resume", (dir.path / "run").string(), "--json"});
  ASSERT_EQ(r.exit_code, 1) << r.err;  // rows whose fate is unknown are not "all imported"
  EXPECT_NE(r.out.find("expired"), std::string::npos) << r.out;
  EXPECT_GT(report_number(r.out, "rows", "unaccounted"), 0);
  // Batch 424242 was never asked about; the other chunks were uploaded.
  EXPECT_EQ(report_number(r.out, "api_calls", "create"), ref_->chunks - 1);
}

}  // namespace
}  // namespace mkbulk::test
