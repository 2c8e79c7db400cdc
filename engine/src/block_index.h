// Stage 1 done ahead: the read-ahead thread indexes each block it reads, so that the parsing
// thread only picks bits. The index is the scan kernel's masks for the block (CR/LF bits
// included) with the reader's own quote state before each 64 bytes, chosen every 64 KiB as the
// one its records make sense in; the parser takes them where its own quote state agrees (the
// rule; not after a bare quote, up to the next choice: it scans those bytes itself). Also the
// stretches between line ends that hold no NUL and only valid UTF-8, and for the blocks the
// reader is ahead on, their whole records (with pre-flight, those whose typed values are all
// kept: typed_verdicts.h).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory_resource>
#include <vector>

#include "mkbulk/engine/scan_kernel.h"

// The bit loops that count delimiters (scan_fast, typed_verdicts::build) are built three times
// on x86-64: for x86-64-v3 (BMI1/BMI2 among others: blsr, shlx, bzhi, andn shorten the bit
// arithmetic; every x86-64 CPU since 2015), with POPCNT (since 2008) and for the baseline; one
// is picked at load time (no global -march). On the first declaration: clang wants it there.
#if defined(__x86_64__)
#define MKBULK_BIT_LOOP_CLONES \
  __attribute__((target_clones("arch=x86-64-v3", "popcnt", "default")))
#else
#define MKBULK_BIT_LOOP_CLONES
#endif

namespace mkbulk::engine::detail {

// The reader chooses its quote state afresh every this many 64-byte blocks (64 KiB).
inline constexpr std::size_t STATE_CHOICE_BLOCKS = 1024;

class typed_verdicts;  // typed_verdicts.h

// A whole record of an indexed block with the header's field count (and with pre-flight, its
// typed values all kept as they are), in block positions: [start, end), end its line end; its
// lookup field's bytes [lookup_begin, lookup_end) (quotes included); and what its bytes hold
// (record_flags).
struct kept_record {
  std::uint32_t start;
  std::uint32_t end;
  std::uint32_t lookup_begin;
  std::uint32_t lookup_end;
  std::uint32_t flags;
  bool operator==(const kept_record&) const = default;
};
// kept_record::flags: a quote; a special byte (NUL or >= 0x80, as the kernel marks them); a CR or
// LF inside quotes.
inline constexpr std::uint32_t RECORD_QUOTE = 1;
inline constexpr std::uint32_t RECORD_SPECIAL = 2;
inline constexpr std::uint32_t RECORD_INNER_EOL = 4;
// With RECORD_QUOTE: its quoted values are regular and each needs its quotes (quoted_fields.h:
// the reader checked what the parser's quoted_record would), the line ends inside them being
// flags >> RECORD_INNER_LINES_SHIFT.
inline constexpr std::uint32_t RECORD_QUOTES_REGULAR = 8;
inline constexpr unsigned RECORD_INNER_LINES_SHIFT = 8;
// Bits 4-5: its line end, a line_end (careful_parser.h); none when the reader cannot tell (a
// CR in the block's last byte, whose LF may come next).
inline constexpr unsigned RECORD_EOL_SHIFT = 4;
inline constexpr std::uint32_t RECORD_EOL_MASK = 3;

// [begin, end) in block positions: begin and end are CR/LF bytes (ASCII, so a cut there never
// splits a UTF-8 sequence); clean: no NUL and valid UTF-8 throughout.
struct checked_span {
  std::size_t begin;
  std::size_t end;
  bool clean;
};

class block_index {
 public:
  block_index() = default;
  // With its per-block arrays for blocks of up to max_len bytes reserved once from arena (it
  // must outlive the index): the read-ahead thread's indexes take them from the unused end of
  // their read block's huge page (input_window, huge_pages.h).
  block_index(std::pmr::memory_resource* arena, std::size_t max_len);
  // Indexes len bytes at d (readable in whole 64-byte blocks: the caller pads them); with
  // verdicts, also lists the block's whole records (with pre-flight, those whose typed values
  // are all kept). n_fields (the header's; 0: unknown) picks the quote state at the block's
  // start (pick_start).
  void build(const std::uint8_t* d, std::size_t len, std::uint8_t delimiter,
             scan_kernel_fn kernel, std::size_t n_fields = 0,
             typed_verdicts* verdicts = nullptr);
  [[nodiscard]] std::size_t blocks() const noexcept { return masks_.size(); }
  // The kernel's masks for the blocks from block first on, when the quote state carry at its
  // start is the reader's: n of them, or fewer up to where the reader chose its state afresh
  // (n is cut there), and carry becomes the state after them; null otherwise.
  [[nodiscard]] const block_masks* run(std::size_t first, std::size_t& n,
                                       scan_carry& carry) const noexcept {
    if (carry.in_quote != state_[first]) return nullptr;
    const auto next = std::upper_bound(switches_.begin(), switches_.end(), first);
    const bool cut = next != switches_.end() && *next <= first + n;
    if (cut) n = *next - first;
    // At a switch the reader's state flipped without a quote: the run's own state goes on.
    carry.in_quote = cut ? ~state_[first + n] : state_[first + n];
    return masks_.data() + first;
  }
  // Whether the record [start, end) (block positions, end its line end) is one build()
  // listed (with pre-flight: its typed values all kept). cursor: the caller's place in the
  // list (0 for a new index), for records asked in increasing order.
  [[nodiscard]] bool kept(std::size_t start, std::size_t end, std::size_t& cursor) const noexcept {
    const kept_record* r = record_at(start, cursor);
    return r != nullptr && r->end == end;
  }
  // The listed record that starts at start (block position), or null; cursor as for kept()
  // (the first record not before the last start asked; searched again for an earlier start).
  [[nodiscard]] const kept_record* record_at(std::size_t start, std::size_t& cursor) const noexcept {
    if (cursor > kept_.size() || (cursor > 0 && kept_[cursor - 1].start >= start)) {
      cursor = static_cast<std::size_t>(
          std::lower_bound(kept_.begin(), kept_.end(), start,
                           [](const kept_record& r, std::size_t x) { return r.start < x; }) -
          kept_.begin());
    }
    while (cursor < kept_.size() && kept_[cursor].start < start) ++cursor;
    return cursor < kept_.size() && kept_[cursor].start == start ? &kept_[cursor] : nullptr;
  }
  [[nodiscard]] bool has_records() const noexcept { return !kept_.empty(); }
  // Lists the records of the block build() indexed without them, as build() would have with
  // verdicts: for the parsing thread, on a block the reader did not list. d: the block's bytes.
  void list_records(const std::uint8_t* d, typed_verdicts& verdicts);
  // Whether build() (with verdicts) or list_records() listed the records, none perhaps.
  [[nodiscard]] bool listed() const noexcept { return listed_; }
  // The listed records, in increasing order (a cursor of record_at is an index into them).
  [[nodiscard]] const kept_record* records() const noexcept { return kept_.data(); }
  [[nodiscard]] std::size_t record_count() const noexcept { return kept_.size(); }
  // The masks of block 0 on (the reader's quote states).
  [[nodiscard]] const block_masks* masks() const noexcept { return masks_.data(); }
  // The checked span that holds [begin, end) (block positions), or null.
  [[nodiscard]] const checked_span* span_of(std::size_t begin, std::size_t end) const noexcept;

