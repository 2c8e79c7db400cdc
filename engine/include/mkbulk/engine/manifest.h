// The manifest: what a split wrote (dialect, header mapping, chunks with their source lines,
// accounting), as engine/README.md describes. The engine writes it; the uploader reads it.
// Reading uses simdjson; writing is atomic (temp file + rename).
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "mkbulk/engine/reject_reason.h"

namespace mkbulk::engine {

// A run of rows on consecutive source lines: first, first+1, …, first+count-1.
struct line_run {
  std::uint64_t first = 0;
  std::uint64_t count = 0;
  friend bool operator==(const line_run&, const line_run&) = default;
};

struct chunk_info {
  std::uint32_t index = 0;  // 1-based
  std::string file;         // relative to the output directory: "chunks/000001.csv"
  std::uint64_t bytes = 0;  // the whole file, header included
  std::uint64_t rows = 0;
  std::uint32_t crc32c = 0;
  std::uint64_t first_line = 0;
  std::uint64_t last_line = 0;
  std::vector<line_run> line_runs;
  friend bool operator==(const chunk_info&, const chunk_info&) = default;

  // The source line of row k (0-based, header not counted); 0 when k >= rows.
  [[nodiscard]] std::uint64_t source_line_of_row(std::uint64_t k) const noexcept;
};

struct column_mapping {
  std::string source;  // the header name in the input
  std::string field;   // the Marketo REST name written to the chunks
  std::uint32_t source_index = 0;
  friend bool operator==(const column_mapping&, const column_mapping&) = default;
};

// value_checks.h's VALUE_PROBLEM_COUNT (checked there), without including the schema here.
inline constexpr std::size_t VALUE_PROBLEM_SLOTS = 8;

struct split_counts {
  std::uint64_t rows_in = 0;
  std::uint64_t rows_chunked = 0;
  std::uint64_t rows_rejected = 0;
  // --duplicates merge|keep-first|keep-last: rows folded into another row of the same lookup
  // key (held back minus written). rows_in = rows_chunked + rows_rejected + rows_merged.
  std::uint64_t rows_merged = 0;
  std::array<std::uint64_t, REJECT_REASON_COUNT> reject_counts{};
  std::uint64_t bare_quotes = 0;  // literal quotes inside unquoted fields (kept, counted)
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
  // Pre-flight (preflight.h), indexed by value_problem (slot 0, none, stays 0): rows rejected
  // for a value, and values Marketo would import with a warning (predicted warnings). Written
  // to the manifest only when not zero: reject_counts gains the value_problem codes.
  std::array<std::uint64_t, VALUE_PROBLEM_SLOTS> value_reject_counts{};
  std::array<std::uint64_t, VALUE_PROBLEM_SLOTS> predicted_warnings{};
  friend bool operator==(const split_counts&, const split_counts&) = default;
};

// What --duplicates did (manifest.json's "duplicates", omitted when policy is empty or no row
// was held back). policy empty: the duplicate pass did not run.
struct duplicate_summary {
  std::string policy;                  // "merge", "keep-first", "keep-last", "reject", "allow"
  std::uint64_t repeated_keys = 0;     // keys with more than one row (groups reported)
  std::uint64_t rows_held_back = 0;    // rows diverted from the chunks to the duplicate pass
  std::uint64_t rows_merged = 0;       // rows folded into another (= counts.rows_merged)
  std::uint64_t rows_rejected = 0;     // duplicate_lookup_key + duplicate_key_group_too_big
  std::uint64_t overwritten_values = 0;  // merge: values replaced by a different later value
  std::string report;                  // "duplicates.csv", or "" when no group was reported
  friend bool operator==(const duplicate_summary&, const duplicate_summary&) = default;
};

struct manifest {
  std::string input_path;  // as given; "-" for stdin
  std::uint64_t input_bytes = 0;
  std::string format;      // "csv", "tsv" or "ssv": the input dialect
  char delimiter = ',';
  bool bom = false;
  std::string line_endings;  // "lf", "crlf", "cr", "mixed" or "none"
  std::string out_format;    // "csv", "tsv" or "ssv"
  std::string lookup_field;
  std::uint64_t max_bytes = 0;
  std::vector<column_mapping> columns;  // kept columns, in output order
  std::vector<std::string> dropped;
  std::string header_line;  // as written in each chunk, without the line end
  std::vector<chunk_info> chunks;
  split_counts counts;
  duplicate_summary duplicates;
  friend bool operator==(const manifest&, const manifest&) = default;
};

// The delimiter of an output format name ("csv" -> ',', "tsv" -> '\t', "ssv" -> ';').
[[nodiscard]] char delimiter_of_format(std::string_view format) noexcept;

struct manifest_error {
  std::string message;  // what is wrong and where ("manifest.json: chunks[3].rows missing")
};

// Writes dir/manifest.json atomically. Returns false and fills err on an I/O error.
[[nodiscard]] bool write_manifest(const std::filesystem::path& dir, const manifest& m,
                                  manifest_error& err);
// Reads dir/manifest.json. Returns false and fills err when missing or malformed.
[[nodiscard]] bool read_manifest(const std::filesystem::path& dir, manifest& m,
                                 manifest_error& err);

}  // namespace mkbulk::engine
