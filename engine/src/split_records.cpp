// Stage 2's per-record decisions: the fast record (no quotes), the quoted record checked by
// walking its quotes, the careful parser's verdict (with the unterminated-quote resync), the
// byte checks (NUL, UTF-8), rejects and accepted rows. The loops that call them are in
// split_pipeline.cpp; skipping an oversized record is in split_skip.cpp.
#include <algorithm>
#include <bit>
#include <cstring>

#include "preflight_checker.h"
#include "quoted_fields.h"
#include "record_encoder.h"
#include "split_run.h"
#include "utf8_text.h"

namespace mkbulk::engine::detail {
namespace {
constexpr std::size_t CHECK_SPAN = 64 * 1024;
}  // namespace

bool split_run::check_bytes(std::size_t rs, std::size_t end, std::string& message,
                            reject_reason& why) {
  const auto* d = reinterpret_cast<const char*>(win_.data());
  // Most records are fine: check the window from this record up to its last line end in one
  // go (a cut before an ASCII byte never splits a UTF-8 sequence), and only look at single
  // records where that span fails.
  if (end <= clean_until_) return false;
  // Checked ahead by the read-ahead thread (block_index.h) when the record lies in one of its
  // checked spans; a record outside them (it straddles a span's end or the block's start) is
  // checked alone, not with the 64 KiB after it, which the reader has checked.
  std::ptrdiff_t shift = 0;
  const block_index* ix = win_.index(shift);
  if (ix != nullptr && rs >= dirty_until_ && static_cast<std::ptrdiff_t>(rs) + shift >= 0) {
    const checked_span* sp =
        ix->span_of(static_cast<std::size_t>(static_cast<std::ptrdiff_t>(rs) + shift),
                    static_cast<std::size_t>(static_cast<std::ptrdiff_t>(end) + shift));
    if (sp != nullptr) {
      const std::size_t span_end = input_window::window_pos(sp->end, shift);
      if (sp->clean) {
        clean_until_ = span_end;
        return false;
      }
      dirty_until_ = span_end;
    }
  }
  if (ix == nullptr && rs >= dirty_until_) {
    // 64 KiB spans: a bad byte only sends that span's records to the one-by-one check.
    const std::size_t len = std::min(win_.size(), std::max(end + 1, rs + CHECK_SPAN));
    const auto* lf = static_cast<const char*>(::memrchr(d + rs, '\n', len - rs));
    const auto* cr = static_cast<const char*>(::memrchr(d + rs, '\r', len - rs));
    std::size_t span_end = 0;
    if (lf != nullptr) span_end = static_cast<std::size_t>(lf - d);
    if (cr != nullptr) span_end = std::max(span_end, static_cast<std::size_t>(cr - d));
    if (span_end >= end) {
      if (std::memchr(d + rs, 0, span_end - rs) == nullptr &&
          utf8_valid_(win_.data() + rs, span_end - rs)) {
        clean_until_ = span_end;
        return false;
      }
      dirty_until_ = span_end;
    }
  }
  const char* p = d + rs;
  const std::size_t n = end - rs;
  if (const void* z = std::memchr(p, 0, n)) {
    why = reject_reason::nul_byte;
    message = "NUL byte at byte " + std::to_string(static_cast<const char*>(z) - p + 1) +
              " of the record";
    return true;
  }
  if (!utf8_valid_(win_.data() + rs, n)) {
    why = reject_reason::invalid_utf8;
    message = "invalid UTF-8 at byte " +
              std::to_string(first_invalid_utf8(std::string_view(p, n)) + 1) + " of the record";
    return true;
  }
  return false;
}

split_run::step split_run::reject(std::size_t rs, std::size_t end, reject_reason why,
                                  const std::string& message) {
  const std::string_view raw(reinterpret_cast<const char*>(win_.data()) + rs, end - rs);
  return reject_raw(win_.base() + rs, raw, raw.size(), why, message);
}

split_run::step split_run::reject_raw(std::uint64_t offset, std::string_view raw,
                                      std::uint64_t total, reject_reason why,
                                      const std::string& message) {
  split_counts& c = result_.result.counts;
  ++c.rows_in;
  ++c.rows_rejected;
  ++c.reject_counts[static_cast<std::size_t>(why)];
  if (have_rejects_) rejects_.add(line_, offset, why, message, raw, total);
  return after_reject();
}

split_run::step split_run::after_reject() {
  const split_counts& c = result_.result.counts;
  if (opt_.max_rejects && c.rows_rejected > *opt_.max_rejects) {
    fail(split_status::too_many_rejects,
         "more than " + std::to_string(*opt_.max_rejects) + " rows rejected (--max-rejects); " +
             "stopped at line " + std::to_string(line_) + ". See the rejects report for why");
    return step::stop;
  }
  return step::ok;
}

split_run::step split_run::fast_record(std::size_t rs, std::size_t p, line_end eol,
                                       std::size_t nd, std::size_t lk_b, std::size_t lk_e,
                                       bool has_special) {
  step st = step::ok;
  const auto* d = reinterpret_cast<const char*>(win_.data());
  reject_reason why{};
  if (nd + 1 != n_fields_) {
    st = reject(rs, p, reject_reason::field_count_mismatch,
                "expected " + std::to_string(n_fields_) + " fields, found " +
                    std::to_string(nd + 1));
  } else if (has_special && check_bytes(rs, p, message_, why)) {
    st = reject(rs, p, why, message_);
  } else if (opt_.trim ? trim_blanks(std::string_view(d + lk_b, lk_e - lk_b)).empty()
                       : lk_e == lk_b) {
    st = reject(rs, p, reject_reason::empty_lookup_field,
                "the lookup field '" + opt_.lookup_field + "' (column " +
                    std::to_string(lookup_ + 1) + ") is empty");
  } else if (fast_copy_ && checker_ && !kept_ahead(rs, p) &&
             !typed_keeps(rs, p)) {  // pre-flight: a value may change
    st = accept(rs, p, spans_, true, eol);
  } else if (fast_copy_) {  // (with pre-flight: every value kept as it is)
    const std::size_t size = p - rs + 1;
    if (size > max_row_bytes_) {
      st = reject(rs, p, reject_reason::record_too_large,
                  "the record needs " + std::to_string(size) + " bytes; a chunk of " +
                      std::to_string(opt_.max_bytes) + " bytes holds " +
                      std::to_string(max_row_bytes_) + " after the header");
    } else if (dups_ == nullptr ||  // --duplicates (split_duplicates.cpp); raw copy: key known
               !hold_back(rs, p, true, std::string_view(d + lk_b, lk_e - lk_b))) {
      write_raw_row(rs, size, eol);
    }
  } else {
    spans_.clear();
    std::size_t b = rs;
    for (const std::size_t x : delims_) {
      spans_.push_back(field_span{b, x, false});
      b = x + 1;
    }
    spans_.push_back(field_span{b, p, false});
    st = accept(rs, p, spans_, false, eol);
  }
  ++line_;
  count_eol(eol);
  return st;
}

// A record with quotes, when the dialect stays the same: if its quotes are plain RFC 4180
// (each quoted field opens at a field start, "" inside, closes before a delimiter or the line
// end) and it is minimally quoted already, the kernel's delimiter count is right and its bytes
// can be copied as they are (regular_quoted_record). Checking that walks the quotes (the
// kernel's quote bits, else memchr) instead of every byte (quoted_fields.h); anything else
// goes to the careful parser, which gives the same answer for the records this path takes.
split_run::step split_run::quoted_record(std::size_t rs, std::size_t p, line_end eol,
                                         std::size_t nd, std::size_t lk_b, std::size_t lk_e,
                                         bool has_special, bool inner_eol,
                                         std::size_t& resume) {
  const auto* d = reinterpret_cast<const char*>(win_.data());
  const auto careful = [&] { return careful_record_at(rs, resume); };
  if (!fast_copy_ || (inner_eol && nd + 1 != n_fields_)) return careful();
  const char delim = static_cast<char>(delim_);
  // The record's '"' bytes: from the kernel's quote bits when they cover the record (the
  // caller sets quote_masks_ then), else memchr.
  std::uint64_t inner_lines = 0;
  bool regular = false;
  if (quote_masks_ != nullptr) {
    quote_bit_cursor quotes(quote_masks_, quote_base_, rs, p);
    regular = quoted_fields_regular(d, rs, p, delim, inner_eol, quotes, inner_lines);
  } else {
    quote_byte_cursor quotes(d, rs, p);
    regular = quoted_fields_regular(d, rs, p, delim, inner_eol, quotes, inner_lines);
  }
  if (!regular) return careful();
  return regular_quoted_record(rs, p, eol, nd, lk_b, lk_e, has_special, inner_lines, resume);
}

split_run::step split_run::regular_quoted_record(std::size_t rs, std::size_t p, line_end eol,
                                                 std::size_t nd, std::size_t lk_b,
                                                 std::size_t lk_e, bool has_special,
                                                 std::uint64_t inner_lines, std::size_t& resume) {
  const auto* d = reinterpret_cast<const char*>(win_.data());
  reject_reason why{};
  step st = step::ok;
  if (nd + 1 != n_fields_) {
    st = reject(rs, p, reject_reason::field_count_mismatch,
                "expected " + std::to_string(n_fields_) + " fields, found " +
                    std::to_string(nd + 1));
  } else if (has_special && check_bytes(rs, p, message_, why)) {
    st = reject(rs, p, why, message_);
  } else if (lk_e == lk_b || (lk_e - lk_b == 2 && d[lk_b] == '"')) {
    st = reject(rs, p, reject_reason::empty_lookup_field,
                "the lookup field '" + opt_.lookup_field + "' (column " +
                    std::to_string(lookup_ + 1) + ") is empty");
  } else if (checker_) {  // pre-flight: the fields of this well-formed record
    if (kept_ahead(rs, p)) {  // check_raw() keeps it, no span needed
      checker_->begin_record();  // no warning of an earlier (rejected) record is left to commit
      typed_verdict_ = value_verdict::keep;
      partial_rs_ = rs;
      partial_end_ = p;
    } else if (!typed_spans(rs, p)) {
      record_spans(rs, p);
    }
    st = accept(rs, p, spans_, true, eol);
  } else if (dups_ == nullptr && p - rs + 1 <= max_row_bytes_) {  // accept()'s raw copy, inline
    write_raw_row(rs, p - rs + 1, eol);
  } else {
    st = accept(rs, p, {}, true, eol);
  }
  line_ += 1 + inner_lines;
  count_eol(eol);
  resume = after_line_end(eol, p);
  return st;
}

// A good record off the fast path: its kept fields re-encoded in the output dialect; or, with
// raw, its bytes [rs, end) are already exactly that (only the line end may change).
split_run::step split_run::accept(std::size_t rs, std::size_t end,
                                  std::span<const field_span> spans, bool raw, line_end eol) {
  const auto* d = reinterpret_cast<const char*>(win_.data());
  std::size_t size = 0;
  if (raw && checker_) {  // pre-flight: stays raw only when every value is kept as it is
    const value_verdict v = check_raw(spans);
    if (v == value_verdict::reject) return reject_value(rs, end);
    raw = v == value_verdict::keep;
  }
  if (raw) {
    size = end - rs + 1;
  } else {
    out_.clear();
    if (checker_) checker_->begin_record();
    for (std::size_t k = 0; k < plan_.columns.size(); ++k) {
      if (k) out_.push_back(out_delim_);
      const field_span& f = spans[plan_.columns[k].source_index];
      std::string_view v;
      if (f.quoted) {
        field_value(win_.data(), f, value_);
        v = value_;
      } else {
        v = std::string_view(d + f.begin, f.end - f.begin);
      }
      if (opt_.trim) v = trim_blanks(v);
      if (checker_) {  // pre-flight (split_preflight.cpp)
        const value_verdict verdict = checker_->check(k, v);
        if (verdict == value_verdict::reject) return reject_value(rs, end);
        v = checker_->written(verdict, v);
      }
      append_minimal_quoted(out_, v, out_delim_);
    }
    out_.push_back('\n');
    size = out_.size();
  }
  if (size > max_row_bytes_) {
    return reject(rs, end, reject_reason::record_too_large,
                  "the record needs " + std::to_string(size) + " bytes; a chunk of " +
                      std::to_string(opt_.max_bytes) + " bytes holds " +
                      std::to_string(max_row_bytes_) + " after the header");
  }
  if (dups_ != nullptr && hold_back(rs, end, raw)) return step::ok;  // --duplicates: split_duplicates.cpp
  if (checker_) checker_->commit(result_.result.counts);
  if (raw) {
    write_raw_row(rs, size, eol);
  } else {
    ++result_.result.counts.rows_in;
    writer_->begin_row(line_, size);
    writer_->append(out_.data(), out_.size());
  }
  return step::ok;
}

namespace {
bool already_minimal(const std::uint8_t* d, const careful_record& r, std::uint8_t delim) {
  if (r.bare_quotes != 0) return false;
  for (const field_span& f : r.fields) {
    if (!f.quoted) continue;
    bool needs = false;
    for (std::size_t i = f.begin; i < f.end && !needs; ++i) {
      const std::uint8_t c = d[i];
      needs = c == delim || c == '"' || c == '\n' || c == '\r';
    }
    if (!needs) return false;
  }
  return true;
}

std::string defect_message(reject_reason r, std::size_t field, std::size_t found,
                           std::size_t expected) {
  switch (r) {
    case reject_reason::field_count_mismatch:
      return "expected " + std::to_string(expected) + " fields, found " + std::to_string(found);
    case reject_reason::unterminated_quote:
      return "the quote opened in field " + std::to_string(field + 1) +
             " is still open at the end of the input";
    case reject_reason::bytes_after_closing_quote:
      return "bytes after the closing quote of field " + std::to_string(field + 1);
    default:
      return std::string(to_string(r));
  }
}
}  // namespace

split_run::step split_run::careful_record_at(std::size_t rs, std::size_t& resume) {
  const std::uint8_t* d = win_.data();
  const std::size_t len = win_.size();
  careful_parse(d, len, win_.eof(), rs, delim_, limit_, rec_);
  if (rec_.status == parse_status::need_more) return step::more;
  const auto resync = [&](const std::string& why) {
    const step st = reject(rs, rec_.first_inner_eol, reject_reason::unterminated_quote,
                           why + "; this line was rejected and reading resumed on line " +
                               std::to_string(line_ + 1));
    ++line_;
    resume = rec_.first_inner_next;
    return st;
  };
  if (rec_.status == parse_status::overflow) {
    if (rec_.in_quote && rec_.first_inner_eol != NO_POS) {
      return resync("a quote opened on this line does not close within " +
                    std::to_string(limit_) + " bytes");
    }
    return skip_record(rs, resume);
  }
  std::optional<reject_reason> defect = rec_.defect;
  if (!defect && rec_.fields.size() != n_fields_) defect = reject_reason::field_count_mismatch;
  if (defect && rec_.first_inner_eol != NO_POS) {
    // A quoted field ran over a line end and the record came out wrong: was the quote never
    // closed? If the next line reads as a good record on its own, resynchronise there.
    bool again = *defect == reject_reason::unterminated_quote;
    if (!again) {
      careful_parse(d, len, win_.eof(), rec_.first_inner_next, delim_, limit_, trial_);
      if (trial_.status == parse_status::need_more && len < win_.capacity()) return step::more;
      again = trial_.status == parse_status::done && !trial_.defect &&
              trial_.fields.size() == n_fields_ && trial_.bare_quotes == 0;
    }
    if (again) return resync("a quote opened on this line never closes");
  }
  result_.result.counts.bare_quotes += rec_.bare_quotes;
  step st = step::ok;
  reject_reason why{};
  if (defect) {
    st = reject(rs, rec_.end, *defect,
                defect_message(*defect, rec_.defect_field, rec_.fields.size(), n_fields_));
  } else if (check_bytes(rs, rec_.end, message_, why)) {
    st = reject(rs, rec_.end, why, message_);
  } else {
    field_value(d, rec_.fields[lookup_], value_);
    if (opt_.trim ? trim_blanks(value_).empty() : value_.empty()) {
      st = reject(rs, rec_.end, reject_reason::empty_lookup_field,
                  "the lookup field '" + opt_.lookup_field + "' (column " +
                      std::to_string(lookup_ + 1) + ") is empty");
    } else {
      const bool raw = fast_copy_ && already_minimal(d, rec_, delim_);
      st = accept(rs, rec_.end, rec_.fields, raw, rec_.eol);
    }
  }
  if (rec_.eol != line_end::none) {
    line_ += 1 + rec_.inner_lines;
    count_eol(rec_.eol);
  }
  resume = rec_.next;
  return st;
}

}  // namespace mkbulk::engine::detail
