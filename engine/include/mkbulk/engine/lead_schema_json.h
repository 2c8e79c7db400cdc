// An owned lead schema (one Marketo instance's lead fields) read from the JSON of
// GET /rest/v1/leads/describe.json with simdjson, and the reverse: any schema, the built-in
// standard one included, written in that shape for the sandbox and the tests.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "mkbulk/engine/lead_schema.h"

namespace mkbulk::engine {

// The fields of one instance, owning their names. lead_field's string_views point into this
// object's own storage: they stay valid while it lives (moves keep them valid too).
class lead_schema {
 public:
  lead_schema() = default;
  // Copies the fields; Marketo ids become 1, 2, 3, ... in order.
  explicit lead_schema(std::span<const lead_field> fields);
  lead_schema(const lead_schema& other);
  lead_schema& operator=(const lead_schema& other);
  lead_schema(lead_schema&&) noexcept = default;
  lead_schema& operator=(lead_schema&&) noexcept = default;
  ~lead_schema() = default;

  // The built-in standard schema (standard_lead_fields()).
  [[nodiscard]] static lead_schema standard();

  [[nodiscard]] std::span<const lead_field> fields() const noexcept { return fields_; }
  [[nodiscard]] std::size_t size() const noexcept { return fields_.size(); }
  // By REST name, exactly ("firstName"); nullptr when the instance has no such field.
  [[nodiscard]] const lead_field* find(std::string_view rest_name) const noexcept;
  // Marketo's numeric field id, and its dataType as the instance spelt it (which may be a type
  // that pre-flight does not check, such as "reference": such a field has type string and
  // length 0, so every value passes).
  [[nodiscard]] std::int64_t id_of(std::size_t index) const noexcept { return ids_[index]; }
  [[nodiscard]] std::string_view data_type_of(std::size_t index) const noexcept {
    return data_types_[index];
  }
  // For people: fields whose data type pre-flight does not check, and fields skipped because
  // they have no REST name ("field 57 (Lead Partition): no REST name, skipped").
  [[nodiscard]] const std::vector<std::string>& notes() const noexcept { return notes_; }

  // One field as it was read or built, for the builder below and the copy constructor.
  struct owned_field {
    std::int64_t id = 0;
    std::string rest_name;
    std::string display_name;
    std::string data_type;  // Marketo's spelling
    field_type type = field_type::string;
    std::uint32_t length = 0;
    bool read_only = false;
  };
  // Builds from owned fields (REST names must be unique; the caller checks).
  [[nodiscard]] static lead_schema from_owned(const std::vector<owned_field>& fields,
                                              std::vector<std::string> notes = {});

 private:
  std::unique_ptr<char[]> names_;  // every name and data type, back to back
  std::vector<lead_field> fields_;
  std::vector<std::int64_t> ids_;
  std::vector<std::string_view> data_types_;
  std::unordered_map<std::string_view, std::uint32_t> by_rest_name_;
  std::vector<std::string> notes_;
};

struct schema_error {
  // What is wrong and where: "describe.json: result[3]: \"displayName\" missing",
  // "describe.json: Marketo answered success=false: 601 Access token invalid".
  std::string message;
};

// Parses describe.json text. `source` names it in error messages (a file name, or
// "GET /rest/v1/leads/describe.json"). Fields without a "rest" object (SOAP only) are skipped
// with a note; an unknown dataType is kept unchecked with a note. Errors: not JSON, success not
// true, no result array, a field without id, displayName, dataType or rest.name, two fields with
// one REST name.
[[nodiscard]] bool parse_lead_schema_json(std::string_view json, std::string_view source,
                                          lead_schema& out, schema_error& err);

// Reads and parses a describe.json file (--schema FILE).
[[nodiscard]] bool read_lead_schema_json(const std::filesystem::path& file, lead_schema& out,
                                         schema_error& err);

// Writes the schema as describe.json answers it:
// {"requestId":"…","success":true,"result":[{"id":2,"displayName":"Company Name",
//  "dataType":"string","length":255,"rest":{"name":"company","readOnly":false},
//  "soap":{"name":"Company","readOnly":false}}, …]}
// "length" is left out for fields without one (length 0). One field per line.
[[nodiscard]] std::string write_lead_schema_json(const lead_schema& schema,
                                                 std::string_view request_id = "mkbulk#1");

// The built-in standard schema in that shape (what the sandbox's describe endpoint serves).
[[nodiscard]] std::string standard_lead_schema_json();

}  // namespace mkbulk::engine
