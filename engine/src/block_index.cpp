// Indexing a block ahead of the parser (see block_index.h): the scan kernel once over the block
// with a quote state of our own, kept per 64 bytes; the UTF-8 and NUL check per stretch of
// about 16 KiB between line ends.
#include "block_index.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "mkbulk/engine/scan_dispatch.h"
#include "typed_verdicts.h"

namespace mkbulk::engine::detail {
namespace {

constexpr std::size_t SPAN_BYTES = std::size_t{16} << 10;  // one UTF-8 check per ~16 KiB
constexpr std::size_t PROBE_BLOCKS = 64;                    // pick_start looks at 4 KiB
constexpr std::size_t NO_END = ~std::size_t{0};
static_assert(STATE_CHOICE_BLOCKS % 64 == 0, "a 64 KiB group starts a word of special_blocks_");

}  // namespace

block_index::block_index(std::pmr::memory_resource* arena, std::size_t max_len)
    : masks_(arena), state_(arena), special_blocks_(arena), kept_(arena) {
  const std::size_t nb = (max_len + 63) / 64;
  masks_.reserve(nb);
  state_.reserve(nb + 1);
  special_blocks_.reserve((nb + 63) / 64);
  // Room for records of 80 bytes on average (the generated export's are about 180).
  kept_.reserve(max_len / 80);
}

MKBULK_BIT_LOOP_CLONES std::uint64_t block_index::pick_start(const std::uint8_t* d,
                                                             std::size_t len,
                                                             std::uint8_t delimiter,
                                                             scan_kernel_fn kernel,
                                                             std::size_t n_fields,
                                                             std::uint64_t carried) {
  if (n_fields == 0 || len == 0) return carried;
  const std::size_t nb = std::min(PROBE_BLOCKS, (len + 63) / 64);
  probe_.resize(nb);
  // The whole records (after the first line end) under a state: those with the header's field
  // count, and all of them.
  const auto score = [&](std::uint64_t state, long& records) {
    scan_carry carry{state};
    kernel(d, nb, delimiter, carry, probe_.data());
    long good = 0;
    records = 0;
    bool started = false;
    std::size_t nd = 0;
    std::size_t last_end = NO_END;
    for (std::size_t b = 0; b < nb; ++b) {
      const std::size_t pos0 = 64 * b;
      const std::uint64_t valid =
          len - pos0 >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << (len - pos0)) - 1;
      const block_masks& m = probe_[b];
      const std::uint64_t s = m.structural & valid;
      std::uint64_t delims = s & ~m.newline;
      for (std::uint64_t ends = s & m.newline; ends != 0; ends &= ends - 1) {
        const auto i = static_cast<unsigned>(std::countr_zero(ends));
        const std::size_t p = pos0 + i;
        const std::uint64_t below = (std::uint64_t{1} << i) - 1;
        nd += count_bits(delims & below);
        delims &= ~below;
        if (last_end != NO_END && p == last_end + 1 && d[last_end] == '\r' && d[p] == '\n') {
          last_end = p;  // the LF of a CRLF
          continue;
        }
        if (started) {
          ++records;
          good += nd + 1 == n_fields ? 1 : 0;
        }
        started = true;
        nd = 0;
        last_end = p;
      }
      nd += count_bits(delims);
    }
    return 2 * good - records;  // +1 for each good record, -1 for each other
  };
  // The carried state first: when every one of several records it finds is good, it is kept
  // without trying the other (a wrong choice only costs speed: the parser then scans itself).
  long records = 0;
  const long kept = score(carried, records);
  if (records >= 4 && kept == records) return carried;
  long other_records = 0;
  return score(~carried, other_records) > kept ? ~carried : carried;
}

