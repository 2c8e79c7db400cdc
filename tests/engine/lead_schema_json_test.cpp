// describe.json: parsing Marketo's answer into an owned schema, the errors people see, and the
// round trip of the built-in standard schema through the writer.
#include "mkbulk/engine/lead_schema_json.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace mkbulk::engine {
namespace {

constexpr std::string_view SAMPLE = R"({
  "requestId": "e42b#14272d07d78",
  "success": true,
  "result": [
    {"id": 2, "displayName": "Company Name", "dataType": "string", "length": 255,
     "rest": {"name": "company", "readOnly": false},
     "soap": {"name": "Company", "readOnly": false}},
    {"rest": {"readOnly": true, "name": "id"}, "dataType": "integer", "displayName": "Id",
     "id": 1},
    {"id": 31, "displayName": "Annual Revenue", "dataType": "currency",
     "rest": {"name": "annualRevenue", "readOnly": false}},
    {"id": 60, "displayName": "Date of Birth", "dataType": "date", "length": null,
     "rest": {"name": "dateOfBirth"}, "soap": {"name": "DateofBirth", "readOnly": false}},
    {"id": 77, "displayName": "Lead Partition", "dataType": "reference",
     "rest": {"name": "leadPartitionId", "readOnly": false}, "extra": [1, {"x": 2}]},
    {"id": 80, "displayName": "SOAP only", "dataType": "string", "length": 10,
     "soap": {"name": "SoapOnly", "readOnly": false}},
    {"id": 90, "displayName": "Gr\u00fc\u00dfe \"quoted\"", "dataType": "text",
     "rest": {"name": "greetings_c", "readOnly": false}}
  ]
})";

lead_schema parse_ok(std::string_view json) {
  lead_schema s;
  schema_error err;
  EXPECT_TRUE(parse_lead_schema_json(json, "describe.json", s, err)) << err.message;
  return s;
}

std::string parse_error(std::string_view json) {
  lead_schema s;
  schema_error err;
  EXPECT_FALSE(parse_lead_schema_json(json, "describe.json", s, err));
  return err.message;
}

TEST(lead_schema_json, parses_fields_in_any_key_order) {
  const lead_schema s = parse_ok(SAMPLE);
  ASSERT_EQ(s.size(), 6U);  // the SOAP-only field is skipped
  const lead_field* company = s.find("company");
  ASSERT_NE(company, nullptr);
  EXPECT_EQ(company->display_name, "Company Name");
  EXPECT_EQ(company->type, field_type::string);
  EXPECT_EQ(company->length, 255U);
  EXPECT_FALSE(company->read_only);
  EXPECT_EQ(s.id_of(0), 2);

  const lead_field* id = s.find("id");
  ASSERT_NE(id, nullptr);
  EXPECT_TRUE(id->read_only);
  EXPECT_EQ(id->type, field_type::integer);
  EXPECT_EQ(s.find("annualRevenue")->type, field_type::currency);
  EXPECT_EQ(s.find("annualRevenue")->length, 0U);
  EXPECT_EQ(s.find("dateOfBirth")->type, field_type::date);
  EXPECT_EQ(s.find("greetings_c")->display_name, "Gr\xC3\xBC\xC3\x9F" "e \"quoted\"");
  EXPECT_EQ(s.find("SoapOnly"), nullptr);
  EXPECT_EQ(s.find("Company"), nullptr);  // REST names are exact
}

TEST(lead_schema_json, unknown_types_are_kept_unchecked_with_a_note) {
  const lead_schema s = parse_ok(SAMPLE);
  const lead_field* partition = s.find("leadPartitionId");
  ASSERT_NE(partition, nullptr);
  EXPECT_EQ(partition->type, field_type::string);
  EXPECT_EQ(partition->length, 0U);
  EXPECT_EQ(s.data_type_of(4), "reference");
  ASSERT_EQ(s.notes().size(), 2U);
  EXPECT_EQ(s.notes()[0], "field leadPartitionId: data type \"reference\" is not checked");
  EXPECT_EQ(s.notes()[1], "field 80 (SOAP only): no REST name, skipped");
}

TEST(lead_schema_json, views_survive_copies_and_moves) {
  lead_schema original = parse_ok(SAMPLE);
  lead_schema copy = original;
  lead_schema moved = std::move(original);
  original = lead_schema();  // the moved-from object is reusable
  EXPECT_EQ(copy.find("company")->display_name, "Company Name");
  EXPECT_EQ(moved.find("company")->display_name, "Company Name");
  EXPECT_NE(copy.find("company")->rest_name.data(), moved.find("company")->rest_name.data());
  EXPECT_EQ(copy.notes(), moved.notes());
  EXPECT_EQ(original.size(), 0U);
}

