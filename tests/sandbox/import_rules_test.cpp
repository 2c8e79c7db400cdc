// Import semantics over HTTP: every row outcome, the exact failures and warnings files (both
// answers for "none"), upsert and update-only, static lists, the job-level failure for an
// unknown header field, and reading the leads back by email and id (also via _method=GET).
#include <algorithm>
#include <sstream>

#include <gtest/gtest.h>

#include "sandbox_harness.h"

namespace mkbulk::sandbox::test {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

struct started {
  sandbox_process sb;
  api_client c;
  explicit started(std::vector<std::string> args = {}) : sb(std::move(args)), c(sb.base()) {
    c.fetch_token();
  }
};

TEST(sandbox_server_import, every_row_outcome_and_the_exact_failures_and_warnings_files) {
  started s;
  const std::string long_title(300, 't');
  const std::string file =
      "email,firstName,leadScore,dateOfBirth,unsubscribed,annualRevenue,acquisitionDate,title\n"
      "ok@x.com,Ann,5,1990-02-28,true,1200.50,2024-01-01T10:00:00Z,CEO\n"
      ",Bob,1,,,,,\n"
      "score@x.com,\"Smith, \"\"Jo\"\"\",abc,,,,,\n"
      "dob@x.com,Dee,,2023-02-30,,,,\n"
      "bool@x.com,Bo,,,maybe,,,\n"
      "rev@x.com,Rev,,,,12.5x,,\n"
      "when@x.com,Wen,,,,,2024-13-01 10:00,\n"
      "long@x.com,Lo,,,,,," + long_title + "\n";
  const auto id = s.c.create_ok(file, "csv", {{"listId", "42"}});
  json_doc st(s.c.wait_final(id));
  EXPECT_EQ(st.str("/result/0/status"), "Complete");
  EXPECT_EQ(st.num("/result/0/numOfLeadsProcessed"), 2);
  EXPECT_EQ(st.num("/result/0/numOfRowsFailed"), 6);
  EXPECT_EQ(st.num("/result/0/numOfRowsWithWarning"), 1);
  EXPECT_EQ(st.str("/result/0/message"),
            "Import completed with errors, 2 records imported (2 members), 6 failed");

  const auto failures = s.c.get("/bulk/v1/leads/batch/" + std::to_string(id) + "/failures.json");
  ASSERT_EQ(failures.status, 200);
  const auto f = lines_of(failures.body);
  ASSERT_EQ(f.size(), 7u) << failures.body;
  EXPECT_EQ(f[0],
            "email,firstName,leadScore,dateOfBirth,unsubscribed,annualRevenue,acquisitionDate,"
            "title,Import Failure Reason");
  const std::vector<std::string> expected = {
      ",Bob,1,,,,,,Value for lookup field 'email' not found",
      "score@x.com,\"Smith, \"\"Jo\"\"\",abc,,,,,,Invalid data type in field Lead Score",
      "dob@x.com,Dee,,2023-02-30,,,,,Invalid data type in field Date of Birth",
      "bool@x.com,Bo,,,maybe,,,,Invalid data type in field Unsubscribed",
      "rev@x.com,Rev,,,,12.5x,,,Invalid data type in field Annual Revenue",
      "when@x.com,Wen,,,,,2024-13-01 10:00,,Invalid data type in field Acquisition Date",
  };
  EXPECT_EQ(sorted({f.begin() + 1, f.end()}), sorted(expected));

  const auto warnings = s.c.get("/bulk/v1/leads/batch/" + std::to_string(id) + "/warnings.json");
  ASSERT_EQ(warnings.status, 200);
  EXPECT_EQ(warnings.body,
            "email,firstName,leadScore,dateOfBirth,unsubscribed,annualRevenue,acquisitionDate,"
            "title,Import Warning Reason\n"
            "long@x.com,Lo,,,,,," + long_title +
                ",Value for field Job Title truncated to 255 characters\n");

  // The truncated value is what was stored.
  json_doc lead(s.c.get("/rest/v1/leads.json?filterType=email&filterValues=long@x.com").body);
  EXPECT_EQ(lead.str("/result/0/title"), std::string(255, 't'));
  EXPECT_FALSE(lead.has("/result/1"));
}

TEST(sandbox_server_import, a_malformed_email_that_is_not_the_lookup_field_warns_and_imports) {
  started s;
  const auto id = s.c.create_ok("externalCompanyId,email,lastName\nC-1,not-an-email,Doe\n", "csv",
                                {{"lookupField", "externalCompanyId"}});
  json_doc st(s.c.wait_final(id));
  EXPECT_EQ(st.num("/result/0/numOfLeadsProcessed"), 1);
  EXPECT_EQ(st.num("/result/0/numOfRowsWithWarning"), 1);
  EXPECT_EQ(st.str("/result/0/message"), "Import succeeded, 1 records imported");
  EXPECT_EQ(s.c.get("/bulk/v1/leads/batch/" + std::to_string(id) + "/warnings.json").body,
            "externalCompanyId,email,lastName,Import Warning Reason\n"
            "C-1,not-an-email,Doe,Invalid email address\n");
  json_doc lead(
      s.c.get("/rest/v1/leads.json?filterType=externalCompanyId&filterValues=C-1").body);
  EXPECT_EQ(lead.str("/result/0/email"), "not-an-email");
}

TEST(sandbox_server_import, tsv_and_ssv_failure_files_use_the_job_format) {
  started s;
  const auto tsv = s.c.create_ok("email\tleadScore\na@x.com\tx;y\n", "tsv");
  const auto ssv = s.c.create_ok("email;leadScore;firstName\nb@x.com;1.5;\"a;b\"\n", "ssv");
  s.c.wait_final(tsv);
  s.c.wait_final(ssv);
  EXPECT_EQ(s.c.get("/bulk/v1/leads/batch/" + std::to_string(tsv) + "/failures.json").body,
            "email\tleadScore\tImport Failure Reason\n"
            "a@x.com\tx;y\tInvalid data type in field Lead Score\n");
  EXPECT_EQ(s.c.get("/bulk/v1/leads/batch/" + std::to_string(ssv) + "/failures.json").body,
            "email;leadScore;firstName;Import Failure Reason\n"
            "b@x.com;1.5;\"a;b\";Invalid data type in field Lead Score\n");
}

TEST(sandbox_server_import, upsert_on_email_updates_and_id_lookup_is_update_only) {
  started s;
  s.c.wait_final(s.c.create_ok("email,firstName,city\nup@x.com,First,Paris\n"));
  s.c.wait_final(s.c.create_ok("email,firstName\nUP@x.com,Second\n"));
  json_doc by_email(s.c.get("/rest/v1/leads.json?filterType=email&filterValues=up@x.com").body);
  ASSERT_TRUE(by_email.has("/result/0/id"));
  EXPECT_FALSE(by_email.has("/result/1")) << "the second job must update, not insert";
  EXPECT_EQ(by_email.str("/result/0/firstName"), "Second");
  EXPECT_EQ(by_email.str("/result/0/city"), "Paris");  // blank or absent values do not erase
  const auto lead_id = std::to_string(by_email.num("/result/0/id"));

  const auto upd = s.c.create_ok("id,firstName\n" + lead_id + ",Third\n999999,Ghost\n", "csv",
                                 {{"lookupField", "id"}});
  json_doc st(s.c.wait_final(upd));
  EXPECT_EQ(st.num("/result/0/numOfLeadsProcessed"), 1);
  EXPECT_EQ(st.num("/result/0/numOfRowsFailed"), 1);
  EXPECT_EQ(s.c.get("/bulk/v1/leads/batch/" + std::to_string(upd) + "/failures.json").body,
            "id,firstName,Import Failure Reason\n999999,Ghost,Lead not found\n");
  json_doc by_id(s.c.get("/rest/v1/leads.json?filterType=id&filterValues=" + lead_id +
                         "&fields=firstName,email").body);
  EXPECT_EQ(by_id.str("/result/0/firstName"), "Third");
  EXPECT_EQ(by_id.str("/result/0/email"), "UP@x.com");  // matched without case, stored as sent
  EXPECT_FALSE(by_id.has("/result/0/city"));  // only the fields asked for
  json_doc ghost(s.c.get("/rest/v1/leads.json?filterType=firstName&filterValues=Ghost").body);
  EXPECT_FALSE(ghost.has("/result/0"));
}

TEST(sandbox_server_import, read_back_by_post_with_method_get_override) {
  started s;
  s.c.wait_final(s.c.create_ok("email,lastName\na@x.com,A\nb@x.com,B\nc@x.com,C\n"));
  json_doc d(s.c.post_form("/rest/v1/leads.json", {{"_method", "GET"},
                                                   {"filterType", "email"},
                                                   {"filterValues", "a@x.com,c@x.com,zz@x.com"}})
                 .body);
  EXPECT_EQ(d.str("/result/0/lastName"), "A");
  EXPECT_EQ(d.str("/result/1/lastName"), "C");
  EXPECT_FALSE(d.has("/result/2"));
  // Without the override, a POST is not a read.
  EXPECT_EQ(json_doc(s.c.post_form("/rest/v1/leads.json", {{"filterType", "email"}}).body)
                .error_code(),
            "1003");
}

TEST(sandbox_server_import, method_get_override_takes_300_long_values_beyond_8_kib) {
  started s;
  std::string file = "email\n", values;
  for (int i = 0; i < 300; ++i) {
    const auto e = "someone.with.a.long.name." + std::to_string(i) + "@example-company.com";
    file += e + "\n";
    values += (i ? "," : "") + e;
  }
  ASSERT_GT(values.size(), 8192u);
  s.c.wait_final(s.c.create_ok(file));
  const auto a = s.c.post_form("/rest/v1/leads.json",
                               {{"_method", "GET"}, {"filterType", "email"}, {"filterValues", values}});
  ASSERT_EQ(a.status, 200);
  json_doc d(a.body);
  EXPECT_TRUE(d.has("/result/299"));
  EXPECT_FALSE(d.has("/result/300"));
}

TEST(sandbox_server_import, unknown_header_field_fails_the_whole_job_naming_it) {
  started s;
  const auto id = s.c.create_ok("email,favouriteColour\na@x.com,blue\n");
  json_doc st(s.c.wait_final(id));
  EXPECT_EQ(st.str("/result/0/status"), "Failed");
  EXPECT_NE(st.str("/result/0/message").find("'favouriteColour'"), std::string::npos)
      << st.str("/result/0/message");
  json_doc none(s.c.get("/rest/v1/leads.json?filterType=email&filterValues=a@x.com").body);
  EXPECT_FALSE(none.has("/result/0"));
}

TEST(sandbox_server_import, no_failures_is_http_404_by_default) {
  started s;
  const auto id = s.c.create_ok("email\na@x.com\n");
  EXPECT_EQ(json_doc(s.c.wait_final(id)).str("/result/0/message"),
            "Import succeeded, 1 records imported");
  EXPECT_EQ(s.c.get("/bulk/v1/leads/batch/" + std::to_string(id) + "/failures.json").status, 404);
  EXPECT_EQ(s.c.get("/bulk/v1/leads/batch/" + std::to_string(id) + "/warnings.json").status, 404);
}

TEST(sandbox_server_import, no_failures_is_an_empty_body_with_empty_files_empty) {
  started s({"--empty-files", "empty"});
  const auto id = s.c.create_ok("email\na@x.com\n");
  s.c.wait_final(id);
  for (const std::string kind : {"failures", "warnings"}) {
    const auto a = s.c.get("/bulk/v1/leads/batch/" + std::to_string(id) + "/" + kind + ".json");
    EXPECT_EQ(a.status, 200) << kind;
    EXPECT_EQ(a.body, "") << kind;
  }
}

TEST(sandbox_server_import, a_header_only_file_completes_with_zero_rows) {
  started s;
  json_doc st(s.c.wait_final(s.c.create_ok("email,firstName\n")));
  EXPECT_EQ(st.str("/result/0/status"), "Complete");
  EXPECT_EQ(st.num("/result/0/numOfLeadsProcessed"), 0);
}

}  // namespace
}  // namespace mkbulk::sandbox::test
