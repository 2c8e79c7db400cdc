// Duplicate lookup keys: the pass-1 table that finds keys occurring more than once (8 bytes a
// slot, at most 15 bytes per distinct key), and the merger that turns all rows of one repeated
// key into what is written (--duplicates merge|keep-last|keep-first|reject|allow).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mkbulk::engine {

// How the pipeline should use this (issue 5: "rows that share a lookup key never end up in two
// jobs that can be in flight together"):
//
// Pass 1 (keys only). Scan the input with the same kernel and record parser as the split, but
// take only the lookup column of each record that will be chunked (after the engine's rejects
// and the typed checks of the lookup field). table.observe(lookup_key_hash(value)). Nothing else
// is kept: memory is the table, <= 15 bytes per distinct key (see duplicate_key_table). For
// stdin, which cannot be read twice, the CLI spools the input to the run directory first.
//
// Pass 2 (the split). For each row to chunk: h = lookup_key_hash(key). If
// !table.is_repeated(h) (the key occurs once: almost every row) the row goes to the chunks as
// today. Otherwise it is held back: appended, with its source line, to one of P spill files in
// the output directory chosen by the top bits of h (P = 1 unless the repeated rows, which pass 1
// can count exactly with repeated_rows(), exceed the memory budget: then P = ceil(bytes /
// budget), so that one spill file fits in memory). When the input is done, each spill file in
// turn is read back into a duplicate_merger, whose groups say what to write:
//   - merge / keep-first / keep-last: one row per key. It is unique in the whole output, so it
//     can go into an ordinary chunk after all the others; its line_runs entry is
//     group.row_lines[0] and every line of group.source_lines goes to report.json as a merge.
//   - reject: no row; every line in group.source_lines goes to rejects.csv with
//     DUPLICATE_KEY_REJECT_REASON.
//   - allow: every row, written together and in source order into chunks that hold nothing
//     but held-back rows; a key's rows never span two chunks unless they alone exceed one, and
//     the manifest then marks those chunks as a sequence that the uploader runs one after the
//     other (never in flight together).
// A 64-bit hash collision in pass 1 (two different keys, one hash) only makes both look
// repeated: they are held back, and the merger, which groups by the exact folded key, gives each
// back untouched. Collisions therefore cost a little time, never a wrong merge. (They are not
// negligible: among 10^8 keys the chance of at least one colliding pair of 63-bit hashes is
// about n^2 / 2^64 = 5e-4; that is why correctness does not rely on them.)

// --duplicates
enum class duplicate_policy : std::uint8_t {
  merge,       // one row per key: each column takes the last non-empty value (the default)
  keep_last,   // one row per key: the last row as it is
  keep_first,  // one row per key: the first row as it is
  reject,      // no row: every row of a repeated key goes to rejects.csv
  allow,       // every row, all of one key kept together (never racing)
};

// "merge", "keep-last", "keep-first", "reject", "allow" (the command line's spelling).
[[nodiscard]] std::string_view to_string(duplicate_policy p) noexcept;
[[nodiscard]] std::optional<duplicate_policy> duplicate_policy_from_string(
    std::string_view s) noexcept;

// The reason code of rows rejected by --duplicates reject, for rejects.csv.
inline constexpr std::string_view DUPLICATE_KEY_REJECT_REASON = "duplicate_lookup_key";

// The folded form of a lookup key: surrounding spaces and tabs removed, ASCII letters lower
// case (Marketo matches e-mail addresses without regard to case). Non-ASCII bytes are kept as
// they are.
[[nodiscard]] std::string fold_lookup_key(std::string_view key);

// A 64-bit hash of fold_lookup_key(key), computed without allocating for keys up to 512 bytes.
[[nodiscard]] std::uint64_t lookup_key_hash(std::string_view key) noexcept;

