// Small writers shared by the journal, the result files and the report: JSON string escaping
// and delimited-text field quoting (RFC 4180, minimal). Reading is simdjson's and the engine's.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mkbulk::upload {

// Appends s as a JSON string literal (quotes included), escaping what JSON requires.
void append_json_string(std::string& out, std::string_view s);

// Appends one field, quoted when it holds the delimiter, a quote, CR or LF.
void append_field(std::string& out, std::string_view s, char delimiter);
// Appends a whole record and its LF line end.
void append_record(std::string& out, const std::vector<std::string>& fields, char delimiter);

}  // namespace mkbulk::upload
