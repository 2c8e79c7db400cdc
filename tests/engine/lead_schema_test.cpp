// The standard lead schema and the alias table behind header mapping.
#include "mkbulk/engine/lead_schema.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace mkbulk::engine {
namespace {

TEST(lead_schema, maps_common_export_headers) {
  EXPECT_EQ(alias_for("Email Address"), "email");
  EXPECT_EQ(alias_for("First Name"), "firstName");
  EXPECT_EQ(alias_for("Zip Code"), "postalCode");
  EXPECT_EQ(alias_for("Street"), "address");
  EXPECT_EQ(alias_for("EMAIL"), "email");
  EXPECT_EQ(alias_for("postal_code"), "postalCode");
  EXPECT_EQ(alias_for("Num Employees"), "numberOfEmployees");
  EXPECT_FALSE(alias_for("Favourite Colour").has_value());
}

TEST(lead_schema, every_alias_target_is_a_standard_field_and_names_are_unique) {
  std::set<std::string> names;
  for (const auto& f : standard_lead_fields()) {
    EXPECT_TRUE(names.insert(std::string(f.rest_name)).second) << f.rest_name;
    EXPECT_EQ(alias_for(f.rest_name), f.rest_name);
    EXPECT_EQ(alias_for(f.display_name), f.rest_name);
    EXPECT_EQ(field_type_from_string(to_string(f.type)), f.type);
  }
}

}  // namespace
}  // namespace mkbulk::engine
