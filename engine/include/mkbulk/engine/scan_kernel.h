// Stage 1 of the engine: the structural index of delimited text, 64 bytes at a time.
// Owns the block_masks format and the kernel signature; the kernels themselves live in
// engine/src/scan_kernel_*.cpp (one per instruction set) and are picked by scan_dispatch.
// Turning masks into records and fields is stage 2's job (record parsing), not the kernels'.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mkbulk::engine {

inline constexpr std::size_t SCAN_BLOCK_BYTES = 64;

// Bit i of each mask describes byte i of the block.
struct block_masks {
  // Delimiter, '\n' and '\r' bytes that lie outside quoted regions (RFC 4180 quote parity:
  // prefix-XOR over the quote mask, carried across blocks). Stage 2 looks at the byte to know
  // which of the three it is.
  std::uint64_t structural;
  // Every '"' byte, inside or outside quotes.
  std::uint64_t quote;
  // NUL bytes and bytes >= 0x80: the record that holds one needs a closer look (NUL is
  // rejected, non-ASCII is UTF-8 validated).
  std::uint64_t special;
  // Every '\n' and '\r' byte, inside or outside quotes: with structural, it tells record ends
  // from delimiters and finds line ends inside quoted values.
  std::uint64_t newline;

  friend bool operator==(const block_masks&, const block_masks&) = default;
};

// Carried from one block to the next: the quote parity (all ones while inside a quoted region),
// and the NUL bytes seen so far (the OR of their bits: nonzero once any block held a NUL), so
// that a caller can tell stretches free of NUL without searching them again.
struct scan_carry {
  std::uint64_t in_quote = 0;
  std::uint64_t nul = 0;
  friend bool operator==(const scan_carry&, const scan_carry&) = default;
};

// A kernel scans n_blocks * 64 bytes at data (all readable; the caller pads the tail), writes
// one block_masks per block to out, and updates carry. Kernels never fail and never allocate.
using scan_kernel_fn = void (*)(const std::uint8_t* data, std::size_t n_blocks,
                                std::uint8_t delimiter, scan_carry& carry,
                                block_masks* out) noexcept;

// Whether len bytes at data are well-formed UTF-8 (reads only those bytes). Each kernel has
// one, for the same instruction set (scan_dispatch.h); the reference is simdjson's validator,
// and every other check must give its answer.
using utf8_check_fn = bool (*)(const std::uint8_t* data, std::size_t len) noexcept;
bool utf8_valid_scalar(const std::uint8_t* data, std::size_t len) noexcept;

// The reference kernel: plain C++, one byte at a time. Every other kernel must give exactly
// its answer.
void scan_blocks_scalar(const std::uint8_t* data, std::size_t n_blocks, std::uint8_t delimiter,
                        scan_carry& carry, block_masks* out) noexcept;

}  // namespace mkbulk::engine
