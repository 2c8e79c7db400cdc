// Stage 1 done ahead: the read-ahead thread indexes each block it reads, so that the parsing
// thread only picks bits (index_run below). The scan kernel's masks are kept in a form that does not depend on
// the quote state at the block's start (the parser knows that state only when it gets there,
// and a resynchronisation resets it), with the CR/LF bits, and the stretches between line ends
// that hold no NUL and only valid UTF-8. Also the CR/LF masks for the parser's own scans.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "mkbulk/engine/scan_kernel.h"

namespace mkbulk::engine::detail {

// A run of indexed blocks as the parser sees them from its own quote state. The masks are the
// kernel's for the reader's state; for the other state at the block's start the structural
// bits are the other candidates (structural ^ cand). The reader's state differs from the
// parser's only by a constant along the run (both flip on the same quotes), so the parser pays
// one AND and one XOR per block and no parity, and nothing is copied.
struct index_run {
  const block_masks* masks;  // quote and special bits as they are; structural: see below
  const std::uint64_t* cand;  // delimiter, CR and LF bits (never quotes)
  const std::uint64_t* nl;    // CR and LF bytes, quoted or not
  std::uint64_t delta;        // all ones when the parser's state differs from the reader's
  [[nodiscard]] std::uint64_t structural(std::size_t k) const noexcept {
    return masks[k].structural ^ (delta & cand[k]);
  }
};

// [begin, end) in block positions: begin and end are CR/LF bytes (ASCII, so a cut there never
// splits a UTF-8 sequence); clean: no NUL and valid UTF-8 throughout.
struct checked_span {
  std::size_t begin;
  std::size_t end;
  bool clean;
};

class block_index {
 public:
  // Indexes len bytes at d (readable in whole 64-byte blocks: the caller pads them).
  void build(const std::uint8_t* d, std::size_t len, std::uint8_t delimiter,
             scan_kernel_fn kernel);
  [[nodiscard]] std::size_t blocks() const noexcept { return masks_.size(); }
  // The kernel's answer for n blocks from block first, for the quote state carry at its start
  // (updated to the state after them).
  [[nodiscard]] index_run run(std::size_t first, std::size_t n, scan_carry& carry) const noexcept {
    const std::uint64_t delta = carry.in_quote ^ state_[first];
    carry.in_quote = state_[first + n] ^ delta;
    return index_run{masks_.data() + first, cand_.data() + first, nl_.data() + first, delta};
  }
  // The checked span that holds [begin, end) (block positions), or null.
  [[nodiscard]] const checked_span* span_of(std::size_t begin, std::size_t end) const noexcept;

 private:
  // Per block, written in place by the kernel and the compare pass.
  std::vector<block_masks> masks_;    // for the reader's quote state (state_ below)
  std::vector<std::uint64_t> cand_;   // delimiter, CR and LF bits
  std::vector<std::uint64_t> nl_;     // CR and LF bits
  std::vector<std::uint64_t> state_;  // the reader's quote state before each block (one more)
  std::vector<checked_span> spans_;
};

// All ones when x has an odd number of bits (a block with an odd number of quotes flips the
// quote state). Without -mpopcnt (no global -march), std::popcount is a library call: fold to
// nibbles, then one multiply sums their parities.
inline std::uint64_t odd_mask(std::uint64_t x) noexcept {
  x ^= x >> 1;
  x ^= x >> 2;
  x = (x & 0x1111111111111111u) * 0x1111111111111111u;
  return std::uint64_t{0} - ((x >> 60) & 1);
}

// Bit i of out[b] set when byte i of the b-th 64-byte block at d is CR or LF (nb blocks).
void line_end_masks(const std::uint8_t* d, std::size_t nb, std::uint64_t* out) noexcept;

}  // namespace mkbulk::engine::detail
