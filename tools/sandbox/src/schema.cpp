// The sandbox's lead schema: built from the engine's table or read from a describe.json file.
#include "mkbulk/sandbox/schema.h"

#include <stdexcept>

#include <simdjson.h>

#include "mkbulk/sandbox/json_writer.h"

namespace mkbulk::sandbox {
namespace {

[[nodiscard]] bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace

schema_table schema_table::standard() {
  schema_table t;
  for (const auto& f : engine::standard_lead_fields()) {
    t.fields_.push_back({std::string(f.rest_name), std::string(f.display_name), f.type, f.length,
                         f.read_only});
  }
  return t;
}

schema_table schema_table::from_describe_json(std::string_view text) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(text.data(), text.size()).get(root) != simdjson::SUCCESS) {
    throw std::invalid_argument("--schema: the file is not valid JSON");
  }
  simdjson::dom::array entries;
  if (root.is_object()) {
    if (root["result"].get_array().get(entries) != simdjson::SUCCESS) {
      throw std::invalid_argument("--schema: expected a 'result' array");
    }
  } else if (root.get_array().get(entries) != simdjson::SUCCESS) {
    throw std::invalid_argument("--schema: expected describe.json's answer or its result array");
  }
  schema_table t;
  std::size_t index = 0;
  for (simdjson::dom::element e : entries) {
    ++index;
    const auto where = "--schema: entry " + std::to_string(index) + ": ";
    schema_field f;
    std::string_view s;
    if (e["rest"]["name"].get_string().get(s) == simdjson::SUCCESS ||
        e["name"].get_string().get(s) == simdjson::SUCCESS) {
      f.rest_name = s;
    } else {
      throw std::invalid_argument(where + "needs rest.name");
    }
    if (e["displayName"].get_string().get(s) != simdjson::SUCCESS) {
      throw std::invalid_argument(where + "needs displayName");
    }
    f.display_name = s;
    if (e["dataType"].get_string().get(s) != simdjson::SUCCESS) {
      throw std::invalid_argument(where + "needs dataType");
    }
    const auto type = engine::field_type_from_string(s);
    if (!type) throw std::invalid_argument(where + "unknown dataType '" + std::string(s) + "'");
    f.type = *type;
    std::uint64_t length = 0;
    if (e["length"].get_uint64().get(length) == simdjson::SUCCESS) {
      f.length = static_cast<std::uint32_t>(length);
    }
    bool read_only = false;
    if (e["rest"]["readOnly"].get_bool().get(read_only) == simdjson::SUCCESS) {
      f.read_only = read_only;
    }
    t.fields_.push_back(std::move(f));
  }
  if (t.fields_.empty()) throw std::invalid_argument("--schema: no fields");
  return t;
}

const schema_field* schema_table::find(std::string_view rest_name) const noexcept {
  for (const auto& f : fields_) {
    if (iequals(f.rest_name, rest_name)) return &f;
  }
  return nullptr;
}

std::string schema_table::describe_result_json() const {
  std::string out = "[";
  std::size_t id = 0;
  for (const auto& f : fields_) {
    if (id++ > 0) out += ",";
    out += "{\"id\":" + std::to_string(id) + ",\"displayName\":";
    append_json_string(out, f.display_name);
    out += ",\"dataType\":";
    append_json_string(out, engine::to_string(f.type));
    if (f.length > 0) out += ",\"length\":" + std::to_string(f.length);
    out += ",\"rest\":{\"name\":";
    append_json_string(out, f.rest_name);
    out += f.read_only ? ",\"readOnly\":true}}" : ",\"readOnly\":false}}";
  }
  out += "]";
  return out;
}

}  // namespace mkbulk::sandbox
