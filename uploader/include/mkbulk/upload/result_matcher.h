// Ties the rows of a Marketo failures or warnings file back to their source lines: each result
// row, its last column (the reason, whatever its name) dropped, is keyed by its field values,
// and the chunk, read back with the engine's record_reader, is walked once with its manifest's
// line runs; a chunk row whose key a result row still waits for gives that row its line (a
// multiset: identical rows may sit on several lines, taken in order). Order does not matter.
// Only the result rows (a few per chunk) are kept, not the chunk's.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mkbulk/engine/manifest.h"

namespace mkbulk::upload {

struct matched_row {
  std::uint64_t source_line = 0;  // 0 when the row could not be tied to a line
  std::string reason;
  std::vector<std::string> values;  // as submitted, in the chunk's columns
};

class result_matcher {
 public:
  // chunk_text: the whole chunk file (header first), which must outlive the calls below (each
  // reads it again); chunk: its manifest entry (line_runs). False with error when the chunk
  // does not agree with its manifest entry.
  [[nodiscard]] bool load_chunk(std::string_view chunk_text, char delimiter,
                                const engine::chunk_info& chunk, std::string& error);

  // Matches every row of a result file (same format as the chunk; empty = none). Rows that
  // match no line of the chunk come back with source_line 0. Within a call each line is taken
  // at most once; each call (the failures, then the warnings) starts from all of them.
  [[nodiscard]] std::vector<matched_row> match(std::string_view result_text) const;

  // The chunk's header fields and, for a failed job, every row with its line.
  [[nodiscard]] const std::vector<std::string>& header() const noexcept { return header_; }
  [[nodiscard]] std::vector<matched_row> all_rows(const std::string& reason) const;

 private:
  // Calls f(fields, source line) for each row of the chunk in order, while f returns true.
  // False when a row has no line left in the runs (only load_chunk, which checks, sees that).
  template <class F>
  bool for_each_row(F&& f) const;

  char delimiter_ = ',';
  std::string_view text_;
  std::vector<engine::line_run> runs_;
  std::vector<std::string> header_;
};

// The unambiguous key of a row's values (length-prefixed fields), written over key.
void row_key(const std::vector<std::string>& fields, std::string& key);

}  // namespace mkbulk::upload
