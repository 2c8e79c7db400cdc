// The lead fields the sandbox knows: the engine's standard lead schema, or a --schema file in
// describe.json's shape (parsed with simdjson). Answers describe.json and field look-ups.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mkbulk/engine/lead_schema.h"

namespace mkbulk::sandbox {

struct schema_field {
  std::string rest_name;
  std::string display_name;
  engine::field_type type = engine::field_type::string;
  std::uint32_t length = 0;
  bool read_only = false;
};

class schema_table {
 public:
  [[nodiscard]] static schema_table standard();
  // text: describe.json's answer ({"result":[...]}) or just its result array; each entry needs
  // rest.name (or name), displayName and dataType; length and rest.readOnly are optional.
  // Throws std::invalid_argument saying which entry is wrong.
  [[nodiscard]] static schema_table from_describe_json(std::string_view text);

  // The field with this REST name (ASCII case-insensitive), or nullptr.
  [[nodiscard]] const schema_field* find(std::string_view rest_name) const noexcept;
  [[nodiscard]] const std::vector<schema_field>& fields() const noexcept { return fields_; }
  // describe.json's result array.
  [[nodiscard]] std::string describe_result_json() const;

 private:
  std::vector<schema_field> fields_;
};

}  // namespace mkbulk::sandbox
