// The split's pre-flight hooks (issue 5): setting up the record checker once the header is
// mapped, locating a raw record's typed fields (from the scan kernel's delimiter bits where
// scan_fast leaves them, else by walking the bytes), checking them, and rejecting a record for
// a value. The checks themselves are value_checks*.cpp's.
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <bit>
#include <cstring>

#include "preflight_checker.h"
#include "record_encoder.h"
#include "split_run.h"

namespace mkbulk::engine::detail {

void split_run::setup_preflight() {
  std::vector<std::string> columns;
  columns.reserve(plan_.columns.size());
  for (const column_mapping& c : plan_.columns) columns.push_back(c.field);
  checker_ = std::make_unique<record_checker>(*opt_.preflight, columns, opt_.lookup_field,
                                              static_cast<char>(delim_));
  // The raw-copy path stays: accept() copies a record's bytes when check_raw() keeps every
  // value, and re-encodes it only when one is rewritten.
}

namespace {
// Bits set in a 16-bit mask (SWAR: without -mpopcnt, std::popcount is a library call).
inline std::size_t count16(std::uint32_t x) noexcept {
  x = x - ((x >> 1) & 0x5555u);
  x = (x & 0x3333u) + ((x >> 2) & 0x3333u);
  x = (x + (x >> 4)) & 0x0F0Fu;
  return static_cast<std::size_t>((x + (x >> 8)) & 0x1Fu);
}

// Or'ed into a mask before std::countr_zero where a zero mask's answer does not matter.
constexpr std::uint64_t TOP_BIT = std::uint64_t{1} << 63;

// Bits set in a 64-bit mask (SWAR, as count16).
inline std::size_t count64(std::uint64_t x) noexcept {
  x = x - ((x >> 1) & 0x5555555555555555u);
  x = (x & 0x3333333333333333u) + ((x >> 2) & 0x3333333333333333u);
  x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Fu;
  return static_cast<std::size_t>((x * 0x0101010101010101u) >> 56);
}
}  // namespace

void split_run::walk_spans(std::size_t rs, std::size_t end, bool typed_only) {
  // The fields of a record that is plain RFC 4180 (no quotes at all, or quoted_record() found
  // every quoted field opening at a field start and closing right before a delimiter or the
  // end). Fields are short: instead of a memchr call per field, compare 16 bytes at a time with
  // the delimiter and the quote and walk those bits (SSE2, the x86-64 baseline); bytes past the
  // window's end are never loaded. typed_only: only the typed columns' spans are kept (the
  // others stay empty), and a block with no quote whose delimiters end no typed column is
  // skipped with a popcount.
  const auto* d = reinterpret_cast<const char*>(win_.data());
  const char delim = static_cast<char>(delim_);
  if (typed_only) {
    spans_.resize(n_fields_);  // only the typed entries are written, and read (check_raw)
  } else {
    spans_.clear();
  }
  std::size_t k = 0;          // the column whose field is open
  std::size_t b = rs;         // start of that field (its opening quote, if quoted)
  bool in_quote = false;
  bool closed = false;        // a quoted field just closed: the next delimiter only ends it
  std::size_t skip = NO_POS;  // the second quote of a "" pair
  const auto put = [&](const field_span& f) {
    if (!typed_only) {
      spans_.push_back(f);
    } else if (k < n_fields_ && checker_->typed(k)) {
      spans_[k] = f;
    }
    ++k;
  };
  const auto special = [&](std::size_t x) {
    if (d[x] == delim) {
      if (in_quote) return;
      if (!closed) put(field_span{b, x, false});
      closed = false;
      b = x + 1;
      return;
    }
    if (x == skip) return;
    if (!in_quote) {  // an opening quote (at b)
      in_quote = true;
      return;
    }
    if (x + 1 < end && d[x + 1] == '"') {
      skip = x + 1;
      return;
    }
    put(field_span{b + 1, x, true});
    in_quote = false;
    closed = true;
  };
  std::size_t pos = rs;
#if defined(__SSE2__)
  const __m128i dv = _mm_set1_epi8(delim);
  const __m128i qv = _mm_set1_epi8('"');
  const std::size_t size = win_.size();
  for (; pos < end && pos + 16 <= size; pos += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(d + pos));
    auto dm = static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, dv)));
    auto qm = static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, qv)));
    if (end - pos < 16) {
      const std::uint32_t keep = (std::uint32_t{1} << (end - pos)) - 1;
      dm &= keep;
      qm &= keep;
    }
    if (typed_only && qm == 0 && !in_quote && !closed && dm != 0) {
      const std::size_t c = count16(dm);
      if (checker_->typed_before(k + c) == checker_->typed_before(k)) {
        k += c;
        b = pos + 32 - static_cast<std::size_t>(std::countl_zero(dm));  // after the last one
        continue;
      }
    }
    std::uint32_t m = dm | qm;
    while (m != 0) {
      special(pos + static_cast<std::size_t>(std::countr_zero(m)));
      m &= m - 1;
    }
  }
