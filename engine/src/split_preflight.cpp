// The split's pre-flight hooks (issue 5): setting up the record checker once the header is
// mapped, locating a raw record's fields (the typed ones, when its checked columns are short,
// by rank in the delimiter bits scan_fast kept; all of them from the kernel's delimiter bits,
// else by walking the bytes), checking them, and rejecting a record for a value. The checks
// are value_checks*.cpp's.
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <bit>
#include <memory>

#include "preflight_checker.h"
#include "record_encoder.h"
#include "split_run.h"
#include "typed_verdicts.h"

namespace mkbulk::engine::detail {

void split_run::setup_preflight() {
  std::vector<std::string> columns;
  columns.reserve(plan_.columns.size());
  for (const column_mapping& c : plan_.columns) columns.push_back(c.field);
  checker_ = std::make_unique<record_checker>(*opt_.preflight, columns, opt_.lookup_field,
                                              static_cast<char>(delim_));
  // The raw-copy path stays: accept() copies a record's bytes when check_raw() keeps every
  // value, and re-encodes it only when one is rewritten. scan_fast (the loop whenever
  // fast_copy_) notes the delimiters up to the last typed column's end (the record's last field
  // ends at its line end, not at a delimiter).
  if (fast_copy_ && n_fields_ > 0) {
    asked_ = asked_delimiters(checker_.get(), n_fields_, {});
    asked_at_.assign(n_fields_, 0);
    // With a read-ahead thread, it checks the plain records of each block it indexes first.
    if (threads_ >= 2 && !checker_->typed_columns().empty()) {
      verdicts_ = make_verdicts();
    }
  }
}

std::unique_ptr<typed_verdicts> split_run::make_verdicts() const {
  const auto delimiter = static_cast<char>(delim_);
  if (!checker_) return std::make_unique<typed_verdicts>(delimiter, n_fields_, lookup_);
  std::vector<std::string> columns;
  columns.reserve(plan_.columns.size());
  for (const column_mapping& c : plan_.columns) columns.push_back(c.field);
  return std::make_unique<typed_verdicts>(*opt_.preflight, columns, opt_.lookup_field, delimiter,
                                          n_fields_, lookup_);
}

#if defined(__x86_64__)
namespace {
const bool HAVE_BMI2 = [] {
  __builtin_cpu_init();  // static initialisation may run before libgcc's
  return __builtin_cpu_supports("bmi2") != 0;
}();
}  // namespace
bool have_bmi2() noexcept { return HAVE_BMI2; }
#else
bool have_bmi2() noexcept { return false; }
#endif

namespace {
// bmi2: HAVE_BMI2, read once by the caller (a global is read again after every call).
}  // namespace

void split_run::walk_spans(std::size_t rs, std::size_t end) {
  // The fields of a record that is plain RFC 4180 (no quotes at all, or quoted_record() found
  // every quoted field opening at a field start and closing right before a delimiter or the
  // end). Fields are short: instead of a memchr call per field, compare 16 bytes at a time with
  // the delimiter and the quote and walk those bits (SSE2, the x86-64 baseline); bytes past the
  // window's end are never loaded.
  const auto* d = reinterpret_cast<const char*>(win_.data());
  const char delim = static_cast<char>(delim_);
  spans_.clear();
  std::size_t b = rs;         // start of that field (its opening quote, if quoted)
  bool in_quote = false;
  bool closed = false;        // a quoted field just closed: the next delimiter only ends it
  std::size_t skip = NO_POS;  // the second quote of a "" pair
  const auto put = [&](const field_span& f) { spans_.push_back(f); };
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

bool split_run::mask_spans(std::size_t rs, std::size_t end) {
  // The fields from the scan kernel's delimiter bits, when scan_fast left its window's masks
  // (quote_masks_) for this record: the record is plain RFC 4180 (no quote, or quoted_record()
  // checked every one) and the kernel's quote parity was 0 at rs, so its structural bits in
  // [rs, end) are exactly the field delimiters; no byte of the record is read again except a
  // field's first (is it quoted?).
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
  if (!mask_spans(rs, end)) walk_spans(rs, end);
}

bool split_run::typed_spans(std::size_t rs, std::size_t end) {
  // A record whose checked columns are short enough that every string value in them fits its
  // field: only the typed columns' values need a check, found at the delimiters whose positions
  // scan_fast noted (the record is plain RFC 4180: no quote, or quoted_record() checked every
  // one, so the kernel's delimiter bits are its field ends; a field's first byte says whether it
  // is quoted)
  // and checked right away; check_raw() returns the verdict, and fills in every field's span
  // only when the record has to be re-encoded.
  const auto* d = reinterpret_cast<const char*>(win_.data());
  // The position of the record's delimiter j (one the checks ask for), noted by scan_fast.
  const auto at = [this](std::size_t j) { return asked_at_[j]; };
  // The caller's view of spans_ is taken before check_raw(): it gets its size now, and the
  // same storage when check_raw() fills it in.
  if (spans_.data() + n_fields_ != std::to_address(spans_.end())) spans_.resize(n_fields_);
  value_verdict worst = value_verdict::keep;
  if (!typed_record_verdict(d, rs, end, n_fields_, *checker_, at, value_, worst)) return false;
  typed_verdict_ = worst;
  partial_rs_ = rs;
  partial_end_ = end;
  return true;
}

bool split_run::kept_ahead(std::size_t rs, std::size_t end) {
  std::ptrdiff_t shift = 0;
  const kept_record* r = listed_at(rs, shift);
  if (r == nullptr || input_window::window_pos(r->end, shift) != end) return false;
  partial_rs_ = NO_POS;
  return true;
}

bool split_run::typed_keeps(std::size_t rs, std::size_t end) {
  // fast_record's question for a record without quotes: is it copied as it is, every typed
  // value kept? Then fast_record copies it on its own raw path, as without a schema (no
  // accept(): no warning is pending, nothing to commit). Otherwise spans_ and the verdict are
  // ready for accept(), which rewrites or rejects it.
  if (!typed_spans(rs, end)) {
    record_spans(rs, end);
    return false;
  }
  if (typed_verdict_ != value_verdict::keep) return false;
  partial_rs_ = NO_POS;
  return true;
}

value_verdict split_run::check_raw(std::span<const field_span> spans) {
  // A record typed_spans() took: its verdict is known. When a value is rewritten the record is
  // re-encoded field by field and needs all its fields: spans_ gets the same number of entries
  // in the same storage, so the caller's view of it stays valid.
  if (partial_rs_ != NO_POS) {
    const value_verdict v = typed_verdict_;
    if (v == value_verdict::rewritten) record_spans(partial_rs_, partial_end_);
    partial_rs_ = NO_POS;
    return v;
  }
  // Raw records keep every column in source order (fast_copy_: identity plan, no --trim).
  const auto* d = reinterpret_cast<const char*>(win_.data());
  checker_->begin_record();
  value_verdict worst = value_verdict::keep;
  for (std::size_t k = 0; k < spans.size(); ++k) {
    const field_span& f = spans[k];
    // Unchecked columns, and strings whose raw bytes (never fewer than the value's) fit the
    // field, need no value: most columns of most records.
    if (checker_->keeps_any_value_up_to(k) >= f.end - f.begin) continue;
    std::string_view v;
    if (f.quoted) {
      field_value(win_.data(), f, value_);
      v = value_;
    } else {
      v = std::string_view(d + f.begin, f.end - f.begin);
    }
    const value_verdict verdict = checker_->check(k, v);
    if (verdict == value_verdict::reject) return value_verdict::reject;
    if (verdict != value_verdict::keep) worst = value_verdict::rewritten;
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
