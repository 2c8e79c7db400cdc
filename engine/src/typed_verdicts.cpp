// The read-ahead thread's pre-flight of a block's records (typed_verdicts.h): the records
// between the block's line ends, from its scan kernel masks, each checked like the parser's
// typed_spans() would.
#include "typed_verdicts.h"

#include <bit>

namespace mkbulk::engine::detail {
namespace {
constexpr std::size_t NONE = ~std::size_t{0};
}  // namespace

void typed_verdicts::build(const std::uint8_t* d, std::size_t len, const block_masks* masks,
                           const std::vector<std::size_t>& switches,
                           std::vector<kept_record>& kept) {
  walk(d, len, masks, switches, kept);
}

MKBULK_POPCNT_CLONES void typed_verdicts::walk(const std::uint8_t* d, std::size_t len,
                                               const block_masks* masks,
                                               const std::vector<std::size_t>& switches,
                                               std::vector<kept_record>& kept) {
  const auto* text = reinterpret_cast<const char*>(d);
  const std::size_t nb = (len + 63) / 64;
  std::size_t rs = NONE;  // the open record's start: none before the block's first line end
  std::size_t nd = 0;
  blocks_.clear();
  // The open record's delimiters in bits (a block's, from position from on): counted, and
  // kept by block up to the last one a check may ask for.
  const auto take = [&](std::size_t pos0, std::uint64_t bits) __attribute__((always_inline)) {
    if (bits == 0) return;
    const std::size_t count = count_bits(bits);
    if (nd < kept_delims_) blocks_.push_back(delim_block{pos0, bits, nd, nd + count});
    nd += count;
  };
  // The position of the open record's delimiter j (j < kept_delims_).
  const auto at = [&](std::size_t j) {
    std::size_t k = 0;
    while (j >= blocks_[k].last) ++k;
    return blocks_[k].pos0 + select_bit(blocks_[k].bits, j - blocks_[k].first, bmi2_);
  };
  auto next_switch = switches.begin();
  for (std::size_t b = 0; b < nb; ++b) {
    const std::size_t pos0 = 64 * b;
    if (next_switch != switches.end() && *next_switch == b) {  // the masks' state flips here
      ++next_switch;
      rs = NONE;
      nd = 0;
      blocks_.clear();
    }
    const std::uint64_t valid =
        len - pos0 >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << (len - pos0)) - 1;
    const block_masks& m = masks[b];
    const std::uint64_t s = m.structural & valid;
    const std::uint64_t delims = s & ~m.newline;
    for (std::uint64_t ends = s & m.newline; ends != 0; ends &= ends - 1) {
      const auto i = static_cast<unsigned>(std::countr_zero(ends));
      const std::size_t p = pos0 + i;
      if (rs != NONE && p < rs) continue;  // the LF of a CRLF
      if (rs != NONE) {
        take(pos0, delims & ((std::uint64_t{1} << i) - 1) & bits_from(rs, pos0));
        value_verdict v = value_verdict::reject;
        if (nd + 1 == n_fields_ &&
            typed_record_verdict(text, rs, p, n_fields_, checker_, at, value_, v) &&
            v == value_verdict::keep) {
          kept.push_back(kept_record{static_cast<std::uint32_t>(rs), static_cast<std::uint32_t>(p)});
        }
      }
      // The next record starts after the line end (a CRLF's LF included); a CR in the block's
      // last byte leaves it unknown (its LF may come first in the next block).
      rs = p + 1;
      if (text[p] == '\r') {
        if (p + 1 == len) {
          rs = NONE;
        } else if (text[p + 1] == '\n') {
          rs = p + 2;
        }
      }
      nd = 0;
      blocks_.clear();
    }
    if (rs != NONE && rs < pos0 + 64) {  // the rest of the block belongs to the open record
      take(pos0, delims & bits_from(rs, pos0));
    }
  }
}

}  // namespace mkbulk::engine::detail
