// Skipping a record too large to buffer: rejected as record_too_large, followed to its end
// by a small state machine over refills of the window, only its first bytes kept.
#include <algorithm>

#include "split_run.h"

namespace mkbulk::engine::detail {

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
    if (!win_.read_some()) {
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
