// Stage 1 done ahead: the read-ahead thread indexes each block it reads, so that the parsing
// thread only picks bits. The scan kernel's masks are kept in a form that does not depend on
// the quote state at the block's start (the parser knows that state only when it gets there,
// and a resynchronisation resets it), with the CR/LF bits, and the stretches between line ends
// that hold no NUL and only valid UTF-8. Also the CR/LF masks for the parser's own scans.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "mkbulk/engine/scan_kernel.h"

namespace mkbulk::engine::detail {

// 64 bytes of input, indexed. For another quote state at the block's start the structural
// bits are the other candidates: structural ^ cand. The reader's state differs from the
// parser's only by a constant along the block (both flip on the same quotes), so the parser
// pays one XOR per block and no parity.
struct indexed_block {
  std::uint64_t structural;  // the kernel's, for the reader's quote state (state_ below)
  std::uint64_t cand;        // delimiter, CR and LF bits that are not quotes
  std::uint64_t quote;    // as block_masks
  std::uint64_t special;  // as block_masks
  std::uint64_t nl;       // CR and LF bytes, quoted or not
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
  [[nodiscard]] std::size_t blocks() const noexcept { return blocks_.size(); }
  // The kernel's answer for n blocks from block first, for the quote state carry at its start
  // (updated to the state after them): masks into out, CR/LF bits into nl.
  void expand(std::size_t first, std::size_t n, scan_carry& carry, block_masks* out,
              std::uint64_t* nl) const noexcept;
  // The checked span that holds [begin, end) (block positions), or null.
  [[nodiscard]] const checked_span* span_of(std::size_t begin, std::size_t end) const noexcept;

 private:
  std::vector<indexed_block> blocks_;
  std::vector<std::uint64_t> state_;  // the reader's quote state before each block (one more)
  std::vector<checked_span> spans_;
  std::vector<block_masks> scratch_;  // build's buffers for one kernel call
  std::vector<std::uint64_t> nl_;
  std::vector<std::uint64_t> cand_;
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
