// Hand-written JSON output with correct escaping; the envelope every API answer uses.
#include "mkbulk/sandbox/json_writer.h"

#include <cstdio>

namespace mkbulk::sandbox {

std::string json_string(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

void append_json_double(std::string& out, double v) {
  char buf[64];
  const int n = std::snprintf(buf, sizeof buf, "%.6f", v);
  if (n > 0) out.append(buf, static_cast<std::size_t>(n));
}

std::string success_envelope(std::string_view request_id, std::string_view result_json) {
  std::string out = "{\"requestId\":";
  append_json_string(out, request_id);
  out += ",\"success\":true,\"result\":";
  out += result_json;
  out += "}";
  return out;
}

std::string error_envelope(std::string_view request_id, int code, std::string_view message) {
  std::string out = "{\"requestId\":";
  append_json_string(out, request_id);
  out += ",\"success\":false,\"errors\":[{\"code\":\"";
  out += std::to_string(code);
  out += "\",\"message\":";
  append_json_string(out, message);
  out += "}],\"warnings\":[]}";
  return out;
}

std::string_view error_message(int code) noexcept {
  switch (code) {
    case 601: return "Access token invalid";
    case 602: return "Access token expired";
    case 603: return "Access denied";
    case 604: return "Request timed out";
    case 606: return "Max rate limit '100' exceeded with in '20' secs";
    case 607: return "Daily quota reached";
    case 608: return "API Temporarily Unavailable";
    case 609: return "Invalid JSON";
    case 610: return "Requested resource not found";
    case 611: return "System error";
    case 612: return "Invalid Content Type";
    case 613: return "Invalid Multipart Request";
    case 614: return "Invalid Subscription";
    case 615: return "Concurrent access limit reached";
    case 713: return "Transient Error";
    case 719: return "Lock wait timeout exception";
    case 1003: return "Invalid data";
    case 1006: return "Field not found";
    case 1008: return "Partition not found";
    case 1016: return "Too many imports";
    default: return "Error";
  }
}

}  // namespace mkbulk::sandbox
