// The split pipeline's hot loop (stage 2). Stage 1 marks structural bytes, quotes and special
// bytes over 64 KiB of the window at a time: expanded from the reader's block index, else by
// the scan kernel here (block_index.h). This loop walks the structural bits: a delimiter bit
// counts a field, a CR/LF bit ends a record. A record without quote bits takes the fast path
// (field count = delimiter bits + 1; with an unchanged dialect its bytes are copied as they
// are, runs of adjacent records in one memcpy). A record with a quote bit goes through the
// careful parser, which knows bare quotes; when it disagrees with the kernel about where the
// record ends, scanning restarts at the careful end with quote parity 0. This file holds the
// loops; the per-record decisions are in split_records.cpp.
#include <algorithm>
#include <bit>

#include "mkbulk/engine/duplicate_keys.h"
#include "split_duplicates.h"
#include "split_run.h"

namespace mkbulk::engine::detail {

namespace {
constexpr std::uint64_t PROGRESS_EVERY = std::uint64_t{32} << 20;
}  // namespace

void split_run::report_progress(bool force) {
  if (!progress_) return;
  const std::uint64_t read = win_.bytes_read();
  if (!force && read < next_progress_) return;
  next_progress_ = read + PROGRESS_EVERY;
  progress_(split_progress{read, win_.file_size(), result_.result.counts.rows_in});
}

bool split_run::main_loop() {
  masks_.resize(WINDOW_BLOCKS);
  // With fast_copy_, take_listed() copies listed records in take_plain()'s lane, and the parser
  // lists the blocks the reader did not: with pre-flight the lists hold only records whose
  // typed values are all kept (fast_record's and regular_quoted_record's kept_ahead() paths:
  // no warning to commit); with a duplicate pass each record gets hold_back()'s answer.
  if (fast_copy_ && verdicts_) own_verdicts_ = make_verdicts();
  std::size_t rs = header_next_;
  for (;;) {
    if (writer_->failed()) {
      std::vector<chunk_info> ignored;
      std::string err;
      (void)writer_->finish(ignored, err);
      return fail(split_status::io_error, err);
    }
    const scan_result r = fast_copy_ ? scan_fast(rs) : scan(rs);
    rs = r.rs;
    switch (r.what) {
      case step::restart:
      case step::ok:
        continue;
      case step::finished:
        return true;
      case step::stop:
        return false;
      case step::more:
        break;
    }
    writer_->flush_pending();
    win_.compact(rs);
    clean_until_ = dirty_until_ = 0;
    rs = 0;
    if (win_.size() < win_.capacity()) {
      if (!win_.read_some()) return fail(split_status::io_error, win_.error());
      report_progress(false);
      continue;
    }
    // The window is full and holds one unfinished record: longer than limit_, so the careful
    // parser stops with overflow and the record is resynchronised or skipped.
    std::size_t resume = 0;
    if (careful_record_at(0, resume) == step::stop) return false;
    window_moved_ = false;
    rs = resume;
  }
}

split_run::scan_result split_run::scan(std::size_t rs) {
  const std::uint8_t* d = win_.data();
  const std::size_t len = win_.size();
  scan_carry carry{};
  std::size_t last_quote = NO_POS;
  std::size_t last_special = NO_POS;
  std::size_t nd = 0;
  std::size_t lk_b = rs;
  std::size_t lk_e = NO_POS;
  delims_.clear();
  for (std::size_t w = rs; w < len; w += WINDOW_BLOCKS * 64) {
    const std::size_t nb = std::min(WINDOW_BLOCKS, (len - w + 63) / 64);
    kernel_(d + w, nb, delim_, carry, masks_.data());
    for (std::size_t b = 0; b < nb; ++b) {
      const std::size_t pos0 = w + b * 64;
      const std::uint64_t valid =
          (len - pos0 >= 64) ? ~std::uint64_t{0} : (std::uint64_t{1} << (len - pos0)) - 1;
      const block_masks& m = masks_[b];
      std::uint64_t s = m.structural & valid;
      const std::uint64_t q = m.quote & valid;
      const std::uint64_t sp = m.special & valid;
      while (s != 0) {
        const auto i = static_cast<unsigned>(std::countr_zero(s));
        s &= s - 1;
        const std::size_t p = pos0 + i;
        if (p < rs) continue;  // the LF of a CRLF
        const std::uint8_t c = d[p];
        if (c == delim_) {
          ++nd;
          if (!fast_copy_) delims_.push_back(p);
          if (nd == lookup_) {
            lk_b = p + 1;
          } else if (nd == lookup_ + 1) {
            lk_e = p;
          }
          continue;
        }
        // A line end: the record [rs, p) is complete. Were there quote or special bits in it?
        const std::uint64_t below = (std::uint64_t{1} << i) - 1;
        const std::size_t lq =
            (q & below) ? pos0 + 63 - static_cast<std::size_t>(std::countl_zero(q & below))
                        : last_quote;
        const std::size_t ls =
            (sp & below) ? pos0 + 63 - static_cast<std::size_t>(std::countl_zero(sp & below))
                         : last_special;
        std::size_t next = 0;
        line_end eol{};
        if (!line_end_at(p, eol, next)) return {step::more, rs};
        std::size_t resume = next;
        step st;
        if (lq != NO_POS && lq >= rs) {
          st = quoted_record(rs, p, eol, nd, lk_b, lk_e == NO_POS ? p : lk_e,
                             ls != NO_POS && ls >= rs, true, resume);
        } else {
          st = fast_record(rs, p, eol, nd, lk_b, lk_e == NO_POS ? p : lk_e,
                           ls != NO_POS && ls >= rs);
        }
        if (st != step::ok) return {st, rs};
        if (resume != next || window_moved_) {
          window_moved_ = false;
          return {step::restart, resume};
        }
        rs = next;
        nd = 0;
        lk_b = rs;
        lk_e = NO_POS;
        delims_.clear();
      }
      if (q != 0) last_quote = pos0 + 63 - static_cast<std::size_t>(std::countl_zero(q));
      if (sp != 0) last_special = pos0 + 63 - static_cast<std::size_t>(std::countl_zero(sp));
    }
  }
  if (!win_.eof()) return {step::more, rs};
  if (rs >= len) return {step::finished, rs};
  // The last record has no line end (or the kernel saw none): the careful parser decides.
  std::size_t resume = len;
  const step st = careful_record_at(rs, resume);
  if (st != step::ok) return {st, rs};
  window_moved_ = false;
  return {resume >= win_.size() ? step::finished : step::restart, resume};
}

// The hot loop when the dialect stays the same (no delimiter positions to keep): a line-end
// mask splits the structural bits into record ends and delimiters, so a record costs one
// popcount of its delimiter bits instead of a visit per field; the lookup field's bounds come
// from the few delimiter bits around it. Same decisions as scan(), which the tests check.
// Built three times on x86-64: x86-64-v3, POPCNT, the baseline (MKBULK_BIT_LOOP_CLONES,
// block_index.h).
MKBULK_BIT_LOOP_CLONES split_run::scan_result split_run::scan_fast(std::size_t rs) {
  const std::uint8_t* d = win_.data();
  const std::size_t len = win_.size();
  scan_carry carry{};
  // Seen in the open record's bytes of earlier blocks: a quote, a special byte, a CR/LF inside
  // quotes (per the kernel's parity).
  std::uint64_t open_quote = 0;
  std::uint64_t open_special = 0;
  std::uint64_t open_inner = 0;
  std::size_t nd = 0;
  std::size_t lk_b = rs;
  std::size_t lk_e = NO_POS;
  // Counts the delimiter bits of the current record and notes the lookup field's bounds;
  // with a schema, also the positions of the delimiters its checks ask for (asked_at_), from
  // which pre-flight takes the typed fields' bounds.
  const bool bmi2 = have_bmi2();
  const std::uint32_t* asked = asked_.data();
  const auto take_delims = [&](std::size_t pos0, std::uint64_t bits) __attribute__((always_inline)) {
    if (bits == 0) return;
    const std::size_t count = count_bits(bits);
    if (nd == 0) asked = asked_.data();  // the record's first delimiters
    note_asked(asked, nd, count, pos0, bits, bmi2, asked_at_.data());
    if (lk_e == NO_POS) {
      std::uint64_t b = bits;
      std::size_t k = nd;
      while (b != 0 && k <= lookup_) {
        ++k;
        const std::size_t at = pos0 + static_cast<std::size_t>(std::countr_zero(b));
        b &= b - 1;
        if (k == lookup_) lk_b = at + 1;
        if (k == lookup_ + 1) lk_e = at;
      }
    }
    nd += count;
  };
  // The read-ahead thread's index of the window's newest block (block_index.h), if any: its
  // blocks' masks are read in place instead of scanned. Where the index does not reach, is
  // not aligned with us (the tail of the previous block; a restart) or was made from the other
  // quote state (up to where the reader chose its state again), the kernel scans here.
  std::ptrdiff_t shift = 0;
  block_index* const ix = win_.index(shift);
  // A block the reader did not list: listed here, when first reached, for take_plain.
  if (own_verdicts_ && ix != nullptr && !ix->listed()) ix->list_records(d - shift, *own_verdicts_);
  // The reader listed the block's records (when it read it while we had another waiting):
  // from a record start it lists, we take them as listed, and scan again after the last.
  const bool listed = ix != nullptr && ix->has_records();
  bool to_listed = false;
  for (std::size_t w = rs; w < len;) {
    if (listed && w == rs) {
      const step st = take_listed(rs);
      if (st != step::ok) return {st, rs};
      w = rs;
      carry = scan_carry{};  // a record start: outside quotes
      nd = 0;
      lk_b = rs;
      lk_e = NO_POS;
      open_quote = open_special = open_inner = 0;
      if (w >= len) break;
    }
    std::size_t nb = 0;
    std::size_t seg_end = len;  // the bytes of this pass: [w, seg_end)
    const block_masks* masks = nullptr;
    const std::ptrdiff_t bp = static_cast<std::ptrdiff_t>(w) + shift;
    if (ix != nullptr && bp >= 0 && bp % 64 == 0 &&
        static_cast<std::size_t>(bp / 64) < ix->blocks()) {
      const auto first = static_cast<std::size_t>(bp / 64);
      nb = ix->blocks() - first;
      masks = ix->run(first, nb, carry);
      if (masks != nullptr) {
        seg_end = std::min(len, w + nb * 64);
      } else {
        // The other quote state (after a bare quote, say): scan up to where the reader chose
        // its state again.
        const std::size_t again = (first / STATE_CHOICE_BLOCKS + 1) * STATE_CHOICE_BLOCKS;
        if (again < ix->blocks()) seg_end = std::min(len, w + (again - first) * 64);
      }
    } else if (ix != nullptr && bp < 0) {
      seg_end = std::min(len, w + static_cast<std::size_t>(-bp));
    } else if (ix != nullptr && static_cast<std::size_t>(bp / 64) < ix->blocks()) {
      seg_end = std::min(len, w + (64 - static_cast<std::size_t>(bp % 64)));
    }
    if (masks == nullptr) {
      nb = std::min(WINDOW_BLOCKS, (seg_end - w + 63) / 64);
      seg_end = std::min(seg_end, w + nb * 64);
      kernel_(d + w, nb, delim_, carry, masks_.data());
      masks = masks_.data();
      if (seg_end < w + nb * 64 && seg_end < len) {
        // The pass ends inside its last block: the quote state at seg_end, not the block's end
        // (take back the quotes from seg_end on).
        const std::size_t at = seg_end - (w + 64 * (nb - 1));  // < 64
        carry.in_quote ^= odd_mask(masks_[nb - 1].quote & (~std::uint64_t{0} << at));
      }
    }
    for (std::size_t b = 0; b < nb; ++b) {
      const std::size_t pos0 = w + b * 64;
      const std::uint64_t valid = (seg_end - pos0 >= 64)
                                      ? ~std::uint64_t{0}
                                      : (std::uint64_t{1} << (seg_end - pos0)) - 1;
      const block_masks& m = masks[b];
      const std::uint64_t nl = m.newline & valid;
      const std::uint64_t s = m.structural & valid;
      const std::uint64_t q = m.quote & valid;
      const std::uint64_t sp = m.special & valid;
      const std::uint64_t inner = nl & ~s;
      std::uint64_t ends = s & nl;
      std::uint64_t delims = s & ~nl;
      // The bits from rs on (rs - pos0 < 64 here: rs is at most one past a CRLF's LF).
      std::uint64_t from = bits_from(rs, pos0);
      delims &= from;
      while (ends != 0) {
        const auto i = static_cast<unsigned>(std::countr_zero(ends));
        ends &= ends - 1;
        const std::size_t p = pos0 + i;
        if (p < rs) continue;  // the LF of a CRLF
        const std::uint64_t below = (std::uint64_t{1} << i) - 1;
        take_delims(pos0, delims & below);
        delims &= ~below;
        const std::uint64_t record = below & from;  // the record's bits in this block
        const bool has_quote = (open_quote | (q & record)) != 0;
        const bool has_special = (open_special | (sp & record)) != 0;
        const bool has_inner = (open_inner | (inner & record)) != 0;
        std::size_t next = 0;
        line_end eol{};
        if (!line_end_at(p, eol, next)) return {step::more, rs};
        std::size_t resume = next;
        step st;
        quote_masks_ = rs >= w ? masks : nullptr;
        quote_base_ = w;
        if (has_quote) {
          st = quoted_record(rs, p, eol, nd, lk_b, lk_e == NO_POS ? p : lk_e, has_special,
                             has_inner, resume);
        } else {
          st = fast_record(rs, p, eol, nd, lk_b, lk_e == NO_POS ? p : lk_e, has_special);
        }
        quote_masks_ = nullptr;
        if (st != step::ok) return {st, rs};
        if (resume != next || window_moved_) {
          window_moved_ = false;
          return {step::restart, resume};
        }
        rs = next;
        nd = 0;
        lk_b = rs;
        lk_e = NO_POS;
        open_quote = open_special = open_inner = 0;
        if (std::ptrdiff_t sh = 0; listed && listed_at(rs, sh) != nullptr) {
          to_listed = true;
          break;
        }
        from = rs - pos0 < 64 ? bits_from(rs, pos0) : 0;
      }
      if (to_listed) break;
      take_delims(pos0, delims);  // the rest belong to the record still open
      open_quote |= q & from;
      open_special |= sp & from;
      open_inner |= inner & from;
    }
    if (to_listed) {  // back to the listed records from rs
      to_listed = false;
      w = rs;
      continue;
    }
    w = seg_end;
  }
  if (!win_.eof()) return {step::more, rs};
  if (rs >= len) return {step::finished, rs};
  std::size_t resume = len;
  const step st = careful_record_at(rs, resume);
  if (st != step::ok) return {st, rs};
  window_moved_ = false;
  return {resume >= win_.size() ? step::finished : step::restart, resume};
}

const block_index* split_run::listed_block(std::ptrdiff_t& shift) {
  const block_index* ix = verdicts_ ? win_.index(shift) : nullptr;
  if (ix != nullptr && ix != listed_index_) {  // a new block: from the start of its list
    listed_index_ = ix;
    listed_cursor_ = 0;
  }
  return ix;
}

const kept_record* split_run::listed_in(const block_index& ix, std::size_t at,
                                        std::ptrdiff_t shift) {
  const std::ptrdiff_t bp = static_cast<std::ptrdiff_t>(at) + shift;
  return bp >= 0 ? ix.record_at(static_cast<std::size_t>(bp), listed_cursor_) : nullptr;
}

const kept_record* split_run::listed_at(std::size_t at, std::ptrdiff_t& shift) {
  const block_index* ix = listed_block(shift);
  return ix != nullptr ? listed_in(*ix, at, shift) : nullptr;
}

split_run::step split_run::take_listed(std::size_t& rs) {
  // The block and its shift stay the same while records are taken (a moved window ends this).
  std::ptrdiff_t shift = 0;
  const block_index* ix = listed_block(shift);
  if (ix == nullptr) return step::ok;
  for (;;) {
    const kept_record* r = listed_in(*ix, rs, shift);
    if (r != nullptr && fast_copy_) r = take_plain(*ix, rs, shift);
    if (r == nullptr) return step::ok;
    const auto at = [shift](std::uint32_t x) { return input_window::window_pos(x, shift); };
    const std::size_t p = at(r->end);
    std::size_t next = 0;
    line_end eol{};
    if (!line_end_at(p, eol, next)) return step::ok;  // scan_fast waits for more input
    std::size_t resume = next;
    const bool special = (r->flags & RECORD_SPECIAL) != 0;
    step st;
    if ((r->flags & RECORD_QUOTES_REGULAR) != 0) {  // its quotes checked by the reader
      st = regular_quoted_record(rs, p, eol, n_fields_ - 1, at(r->lookup_begin),
                                 at(r->lookup_end), special,
                                 r->flags >> RECORD_INNER_LINES_SHIFT, resume);
    } else if ((r->flags & RECORD_QUOTE) != 0) {
      // Quotes the reader found irregular (quoted_record's own test, on the same bytes and
      // quote bits): the careful parser's, as quoted_record would send it.
      st = careful_record_at(rs, resume);
    } else {
      st = fast_record(rs, p, eol, n_fields_ - 1, at(r->lookup_begin), at(r->lookup_end),
                       special);
    }
    if (st != step::ok) return st;
    if (resume != next || window_moved_) {
      window_moved_ = false;
      rs = resume;
      return step::restart;
    }
    rs = next;
  }
}

const kept_record* split_run::take_plain(const block_index& ix, std::size_t& rs,
                                        std::ptrdiff_t shift) {
  const kept_record* const list = ix.records();
  const std::size_t count = ix.record_count();
  const auto* d = reinterpret_cast<const char*>(win_.data());
  std::size_t k = listed_cursor_;
  for (; k < count; ++k) {
    const kept_record& r = list[k];
    if (input_window::window_pos(r.start, shift) != rs) break;
    const std::uint32_t f = r.flags;
    const auto eol = static_cast<line_end>((f >> RECORD_EOL_SHIFT) & RECORD_EOL_MASK);
    const std::size_t p = input_window::window_pos(r.end, shift);
    const std::size_t size = p - rs + 1;
    // Not here: an unknown line end, irregular quotes, bytes not yet known clean (check_bytes
    // looks up their span), a lookup value that may be empty ("" included), a row too big.
    if (eol == line_end::none || (f & (RECORD_QUOTE | RECORD_QUOTES_REGULAR)) == RECORD_QUOTE ||
        ((f & RECORD_SPECIAL) != 0 && p > clean_until_) || r.lookup_end - r.lookup_begin < 3 ||
        size > max_row_bytes_) {
      break;
    }
    if (dups_ == nullptr) {
      write_raw_row(rs, size, eol);
    } else {
      // The key hold_back() takes from fast_record: the lookup value's bytes, unquoted (a
      // quoted one goes the other way, which unescapes it).
      const std::size_t kb = input_window::window_pos(r.lookup_begin, shift);
      if (d[kb] == '"') break;
      const std::uint64_t h =
          lookup_key_hash(std::string_view(d + kb, r.lookup_end - r.lookup_begin));
      if (dups_->current() == duplicate_pass::mode::count) {  // pass 1: the key only
        count_key(h, size);
      } else if (dups_->is_held(h)) {
        break;  // pass 2, a repeated key: held back the other way
      } else {
        write_raw_row(rs, size, eol);
      }
    }
    line_ += 1 + (f >> RECORD_INNER_LINES_SHIFT);
    count_eol(eol);
    rs = after_line_end(eol, p);
  }
  listed_cursor_ = k;
  return k < count && input_window::window_pos(list[k].start, shift) == rs ? &list[k] : nullptr;
}

}  // namespace mkbulk::engine::detail
