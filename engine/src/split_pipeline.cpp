// The split pipeline's hot loop (stage 2). Stage 1 (a scan kernel) marks structural bytes,
// quotes and special bytes over 64 KiB of the window at a time; this loop walks the structural
// bits: a delimiter bit counts a field, a CR/LF bit ends a record. A record without quote bits
// takes the fast path (field count = delimiter bits + 1; with an unchanged dialect its bytes are
// copied as they are, runs of adjacent records in one memcpy). A record with a quote bit goes
// through the careful parser, which knows bare quotes; when it disagrees with the kernel about
// where the record ends, scanning restarts at the careful end with quote parity 0.
#include <simdjson.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <bit>
#include <cstring>

#include "record_encoder.h"
#include "split_run.h"
#include "utf8_text.h"

namespace mkbulk::engine::detail {
namespace {
constexpr std::uint64_t PROGRESS_EVERY = std::uint64_t{32} << 20;
constexpr std::size_t CHECK_SPAN = 64 * 1024;
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
      if (!win_.read_some(block_)) return fail(split_status::io_error, win_.error());
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
        std::size_t next = p + 1;
        line_end eol = line_end::lf;
        if (c == '\r') {
          eol = line_end::cr;
          if (p + 1 < len) {
            if (d[p + 1] == '\n') {
              next = p + 2;
              eol = line_end::crlf;
            }
          } else if (!win_.eof()) {
            return {step::more, rs};
          }
        }
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

namespace {

// Bit i set when byte i of the 64 at b is CR or LF. SSE2 is the x86-64 baseline: no flags.
inline std::uint64_t line_end_mask(const std::uint8_t* b) noexcept {
#if defined(__SSE2__)
  const __m128i lf = _mm_set1_epi8('\n');
  const __m128i cr = _mm_set1_epi8('\r');
  std::uint64_t m = 0;
  for (unsigned k = 0; k < 4; ++k) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + 16 * k));
    const __m128i e = _mm_or_si128(_mm_cmpeq_epi8(v, lf), _mm_cmpeq_epi8(v, cr));
    m |= std::uint64_t{static_cast<std::uint32_t>(_mm_movemask_epi8(e)) & 0xFFFFu} << (16 * k);
  }
  return m;
#else
  std::uint64_t m = 0;
  for (unsigned k = 0; k < 64; ++k) {
    if (b[k] == '\n' || b[k] == '\r') m |= std::uint64_t{1} << k;
  }
  return m;
#endif
}

// Without -mpopcnt (no global -march), std::popcount is a library call: SWAR instead.
inline std::size_t count_bits(std::uint64_t x) noexcept {
  x = x - ((x >> 1) & 0x5555555555555555u);
  x = (x & 0x3333333333333333u) + ((x >> 2) & 0x3333333333333333u);
  x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Fu;
  return static_cast<std::size_t>((x * 0x0101010101010101u) >> 56);
}

inline std::size_t highest(std::size_t pos0, std::uint64_t bits) noexcept {
  return pos0 + 63 - static_cast<std::size_t>(std::countl_zero(bits));
}

}  // namespace

