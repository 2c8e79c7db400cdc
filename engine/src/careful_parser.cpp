// The careful record parser: RFC 4180 quoting, plus what spreadsheets do with messy input (a
// quote that is not at a field start is a literal character, counted as a bare quote), plus
// the defects the engine reports (unterminated quote, bytes after a closing quote).
#include "careful_parser.h"

namespace mkbulk::engine::detail {
namespace {

struct stop_table {
  bool stop[256];
};

constexpr stop_table make_table(char a, char b, char c, char d) {
  stop_table t{};
  t.stop[static_cast<std::uint8_t>(a)] = true;
  t.stop[static_cast<std::uint8_t>(b)] = true;
  t.stop[static_cast<std::uint8_t>(c)] = true;
  t.stop[static_cast<std::uint8_t>(d)] = true;
  return t;
}

constexpr stop_table QUOTED_STOP = make_table('"', '\n', '\r', '"');
constexpr stop_table COMMA_STOP = make_table('"', '\n', '\r', ',');
constexpr stop_table TAB_STOP = make_table('"', '\n', '\r', '\t');
constexpr stop_table SEMICOLON_STOP = make_table('"', '\n', '\r', ';');

const stop_table& table_for(std::uint8_t delimiter) {
  static const stop_table other = COMMA_STOP;
  if (delimiter == ',') return COMMA_STOP;
  if (delimiter == '\t') return TAB_STOP;
  if (delimiter == ';') return SEMICOLON_STOP;
  return other;
}

}  // namespace

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
  const stop_table& unquoted_stop = table_for(delimiter);
  while (p < stop) {
    // Tight loops over the plain bytes of a quoted or unquoted field: most bytes are neither
    // quotes nor delimiters nor line ends.
    if (in_quote) {
      while (p < stop && !QUOTED_STOP.stop[data[p]]) ++p;
      if (p >= stop) break;
    } else if (!at_field_start && !closed) {
      while (p < stop && !unquoted_stop.stop[data[p]]) ++p;
      if (p >= stop) break;
    }
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