#endif
  for (; pos < end; ++pos) {
    if (d[pos] == delim || d[pos] == '"') special(pos);
  }
  if (!closed) put(field_span{b, end, false});
}

bool split_run::mask_spans(std::size_t rs, std::size_t end, bool typed_only) {
  // The fields from the scan kernel's delimiter bits, when scan_fast left its window's masks
  // (quote_masks_) for this record: the record is plain RFC 4180 (no quote, or quoted_record()
  // checked every one) and the kernel's quote parity was 0 at rs, so its structural bits in
  // [rs, end) are exactly the field delimiters; no byte of the record is read again except a
  // field's first (is it quoted?). typed_only: the delimiter positions up to the last typed
  // column's, then each typed column's two.
  if (quote_masks_ == nullptr || end <= rs) return false;
  const auto* d = reinterpret_cast<const char*>(win_.data());
  std::size_t bi = (rs - quote_base_) >> 6;
  const std::size_t last = (end - 1 - quote_base_) >> 6;
  const auto load = [&] {  // the delimiter bits of block bi that lie in [rs, end)
    std::uint64_t m = quote_masks_[bi].structural;
    if (bi == last) {
      const std::size_t top = end - quote_base_ - (last << 6);  // 1..64
      if (top < 64) m &= (std::uint64_t{1} << top) - 1;
    }
    return m;
  };
  std::uint64_t bits = load() & (~std::uint64_t{0} << ((rs - quote_base_) & 63));
  // The next delimiter's position (end when none is left: the record's last field).
  const auto next_delim = [&]() -> std::size_t {
    while (bits == 0) {
      if (bi == last) return end;
      ++bi;
      bits = load();
    }
    const std::size_t x = quote_base_ + (bi << 6) + static_cast<std::size_t>(std::countr_zero(bits));
    bits &= bits - 1;
    return x;
  };
  const auto span = [&](std::size_t b, std::size_t e) {
    return (b < e && d[b] == '"') ? field_span{b + 1, e - 1, true} : field_span{b, e, false};
  };
  if (typed_only) {
    // The positions of the record's delimiters, up to the last typed column's, written 8 per
    // block (16 when it holds more than 8) whatever the block holds (simdjson's flatten_bits:
    // no branch per bit; the writes past a block's count land in slack that the next block
    // overwrites or nobody reads).
    const std::size_t stop = checker_->typed_end();
    if (typed_delims_.size() < n_fields_ + 64) typed_delims_.resize(n_fields_ + 64);
    std::size_t* const at = typed_delims_.data();
    std::size_t k = 0;  // delimiters written
    for (;;) {
      const std::size_t base = quote_base_ + (bi << 6);
      const std::size_t count = count64(bits);
      std::size_t* w = at + k;
      for (unsigned i = 0; i < 8; ++i) {
        // The top bit or'ed in changes no nonzero mask's lowest bit and makes the operand
        // never zero, so the count is one tzcnt with no zero test (an empty mask's slot gets
        // base + 63, in the slack).
        w[i] = base + static_cast<std::size_t>(std::countr_zero(bits | TOP_BIT));
        bits &= bits - 1;
      }
      if (count > 8) {  // the next 8 alike, then one at a time
        for (unsigned i = 8; i < 16; ++i) {
          w[i] = base + static_cast<std::size_t>(std::countr_zero(bits | TOP_BIT));
          bits &= bits - 1;
        }
        for (unsigned i = 16; bits != 0; ++i) {
          w[i] = base + static_cast<std::size_t>(std::countr_zero(bits));
          bits &= bits - 1;
        }
      }
      k += count;
      if (k >= stop || bi == last) break;
      ++bi;
      bits = load();
    }
    if (k < stop) at[k] = end;  // k == n_fields_ - 1: the last field ends at the record's end
    spans_.resize(n_fields_);  // only the typed entries are written, and read (check_raw)
    for (const std::size_t t : checker_->typed_columns()) {
      spans_[t] = span(t == 0 ? rs : at[t - 1] + 1, at[t]);
    }
    return true;
  }
  spans_.clear();
  std::size_t b = rs;
  for (std::size_t k = 0; k + 1 < n_fields_; ++k) {
    const std::size_t x = next_delim();
    spans_.push_back(span(b, x));
    b = x + 1;
  }
  spans_.push_back(span(b, end));  // the caller counted n_fields_ - 1 delimiters
  return true;
}

