// Hand-written JSON output with correct escaping: the manifest, the CLI's --json summary.
// Parsing JSON is simdjson's job, never this file's.
#pragma once

#include <string>
#include <string_view>

namespace mkbulk::engine {

// Appends s as a JSON string literal (quotes included): '"', '\\' and control characters are
// escaped; bytes >= 0x80 are copied as they are (the caller passes UTF-8), except that invalid
// UTF-8 bytes become U+FFFD so that the output is always valid JSON.
void append_json_string(std::string& out, std::string_view s);

}  // namespace mkbulk::engine