 private:
  std::pmr::vector<block_masks> masks_;    // per block, for the reader's quote state, in place
  std::pmr::vector<std::uint64_t> state_;  // the reader's quote state before each block (one more)
  std::pmr::vector<std::uint64_t> special_blocks_;  // bit k: block k holds a special byte
  std::vector<checked_span> spans_;
  std::pmr::vector<kept_record> kept_;  // in increasing order
  std::size_t len_ = 0;             // the block's bytes
  bool listed_ = false;
  std::vector<block_masks> probe_;  // pick_start's
  std::vector<std::size_t> switches_;  // blocks where the reader's state was chosen afresh, flipped
  std::vector<std::size_t> nul_groups_;  // 64 KiB groups (increasing) where the kernel saw a NUL

  // The quote state at a position is the parser's where it gets there, which the reader cannot
  // know (a quoted value may span the boundary, a bare quote before it is taken literally):
  // the one under which more of the next 4 KiB's whole records have the header's field count
  // (carried on a tie, and without trying the other when at least four records all have it).
  // Built like the record walks (MKBULK_BIT_LOOP_CLONES): it counts delimiters by popcount.
  MKBULK_BIT_LOOP_CLONES std::uint64_t pick_start(const std::uint8_t* d, std::size_t len,
                                                  std::uint8_t delimiter, scan_kernel_fn kernel,
                                                  std::size_t n_fields, std::uint64_t carried);
};

// The bits set in x: one POPCNT in the x86-64-v3 and popcnt clones of a MKBULK_BIT_LOOP_CLONES
// function, a library call in the baseline one.
__attribute__((always_inline)) inline std::size_t count_bits(std::uint64_t x) noexcept {
  return static_cast<std::size_t>(__builtin_popcountll(x));
}

// The bits of the 64-byte block at pos0 from position from on (from < pos0 + 64).
inline std::uint64_t bits_from(std::size_t from, std::size_t pos0) noexcept {
  return from > pos0 ? ~((std::uint64_t{1} << (from - pos0)) - 1) : ~std::uint64_t{0};
}

// All ones when x has an odd number of bits (a block with an odd number of quotes flips the
// quote state). Without -mpopcnt (no global -march), std::popcount is a library call: fold to
// nibbles, then one multiply sums their parities.
inline std::uint64_t odd_mask(std::uint64_t x) noexcept {
  x ^= x >> 1;
  x ^= x >> 2;
  x = (x & 0x1111111111111111u) * 0x1111111111111111u;
  return std::uint64_t{0} - ((x >> 60) & 1);
}

}  // namespace mkbulk::engine::detail
