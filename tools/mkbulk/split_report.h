// What split and validate tell the user: the progress bar on stderr (only on a terminal), the
// human summary on stderr, and the --json summary object on stdout.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>

#include "mkbulk/engine/split.h"

namespace mkbulk::cli {

// A one-line progress bar redrawn at most ten times a second: bytes, MB/s, rows, ETA; during
// --duplicates' first pass prefixed "pass 1/2 (keys)", each pass timed from its own start.
class progress_bar {
 public:
  explicit progress_bar(std::FILE* out);
  void update(const engine::split_progress& p);
  void finish();  // clears the line

 private:
  std::FILE* out_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_;
  bool drawn_ = false;
  std::uint8_t pass_ = 1;
};

// {"status": ..., "message": ..., "rows_in": ..., "rows_chunked", "rows_rejected",
//  "rows_merged", "reject_counts": {...}, "chunks", "bytes_in", "bytes_out", "seconds",
//  "bare_quotes", "kernel", "out_dir", "rejects", "duplicates": {policy, repeated_keys,
//  rows_held_back, rows_merged, rows_rejected, overwritten_values, report}} on one line
//  ("duplicates" only when the duplicate pass ran).
[[nodiscard]] std::string summary_json(const engine::split_result& r, std::string_view out_dir,
                                       std::string_view rejects_path);

// "12,345 rows in: 12,300 in 3 chunks, 45 rejected (field_count_mismatch 40, ...)" and where
// the files are; or the error message.
void print_summary(std::FILE* out, std::string_view command, const engine::split_result& r,
                   std::string_view out_dir, std::string_view rejects_path);

[[nodiscard]] std::string_view status_name(engine::split_status s) noexcept;

}  // namespace mkbulk::cli
