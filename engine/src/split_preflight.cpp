// The split's pre-flight hooks (issue 5): setting up the record checker once the header is
// mapped, and rejecting a record for a value. The check itself runs in split_run::accept (one
// call per output value, only when a schema is set); the checks are value_checks.cpp's.
#include "preflight_checker.h"
#include "split_run.h"

namespace mkbulk::engine::detail {

void split_run::setup_preflight() {
  std::vector<std::string> columns;
  columns.reserve(plan_.columns.size());
  for (const column_mapping& c : plan_.columns) columns.push_back(c.field);
  checker_ = std::make_unique<record_checker>(*opt_.preflight, columns, opt_.lookup_field,
                                              static_cast<char>(delim_));
  // Every record goes through accept(), field by field: a value may be rewritten.
  fast_copy_ = false;
}

split_run::step split_run::reject_value(std::size_t rs, std::size_t end) {
  const value_issue& issue = checker_->issue();
  split_counts& c = result_.result.counts;
  ++c.rows_in;
  ++c.rows_rejected;
  ++c.value_reject_counts[static_cast<std::size_t>(issue.problem)];
  if (have_rejects_) {
    const std::string_view raw(reinterpret_cast<const char*>(win_.data()) + rs, end - rs);
    rejects_.add(line_, win_.base() + rs, to_string(issue.problem), issue.message, raw,
                 raw.size());
  }
  if (opt_.max_rejects && c.rows_rejected > *opt_.max_rejects) {
    fail(split_status::too_many_rejects,
         "more than " + std::to_string(*opt_.max_rejects) + " rows rejected (--max-rejects); " +
             "stopped at line " + std::to_string(line_) + ". See the rejects report for why");
    return step::stop;
  }
  return step::ok;
}

}  // namespace mkbulk::engine::detail