TEST(lead_schema_json, clear_errors) {
  EXPECT_EQ(parse_error(R"({"requestId":"x","success":false,"errors":[{"code":"601","message":"Access token invalid"}]})"),
            "describe.json: Marketo answered success=false: 601 Access token invalid");
  EXPECT_EQ(parse_error(R"({"requestId":"x","success":true})"),
            "describe.json: \"result\" missing (expected the lead fields)");
  EXPECT_EQ(parse_error(R"({"success":true,"result":{}})"),
            "describe.json: \"result\" is not an array");
  EXPECT_EQ(parse_error(R"({"success":true,"result":[{"id":1,"dataType":"string","rest":{"name":"a"}}]})"),
            "describe.json: result[0]: \"displayName\" missing");
  EXPECT_EQ(parse_error(R"({"success":true,"result":[{"id":1,"displayName":"A","rest":{"name":"a"}}]})"),
            "describe.json: result[0]: \"dataType\" missing");
  EXPECT_EQ(parse_error(R"({"success":true,"result":[{"id":1,"displayName":"A","dataType":"string","rest":{"readOnly":true}}]})"),
            "describe.json: result[0]: \"rest.name\" missing");
  EXPECT_EQ(parse_error(R"({"success":true,"result":[{"displayName":"A","dataType":"string","rest":{"name":"a"}}]})"),
            "describe.json: result[0]: \"id\" missing");
  EXPECT_EQ(parse_error(R"({"success":true,"result":[{"id":1,"displayName":"A","dataType":"string","length":-4,"rest":{"name":"a"}}]})"),
            "describe.json: result[0].length: expected a non-negative integer");
  EXPECT_EQ(parse_error(R"({"success":true,"result":[
      {"id":1,"displayName":"A","dataType":"string","rest":{"name":"a"}},
      {"id":2,"displayName":"B","dataType":"string","rest":{"name":"a"}}]})"),
            "describe.json: result[1]: REST name \"a\" appears twice");
  EXPECT_EQ(parse_error("[1,2]").rfind("describe.json: not a describe.json answer (", 0), 0U);
  EXPECT_EQ(parse_error("").rfind("describe.json: not a describe.json answer (", 0), 0U);
  EXPECT_EQ(parse_error(R"({"success":true,"result":[{"id":1,)")
                .rfind("describe.json: ", 0),
            0U);
}

TEST(lead_schema_json, standard_schema_round_trips_through_the_writer) {
  const std::string json = standard_lead_schema_json();
  const lead_schema s = parse_ok(json);
  const auto standard = standard_lead_fields();
  ASSERT_EQ(s.size(), standard.size());
  for (std::size_t i = 0; i < standard.size(); ++i) {
    const lead_field& want = standard[i];
    const lead_field& got = s.fields()[i];
    EXPECT_EQ(got.rest_name, want.rest_name);
    EXPECT_EQ(got.display_name, want.display_name);
    EXPECT_EQ(got.type, want.type) << want.rest_name;
    EXPECT_EQ(got.length, want.length) << want.rest_name;
    EXPECT_EQ(got.read_only, want.read_only) << want.rest_name;
    EXPECT_EQ(s.id_of(i), static_cast<std::int64_t>(i + 1));
  }
  EXPECT_TRUE(s.notes().empty());
  EXPECT_NE(json.find(R"({"id":2,"displayName":"Email Address","dataType":"email","length":255,)"
                      R"("rest":{"name":"email","readOnly":false},"soap":{"name":"Email","readOnly":false}})"),
            std::string::npos)
      << json;
}

TEST(lead_schema_json, parsed_schema_writes_back_identically) {
  const lead_schema s = parse_ok(SAMPLE);
  const std::string once = write_lead_schema_json(s, "r1");
  const lead_schema again = parse_ok(once);
  EXPECT_EQ(write_lead_schema_json(again, "r1"), once);
  EXPECT_EQ(again.data_type_of(4), "reference");  // the instance's spelling survives
}

TEST(lead_schema_json, reads_a_file) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("mkbulk_schema_test_" + std::to_string(::getpid()) + ".json");
  {
    std::ofstream f(path, std::ios::binary);
    f << SAMPLE;
  }
  lead_schema s;
  schema_error err;
  EXPECT_TRUE(read_lead_schema_json(path, s, err)) << err.message;
  EXPECT_EQ(s.size(), 6U);
  std::filesystem::remove(path);
  EXPECT_FALSE(read_lead_schema_json(path, s, err));
  EXPECT_NE(err.message.find("cannot read the schema file"), std::string::npos) << err.message;
  EXPECT_EQ(s.size(), 6U);  // untouched on failure
}

}  // namespace
}  // namespace mkbulk::engine
