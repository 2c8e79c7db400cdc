// describe.json in and out: simdjson ondemand reads Marketo's answer into an owned lead_schema
// (keys in any order, unknown keys ignored); the writer produces the same shape (strings escaped
// by json_text.h).
// The owned storage keeps every name in one buffer so that lead_field's string_views survive moves.
#include "mkbulk/engine/lead_schema_json.h"

#include <simdjson.h>

#include <cstring>
#include <unordered_set>

#include "mkbulk/engine/json_text.h"

namespace mkbulk::engine {
namespace {

namespace od = simdjson::ondemand;

// What went wrong in a field: "result[3].length: expected a number".
[[nodiscard]] std::string where(std::string_view source, std::size_t index, std::string_view what) {
  std::string m(source);
  m += ": result[";
  m += std::to_string(index);
  m += "]";
  m += what;
  return m;
}

[[nodiscard]] bool read_rest(od::value v, lead_schema::owned_field& f, bool& has_name) {
  od::object obj;
  if (v.get_object().get(obj) != simdjson::SUCCESS) return false;
  for (auto member : obj) {
    std::string_view key;
    if (member.unescaped_key().get(key) != simdjson::SUCCESS) return false;
    if (key == "name") {
      std::string_view name;
      if (member.value().get_string().get(name) != simdjson::SUCCESS) return false;
      f.rest_name.assign(name);
      has_name = true;
    } else if (key == "readOnly") {
      bool ro = false;
      if (member.value().get_bool().get(ro) != simdjson::SUCCESS) return false;
      f.read_only = ro;
    }
  }
  return true;
}

// One element of "result". Returns false with err set.
[[nodiscard]] bool read_field(od::value v, std::string_view source, std::size_t index,
                              lead_schema::owned_field& f, bool& has_rest, schema_error& err) {
  od::object obj;
  if (v.get_object().get(obj) != simdjson::SUCCESS) {
    err.message = where(source, index, ": expected an object");
    return false;
  }
  bool has_id = false, has_display = false, has_type = false, has_rest_name = false;
  has_rest = false;
  for (auto member : obj) {
    std::string_view key;
    if (member.unescaped_key().get(key) != simdjson::SUCCESS) {
      err.message = where(source, index, ": malformed key");
      return false;
    }
    od::value value;
    if (member.value().get(value) != simdjson::SUCCESS) {
      err.message = where(source, index, "." + std::string(key) + ": malformed value");
      return false;
    }
    if (key == "id") {
      if (value.get_int64().get(f.id) != simdjson::SUCCESS) {
        err.message = where(source, index, ".id: expected an integer");
        return false;
      }
      has_id = true;
    } else if (key == "displayName" || key == "dataType") {
      std::string_view s;
      if (value.get_string().get(s) != simdjson::SUCCESS) {
        err.message = where(source, index, "." + std::string(key) + ": expected a string");
        return false;
      }
      (key == "displayName" ? f.display_name : f.data_type).assign(s);
      (key == "displayName" ? has_display : has_type) = true;
    } else if (key == "length") {
      bool is_null = false;
      if (value.is_null().get(is_null) == simdjson::SUCCESS && is_null) continue;
      std::uint64_t length = 0;
      if (value.get_uint64().get(length) != simdjson::SUCCESS || length > UINT32_MAX) {
        err.message = where(source, index, ".length: expected a non-negative integer");
        return false;
      }
      f.length = static_cast<std::uint32_t>(length);
    } else if (key == "rest") {
      has_rest = true;
      if (!read_rest(value, f, has_rest_name)) {
        err.message = where(source, index, ".rest: expected {\"name\": string, \"readOnly\": bool}");
        return false;
      }
    }
  }
  const char* missing = !has_id        ? "id"
                        : !has_display ? "displayName"
                        : !has_type    ? "dataType"
                        : (has_rest && !has_rest_name) ? "rest.name"
                                                       : nullptr;
  if (missing != nullptr) {
    err.message = where(source, index, ": \"" + std::string(missing) + "\" missing");
    return false;
  }
  return true;
}

// "errors":[{"code":"601","message":"Access token invalid"}] -> "601 Access token invalid".
[[nodiscard]] std::string read_errors(od::value v) {
  std::string text;
  od::array arr;
  if (v.get_array().get(arr) != simdjson::SUCCESS) return text;
  for (auto element : arr) {
    od::object obj;
    if (element.get_object().get(obj) != simdjson::SUCCESS) continue;
    for (auto member : obj) {
      std::string_view key;
      std::string_view s;
      if (member.unescaped_key().get(key) != simdjson::SUCCESS) continue;
      if ((key == "code" || key == "message") && member.value().get_string().get(s) == simdjson::SUCCESS) {
        if (!text.empty() && text.back() != ';') text += ' ';
        text += s;
      }
    }
    text += ';';
  }
  if (!text.empty()) text.pop_back();
  return text;
}

}  // namespace

lead_schema::lead_schema(std::span<const lead_field> fields) {
  std::vector<owned_field> owned;
  owned.reserve(fields.size());
  std::int64_t id = 0;
  for (const auto& f : fields) {
    owned.push_back({++id, std::string(f.rest_name), std::string(f.display_name),
                     std::string(to_string(f.type)), f.type, f.length, f.read_only});
  }
  *this = from_owned(owned);
}

lead_schema::lead_schema(const lead_schema& other) { *this = other; }

lead_schema& lead_schema::operator=(const lead_schema& other) {
  if (this == &other) return *this;
  std::vector<owned_field> owned;
  owned.reserve(other.size());
  for (std::size_t i = 0; i < other.size(); ++i) {
    const lead_field& f = other.fields_[i];
    owned.push_back({other.ids_[i], std::string(f.rest_name), std::string(f.display_name),
                     std::string(other.data_types_[i]), f.type, f.length, f.read_only});
  }
  *this = from_owned(owned, other.notes_);
  return *this;
}

lead_schema lead_schema::standard() { return lead_schema(standard_lead_fields()); }

lead_schema lead_schema::from_owned(const std::vector<owned_field>& fields,
                                    std::vector<std::string> notes) {
  lead_schema s;
  std::size_t bytes = 0;
  for (const auto& f : fields) bytes += f.rest_name.size() + f.display_name.size() + f.data_type.size();
  s.names_ = std::make_unique<char[]>(bytes + 1);
  char* p = s.names_.get();
  auto keep = [&p](const std::string& text) {
    std::memcpy(p, text.data(), text.size());
    const std::string_view v(p, text.size());
    p += text.size();
    return v;
  };
  s.fields_.reserve(fields.size());
  s.by_rest_name_.reserve(fields.size());
  for (const auto& f : fields) {
    const std::string_view rest = keep(f.rest_name);
    const std::string_view display = keep(f.display_name);
    s.data_types_.push_back(keep(f.data_type));
    s.ids_.push_back(f.id);
    s.by_rest_name_.emplace(rest, static_cast<std::uint32_t>(s.fields_.size()));
    s.fields_.push_back({rest, display, f.type, f.length, f.read_only});
  }
  s.notes_ = std::move(notes);
  return s;
}

const lead_field* lead_schema::find(std::string_view rest_name) const noexcept {
  const auto it = by_rest_name_.find(rest_name);
  return it == by_rest_name_.end() ? nullptr : &fields_[it->second];
}

bool parse_lead_schema_json(std::string_view json, std::string_view source, lead_schema& out,
                            schema_error& err) {
  const simdjson::padded_string padded(json);
  od::parser parser;
  od::document doc;
  od::object root;
  auto fail_json = [&](simdjson::error_code e) {
    err.message = std::string(source) + ": not a describe.json answer (" +
                  simdjson::error_message(e) + ")";
    return false;
  };
  if (const auto e = parser.iterate(padded).get(doc); e != simdjson::SUCCESS) return fail_json(e);
  if (const auto e = doc.get_object().get(root); e != simdjson::SUCCESS) return fail_json(e);

  bool success = false, has_success = false, has_result = false;
  std::string errors;
  std::vector<lead_schema::owned_field> fields;
  std::vector<std::string> notes;
  std::unordered_set<std::string> names;
  for (auto member : root) {
    std::string_view key;
    if (const auto e = member.unescaped_key().get(key); e != simdjson::SUCCESS) return fail_json(e);
    od::value value;
    if (const auto e = member.value().get(value); e != simdjson::SUCCESS) return fail_json(e);
    if (key == "success") {
      if (const auto e = value.get_bool().get(success); e != simdjson::SUCCESS) return fail_json(e);
      has_success = true;
    } else if (key == "errors") {
      errors = read_errors(value);
    } else if (key == "result") {
      od::array arr;
      if (value.get_array().get(arr) != simdjson::SUCCESS) {
        err.message = std::string(source) + ": \"result\" is not an array";
        return false;
      }
      has_result = true;
      std::size_t index = 0;
      for (auto element : arr) {
        od::value v;
        if (const auto e = element.get(v); e != simdjson::SUCCESS) return fail_json(e);
        lead_schema::owned_field f;
        bool has_rest = false;
        if (!read_field(v, source, index, f, has_rest, err)) return false;
        if (!has_rest) {
          notes.push_back("field " + std::to_string(f.id) + " (" + f.display_name +
                          "): no REST name, skipped");
        } else {
          if (!names.insert(f.rest_name).second) {
            err.message = where(source, index, ": REST name \"" + f.rest_name + "\" appears twice");
            return false;
          }
          if (const auto t = field_type_from_string(f.data_type)) {
            f.type = *t;
          } else {
            f.type = field_type::string;  // unchecked: every value passes
            f.length = 0;
            notes.push_back("field " + f.rest_name + ": data type \"" + f.data_type +
                            "\" is not checked");
          }
          fields.push_back(std::move(f));
        }
        ++index;
      }
    }
  }
  if (has_success && !success) {
    err.message = std::string(source) + ": Marketo answered success=false";
    if (!errors.empty()) err.message += ": " + errors;
    return false;
  }
  if (!has_result) {
    err.message = std::string(source) + ": \"result\" missing (expected the lead fields)";
    return false;
  }
  out = lead_schema::from_owned(fields, std::move(notes));
  return true;
}

bool read_lead_schema_json(const std::filesystem::path& file, lead_schema& out,
                           schema_error& err) {
  simdjson::padded_string text;
  if (const auto e = simdjson::padded_string::load(file.string()).get(text); e != simdjson::SUCCESS) {
    err.message = file.string() + ": cannot read the schema file (" + simdjson::error_message(e) + ")";
    return false;
  }
  return parse_lead_schema_json(std::string_view(text.data(), text.size()), file.string(), out, err);
}

std::string write_lead_schema_json(const lead_schema& schema, std::string_view request_id) {
  std::string out = "{\"requestId\":";
  append_json_string(out, request_id);
  out += ",\"success\":true,\"result\":[\n";
  for (std::size_t i = 0; i < schema.size(); ++i) {
    const lead_field& f = schema.fields()[i];
    out += "{\"id\":" + std::to_string(schema.id_of(i)) + ",\"displayName\":";
    append_json_string(out, f.display_name);
    out += ",\"dataType\":";
    append_json_string(out, schema.data_type_of(i));
    if (f.length != 0) out += ",\"length\":" + std::to_string(f.length);
    const char* ro = f.read_only ? "true" : "false";
    out += ",\"rest\":{\"name\":";
    append_json_string(out, f.rest_name);
    out += ",\"readOnly\":";
    out += ro;
    // SOAP names are the REST names with a capital first letter ("firstName" -> "FirstName").
    std::string soap(f.rest_name);
    if (!soap.empty() && soap[0] >= 'a' && soap[0] <= 'z') soap[0] = static_cast<char>(soap[0] - 'a' + 'A');
    out += "},\"soap\":{\"name\":";
    append_json_string(out, soap);
    out += ",\"readOnly\":";
    out += ro;
    out += "}}";
    out += i + 1 < schema.size() ? ",\n" : "\n";
  }
  out += "]}\n";
  return out;
}

std::string standard_lead_schema_json() { return write_lead_schema_json(lead_schema::standard()); }

}  // namespace mkbulk::engine
