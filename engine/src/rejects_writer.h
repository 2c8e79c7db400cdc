// rejects.csv: one line per record that cannot go (source line, byte offset, reason, message,
// the raw record made safe: invalid UTF-8 and NUL as \xNN, backslash as \\, cut at 64 KiB).
// Written by the pipeline's parsing thread through a buffered stdio stream.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>

#include "mkbulk/engine/reject_reason.h"

namespace mkbulk::engine::detail {

inline constexpr std::size_t REJECT_RECORD_KEEP = 64 * 1024;

class rejects_writer {
 public:
  rejects_writer() = default;
  rejects_writer(const rejects_writer&) = delete;
  rejects_writer& operator=(const rejects_writer&) = delete;
  ~rejects_writer();

  // Creates the file and writes its header; false (with error()) when it cannot.
  [[nodiscard]] bool open(const std::filesystem::path& path);
  // raw holds the record's first bytes; total is its whole size (more than raw.size() for a
  // record that was skipped rather than buffered).
  void add(std::uint64_t line, std::uint64_t offset, reject_reason reason, std::string_view message,
           std::string_view raw, std::uint64_t total);
  // The same with a reason code from outside reject_reason (pre-flight's value problems,
  // duplicate_lookup_key).
  void add(std::uint64_t line, std::uint64_t offset, std::string_view reason,
           std::string_view message, std::string_view raw, std::uint64_t total);
  [[nodiscard]] bool close();
  [[nodiscard]] const std::string& error() const noexcept { return error_; }

 private:
  std::FILE* file_ = nullptr;
  std::filesystem::path path_;
  std::string line_;
  std::string error_;
};

// The record text as rejects.csv shows it (before CSV quoting): exposed for tests.
[[nodiscard]] std::string escape_reject_record(std::string_view raw, std::uint64_t total);

}  // namespace mkbulk::engine::detail
