// The scalar record reader: a plain state machine over the text, one byte at a time.
#include "mkbulk/engine/record_reader.h"

namespace mkbulk::engine {

record_reader::record_reader(std::string_view text, char delimiter) noexcept
    : text_(text), delimiter_(delimiter) {
  if (text_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
}

bool record_reader::next(std::vector<std::string>& fields) {
  fields.clear();
  defect_.reset();
  if (pos_ >= text_.size()) return false;
  const std::size_t start = pos_;
  line_ = next_line_;
  offset_ = start;
  const auto note = [this](reject_reason r) {
    if (!defect_) defect_ = r;
  };
  std::string field;
  std::size_t end = text_.size();  // where the record's bytes end (before its line end)
  std::size_t p = pos_;
  bool at_field_start = true;
  bool quoted = false;    // the current field opened with a quote
  bool in_quote = false;  // inside the quoted part of it
  bool closed = false;    // its closing quote has been seen
  bool done = false;
  while (p < text_.size() && !done) {
    const char c = text_[p];
    if (in_quote) {
      if (c == '"') {
        if (p + 1 < text_.size() && text_[p + 1] == '"') {
          field.push_back('"');
          p += 2;
          continue;
        }
        in_quote = false;
        closed = true;
      } else {
        if (c == '\n' || (c == '\r' && !(p + 1 < text_.size() && text_[p + 1] == '\n'))) {
          ++next_line_;
        }
        if (c == '\0') note(reject_reason::nul_byte);
        field.push_back(c);
      }
      ++p;
      continue;
    }
    if (c == delimiter_) {
      fields.push_back(std::move(field));
      field.clear();
      at_field_start = true;
      quoted = closed = false;
      ++p;
      continue;
    }
    if (c == '\n' || c == '\r') {
      end = p;
      p += (c == '\r' && p + 1 < text_.size() && text_[p + 1] == '\n') ? 2u : 1u;
      ++next_line_;
      done = true;
      continue;
    }
    if (c == '"' && at_field_start) {
      quoted = in_quote = true;
      at_field_start = false;
      ++p;
      continue;
    }
    if (quoted && closed) note(reject_reason::bytes_after_closing_quote);
    if (c == '\0') note(reject_reason::nul_byte);
    at_field_start = false;
    field.push_back(c);
    ++p;
  }
  if (in_quote) note(reject_reason::unterminated_quote);
  fields.push_back(std::move(field));
  pos_ = p;
  raw_ = text_.substr(start, end - start);
  return true;
}

}  // namespace mkbulk::engine
