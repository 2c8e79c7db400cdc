// JSON writing by hand (reading is simdjson's job): string escaping and the Marketo envelope.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "mkbulk/engine/json_text.h"

namespace mkbulk::sandbox {

// JSON string escaping is the engine's (one implementation for every JSON the project writes).
using engine::append_json_string;
[[nodiscard]] std::string json_string(std::string_view s);

// A float with a fixed number of decimals (times in seconds).
void append_json_double(std::string& out, double v);

// {"requestId":"…","success":true,"result":RESULT_JSON} and the error form
// {"requestId":"…","success":false,"errors":[{"code":"606","message":"…"}]}.
[[nodiscard]] std::string success_envelope(std::string_view request_id,
                                           std::string_view result_json);
[[nodiscard]] std::string error_envelope(std::string_view request_id, int code,
                                         std::string_view message);

// Marketo's default message for an error code ("Max rate limit '100' exceeded with in '20'
// secs" and so on).
[[nodiscard]] std::string_view error_message(int code) noexcept;

}  // namespace mkbulk::sandbox
