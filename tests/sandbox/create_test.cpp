// Creating jobs and the other read endpoints: parameters from the query string or the form,
// 413 over 10,000,000 bytes, 1003 for an empty file or a bad format, 609/612/613 for malformed
// requests, 1006/1008 for a bad lookup field or partition, status, describe and --schema.
#include <gtest/gtest.h>

#include "sandbox_harness.h"

namespace mkbulk::sandbox::test {
namespace {

struct started {
  sandbox_process sb;
  api_client c;
  explicit started(std::vector<std::string> args = {}) : sb(std::move(args)), c(sb.base()) {
    c.fetch_token();
  }
};

TEST(sandbox_server_create, parameters_may_come_from_the_query_string) {
  started s;
  const auto a = s.c.create("externalCompanyId,lastName\nQ-1,Query\n", {},
                            "?format=csv&lookupField=externalCompanyId&listId=9");
  json_doc d(a.body);
  ASSERT_EQ(d.str("/result/0/status"), "Queued") << a.body;
  EXPECT_EQ(d.str("/result/0/importId"), std::to_string(d.num("/result/0/batchId")));
  json_doc st(s.c.wait_final(d.num("/result/0/batchId")));
  EXPECT_EQ(st.str("/result/0/message"), "Import succeeded, 1 records imported (1 members)");
  EXPECT_EQ(st.num("/result/0/batchId"), d.num("/result/0/batchId"));
  EXPECT_EQ(st.str("/result/0/importId"), std::to_string(d.num("/result/0/batchId")));
}

TEST(sandbox_server_create, batch_ids_are_consecutive_and_status_starts_queued) {
  started s({"--rows-per-second", "1"});
  const auto a = s.c.create_ok("email\na@x.com\nb@x.com\n");
  const auto b = s.c.create_ok("email\nc@x.com\n");
  EXPECT_EQ(b, a + 1);
  json_doc st(s.c.get("/bulk/v1/leads/batch/" + std::to_string(a) + ".json").body);
  const auto status = st.str("/result/0/status");
  EXPECT_TRUE(status == "Queued" || status == "Importing") << status;
  // Failures of an unfinished job are not available yet.
  EXPECT_EQ(json_doc(s.c.get("/bulk/v1/leads/batch/" + std::to_string(a) + "/failures.json").body)
                .error_code(),
            "1019");
}

TEST(sandbox_server_create, create_with_a_bad_token_gets_601_not_500) {
  started s;
  s.c.set_token("stale");
  const auto a = s.c.create("email\na@x.com\n");
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(json_doc(a.body).error_code(), "601");
}

TEST(sandbox_server_create, over_ten_million_bytes_is_http_413) {
  started s;
  const std::string big = "email\n" + std::string(10'000'100, 'a') + "\n";
  const auto a = s.c.create(big);
  EXPECT_EQ(a.status, 413);
  // Just under the limit is accepted (the multipart envelope counts too).
  const std::string fits = "email\n" + std::string(9'990'000, 'a') + "\n";
  EXPECT_EQ(json_doc(s.c.create(fits).body).str("/result/0/status"), "Queued");
}

TEST(sandbox_server_create, empty_file_and_bad_format_get_1003) {
  started s;
  EXPECT_EQ(json_doc(s.c.create("").body).error_code(), "1003");
  EXPECT_EQ(json_doc(s.c.create("email\na@x.com\n", {{"format", "xlsx"}}).body).error_code(),
            "1003");
  EXPECT_EQ(json_doc(s.c.create("email\na@x.com\n", {}).body).error_code(), "1003");
  EXPECT_EQ(json_doc(s.c.create("email\na@x.com\n", {{"format", "csv"}, {"listId", "x"}}).body)
                .error_code(),
            "1003");
}

TEST(sandbox_server_create, malformed_requests_get_609_612_613) {
  started s;
  const std::string url = s.sb.base() + "/bulk/v1/leads.json";
  request_options auth;
  auth.headers.push_back("Authorization: Bearer " + s.c.token());
  EXPECT_EQ(json_doc(http_post_raw(url, "application/json", "{\"format\": ", auth).body)
                .error_code(),
            "609");
  EXPECT_EQ(json_doc(http_post_form(url, {{"format", "csv"}}, auth).body).error_code(), "612");
  EXPECT_EQ(json_doc(http_post_raw(url, "application/json", "{\"format\":\"csv\"}", auth).body)
                .error_code(),
            "612");
  // multipart without a part named "file", and a "file" part without a filename
  EXPECT_EQ(json_doc(http_post_multipart(url, "upload", "x.csv", "email\n", {{"format", "csv"}},
                                         auth)
                         .body)
                .error_code(),
            "613");
  EXPECT_EQ(json_doc(http_post_multipart(url, "file", "", "email\n", {{"format", "csv"}}, auth)
                         .body)
                .error_code(),
            "613");
}

TEST(sandbox_server_create, unknown_lookup_field_1006_and_unknown_partition_1008) {
  started s;
  EXPECT_EQ(json_doc(s.c.create("email\n", {{"format", "csv"}, {"lookupField", "nope"}}).body)
                .error_code(),
            "1006");
  EXPECT_EQ(json_doc(s.c.create("email\na@x.com\n",
                                {{"format", "csv"}, {"partitionName", "Elsewhere"}})
                         .body)
                .error_code(),
            "1008");
  EXPECT_EQ(json_doc(s.c.create("email\na@x.com\n",
                                {{"format", "csv"}, {"partitionName", "Default"}})
                         .body)
                .str("/result/0/status"),
            "Queued");
}

TEST(sandbox_server_create, unknown_batch_id_gets_610) {
  started s;
  EXPECT_EQ(json_doc(s.c.get("/bulk/v1/leads/batch/4242.json").body).error_code(), "610");
  EXPECT_EQ(json_doc(s.c.get("/bulk/v1/leads/batch/4242/failures.json").body).error_code(), "610");
}

TEST(sandbox_server_create, describe_lists_the_standard_lead_fields) {
  started s;
  json_doc d(s.c.get("/rest/v1/leads/describe.json").body);
  ASSERT_TRUE(d.at("/success").get_bool().value());
  bool found_email = false, found_score = false;
  for (auto f : d.at("/result").get_array()) {
    const std::string_view name = f["rest"]["name"].get_string().value();
    if (name == "email") {
      found_email = true;
      EXPECT_EQ(f["displayName"].get_string().value(), "Email Address");
      EXPECT_EQ(f["dataType"].get_string().value(), "email");
      EXPECT_EQ(f["length"].get_int64().value(), 255);
    }
    if (name == "leadScore") {
      found_score = true;
      EXPECT_EQ(f["dataType"].get_string().value(), "integer");
    }
  }
  EXPECT_TRUE(found_email);
  EXPECT_TRUE(found_score);
}

TEST(sandbox_server_create, schema_file_replaces_the_standard_fields) {
  temp_dir dir;
  const auto path = dir.file("describe.json");
  write_file(path, R"({"success":true,"result":[
    {"id":1,"displayName":"Email Address","dataType":"email","length":80,"rest":{"name":"email","readOnly":false}},
    {"id":2,"displayName":"Shoe Size","dataType":"float","rest":{"name":"shoeSize","readOnly":false}}]})");
  started s({"--schema", path});
  json_doc d(s.c.get("/rest/v1/leads/describe.json").body);
  EXPECT_EQ(d.str("/result/1/rest/name"), "shoeSize");
  EXPECT_EQ(d.num("/result/0/length"), 80);
  EXPECT_FALSE(d.has("/result/2"));
  const auto id = s.c.create_ok("email,shoeSize,firstName\na@x.com,42.5,Ann\n");
  json_doc st(s.c.wait_final(id));
  EXPECT_EQ(st.str("/result/0/status"), "Failed");  // firstName is not in this schema
  const auto ok = s.c.create_ok("email,shoeSize\na@x.com,42.5\nb@x.com,big\n");
  json_doc st2(s.c.wait_final(ok));
  EXPECT_EQ(st2.num("/result/0/numOfRowsFailed"), 1);
  EXPECT_EQ(s.c.get("/bulk/v1/leads/batch/" + std::to_string(ok) + "/failures.json").body,
            "email,shoeSize,Import Failure Reason\nb@x.com,big,Invalid data type in field Shoe Size\n");
}

}  // namespace
}  // namespace mkbulk::sandbox::test
