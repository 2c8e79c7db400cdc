// The read-ahead thread's pre-flight of a block's records (typed_verdicts.h): the records
// between the block's line ends, from its scan kernel masks, each checked like the parser's
// typed_spans() would.
#include "typed_verdicts.h"

#include <bit>

#include "careful_parser.h"
#include "quoted_fields.h"

namespace mkbulk::engine::detail {
namespace {
constexpr std::size_t NONE = ~std::size_t{0};

// What a record walk reads of the 64-byte block at pos0 (bits past len cleared): the line ends
// and delimiters outside quotes, the quotes, special bytes and line ends inside quotes.
struct walk_bits {
  std::uint64_t ends;
  std::uint64_t delims;
  std::uint64_t quote;
  std::uint64_t special;
  std::uint64_t inner;
  [[gnu::always_inline]] walk_bits(const block_masks& m, std::size_t pos0,
                                   std::size_t len) noexcept {
    const std::uint64_t valid =
        len - pos0 >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << (len - pos0)) - 1;
    const std::uint64_t s = m.structural & valid;
    const std::uint64_t nl = m.newline & valid;
    ends = s & nl;
    delims = s & ~nl;
    quote = m.quote & valid;
    special = m.special & valid;
    inner = nl & ~s;
  }
};

// The line end at p as RECORD_EOL bits: none (unknown) for a CR in the block's last byte.
[[gnu::always_inline]] inline std::uint32_t eol_flags(const char* text, std::size_t p,
                                                      std::size_t len) {
  line_end e = line_end::lf;
  if (text[p] == '\r') {
    e = p + 1 == len ? line_end::none : text[p + 1] == '\n' ? line_end::crlf : line_end::cr;
  }
  return static_cast<std::uint32_t>(e) << RECORD_EOL_SHIFT;
}

// Where the next record starts after the line end at p (eol: eol_flags'): after a CRLF's LF;
// unknown (NONE) after a CR in the block's last byte, whose LF may come first in the next block.
[[gnu::always_inline]] inline std::size_t next_start(std::uint32_t eol, std::size_t p) {
  const auto e = static_cast<line_end>(eol >> RECORD_EOL_SHIFT);
  return e == line_end::none ? NONE : after_line_end(e, p);
}
}  // namespace

std::vector<std::uint32_t> asked_delimiters(const record_checker* checker, std::size_t n_fields,
                                            std::initializer_list<std::size_t> more) {
  const std::size_t delims = n_fields == 0 ? 0 : n_fields - 1;
  std::vector<bool> need(delims, false);
  const auto ask = [&](std::size_t j) {
    if (j < delims) need[j] = true;
  };
  for (const std::size_t j : more) ask(j);
  if (checker != nullptr) {
    for (const record_checker::typed_column& c : checker->typed_columns()) {
      if (c.column > 0) ask(c.column - 1);
      ask(c.column);
    }
    if (checker->checked_end() > 0) ask(checker->checked_end() - 1);
  }
  std::vector<std::uint32_t> asked;
  for (std::size_t j = 0; j < delims; ++j) {
    if (need[j]) asked.push_back(static_cast<std::uint32_t>(j));
  }
  asked.push_back(~std::uint32_t{0});  // the sentinel
  return asked;
}

void typed_verdicts::plan_needed() {
  const record_checker* checker = checker_ ? &*checker_ : nullptr;
  needed_ = lookup_ > 0 ? asked_delimiters(checker, n_fields_, {lookup_ - 1, lookup_})
                        : asked_delimiters(checker, n_fields_, {lookup_});
  at_.assign(n_fields_ == 0 ? 1 : n_fields_, 0);
}

void typed_verdicts::begin() noexcept {
  rs_ = NONE;
  counts_[0] = counts_[1] = open_counts_[0] = open_counts_[1] = 0;
}

void typed_verdicts::build(const std::uint8_t* d, std::size_t len, const block_masks* masks,
                           std::size_t first, std::size_t last, bool switched,
                           std::pmr::vector<kept_record>& kept) {
  if (n_fields_ == 0) return;
  if (switched) begin();  // the masks' state flips at first: no record is listed across it
  if (checker_) {
    walk_typed(d, len, masks, first, last, kept);
  } else {
    walk_plain(d, len, masks, first, last, kept);
  }
}

void typed_verdicts::quotes_checked(const char* text, const block_masks* masks, std::size_t rs,
                                    std::size_t p, std::uint32_t& flags) const {
  // The record's '"' bytes from the kernel's quote bits (the bytes' own, whatever the quote
  // state), as the parser finds them for a listed record.
  quote_bit_cursor quotes(masks, 0, rs, p);
  std::uint64_t inner_lines = 0;
  if (quoted_fields_regular(text, rs, p, delimiter_, (flags & RECORD_INNER_EOL) != 0, quotes,
                            inner_lines) &&
      inner_lines <= (~std::uint32_t{0} >> RECORD_INNER_LINES_SHIFT)) {
    flags |= RECORD_QUOTES_REGULAR |
             static_cast<std::uint32_t>(inner_lines << RECORD_INNER_LINES_SHIFT);
  }
}

