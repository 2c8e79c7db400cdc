// The run journal: an append-only JSON-lines file (run_dir/journal.jsonl); every entry is
// written and fsync'd before anything relies on it. Reading tolerates a last line cut short by
// a crash. What the entries mean, and how a resume replays them, is the uploader's business.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <vector>

namespace mkbulk::upload {

inline constexpr std::string_view JOURNAL_FILE = "journal.jsonl";

// One line of the journal, with the fields any event may carry (absent ones are 0 / empty).
struct journal_entry {
  std::string event;  // run_started, chunk_written, job_created, job_finished, results_merged,
                      // run_finished
  std::uint32_t chunk = 0;
  std::uint64_t batch_id = 0;
  std::int64_t at = 0;  // Unix seconds
  std::uint64_t rows = 0;
  std::string status;
  std::uint64_t imported = 0;
  std::uint64_t failed = 0;
  std::uint64_t warned = 0;
  std::uint64_t untied = 0;
  std::string message;
  // The run's API calls so far, every session included, by endpoint in the uploader's order
  // ("calls":[...] on the entries the scheduler writes); empty when the entry has none.
  std::vector<std::uint64_t> calls;
  std::string line;  // the whole JSON line, for events with their own payload (run_started)
};

class journal_writer {
 public:
  journal_writer() = default;
  ~journal_writer();
  journal_writer(const journal_writer&) = delete;
  journal_writer& operator=(const journal_writer&) = delete;

  // Opens (creates) the journal for appending; false with error on failure.
  [[nodiscard]] bool open(const std::filesystem::path& run_dir, std::string& error);
  // Appends one JSON object (no line end) and fsyncs. Thread-safe. False on an I/O error.
  [[nodiscard]] bool append(const std::string& json_object);
  // Called after each durable append with the number of entries this writer has appended
  // (tests use it to kill the process at a chosen point).
  void set_after_append(std::function<void(std::uint64_t)> fn) { after_append_ = std::move(fn); }

 private:
  int fd_ = -1;
  std::uint64_t count_ = 0;
  std::mutex mutex_;
  std::function<void(std::uint64_t)> after_append_;
};

// Reads run_dir/journal.jsonl. A missing file gives no entries and true. A malformed line that
// is not the last is an error; a malformed last line (a torn write) is ignored.
[[nodiscard]] bool read_journal(const std::filesystem::path& run_dir,
                                std::vector<journal_entry>& entries, std::string& error);

// Builders for the entries the uploader writes (each a JSON object without line end).
[[nodiscard]] std::string journal_chunk_written(std::uint32_t chunk, std::uint64_t rows,
                                                std::uint32_t crc32c);
[[nodiscard]] std::string journal_job_created(std::uint32_t chunk, std::uint64_t batch_id,
                                              std::int64_t at);
[[nodiscard]] std::string journal_job_finished(std::uint32_t chunk, std::uint64_t batch_id,
                                               const std::string& status,
                                               std::uint64_t processed, std::uint64_t failed,
                                               std::uint64_t warned, const std::string& message);
[[nodiscard]] std::string journal_results_merged(std::uint32_t chunk, std::uint64_t batch_id,
                                                 std::uint64_t imported, std::uint64_t failed,
                                                 std::uint64_t warned, std::uint64_t untied);
[[nodiscard]] std::string journal_simple(std::string_view event);
// entry (a JSON object) with "calls":[n,...] added as its last member.
[[nodiscard]] std::string journal_with_calls(std::string entry,
                                             std::span<const std::uint64_t> calls);

}  // namespace mkbulk::upload
