// The standard lead fields and the export-header alias table, as data.
#include "mkbulk/engine/lead_schema.h"

#include <array>
#include <utility>

namespace mkbulk::engine {
namespace {

using enum field_type;

constexpr std::array<std::string_view, 11> TYPE_NAMES = {
    "string", "text", "email", "phone", "url", "integer",
    "float",  "currency", "boolean", "date", "datetime",
};

constexpr lead_field FIELDS[] = {
    {"id", "Id", integer, 0, true},
    {"email", "Email Address", email, 255, false},
    {"firstName", "First Name", string, 255, false},
    {"middleName", "Middle Name", string, 255, false},
    {"lastName", "Last Name", string, 255, false},
    {"salutation", "Salutation", string, 255, false},
    {"title", "Job Title", string, 255, false},
    {"department", "Department", string, 255, false},
    {"company", "Company Name", string, 255, false},
    {"phone", "Phone Number", phone, 255, false},
    {"mobilePhone", "Mobile Phone Number", phone, 255, false},
    {"fax", "Fax Number", phone, 255, false},
    {"address", "Address", text, 0, false},
    {"city", "City", string, 255, false},
    {"state", "State", string, 255, false},
    {"postalCode", "Postal Code", string, 255, false},
    {"country", "Country", string, 255, false},
    {"website", "Website", url, 255, false},
    {"industry", "Industry", string, 255, false},
    {"annualRevenue", "Annual Revenue", currency, 0, false},
    {"numberOfEmployees", "Num Employees", integer, 0, false},
    {"leadSource", "Lead Source", string, 255, false},
    {"leadStatus", "Lead Status", string, 255, false},
    {"rating", "Lead Rating", string, 255, false},
    {"leadScore", "Lead Score", integer, 0, false},
    {"unsubscribed", "Unsubscribed", boolean, 0, false},
    {"doNotCall", "Do Not Call", boolean, 0, false},
    {"dateOfBirth", "Date of Birth", date, 0, false},
    {"acquisitionDate", "Acquisition Date", datetime, 0, false},
    {"comments", "Comments", text, 0, false},
    {"externalCompanyId", "External Company Id", string, 100, false},
    {"externalSalesPersonId", "External Sales Person Id", string, 100, false},
};

// Folded export header -> REST name. Display names and folded REST names are matched by
// alias_for too, so only the other spellings are listed here.
constexpr std::pair<std::string_view, std::string_view> ALIASES[] = {
    {"email", "email"},
    {"emailaddress", "email"},
    {"e-mail", "email"},
    {"workemail", "email"},
    {"givenname", "firstName"},
    {"forename", "firstName"},
    {"surname", "lastName"},
    {"familyname", "lastName"},
    {"jobtitle", "title"},
    {"position", "title"},
    {"company", "company"},
    {"companyname", "company"},
    {"organization", "company"},
    {"organisation", "company"},
    {"accountname", "company"},
    {"phone", "phone"},
    {"phonenumber", "phone"},
    {"businessphone", "phone"},
    {"workphone", "phone"},
    {"mobile", "mobilePhone"},
    {"mobilephone", "mobilePhone"},
    {"cellphone", "mobilePhone"},
    {"faxnumber", "fax"},
    {"street", "address"},
    {"streetaddress", "address"},
    {"address1", "address"},
    {"mailingstreet", "address"},
    {"mailingcity", "city"},
    {"town", "city"},
    {"province", "state"},
    {"stateprovince", "state"},
    {"mailingstate", "state"},
    {"zip", "postalCode"},
    {"zipcode", "postalCode"},
    {"postcode", "postalCode"},
    {"zippostalcode", "postalCode"},
    {"mailingpostalcode", "postalCode"},
    {"mailingcountry", "country"},
    {"url", "website"},
    {"web", "website"},
    {"revenue", "annualRevenue"},
    {"employees", "numberOfEmployees"},
    {"numberofemployees", "numberOfEmployees"},
    {"employeecount", "numberOfEmployees"},
    {"source", "leadSource"},
    {"status", "leadStatus"},
    {"score", "leadScore"},
    {"optout", "unsubscribed"},
    {"emailoptout", "unsubscribed"},
    {"birthdate", "dateOfBirth"},
    {"dob", "dateOfBirth"},
    {"createddate", "acquisitionDate"},
};

}  // namespace

std::string_view to_string(field_type t) noexcept { return TYPE_NAMES[static_cast<std::size_t>(t)]; }

std::optional<field_type> field_type_from_string(std::string_view s) noexcept {
  for (std::size_t i = 0; i < TYPE_NAMES.size(); ++i) {
    if (TYPE_NAMES[i] == s) return static_cast<field_type>(i);
  }
  return std::nullopt;
}

std::span<const lead_field> standard_lead_fields() noexcept { return FIELDS; }

std::string fold_field_name(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (const char c : name) {
    if (c == ' ' || c == '_' || c == '-' || c == '.' || c == '/' || c == '\t') continue;
    out.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

std::optional<std::string_view> alias_for(std::string_view header_name) {
  const std::string folded = fold_field_name(header_name);
  for (const auto& [alias, rest] : ALIASES) {
    if (fold_field_name(alias) == folded) return rest;
  }
  for (const auto& f : FIELDS) {
    if (fold_field_name(f.rest_name) == folded || fold_field_name(f.display_name) == folded) {
      return f.rest_name;
    }
  }
  return std::nullopt;
}

}  // namespace mkbulk::engine