void block_index::build(const std::uint8_t* d, std::size_t len, std::uint8_t delimiter,
                        scan_kernel_fn kernel, std::size_t n_fields, typed_verdicts* verdicts) {
  const std::size_t nb = (len + 63) / 64;
  len_ = len;
  listed_ = verdicts != nullptr;
  masks_.resize(nb);
  state_.resize(nb + 1);
  special_blocks_.resize((nb + 63) / 64);
  spans_.clear();
  switches_.clear();
  nul_groups_.clear();
  // A state of our own, kept per block in state_, chosen afresh every 64 KiB: a bare quote
  // (which the parser takes as a literal, restarting outside quotes) misleads it to the end of
  // those 64 KiB at most.
  scan_carry carry{};
  kept_.clear();
  if (verdicts != nullptr) verdicts->begin();
  for (std::size_t first = 0; first < nb; first += STATE_CHOICE_BLOCKS) {
    const std::size_t n = std::min(STATE_CHOICE_BLOCKS, nb - first);
    const std::uint64_t picked =
        pick_start(d + 64 * first, len - 64 * first, delimiter, kernel, n_fields, carry.in_quote);
    const bool switched = first > 0 && picked != carry.in_quote;
    if (switched) switches_.push_back(first);
    carry.in_quote = picked;
    carry.nul = 0;
    std::uint64_t c = carry.in_quote;
    kernel(d + 64 * first, n, delimiter, carry, masks_.data() + first);
    if (carry.nul != 0) nul_groups_.push_back(first / STATE_CHOICE_BLOCKS);
    // Per block, while its masks are in the cache: the quote state before it, and whether it
    // holds a special byte (a bit per block, for the spans below).
    std::uint64_t special = 0;
    for (std::size_t k = first; k < first + n; ++k) {
      const block_masks& m = masks_[k];
      state_[k] = c;
      c ^= odd_mask(m.quote);
      special |= static_cast<std::uint64_t>(m.special != 0) << (k % 64);
      if (k % 64 == 63 || k + 1 == first + n) {  // groups start at a multiple of 64 blocks
        special_blocks_[k / 64] = special;
        special = 0;
      }
    }
    // The records of these 64 KiB while their bytes are still in the cache (a line end's byte
    // and the typed values are read).
    if (verdicts != nullptr) verdicts->build(d, len, masks_.data(), first, first + n, switched, kept_);
  }
  state_[nb] = carry.in_quote;
  if (len == 0) return;
  // The UTF-8 check of the kernel's instruction set: no branch on ASCII blocks, which come in
  // no predictable order in an export (kernels/utf8_check_simd.h).
  const utf8_check_fn utf8_valid = utf8_check_for(kernel);
  // The line ends that cut the block into checked spans: the first at or after each 16 KiB
  // (a bad byte sends the records of its span to the parser's one-by-one check: 2.5% of them
  // on the 1 GiB export with 0.1% defects, against 10% with 64 KiB).
  const std::uint64_t last_valid = len % 64 == 0 ? ~std::uint64_t{0}
                                                 : (std::uint64_t{1} << (len % 64)) - 1;
  const auto nl_at = [&](std::size_t b) {
    return b + 1 == nb ? masks_[b].newline & last_valid : masks_[b].newline;
  };
  const auto first_line_end = [&](std::size_t from) -> std::size_t {
    for (std::size_t b = from / 64; b < nb; ++b) {
      std::uint64_t m = nl_at(b);
      if (b == from / 64) m &= ~std::uint64_t{0} << (from % 64);
      if (m != 0) {
        return 64 * b + static_cast<std::size_t>(std::countr_zero(m));
      }
    }
    return len;
  };
  std::size_t last = len;  // the last line end
  for (std::size_t b = nb; b-- > 0;) {
    if (const std::uint64_t m = nl_at(b); m != 0) {
      last = 64 * b + 63 - static_cast<std::size_t>(std::countl_zero(m));
      break;
    }
  }
  if (last == len) return;
  std::size_t begin = first_line_end(0);
  while (begin < last) {
    std::size_t end = std::max(begin + 1, (begin / SPAN_BYTES + 1) * SPAN_BYTES);
    end = end >= last ? last : std::min(last, first_line_end(end));
    // Blocks b0..b1 (those the span touches) in special_blocks_.
    const std::size_t b0 = begin / 64;
    const std::size_t b1 = (end - 1) / 64;
    std::uint64_t any_special = 0;
    for (std::size_t w = b0 / 64; w <= b1 / 64; ++w) {
      std::uint64_t bits = special_blocks_[w];
      if (w == b0 / 64) bits &= ~std::uint64_t{0} << (b0 % 64);
      if (w == b1 / 64) bits &= ~std::uint64_t{0} >> (63 - b1 % 64);
      any_special |= bits;
    }
    const auto* p = reinterpret_cast<const char*>(d + begin);
    // NUL is searched for only in spans that touch a 64 KiB group where the kernel saw one.
    const auto nul_in = [&] {
      const std::size_t g0 = begin / (64 * STATE_CHOICE_BLOCKS);
      const std::size_t g1 = (end - 1) / (64 * STATE_CHOICE_BLOCKS);
      const auto g = std::lower_bound(nul_groups_.begin(), nul_groups_.end(), g0);
      return g != nul_groups_.end() && *g <= g1 && std::memchr(p, 0, end - begin) != nullptr;
    };
    const bool clean = any_special == 0 || (!nul_in() && utf8_valid(d + begin, end - begin));
    spans_.push_back(checked_span{begin, end, clean});
    begin = end;
  }
}

const checked_span* block_index::span_of(std::size_t begin, std::size_t end) const noexcept {
  auto it = std::upper_bound(spans_.begin(), spans_.end(), begin,
                             [](std::size_t x, const checked_span& s) { return x < s.begin; });
  if (it == spans_.begin()) return nullptr;
  --it;
  return (begin >= it->begin && end <= it->end) ? &*it : nullptr;
}

void block_index::list_records(const std::uint8_t* d, typed_verdicts& verdicts) {
  kept_.clear();
  listed_ = true;
  verdicts.begin();
  const std::size_t nb = masks_.size();
  std::size_t next_switch = 0;
  for (std::size_t first = 0; first < nb; first += STATE_CHOICE_BLOCKS) {
    const bool switched = next_switch < switches_.size() && switches_[next_switch] == first;
    if (switched) ++next_switch;
    verdicts.build(d, len_, masks_.data(), first, std::min(first + STATE_CHOICE_BLOCKS, nb),
                   switched, kept_);
  }
}

}  // namespace mkbulk::engine::detail
