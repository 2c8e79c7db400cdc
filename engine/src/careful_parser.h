// Stage 2's careful path: a scalar state machine over one record of the input window, used for
// records that hold a quote (the kernel's quote parity assumes RFC 4180; bare quotes break it),
// for the header and the sniffer, and when a record's end is in doubt. It finds the record's
// true end, its fields and its first structural defect; the pipeline decides what to do.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "mkbulk/engine/reject_reason.h"

namespace mkbulk::engine::detail {

inline constexpr std::size_t NO_POS = ~std::size_t{0};

// One field of a record: [begin, end) in the window. For a quoted field, the bytes between the
// quotes (inner quotes still doubled); bytes after a closing quote are not included.
struct field_span {
  std::size_t begin = 0;
  std::size_t end = 0;
  bool quoted = false;
};

enum class parse_status : std::uint8_t {
  done,       // the record ends (line end or end of input)
  need_more,  // the window ends before the record does and more input may follow
  overflow,   // the record runs past the byte limit
};

enum class line_end : std::uint8_t { none, lf, crlf, cr };

// Where the next record starts after a known line end (lf, crlf or cr) that begins at p.
[[nodiscard]] constexpr std::size_t after_line_end(line_end e, std::size_t p) noexcept {
  return e == line_end::crlf ? p + 2 : p + 1;
}

struct careful_record {
  parse_status status = parse_status::done;
  std::size_t end = 0;   // where the record's bytes end (its line end starts here)
  std::size_t next = 0;  // where the next record starts
  line_end eol = line_end::none;
  std::uint64_t inner_lines = 0;  // line ends inside quoted fields
  std::optional<reject_reason> defect;
  std::size_t defect_field = 0;  // 0-based field of the defect
  std::uint64_t bare_quotes = 0;
  bool in_quote = false;  // still inside a quoted field where parsing stopped
  // The first line end inside a quoted field, and where the line after it starts: where the
  // pipeline resynchronises when the quote turns out never to close.
  std::size_t first_inner_eol = NO_POS;
  std::size_t first_inner_next = NO_POS;
  std::vector<field_span> fields;
};

// Parses the record starting at data[start] (data holds len bytes; eof says whether more input
// follows them). Stops with overflow once the record has run limit bytes without ending.
void careful_parse(const std::uint8_t* data, std::size_t len, bool eof, std::size_t start,
                   std::uint8_t delimiter, std::size_t limit, careful_record& out);

}  // namespace mkbulk::engine::detail
