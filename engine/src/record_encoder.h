// Writing values out: unescaping a parsed field, trimming, and minimal RFC 4180 quoting in the
// output dialect (quote only when the value holds the delimiter, a quote, CR or LF). Used for
// the chunk header, for records off the fast path, and for rejects.csv.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "careful_parser.h"

namespace mkbulk::engine::detail {

// The value of a field: quotes removed and "" unescaped for a quoted one.
void field_value(const std::uint8_t* data, const field_span& f, std::string& out);

// s without the spaces and tabs around it.
[[nodiscard]] std::string_view trim_blanks(std::string_view s) noexcept;

// Appends value to out, quoted if (and only if) it holds delimiter, '"', '\n' or '\r'.
void append_minimal_quoted(std::string& out, std::string_view value, char delimiter);

}  // namespace mkbulk::engine::detail
