// The per-record checker and the column plan: which schema field each output column follows,
// which column is the lookup, and the value options a run resolves from its input dialect.
#include "preflight_checker.h"

namespace mkbulk::engine {

value_check_options resolve_value_options(const preflight_options& options,
                                          char input_delimiter) noexcept {
  value_check_options v = options.values;
  v.decimal_comma = options.decimal_comma.value_or(input_delimiter == ';');
  return v;
}

preflight_plan plan_preflight(const lead_schema& schema, const std::vector<std::string>& columns,
                              std::string_view lookup_field) {
  preflight_plan plan;
  plan.fields.reserve(columns.size());
  plan.roles.reserve(columns.size());
  for (const std::string& c : columns) {
    const lead_field* f = schema.find(c);
    plan.fields.push_back(f);
    plan.roles.push_back(c == lookup_field ? field_role::lookup : field_role::value);
    if (f == nullptr) plan.unchecked.push_back(c);
  }
  return plan;
}

namespace detail {

record_checker::record_checker(const preflight_options& options,
                               const std::vector<std::string>& columns,
                               std::string_view lookup_field, char input_delimiter)
    : plan_(plan_preflight(options.schema, columns, lookup_field)),
      values_(resolve_value_options(options, input_delimiter)) {
  pending_.reserve(columns.size());
  for (const lead_field* f : plan_.fields) {
    const bool s = f != nullptr &&
                   (f->type == field_type::string || f->type == field_type::text ||
                    f->type == field_type::phone || f->type == field_type::url);
    std::size_t up_to = 0;  // a non-empty value may need a check (empty ones are always fine)
    if (f == nullptr || (s && f->length == 0)) {
      up_to = ~std::size_t{0};
    } else if (s) {
      up_to = f->length;
    }
    keep_up_to_.push_back(up_to);
    if (s && f->length != 0) short_record_ = std::min<std::size_t>(short_record_, f->length);
  }
  for (std::size_t k = 0; k < keep_up_to_.size(); ++k) {
    if (keep_up_to_[k] != ~std::size_t{0}) checked_end_ = k + 1;
    if (keep_up_to_[k] == 0) {
      const lead_field& f = *plan_.fields[k];  // unchecked columns keep everything
      typed_columns_.push_back(typed_column{k, f.type, f.length});
    }
  }
}

value_verdict record_checker::check_slow(std::size_t k, const lead_field& f,
                                         std::string_view in) {
  const value_verdict v = check_value(f, in, values_, out_, issue_, plan_.roles[k]);
  if (v == value_verdict::warn) pending_.push_back(issue_.problem);
  return v;
}

void record_checker::count_pending(split_counts& counts) noexcept {
  for (const value_problem p : pending_) ++counts.predicted_warnings[static_cast<std::size_t>(p)];
  pending_.clear();
}

}  // namespace detail
}  // namespace mkbulk::engine
