// Pre-flight's options for a split (issue 5): the lead schema the typed checks follow and how
// values are read (--decimal-comma, --date-order, --on-long-value). Built once by the caller,
// then shared read-only with the pipeline through split_options::preflight.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mkbulk/engine/lead_schema_json.h"
#include "mkbulk/engine/value_checks.h"

namespace mkbulk::engine {

struct preflight_options {
  lead_schema schema;
  value_check_options values;
  // nullopt: a decimal comma exactly when the input's delimiter is ';' (where spreadsheets put
  // one); otherwise what --decimal-comma / --no-decimal-comma said.
  std::optional<bool> decimal_comma;
};

// The value_check_options a split with this input delimiter uses.
[[nodiscard]] value_check_options resolve_value_options(const preflight_options& options,
                                                        char input_delimiter) noexcept;

// How each output column is checked: its schema field (nullptr: not in the schema, unchecked)
// and its role (the lookup column is field_role::lookup). For people: columns the schema does
// not know are listed in unchecked.
struct preflight_plan {
  std::vector<const lead_field*> fields;  // one per output column
  std::vector<field_role> roles;
  std::vector<std::string> unchecked;     // REST names of output columns not in the schema
};

// Maps output columns (REST names, in order) to the schema's fields.
[[nodiscard]] preflight_plan plan_preflight(const lead_schema& schema,
                                            const std::vector<std::string>& columns,
                                            std::string_view lookup_field);

}  // namespace mkbulk::engine