void typed_verdicts::note_needed(const block_masks* masks, std::size_t rs) {
  constexpr std::uint32_t SENTINEL = ~std::uint32_t{0};
  const std::uint32_t* next = needed_.data();
  if (*next == SENTINEL) return;
  std::size_t b = rs / 64;
  std::uint64_t bits = masks[b].structural & ~masks[b].newline & bits_from(rs, 64 * b);
  for (std::size_t nd = 0;;) {
    const std::size_t count = count_bits(bits);
    note_asked(next, nd, count, 64 * b, bits, bmi2_, at_.data());
    if (*next == SENTINEL) return;
    nd += count;
    ++b;
    bits = masks[b].structural & ~masks[b].newline;
  }
}

// One loop for both, built twice with and without a schema (walk_plain, walk_typed) and each of
// those three times (MKBULK_BIT_LOOP_CLONES). Each record's delimiters, quotes, special bytes
// and inner line ends are counted as the difference of running counts at its start and at its
// line end (a popcount per mask per 64 bytes and per line end, no per-record state to carry
// from block to block); only for a record with the header's field count are the positions of the
// delimiters asked for found, in one walk from its start (note_needed): the lookup field's
// bounds, and with a schema those of the typed values, whose verdict decides whether it is
// listed. The counts go two to a 64-bit word (delimiters and inner line ends; quotes and
// special bytes), 32 bits each: they start at 0 with each block (begin()), whose positions fit
// 32 bits (kept_record), so a field never carries into the next and a difference is each
// field's.
template <bool Typed>
[[gnu::always_inline]] inline void typed_verdicts::walk(const std::uint8_t* d, std::size_t len,
                                                        const block_masks* masks,
                                                        std::size_t first, std::size_t last,
                                                        std::pmr::vector<kept_record>& kept) {
  const auto* text = reinterpret_cast<const char*>(d);
  constexpr std::uint64_t LOW = 0xffffffffU;
  const auto pair = [](std::uint64_t low, std::uint64_t high) __attribute__((always_inline)) {
    return count_bits(low) | (count_bits(high) << 32);
  };
  const auto at = [this](std::size_t j) __attribute__((always_inline)) { return at_[j]; };
  std::size_t rs = rs_;
  std::uint64_t c_di = counts_[0];  // delimiters | inner line ends << 32, before block b
  std::uint64_t c_qs = counts_[1];  // quotes | special bytes << 32
  std::uint64_t o_di = open_counts_[0];  // the same before the open record
  std::uint64_t o_qs = open_counts_[1];
  for (std::size_t b = first; b < last; ++b) {
    const std::size_t pos0 = 64 * b;
    const walk_bits w(masks[b], pos0, len);
    for (std::uint64_t ends = w.ends; ends != 0; ends &= ends - 1) {
      const auto i = static_cast<unsigned>(std::countr_zero(ends));
      const std::size_t p = pos0 + i;
      if (rs != NONE && p < rs) continue;  // the LF of a CRLF
      const std::uint64_t below = (std::uint64_t{1} << i) - 1;
      const std::uint64_t e_di = c_di + pair(w.delims & below, w.inner & below);
      const std::uint64_t e_qs = c_qs + pair(w.quote & below, w.special & below);
      const std::uint32_t eol = eol_flags(text, p, len);
      const std::uint64_t di = e_di - o_di;
      if (rs != NONE && (di & LOW) + 1 == n_fields_) {
        note_needed(masks, rs);
        bool listed = true;
        if constexpr (Typed) {
          value_verdict v = value_verdict::keep;
          listed = typed_record_verdict(text, rs, p, n_fields_, *checker_, at, value_, v) &&
                   v == value_verdict::keep;
        }
        if (listed) {
          const std::uint64_t qs = e_qs - o_qs;
          std::uint32_t flags = eol;
          if ((qs & LOW) != 0) flags |= RECORD_QUOTE;
          if ((qs >> 32) != 0) flags |= RECORD_SPECIAL;
          if ((di >> 32) != 0) flags |= RECORD_INNER_EOL;
          if ((flags & RECORD_QUOTE) != 0) quotes_checked(text, masks, rs, p, flags);
          const std::size_t lk_b = lookup_ == 0 ? rs : at(lookup_ - 1) + 1;
          const std::size_t lk_e = lookup_ + 1 < n_fields_ ? at(lookup_) : p;
          kept.push_back(kept_record{static_cast<std::uint32_t>(rs), static_cast<std::uint32_t>(p),
                                     static_cast<std::uint32_t>(lk_b),
                                     static_cast<std::uint32_t>(lk_e), flags});
        }
      }
      rs = next_start(eol, p);
      o_di = e_di;
      o_qs = e_qs;
    }
    c_di += pair(w.delims, w.inner);
    c_qs += pair(w.quote, w.special);
  }
  rs_ = rs;
  counts_[0] = c_di;
  counts_[1] = c_qs;
  open_counts_[0] = o_di;
  open_counts_[1] = o_qs;
}

MKBULK_BIT_LOOP_CLONES void typed_verdicts::walk_plain(const std::uint8_t* d, std::size_t len,
                                                       const block_masks* masks, std::size_t first,
                                                       std::size_t last,
                                                       std::pmr::vector<kept_record>& kept) {
  walk<false>(d, len, masks, first, last, kept);
}

MKBULK_BIT_LOOP_CLONES void typed_verdicts::walk_typed(const std::uint8_t* d, std::size_t len,
                                                       const block_masks* masks, std::size_t first,
                                                       std::size_t last,
                                                       std::pmr::vector<kept_record>& kept) {
  walk<true>(d, len, masks, first, last, kept);
}

}  // namespace mkbulk::engine::detail
