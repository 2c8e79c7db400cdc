// count_json: the reject and predicted-warning counts as JSON objects (hand-written, names from
// reject_reason.h and value_checks.h).
#include "mkbulk/engine/count_json.h"

#include "mkbulk/engine/json_text.h"
#include "mkbulk/engine/value_checks.h"

namespace mkbulk::engine {
namespace {

void add_count(std::string& out, bool& first, std::string_view name, std::uint64_t n) {
  if (!first) out += ',';
  first = false;
  append_json_string(out, name);
  out += ':';
  out += std::to_string(n);
}

}  // namespace

void append_reject_counts_json(std::string& out, const split_counts& c) {
  out += '{';
  bool first = true;
  for (std::size_t i = 0; i < REJECT_REASON_COUNT; ++i) {
    add_count(out, first, to_string(static_cast<reject_reason>(i)), c.reject_counts[i]);
  }
  for (std::size_t i = 1; i < VALUE_PROBLEM_COUNT; ++i) {  // pre-flight's codes
    if (c.value_reject_counts[i] == 0) continue;
    add_count(out, first, to_string(static_cast<value_problem>(i)), c.value_reject_counts[i]);
  }
  out += '}';
}

void append_predicted_warnings_json(std::string& out, const split_counts& c) {
  out += '{';
  bool first = true;
  for (std::size_t i = 1; i < VALUE_PROBLEM_COUNT; ++i) {
    if (c.predicted_warnings[i] == 0) continue;
    add_count(out, first, to_string(static_cast<value_problem>(i)), c.predicted_warnings[i]);
  }
  out += '}';
}

void append_duplicate_summary_json(std::string& out, const duplicate_summary& d) {
  out += "{\"policy\":";
  append_json_string(out, d.policy);
  out += ",\"repeated_keys\":" + std::to_string(d.repeated_keys);
  out += ",\"rows_held_back\":" + std::to_string(d.rows_held_back);
  out += ",\"rows_merged\":" + std::to_string(d.rows_merged);
  out += ",\"rows_rejected\":" + std::to_string(d.rows_rejected);
  out += ",\"overwritten_values\":" + std::to_string(d.overwritten_values);
  out += ",\"report\":";
  append_json_string(out, d.report);
  out += '}';
}

}  // namespace mkbulk::engine
