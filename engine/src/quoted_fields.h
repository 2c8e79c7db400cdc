// The quick test of a record with quotes, shared by the parser (split_run::quoted_record) and
// the read-ahead thread (typed_verdicts: it lists such a record as checked, so that the parser
// copies it without walking its quotes again): are its quoted values plain RFC 4180, each
// needing its quotes? Such a record is copied as it is; any other goes to the careful parser.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "mkbulk/engine/scan_kernel.h"

namespace mkbulk::engine::detail {

// The first '"' in [from, p) from the kernel's quote bits (masks[i] for the 64 bytes from
// position base + 64 i; they cover [from, p)), or ~0 for none.
[[nodiscard]] inline std::size_t next_quote_bit(const block_masks* masks, std::size_t base,
                                                std::size_t from, std::size_t p) noexcept {
  constexpr std::size_t NONE = ~std::size_t{0};
  if (from >= p) return NONE;
  std::size_t bi = (from - base) >> 6;
  const std::size_t last = (p - 1 - base) >> 6;
  std::uint64_t bits = masks[bi].quote & (~std::uint64_t{0} << ((from - base) & 63));
  while (bits == 0) {
    if (bi == last) return NONE;
    bits = masks[++bi].quote;
  }
  const std::size_t at = base + (bi << 6) + static_cast<std::size_t>(std::countr_zero(bits));
  return at < p ? at : NONE;
}

// The record [rs, p) of d (p: its line end, outside quotes), whose quotes next_quote(from)
// finds (the first '"' in [from, p), or ~0 for none: from the kernel's quote bits or memchr),
// delimiter delim; inner_eol: a CR or LF lies inside its quotes. True when every quoted value
// opens at the record's start or after a delimiter, closes right before a delimiter or p, and
// holds a doubled quote, a delimiter or (inner_eol) a line end: its quotes are needed. Then
// inner_lines is the number of line ends inside the values, as the careful parser counts them
// (each LF, and each CR that no LF follows).
template <class NextQuote>
[[gnu::always_inline]] inline bool quoted_fields_regular(const char* d, std::size_t rs,
                                                         std::size_t p, char delim,
                                                         bool inner_eol, NextQuote&& next_quote,
                                                         std::uint64_t& inner_lines) {
  constexpr std::size_t NONE = ~std::size_t{0};
  std::size_t x = rs;
  while (x < p) {
    const std::size_t open = next_quote(x);
    if (open == NONE) break;
    if (open != rs && d[open - 1] != delim) return false;  // a bare quote
    std::size_t y = open + 1;
    bool escaped = false;
    std::size_t close = NONE;
    while (y < p) {
      const std::size_t at = next_quote(y);
      if (at == NONE) break;
      if (at + 1 < p && d[at + 1] == '"') {
        escaped = true;
        y = at + 2;
        continue;
      }
      close = at;
      break;
    }
    if (close == NONE) return false;
    if (close + 1 != p && d[close + 1] != delim) return false;  // bytes after the quote
    const std::size_t n = close - open - 1;
    if (!escaped && std::memchr(d + open + 1, delim, n) == nullptr &&
        (!inner_eol || (std::memchr(d + open + 1, '\n', n) == nullptr &&
                        std::memchr(d + open + 1, '\r', n) == nullptr))) {
      return false;  // quoted without need: re-encoded by the careful path
    }
    x = close + 1;
  }
  // Line ends inside the quoted values (all CR/LF bytes before p are, the quotes being well
  // formed).
  inner_lines = 0;
  if (inner_eol) {
    const char* const end = d + p;
    const auto find = [end](const char* c, char byte) {
      return static_cast<const char*>(std::memchr(c, byte, static_cast<std::size_t>(end - c)));
    };
    for (const char* c = find(d + rs, '\n'); c != nullptr; c = find(c + 1, '\n')) ++inner_lines;
    for (const char* c = find(d + rs, '\r'); c != nullptr; c = find(c + 1, '\r')) {
      if (c + 1 == end || c[1] != '\n') ++inner_lines;
    }
  }
  return true;
}

}  // namespace mkbulk::engine::detail
