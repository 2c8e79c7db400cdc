// Small writers shared by the journal, the result files and the report: JSON string escaping
// and delimited-text field quoting (RFC 4180, minimal). Reading is simdjson's and the engine's.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mkbulk/engine/json_text.h"

namespace mkbulk::upload {

// JSON string escaping is the engine's (one implementation for every JSON the project writes).
using engine::append_json_string;

// Appends one field, quoted when it holds the delimiter, a quote, CR or LF.
void append_field(std::string& out, std::string_view s, char delimiter);
// Appends a whole record and its LF line end.
void append_record(std::string& out, const std::vector<std::string>& fields, char delimiter);

}  // namespace mkbulk::upload