void split_run::record_spans(std::size_t rs, std::size_t end) {
  if (!mask_spans(rs, end, false)) walk_spans(rs, end, false);
}

bool split_run::typed_spans(std::size_t rs, std::size_t end) {
  // A record short enough that every string value fits its field: only the typed columns
  // need their bounds. check_raw() fills in the rest if the record has to be re-encoded.
  if (end - rs > checker_->short_record_bytes()) return false;
  if (!mask_spans(rs, end, true)) walk_spans(rs, end, true);
  partial_rs_ = rs;
  partial_end_ = end;
  return true;
}

value_verdict split_run::check_raw(std::span<const field_span> spans) {
  // Raw records keep every column in source order (fast_copy_: identity plan, no --trim).
  const auto* d = reinterpret_cast<const char*>(win_.data());
  checker_->begin_record();
  value_verdict worst = value_verdict::keep;
  const auto check = [&](std::size_t k) {
    const field_span& f = spans[k];
    // Unchecked columns, and strings whose raw bytes (never fewer than the value's) fit the
    // field, need no value: most columns of most records.
    if (checker_->keeps_any_value_up_to(k) >= f.end - f.begin) return true;
    std::string_view v;
    if (f.quoted) {
      field_value(win_.data(), f, value_);
      v = value_;
    } else {
      v = std::string_view(d + f.begin, f.end - f.begin);
    }
    const value_verdict verdict = checker_->check(k, v);
    if (verdict == value_verdict::reject) return false;
    if (verdict != value_verdict::keep) worst = value_verdict::rewritten;
    return true;
  };
  // A partial record (typed_spans) holds only the typed columns' spans.
  bool ok = true;
  if (partial_rs_ != NO_POS) {
    for (const std::size_t k : checker_->typed_columns()) {
      if (!(ok = check(k))) break;
    }
  } else {
    for (std::size_t k = 0; k < spans.size() && ok; ++k) ok = check(k);
  }
  if (!ok) {
    partial_rs_ = NO_POS;
    return value_verdict::reject;
  }
  if (partial_rs_ != NO_POS) {
    // The record is re-encoded field by field: it needs all its fields. spans_ gets the same
    // number of entries in the same storage, so the caller's view of it stays valid.
    if (worst != value_verdict::keep) record_spans(partial_rs_, partial_end_);
    partial_rs_ = NO_POS;
  }
  return worst;
}

split_run::step split_run::reject_value(std::size_t rs, std::size_t end) {
  const value_issue& issue = checker_->issue();
  split_counts& c = result_.result.counts;
  ++c.rows_in;
  ++c.rows_rejected;
  ++c.value_reject_counts[static_cast<std::size_t>(issue.problem)];
  if (have_rejects_) {
    const std::string_view raw(reinterpret_cast<const char*>(win_.data()) + rs, end - rs);
    rejects_.add(line_, win_.base() + rs, to_string(issue.problem), issue.message, raw,
                 raw.size());
  }
  return after_reject();
}

}  // namespace mkbulk::engine::detail
