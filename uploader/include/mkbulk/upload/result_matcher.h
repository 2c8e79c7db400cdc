// Ties the rows of a Marketo failures or warnings file back to their source lines: the chunk
// is read back with the engine's record_reader, each row keyed by its field values (a
// multiset: identical rows may sit on several lines), and each result row, its last column
// (the reason, whatever its name) dropped, takes one line of its key. Order does not matter.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
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
  // chunk_text: the whole chunk file (header first); chunk: its manifest entry (line_runs).
  // False with error when the chunk does not agree with its manifest entry.
  [[nodiscard]] bool load_chunk(std::string_view chunk_text, char delimiter,
                                const engine::chunk_info& chunk, std::string& error);

  // Matches every row of a result file (same format as the chunk; empty = none). Rows that
  // match no remaining line of the chunk come back with source_line 0. Each line is taken at
  // most once across calls, so load the chunk again before matching the other file.
  [[nodiscard]] std::vector<matched_row> match(std::string_view result_text);

  // The chunk's header fields and, for a failed job, every row with its line.
  [[nodiscard]] const std::vector<std::string>& header() const noexcept { return header_; }
  [[nodiscard]] std::vector<matched_row> all_rows(const std::string& reason) const;

 private:
  char delimiter_ = ',';
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<std::uint64_t> lines_;
  // key -> indexes of rows_ not yet taken, in chunk order (front taken first).
  std::unordered_map<std::string, std::vector<std::size_t>> by_key_;
  std::unordered_map<std::string, std::size_t> next_;
};

// The unambiguous key of a row's values (length-prefixed fields).
[[nodiscard]] std::string row_key(const std::vector<std::string>& fields, std::size_t count);

}  // namespace mkbulk::upload
