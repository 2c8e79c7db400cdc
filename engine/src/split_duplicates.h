// --duplicates inside the split: the state of the duplicate pass (the pass-1 key table, the
// spill files of held-back rows, the counts) and the two-pass driver. The per-row hook and the
// wrap-up are split_run members (split_duplicates.cpp); merging rows is duplicate_keys.h's.
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "mkbulk/engine/duplicate_keys.h"
#include "mkbulk/engine/manifest.h"
#include "mkbulk/engine/split.h"

namespace mkbulk::engine::detail {

// Memory for one spill partition's rows while they are merged: the spill is cut into
// partitions (by the top bits of the key hash) so that each stays under it.
inline constexpr std::uint64_t DUPLICATE_PARTITION_BUDGET = std::uint64_t{24} << 20;
inline constexpr std::size_t MAX_DUPLICATE_PARTITIONS = 256;

// One held-back row as the spill file holds it: a fixed header, then the output row (without
// its line end) and the raw source record (only for reject and allow, which may reject it;
// cut at rejects_writer's limit).
struct held_row_header {
  std::uint64_t line = 0;
  std::uint64_t offset = 0;     // byte offset of the source record in the input
  std::uint64_t raw_total = 0;  // the source record's whole size
  std::uint32_t out_size = 0;
  std::uint32_t raw_size = 0;
};

class duplicate_pass {
 public:
  enum class mode : std::uint8_t {
    count,   // pass 1: observe each row's key, write nothing
    divert,  // pass 2: hold back the rows whose key repeats
  };

  explicit duplicate_pass(duplicate_policy policy) noexcept : policy_(policy) {}
  duplicate_pass(const duplicate_pass&) = delete;
  duplicate_pass& operator=(const duplicate_pass&) = delete;
  ~duplicate_pass() { remove_spills(); }

  [[nodiscard]] duplicate_policy policy() const noexcept { return policy_; }
  [[nodiscard]] mode current() const noexcept { return mode_; }

  // Pass 1's view of one accepted row. The hashes go to the table in batches (prefetched);
  // once SAMPLE_ROWS rows give the mean row size, the table is reserved for the whole input.
  void observe(std::uint64_t key_hash, std::size_t row_bytes) {
    pending_[pending_size_++] = key_hash;
    ++rows_seen_;
    bytes_seen_ += row_bytes;
    if (pending_size_ == pending_.size()) flush_pending();
  }
  // Pass 1 is over: the last batch to the table. input_bytes: for the reservation (0: none).
  void end_count() { flush_pending(); }
  void set_input_bytes(std::uint64_t n) noexcept { input_bytes_ = n; }

  // Switches to pass 2: opens the spill files in dir (partitions from pass 1's counts).
  // False with error() when a file cannot be created.
  [[nodiscard]] bool start_divert(const std::filesystem::path& dir, std::size_t columns);
  [[nodiscard]] bool is_held(std::uint64_t key_hash) const noexcept {
    return table_.is_repeated(key_hash);
  }
  // Keys seen more than once in pass 1.
  [[nodiscard]] std::size_t repeated_keys() const noexcept { return table_.repeated_keys(); }
  // Appends a held-back row to its partition's spill file.
  void spill(std::uint64_t key_hash, const held_row_header& h, std::string_view out_row,
             std::string_view raw);
  // Closes the spill files for reading back; false with error() on a write error.
  [[nodiscard]] bool close_spills();
  [[nodiscard]] std::size_t partitions() const noexcept { return paths_.size(); }
  [[nodiscard]] const std::filesystem::path& spill_path(std::size_t p) const { return paths_[p]; }
  void remove_spills() noexcept;

  [[nodiscard]] const std::string& error() const noexcept { return error_; }
  duplicate_summary summary;  // filled as rows are held back and groups written

 private:
  duplicate_policy policy_;
  mode mode_ = mode::count;
  void flush_pending();

  static constexpr std::uint64_t SAMPLE_ROWS = 1 << 16;
  duplicate_key_table table_;
  std::array<std::uint64_t, 32> pending_{};
  std::size_t pending_size_ = 0;
  bool reserved_ = false;
  std::uint64_t input_bytes_ = 0;
  std::uint64_t rows_seen_ = 0;
  std::uint64_t bytes_seen_ = 0;
  std::vector<std::filesystem::path> paths_;
  std::vector<std::FILE*> files_;
  std::string error_;
};

// The lookup field's value in an output row (minimal RFC 4180 in the output dialect): column
// `column`, unescaped into scratch when quoted. Exposed for tests.
[[nodiscard]] std::string_view lookup_in_row(std::string_view row, std::size_t column,
                                             char delimiter, std::string& scratch) noexcept;

// run_split with options.duplicates set: pass 1 (keys only) over the input (standard input is
// spooled to the work directory first), then the split with the repeated keys held back.
[[nodiscard]] split_result run_split_deduplicated(const split_options& options, chunk_sink* sink,
                                                  const progress_fn& progress);

}  // namespace mkbulk::engine::detail
