// The careful record parser: RFC 4180 quoting, plus what spreadsheets do with messy input (a
// quote that is not at a field start is a literal character, counted as a bare quote), plus
// the defects the engine reports (unterminated quote, bytes after a closing quote).
#include "careful_parser.h"

namespace mkbulk::engine::detail {

void careful_parse(const std::uint8_t* data, std::size_t len, bool eof, std::size_t start,
                   std::uint8_t delimiter, std::size_t limit, careful_record& out) {
  out.status = parse_status::done;
  out.eol = line_end::none;
  out.inner_lines = 0;
  out.defect.reset();
  out.defect_field = 0;
  out.bare_quotes = 0;
  out.in_quote = false;
  out.first_inner_eol = NO_POS;
  out.first_inner_next = NO_POS;
  out.fields.clear();

  const std::size_t stop = (len - start > limit) ? start + limit : len;
  const auto note = [&out](reject_reason r) {
    if (!out.defect) {
      out.defect = r;
      out.defect_field = out.fields.size();
    }
  };
  field_span f{start, start, false};
  bool at_field_start = true;
  bool in_quote = false;
  bool closed = false;  // the current quoted field's closing quote has been seen
  std::size_t p = start;
  bool wait = false;  // stopped at a byte whose meaning depends on the next, unread one
  while (p < stop) {
    const std::uint8_t c = data[p];
    if (in_quote) {
      if (c == '"') {
        if (p + 1 >= len && !eof) {  // "" or a closing quote: the next byte decides
          wait = true;
          break;
        }
        if (p + 1 < len && data[p + 1] == '"') {
          p += 2;
          continue;
        }
        in_quote = false;
        closed = true;
        f.end = p;
        ++p;
        continue;
      }
      if (c == '\n' || c == '\r') {
        if (c == '\r' && p + 1 >= len && !eof) {  // CR or CRLF: the next byte decides
          wait = true;
          break;
        }
        const std::size_t n = (c == '\r' && p + 1 < len && data[p + 1] == '\n') ? 2 : 1;
        if (out.first_inner_eol == NO_POS) {
          out.first_inner_eol = p;
          out.first_inner_next = p + n;
        }
        ++out.inner_lines;
        p += n;
        continue;
      }
      ++p;
      continue;
    }
    if (c == delimiter) {
      if (!f.quoted) f.end = p;
      out.fields.push_back(f);
      f = field_span{p + 1, p + 1, false};
      at_field_start = true;
      closed = false;
      ++p;
      continue;
    }
    if (c == '\n' || c == '\r') {
      if (c == '\r' && p + 1 >= len && !eof) {
        wait = true;
        break;
      }
      const std::size_t n = (c == '\r' && p + 1 < len && data[p + 1] == '\n') ? 2 : 1;
      if (!f.quoted) f.end = p;
      out.fields.push_back(f);
      out.end = p;
      out.next = p + n;
      out.eol = (c == '\n') ? line_end::lf : (n == 2 ? line_end::crlf : line_end::cr);
      return;
    }
    if (c == '"') {
      if (at_field_start) {
        in_quote = true;
        f.quoted = true;
        f.begin = p + 1;
        at_field_start = false;
        ++p;
        continue;
      }
      if (!f.quoted) ++out.bare_quotes;
    }
    if (closed) note(reject_reason::bytes_after_closing_quote);
    at_field_start = false;
    ++p;
  }
  out.in_quote = in_quote;
  if (wait) {
    out.status = parse_status::need_more;
    return;
  }
  if (stop < len || (!eof && len - start >= limit)) {
    out.status = parse_status::overflow;
    return;
  }
  if (!eof) {
    out.status = parse_status::need_more;
    return;
  }
  // The input ends inside this record, without a line end.
  if (in_quote) {
    note(reject_reason::unterminated_quote);
    f.end = len;
  } else if (!f.quoted) {
    f.end = len;
  }
  out.fields.push_back(f);
  out.end = len;
  out.next = len;
}

}  // namespace mkbulk::engine::detail
