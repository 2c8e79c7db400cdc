// Field unescaping and minimal quoting; plain loops, off the hot path's fast copy.
#include "record_encoder.h"

namespace mkbulk::engine::detail {

void field_value(const std::uint8_t* data, const field_span& f, std::string& out) {
  out.clear();
  const auto* p = reinterpret_cast<const char*>(data);
  if (!f.quoted) {
    out.assign(p + f.begin, f.end - f.begin);
    return;
  }
  for (std::size_t i = f.begin; i < f.end; ++i) {
    out.push_back(p[i]);
    if (p[i] == '"' && i + 1 < f.end && p[i + 1] == '"') ++i;
  }
}

std::string_view trim_blanks(std::string_view s) noexcept {
  std::size_t b = 0;
  std::size_t e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return s.substr(b, e - b);
}

void append_minimal_quoted(std::string& out, std::string_view value, char delimiter) {
  bool needs = false;
  for (const char c : value) {
    if (c == delimiter || c == '"' || c == '\n' || c == '\r') {
      needs = true;
      break;
    }
  }
  if (!needs) {
    out.append(value);
    return;
  }
  out.push_back('"');
  for (const char c : value) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace mkbulk::engine::detail
