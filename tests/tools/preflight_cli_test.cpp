// Pre-flight on the mkbulk command line: --schema FILE with split and validate (the value
// reject codes and predicted warnings in --json and rejects.csv, schema.json saved with the
// chunks), the value flags, and the usage errors around them.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <sys/wait.h>

#include <cstdlib>

#include "mkbulk/engine/lead_schema_json.h"
#include "cli_run.h"
#include "split_test_support.h"

namespace mkbulk::engine {
namespace {

using testing::run;

const std::string INPUT =
    "Email Address,Num Employees,Unsubscribed,Date of Birth\n"
    "a@x.com,\"1,200\",Y,2024-01-31\n"
    "b@x.com,many,no,\n"
    "c@x.com,3,maybe,\n"
    "d@x.com,4,0,03/04/2024\n";

void write_inputs(const testing::temp_dir& dir) {
  testing::write_file(dir.path() / "in.csv", INPUT);
  testing::write_file(dir.path() / "describe.json", standard_lead_schema_json());
}

TEST(preflight_cli, split_with_a_schema_file_rejects_and_normalises_values) {
  testing::temp_dir dir;
  write_inputs(dir);
  const auto r = run(dir, "split in.csv --out-dir out --schema describe.json --json");
  ASSERT_EQ(r.code, 1) << r.err;  // rows rejected
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_FALSE(parser.parse(r.out).get(doc)) << r.out;
  EXPECT_EQ(std::uint64_t(doc["rows_in"]), 4u);
  EXPECT_EQ(std::uint64_t(doc["rows_chunked"]), 1u);
  EXPECT_EQ(std::uint64_t(doc["rows_rejected"]), 3u);
  EXPECT_EQ(std::uint64_t(doc["reject_counts"]["invalid_number"]), 1u);
  EXPECT_EQ(std::uint64_t(doc["reject_counts"]["invalid_boolean"]), 1u);
  EXPECT_EQ(std::uint64_t(doc["reject_counts"]["ambiguous_date"]), 1u);
  EXPECT_EQ(testing::read_file(dir.path() / "out/chunks/000001.csv"),
            "email,numberOfEmployees,unsubscribed,dateOfBirth\na@x.com,1200,true,2024-01-31\n");
  EXPECT_EQ(testing::read_file(dir.path() / "out/schema.json"), standard_lead_schema_json());
  const std::string rejects = testing::read_file(dir.path() / "out/rejects.csv");
  EXPECT_NE(rejects.find("3,"), std::string::npos);
  EXPECT_NE(rejects.find(",invalid_number,\"Invalid data type in field Num Employees"),
            std::string::npos)
      << rejects;
  EXPECT_NE(r.err.find("invalid_boolean 1"), std::string::npos) << r.err;
}

TEST(preflight_cli, validate_takes_the_date_order) {
  testing::temp_dir dir;
  write_inputs(dir);
  const auto r =
      run(dir, "validate in.csv --schema=describe.json --date-order dmy --rejects r.csv --json");
  ASSERT_EQ(r.code, 1) << r.err;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_FALSE(parser.parse(r.out).get(doc)) << r.out;
  EXPECT_EQ(std::uint64_t(doc["rows_rejected"]), 2u);  // the date is now April 3rd
  std::uint64_t n = 0;
  EXPECT_TRUE(doc["reject_counts"]["ambiguous_date"].get_uint64().get(n));  // absent: none
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "out"));
}

TEST(preflight_cli, value_flags_without_a_schema_and_bad_values_are_usage_errors) {
  testing::temp_dir dir;
  write_inputs(dir);
  auto r = run(dir, "split in.csv --out-dir out --date-order dmy");
  EXPECT_EQ(r.code, 2) << r.err;  // EXIT_USAGE
  EXPECT_NE(r.err.find("--schema"), std::string::npos) << r.err;
  r = run(dir, "split in.csv --out-dir out --schema describe.json --date-order ymd");
  EXPECT_EQ(r.code, 2) << r.err;  // EXIT_USAGE
  r = run(dir, "split in.csv --out-dir out --schema describe.json --on-long-value cut");
  EXPECT_EQ(r.code, 2) << r.err;  // EXIT_USAGE
  r = run(dir, "split in.csv --out-dir out --schema missing.json");
  EXPECT_EQ(r.code, 2) << r.err;  // EXIT_USAGE
  EXPECT_NE(r.err.find("missing.json"), std::string::npos) << r.err;
  testing::write_file(dir.path() / "bad.json", "{\"success\":false}");
  r = run(dir, "split in.csv --out-dir out --schema bad.json");
  EXPECT_EQ(r.code, 2) << r.err;  // EXIT_USAGE
  r = run(dir, "validate in.csv --schema remote");
  EXPECT_EQ(r.code, 2) << r.err;  // EXIT_USAGE
  EXPECT_NE(r.err.find("mkbulk run"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace mkbulk::engine