// Pass 1: which key hashes occur more than once. Open addressing with linear probing over 8-byte
// slots (63 bits of the hash, one bit "seen again"); the table grows by half when 80% full, so
// between growths it holds 8 / 0.8 = 10 to 8 / 0.533 = 15 bytes per distinct key. While it
// grows, the old and the new table coexist for a moment (at most 25 bytes per key); reserve()
// with a good estimate avoids that.
class duplicate_key_table {
 public:
  duplicate_key_table() = default;
  // Room for n distinct keys without growing.
  void reserve(std::size_t n);
  // Records one row's key. Returns true when the key had been observed before.
  bool observe(std::uint64_t key_hash);
  [[nodiscard]] bool is_repeated(std::uint64_t key_hash) const noexcept;
  // observe() for many rows at once: the slots are prefetched first, so that the cache misses
  // of a table much larger than the cache overlap instead of coming one after the other.
  void observe_batch(std::span<const std::uint64_t> key_hashes);
  // A table of the repeated keys only (is_repeated() answers the same for every hash), much
  // smaller than this one when few keys repeat: pass 2 probes it for every row.
  [[nodiscard]] duplicate_key_table repeated_only() const;

  [[nodiscard]] std::size_t distinct_keys() const noexcept { return size_; }
  [[nodiscard]] std::size_t repeated_keys() const noexcept { return repeated_keys_; }
  // Rows whose key occurs more than once (the rows pass 2 holds back).
  [[nodiscard]] std::uint64_t repeated_rows() const noexcept { return repeated_rows_; }
  [[nodiscard]] std::size_t bytes_used() const noexcept { return capacity_ * sizeof(std::uint64_t); }

 private:
  [[nodiscard]] std::size_t find_slot(std::uint64_t stored) const noexcept;
  void grow(std::size_t capacity);

  struct free_slots {
    std::size_t mapped_bytes;  // 0 (value-initialised): calloc; else a mapping of that size
    void operator()(std::uint64_t* p) const noexcept;
  };
  using slot_array = std::unique_ptr<std::uint64_t[], free_slots>;
  slot_array slots_;  // capacity_ slots from calloc; 0 = empty
  std::size_t capacity_ = 0;
  std::size_t size_ = 0;
  std::size_t repeated_keys_ = 0;
  std::uint64_t repeated_rows_ = 0;
};

// What is written for one repeated key.
struct duplicate_group {
  std::string key;                          // the folded key
  std::vector<std::uint64_t> source_lines;  // every row of the key, in input order
  // The rows to write (fields in output column order): one for merge, keep-first and
  // keep-last, none for reject, every row for allow.
  std::vector<std::vector<std::string>> rows;
  // The source line each written row stands for in the manifest's line_runs: merge and
  // keep-first the first line, keep-last the last line, allow each row's own line.
  std::vector<std::uint64_t> row_lines;
  // merge only: values replaced by a later, different non-empty value (a conflict worth
  // reporting); 0 when the rows only completed each other.
  std::uint32_t overwritten_values = 0;
};

// Pass 2, on the held-back rows: groups them by folded key and applies the policy. Memory: the
// merged row (or, for allow, every row) and 8 bytes a source line, per key in the spill file
// being processed.
class duplicate_merger {
 public:
  duplicate_merger(duplicate_policy policy, std::size_t key_column) noexcept
      : policy_(policy), key_column_(key_column) {}

  // One held-back row, in input order. Rows shorter than the others count their missing
  // fields as empty.
  void add(std::span<const std::string_view> fields, std::uint64_t source_line);
  void add(std::span<const std::string> fields, std::uint64_t source_line);

  // The groups in order of their keys' first rows; the merger is empty afterwards. A key seen
  // only once (a pass-1 hash collision, or a spill partition's odd one out) comes back as a
  // group of one row, written unchanged whatever the policy.
  [[nodiscard]] std::vector<duplicate_group> finish();

  [[nodiscard]] std::size_t keys() const noexcept { return groups_.size(); }

 private:
  template <typename Field>
  void add_row(std::span<const Field> fields, std::uint64_t source_line);

  duplicate_policy policy_;
  std::size_t key_column_;
  std::unordered_map<std::string, std::size_t> index_;  // folded key -> groups_ position
  std::vector<duplicate_group> groups_;
};

}  // namespace mkbulk::engine
