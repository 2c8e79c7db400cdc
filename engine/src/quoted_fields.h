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

inline constexpr std::size_t NO_QUOTE = ~std::size_t{0};

// The '"' bytes of a record [from, p), in increasing order, from the kernel's quote bits
// (masks[i] for the 64 bytes from position base + 64 i; they cover [from, p)): one pass over
// the bits, each next() the following one (NO_QUOTE after the last).
class quote_bit_cursor {
 public:
  quote_bit_cursor(const block_masks* masks, std::size_t base, std::size_t from,
                   std::size_t p) noexcept
      : masks_(masks), base_(base), p_(p) {
    if (from >= p) return;  // no bytes: bits_ stays 0, bi_ == last_
    bi_ = (from - base) >> 6;
    last_ = (p - 1 - base) >> 6;
    bits_ = masks[bi_].quote & (~std::uint64_t{0} << ((from - base) & 63));
  }
  [[nodiscard]] std::size_t next() noexcept {
    while (bits_ == 0) {
      if (bi_ >= last_) return NO_QUOTE;
      bits_ = masks_[++bi_].quote;
    }
    const std::size_t at = base_ + (bi_ << 6) + static_cast<std::size_t>(std::countr_zero(bits_));
    bits_ &= bits_ - 1;
    return at < p_ ? at : NO_QUOTE;
  }
  // The line ends in [from, p) of d when every CR and LF there lies inside quotes (as in a
  // record, which ends at its first line end outside them), as the careful parser counts them
  // (each LF, and each CR that no LF follows): from the kernel's newline bits outside its
  // structural ones, the bytes read only at those bits.
  [[nodiscard]] std::uint64_t inner_lines(const char* d, std::size_t from) const noexcept {
    if (from >= p_) return 0;
    std::uint64_t lines = 0;
    const std::size_t last = (p_ - 1 - base_) >> 6;
    for (std::size_t b = (from - base_) >> 6; b <= last; ++b) {
      const std::size_t pos0 = base_ + (b << 6);
      std::uint64_t bits = masks_[b].newline & ~masks_[b].structural;
      if (pos0 < from) bits &= ~std::uint64_t{0} << (from - pos0);
      if (p_ - pos0 < 64) bits &= (std::uint64_t{1} << (p_ - pos0)) - 1;
      for (; bits != 0; bits &= bits - 1) {
        const std::size_t at = pos0 + static_cast<std::size_t>(std::countr_zero(bits));
        lines += d[at] == '\r' && at + 1 < p_ && d[at + 1] == '\n' ? 0 : 1;
      }
    }
    return lines;
  }

 private:
  const block_masks* masks_;
  std::size_t base_;
  std::size_t p_;
  std::size_t bi_ = 0;
  std::size_t last_ = 0;
  std::uint64_t bits_ = 0;
};

// The same from the bytes themselves (memchr), where no kernel masks cover the record.
class quote_byte_cursor {
 public:
  quote_byte_cursor(const char* d, std::size_t from, std::size_t p) noexcept
      : d_(d), from_(from), p_(p) {}
  [[nodiscard]] std::size_t next() noexcept {
    if (from_ >= p_) return NO_QUOTE;
    const auto* q = static_cast<const char*>(std::memchr(d_ + from_, '"', p_ - from_));
    if (q == nullptr) {
      from_ = p_;
      return NO_QUOTE;
    }
    const auto at = static_cast<std::size_t>(q - d_);
    from_ = at + 1;
    return at;
  }
  // quote_bit_cursor::inner_lines' count, from the bytes themselves (memchr).
  [[nodiscard]] std::uint64_t inner_lines(const char* d, std::size_t from) const noexcept {
    std::uint64_t lines = 0;
    const char* const end = d + p_;
    const auto find = [end](const char* c, char byte) {
      return static_cast<const char*>(std::memchr(c, byte, static_cast<std::size_t>(end - c)));
    };
    for (const char* c = find(d + from, '\n'); c != nullptr; c = find(c + 1, '\n')) ++lines;
    for (const char* c = find(d + from, '\r'); c != nullptr; c = find(c + 1, '\r')) {
      if (c + 1 == end || c[1] != '\n') ++lines;
    }
    return lines;
  }

 private:
  const char* d_;
  std::size_t from_;
  std::size_t p_;
};

// Whether the n bytes at v hold byte c. Values up to 64 bytes (most quoted ones) are read eight at
// a time and tested with the exact zero-byte trick instead of a call to memchr; this reads up to
// 7 bytes past v + n, which the callers' buffers hold (a record lies before its line end, and
// the window and the read blocks are padded).
[[nodiscard]] inline bool holds_byte(const char* v, std::size_t n, char c) noexcept {
  if constexpr (std::endian::native == std::endian::little) {
    if (n <= 64) {
      constexpr std::uint64_t LOW7 = 0x7f7f7f7f7f7f7f7fULL;
      const std::uint64_t pattern = 0x0101010101010101ULL * static_cast<std::uint8_t>(c);
      std::uint64_t any = 0;
      for (std::size_t i = 0; i < n; i += 8) {
        std::uint64_t w = 0;
        std::memcpy(&w, v + i, 8);
        const std::uint64_t x = w ^ pattern;  // a zero byte where c is
        std::uint64_t zero = ~(((x & LOW7) + LOW7) | x | LOW7);
        if (n - i < 8) zero &= (std::uint64_t{1} << (8 * (n - i))) - 1;
        any |= zero;
      }
      return any != 0;
    }
  }
  return std::memchr(v, c, n) != nullptr;
}

// The record [rs, p) of d (p: its line end, outside quotes), whose quotes the cursor gives in
// order (quote_bit_cursor or quote_byte_cursor from rs), delimiter delim; inner_eol: a CR or LF
// lies inside its quotes. True when every quoted value opens at the record's start or after a
// delimiter, closes right before a delimiter or p, and holds a doubled quote, a delimiter or
// (inner_eol) a line end: its quotes are needed. Then inner_lines is the number of line ends
// inside the values, as the careful parser counts them (each LF, and each CR that no LF
// follows).
template <class QuoteCursor>
[[gnu::always_inline]] inline bool quoted_fields_regular(const char* d, std::size_t rs,
                                                         std::size_t p, char delim,
                                                         bool inner_eol, QuoteCursor& quotes,
                                                         std::uint64_t& inner_lines) {
  for (std::size_t open = quotes.next(); open != NO_QUOTE; open = quotes.next()) {
    if (open != rs && d[open - 1] != delim) return false;  // a bare quote
    bool escaped = false;
    std::size_t close = quotes.next();
    // A doubled quote: its second '"' is the next quote byte.
    while (close != NO_QUOTE && close + 1 < p && d[close + 1] == '"') {
      escaped = true;
      (void)quotes.next();
      close = quotes.next();
    }
    if (close == NO_QUOTE) return false;
    if (close + 1 != p && d[close + 1] != delim) return false;  // bytes after the quote
    const std::size_t n = close - open - 1;
    if (!escaped && !holds_byte(d + open + 1, n, delim) &&
        (!inner_eol || (!holds_byte(d + open + 1, n, '\n') &&
                        !holds_byte(d + open + 1, n, '\r')))) {
      return false;  // quoted without need: re-encoded by the careful path
    }
  }
  // Line ends inside the quoted values (all CR/LF bytes before p are, the quotes being well
  // formed).
  inner_lines = inner_eol ? quotes.inner_lines(d, rs) : 0;
  return true;
}

}  // namespace mkbulk::engine::detail
