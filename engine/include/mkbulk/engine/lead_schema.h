// The built-in standard Marketo lead schema (what /rest/v1/leads/describe.json answers on a
// fresh instance) and the aliases that CRM exports use for its fields. Shared by the engine's
// header mapping, the sandbox's describe endpoint and pre-flight's typed checks.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace mkbulk::engine {

enum class field_type : std::uint8_t {
  string, text, email, phone, url, integer, float_number, currency, boolean, date, datetime,
};

// Marketo's dataType names: "string", "text", "email", "phone", "url", "integer", "float",
// "currency", "boolean", "date", "datetime".
[[nodiscard]] std::string_view to_string(field_type t) noexcept;
[[nodiscard]] std::optional<field_type> field_type_from_string(std::string_view s) noexcept;

struct lead_field {
  std::string_view rest_name;     // "firstName"
  std::string_view display_name;  // "First Name"
  field_type type;
  std::uint32_t length;  // maximum length in characters for string-like types; 0 = none
  bool read_only;        // e.g. id: usable as lookupField, not as a value to write
};

// The standard fields, in a stable order.
[[nodiscard]] std::span<const lead_field> standard_lead_fields() noexcept;

// Folds a header name for alias comparison: ASCII lower case, spaces, '_', '-', '.' and '/'
// removed ("Zip_Code " -> "zipcode").
[[nodiscard]] std::string fold_field_name(std::string_view name);

// The REST name that a common export header stands for ("Email Address" -> "email",
// "Zip Code" -> "postalCode", "Street" -> "address"), matched on the folded name; nullopt when
// the built-in alias table does not know it.
[[nodiscard]] std::optional<std::string_view> alias_for(std::string_view header_name);

}  // namespace mkbulk::engine
