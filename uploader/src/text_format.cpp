// text_format: minimal CSV quoting (JSON escaping is the engine's json_text).
#include "mkbulk/upload/text_format.h"

#include <cstdio>

namespace mkbulk::upload {

void append_field(std::string& out, std::string_view s, char delimiter) {
  const bool quote = s.find_first_of(std::string{delimiter, '"', '\r', '\n'}) != std::string_view::npos;
  if (!quote) {
    out += s;
    return;
  }
  out += '"';
  for (const char ch : s) {
    if (ch == '"') out += '"';
    out += ch;
  }
  out += '"';
}

void append_record(std::string& out, const std::vector<std::string>& fields, char delimiter) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i != 0) out += delimiter;
    append_field(out, fields[i], delimiter);
  }
  out += '\n';
}

}  // namespace mkbulk::upload
