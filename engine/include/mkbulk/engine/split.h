// The split pipeline's public face: options (built once, validated, then immutable), the
// chunk sink through which a caller (mkbulk run) hears of each finished chunk, and the result.
// The pipeline itself (reader, scanner, record parser, writers) lives in engine/src.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mkbulk/engine/duplicate_keys.h"
#include "mkbulk/engine/manifest.h"

namespace mkbulk::engine {

struct preflight_options;  // preflight.h

// The default chunk budget: keeps the whole multipart upload body (boundary lines, part
// headers, the format/lookupField/listId/partitionName fields) under Marketo's 10,000,000 bytes.
inline constexpr std::uint64_t DEFAULT_MAX_CHUNK_BYTES = 9'990'000;

struct split_options {
  std::string input_path;  // a file, or "-" for stdin
  std::filesystem::path out_dir;  // empty: validate only (rejects report, no chunks)
  std::uint64_t max_bytes = DEFAULT_MAX_CHUNK_BYTES;
  std::optional<char> delimiter;  // nullopt: sniffed from a sample
  std::string out_format = "csv";
  std::string lookup_field = "email";
  std::vector<std::pair<std::string, std::string>> map;  // --map SOURCE=FIELD overrides
  std::vector<std::string> drop_columns;                 // --drop-column NAME
  bool drop_unknown = false;
  bool trim = false;
  std::optional<std::uint64_t> max_rejects;  // stop the run past this many rejects
  std::string kernel;        // "" = best for this CPU; or a name from scan_dispatch.h
  unsigned threads = 0;  // 0 = what the machine has; 2: a read-ahead thread; 3+: a writer too
  std::size_t block_bytes = 0;  // 0 = the default read block; tests vary it
  bool fsync_chunks = false;    // fsync each chunk before it is announced (mkbulk run)
  // With a read-ahead thread, its share of the parsing (each block's records listed, with
  // pre-flight their typed verdicts): given for the blocks it reads while it is ahead of the
  // parser (balanced), or for every block or none (tests: the same output either way).
  enum class ahead_share : std::uint8_t { balanced, always, never };
  ahead_share ahead = ahead_share::balanced;
  // Where the rejects report goes; empty: out_dir/rejects.csv (no report when out_dir is empty
  // too).
  std::filesystem::path rejects_path;
  // Pre-flight's typed checks against a lead schema (preflight.h); null: none, and no cost.
  std::shared_ptr<const preflight_options> preflight;
  // --duplicates: rows sharing a lookup key (folded: case, surrounding blanks) are merged,
  // kept once, rejected or kept together (engine/README.md, "Duplicate lookup keys"). Costs a
  // keys-only first pass over the input. nullopt: not looked for.
  std::optional<duplicate_policy> duplicates;
  // Where the duplicate pass keeps its temporary files (standard input spooled to be read
  // twice, the held-back rows); removed at the end. Empty: out_dir, else rejects_path's
  // directory, else the current directory.
  std::filesystem::path work_dir;
};

// Hears of each chunk once its file is complete and closed, in chunk order, on a pipeline
// thread: keep it short (queue the work elsewhere).
class chunk_sink {
 public:
  virtual ~chunk_sink() = default;
  virtual void on_chunk(const chunk_info& chunk) = 0;
};

// Progress, for a progress bar: called now and then from a pipeline thread.
struct split_progress {
  std::uint64_t bytes_read = 0;
  std::uint64_t input_bytes = 0;  // 0 when unknown (stdin, pipe)
  std::uint64_t rows = 0;
  // With duplicates set the input is read twice: pass 1 of 2 (keys only, nothing written;
  // rows: the rows seen so far), then pass 2 of 2, the split, counting again from 0. Without:
  // pass 1 of 1.
  std::uint8_t pass = 1;
  std::uint8_t passes = 1;
};
using progress_fn = std::function<void(const split_progress&)>;

enum class split_status : std::uint8_t {
  ok,            // every record went to a chunk or to rejects.csv
  bad_header,    // unknown, duplicate or empty header names; nothing written but the message
  bad_dialect,   // no usable delimiter, empty input, ...
  too_many_rejects,
  io_error,
};

struct split_result {
  split_status status = split_status::ok;
  std::string message;  // for people: what happened, where, what to do next
  manifest result;      // what was written (complete when status == ok)
                        // except line_runs of chunks spilled past 65,536 runs: empty here,
                        // in manifest.json and chunk_sink::on_chunk (engine/README.md)
  double seconds = 0;
  std::string kernel;   // the scan kernel used ("avx2", ...)
};

// Runs the whole split. Never throws for bad input; bad options are reported as bad_dialect or
// bad_header with a message.
[[nodiscard]] split_result run_split(const split_options& options, chunk_sink* sink = nullptr,
                                     const progress_fn& progress = {});

// What split would use, without splitting: the dialect and the header mapping (in result's
// format, delimiter, bom, columns, dropped, header_line), read from the input's first bytes.
// Unknown columns do not stop it: they are listed in unknown_columns.
struct sniff_result {
  split_status status = split_status::ok;
  std::string message;
  manifest result;
  std::vector<std::string> unknown_columns;
};
[[nodiscard]] sniff_result sniff_input(const split_options& options);

}  // namespace mkbulk::engine