// The hot loop when the dialect stays the same (no delimiter positions to keep): a line-end
// mask splits the structural bits into record ends and delimiters, so a record costs one
// popcount of its delimiter bits instead of a visit per field; the lookup field's bounds come
// from the few delimiter bits around it. Same decisions as scan(), which the tests check.
split_run::scan_result split_run::scan_fast(std::size_t rs) {
  const std::uint8_t* d = win_.data();
  const std::size_t len = win_.size();
  scan_carry carry{};
  std::size_t last_quote = NO_POS;
  std::size_t last_special = NO_POS;
  std::size_t last_inner = NO_POS;  // a CR/LF inside quotes (per the kernel's parity)
  std::size_t nd = 0;
  std::size_t lk_b = rs;
  std::size_t lk_e = NO_POS;
  // Counts the delimiter bits of the current record and notes the lookup field's bounds.
  const auto take_delims = [&](std::size_t pos0, std::uint64_t bits) {
    if (bits == 0) return;
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
    nd += count_bits(bits);
  };
  for (std::size_t w = rs; w < len; w += WINDOW_BLOCKS * 64) {
    const std::size_t nb = std::min(WINDOW_BLOCKS, (len - w + 63) / 64);
    kernel_(d + w, nb, delim_, carry, masks_.data());
    for (std::size_t b = 0; b < nb; ++b) {
      const std::size_t pos0 = w + b * 64;
      const std::uint64_t valid =
          (len - pos0 >= 64) ? ~std::uint64_t{0} : (std::uint64_t{1} << (len - pos0)) - 1;
      const block_masks& m = masks_[b];
      const std::uint64_t nl = line_end_mask(d + pos0) & valid;
      const std::uint64_t s = m.structural & valid;
      const std::uint64_t q = m.quote & valid;
      const std::uint64_t sp = m.special & valid;
      const std::uint64_t inner = nl & ~s;
      std::uint64_t ends = s & nl;
      std::uint64_t delims = s & ~nl;
      if (rs > pos0) delims &= ~((std::uint64_t{1} << (rs - pos0)) - 1);  // rs - pos0 < 64
      while (ends != 0) {
        const auto i = static_cast<unsigned>(std::countr_zero(ends));
        ends &= ends - 1;
        const std::size_t p = pos0 + i;
        if (p < rs) continue;  // the LF of a CRLF
        const std::uint64_t below = (std::uint64_t{1} << i) - 1;
        take_delims(pos0, delims & below);
        delims &= ~below;
        const std::size_t lq = (q & below) ? highest(pos0, q & below) : last_quote;
        const std::size_t ls = (sp & below) ? highest(pos0, sp & below) : last_special;
        const std::size_t li = (inner & below) ? highest(pos0, inner & below) : last_inner;
        std::size_t next = p + 1;
        line_end eol = line_end::lf;
        if (d[p] == '\r') {
          eol = line_end::cr;
          if (p + 1 < len) {
            if (d[p + 1] == '\n') {
              next = p + 2;
              eol = line_end::crlf;
            }
          } else if (!win_.eof()) {
            return {step::more, rs};
          }
        }
        std::size_t resume = next;
        step st;
        if (lq != NO_POS && lq >= rs) {
          st = quoted_record(rs, p, eol, nd, lk_b, lk_e == NO_POS ? p : lk_e,
                             ls != NO_POS && ls >= rs, li != NO_POS && li >= rs, resume);
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
      }
      take_delims(pos0, delims);  // the rest belong to the record still open
      if (q != 0) last_quote = highest(pos0, q);
      if (sp != 0) last_special = highest(pos0, sp);
      if (inner != 0) last_inner = highest(pos0, inner);
    }
  }
  if (!win_.eof()) return {step::more, rs};
  if (rs >= len) return {step::finished, rs};
  std::size_t resume = len;
  const step st = careful_record_at(rs, resume);
  if (st != step::ok) return {st, rs};
  window_moved_ = false;
  return {resume >= win_.size() ? step::finished : step::restart, resume};
}

bool split_run::check_bytes(std::size_t rs, std::size_t end, std::string& message,
                            reject_reason& why) {
  const auto* d = reinterpret_cast<const char*>(win_.data());
  // Most records are fine: check the window from this record up to its last line end in one
  // go (a cut before an ASCII byte never splits a UTF-8 sequence), and only look at single
  // records where that span fails.
  if (end <= clean_until_) return false;
  if (rs >= dirty_until_) {
    // 64 KiB spans: a bad byte only sends that span's records to the one-by-one check.
    const std::size_t len = std::min(win_.size(), std::max(end + 1, rs + CHECK_SPAN));
    const auto* lf = static_cast<const char*>(::memrchr(d + rs, '\n', len - rs));
    const auto* cr = static_cast<const char*>(::memrchr(d + rs, '\r', len - rs));
    std::size_t span_end = 0;
    if (lf != nullptr) span_end = static_cast<std::size_t>(lf - d);
    if (cr != nullptr) span_end = std::max(span_end, static_cast<std::size_t>(cr - d));
    if (span_end >= end) {
      if (std::memchr(d + rs, 0, span_end - rs) == nullptr &&
          simdjson::validate_utf8(d + rs, span_end - rs)) {
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
  if (!simdjson::validate_utf8(p, n)) {
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
  } else if (fast_copy_) {
    const std::size_t size = p - rs + 1;
    if (size > max_row_bytes_) {
      st = reject(rs, p, reject_reason::record_too_large,
                  "the record needs " + std::to_string(size) + " bytes; a chunk of " +
                      std::to_string(opt_.max_bytes) + " bytes holds " +
                      std::to_string(max_row_bytes_) + " after the header");
    } else {
      ++result_.result.counts.rows_in;
      writer_->begin_row(line_, size);
      if (eol == line_end::lf) {
        writer_->append_input(d + rs, size);
      } else {
        writer_->append_input(d + rs, size - 1);
        writer_->append("\n", 1);
      }
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
// end), holds no line end inside quotes and is minimally quoted already, the kernel's
// delimiter count is right and its bytes can be copied as they are. Checking that walks the
// quotes with memchr instead of every byte; anything else goes to the careful parser, which
// gives the same answer for the records this path takes.
split_run::step split_run::quoted_record(std::size_t rs, std::size_t p, line_end eol,
                                         std::size_t nd, std::size_t lk_b, std::size_t lk_e,
                                         bool has_special, bool inner_eol,
                                         std::size_t& resume) {
  const auto* d = reinterpret_cast<const char*>(win_.data());
  const auto careful = [&] { return careful_record_at(rs, resume); };
  if (!fast_copy_ || inner_eol) return careful();
  const char delim = static_cast<char>(delim_);
  std::size_t x = rs;
  while (x < p) {
    const auto* q = static_cast<const char*>(std::memchr(d + x, '"', p - x));
    if (q == nullptr) break;
    const auto open = static_cast<std::size_t>(q - d);
    if (open != rs && d[open - 1] != delim) return careful();  // a bare quote
    std::size_t y = open + 1;
    bool escaped = false;
    std::size_t close = NO_POS;
    while (y < p) {
      const auto* c = static_cast<const char*>(std::memchr(d + y, '"', p - y));
      if (c == nullptr) break;
      const auto at = static_cast<std::size_t>(c - d);
      if (at + 1 < p && d[at + 1] == '"') {
        escaped = true;
        y = at + 2;
        continue;
      }
      close = at;
      break;
    }
    if (close == NO_POS) return careful();
    if (close + 1 != p && d[close + 1] != delim) return careful();  // bytes after the quote
    if (!escaped && std::memchr(d + open + 1, delim, close - open - 1) == nullptr) {
      return careful();  // quoted without need: re-encoded by the careful path
    }
    x = close + 1;
  }
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
  } else {
    st = accept(rs, p, {}, true, eol);
  }
  ++line_;
  count_eol(eol);
  resume = eol == line_end::crlf ? p + 2 : p + 1;
  return st;
}

// A good record off the fast path: its kept fields re-encoded in the output dialect; or, with
// raw, its bytes [rs, end) are already exactly that (only the line end may change).
split_run::step split_run::accept(std::size_t rs, std::size_t end,
                                  std::span<const field_span> spans, bool raw, line_end eol) {
  const auto* d = reinterpret_cast<const char*>(win_.data());
  std::size_t size = 0;
  if (raw) {
    size = end - rs + 1;
  } else {
    out_.clear();
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
  ++result_.result.counts.rows_in;
  writer_->begin_row(line_, size);
  if (raw && eol == line_end::lf) {
    writer_->append_input(d + rs, size);
  } else if (raw) {
    writer_->append_input(d + rs, size - 1);
    writer_->append("\n", 1);
  } else {
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

// A record longer than limit_ that is not an open quote: rejected as record_too_large without
// buffering it. A small state machine (the careful parser's quoting rules) follows it to its end
// while the window is refilled; only its first REJECT_RECORD_KEEP bytes are kept.
split_run::step split_run::skip_record(std::size_t rs, std::size_t& resume) {
  enum class state : std::uint8_t { field_start, unquoted, quoted, quoted_quote };
  const std::uint64_t start = win_.base() + rs;
  const std::string prefix(reinterpret_cast<const char*>(win_.data()) + rs,
                           std::min(REJECT_RECORD_KEEP, win_.size() - rs));
  state st = state::field_start;
  bool cr_end = false;    // the record ended with a CR: an LF right after belongs to it
  bool cr_inner = false;  // a CR inside quotes: an LF right after is the same line end
  std::uint64_t inner = 0;
  std::uint64_t end = 0;
  line_end eol = line_end::none;
  std::size_t p = rs;
  for (bool found = false; !found;) {
    const std::uint8_t* d = win_.data();
    const std::size_t len = win_.size();
    for (; p < len && !found; ++p) {
      const std::uint8_t c = d[p];
      if (cr_end) {
        eol = (c == '\n') ? line_end::crlf : line_end::cr;
        resume = (c == '\n') ? p + 1 : p;
        found = true;
        break;
      }
      if (cr_inner) {
        cr_inner = false;
        if (c == '\n') continue;
      }
      if (st == state::quoted_quote) {
        if (c == '"') {
          st = state::quoted;
          continue;
        }
        st = state::unquoted;
      }
      if (st == state::quoted) {
        if (c == '"') {
          st = state::quoted_quote;
        } else if (c == '\n' || c == '\r') {
          ++inner;
          cr_inner = c == '\r';
        }
        continue;
      }
      if (c == delim_) {
        st = state::field_start;
      } else if (c == '\n') {
        end = win_.base() + p;
        eol = line_end::lf;
        resume = p + 1;
        found = true;
        break;
      } else if (c == '\r') {
        end = win_.base() + p;
        cr_end = true;
      } else if (c == '"' && st == state::field_start) {
        st = state::quoted;
      } else {
        st = state::unquoted;
      }
    }
    if (found) break;
    if (win_.eof()) {
      if (cr_end) {
        eol = line_end::cr;
      } else {
        end = win_.base() + len;
      }
      resume = len;
      break;
    }
    writer_->flush_pending();
    win_.compact(len);
    clean_until_ = dirty_until_ = 0;
    p = 0;
    window_moved_ = true;
    if (!win_.read_some(block_)) {
      fail(split_status::io_error, win_.error());
      return step::stop;
    }
    report_progress(false);
  }
  const std::uint64_t total = end - start;
  const step s = reject_raw(start, prefix, total, reject_reason::record_too_large,
                            "the record is " + std::to_string(total) +
                                " bytes, more than the largest record a chunk can take (" +
                                std::to_string(limit_) + " bytes); it was skipped");
  if (eol != line_end::none) {
    line_ += 1 + inner;
    count_eol(eol);
  }
  return s;
}

}  // namespace mkbulk::engine::detail
