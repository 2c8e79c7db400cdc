// The per-type value rules (field_checks.h) and the --faults parser, as pure functions: these
// are shared with pre-flight checks, so their edges are pinned here.
#include <gtest/gtest.h>

#include "mkbulk/sandbox/faults.h"
#include "mkbulk/sandbox/field_checks.h"

namespace mkbulk::sandbox {
namespace {

using engine::field_type;

TEST(sandbox_server_field_checks, integers_are_32_bit_signed) {
  EXPECT_TRUE(is_valid_integer("0"));
  EXPECT_TRUE(is_valid_integer("-2147483648"));
  EXPECT_TRUE(is_valid_integer("+12"));
  EXPECT_FALSE(is_valid_integer("2147483648"));
  EXPECT_FALSE(is_valid_integer("1.0"));
  EXPECT_FALSE(is_valid_integer(" 1"));
  EXPECT_FALSE(is_valid_integer(""));
  EXPECT_FALSE(is_valid_integer("+"));
}

TEST(sandbox_server_field_checks, floats_reject_words_and_trailing_junk) {
  EXPECT_TRUE(is_valid_float("1200.50"));
  EXPECT_TRUE(is_valid_float("-1e5"));
  EXPECT_TRUE(is_valid_float("3."));
  EXPECT_FALSE(is_valid_float("12.5x"));
  EXPECT_FALSE(is_valid_float("nan"));
  EXPECT_FALSE(is_valid_float("inf"));
  EXPECT_FALSE(is_valid_float("1,5"));
}

TEST(sandbox_server_field_checks, booleans) {
  for (const char* ok : {"true", "FALSE", "1", "0", "Yes", "no"}) EXPECT_TRUE(is_valid_boolean(ok)) << ok;
  for (const char* bad : {"maybe", "2", "", "t"}) EXPECT_FALSE(is_valid_boolean(bad)) << bad;
}

TEST(sandbox_server_field_checks, dates_follow_the_calendar) {
  EXPECT_TRUE(is_valid_date("2024-02-29"));
  EXPECT_FALSE(is_valid_date("2023-02-29"));
  EXPECT_TRUE(is_valid_date("2000-02-29"));
  EXPECT_FALSE(is_valid_date("1900-02-29"));
  EXPECT_FALSE(is_valid_date("2024-13-01"));
  EXPECT_FALSE(is_valid_date("2024-1-01"));
  EXPECT_FALSE(is_valid_date("01/02/2024"));
}

TEST(sandbox_server_field_checks, datetimes_with_zones) {
  for (const char* ok : {"2024-01-01", "2024-01-01T10:00", "2024-01-01 10:00:59",
                         "2024-01-01T10:00:00Z", "2024-01-01T10:00:00.123+02:00",
                         "2024-01-01T23:59:59-0600"}) {
    EXPECT_TRUE(is_valid_datetime(ok)) << ok;
  }
  for (const char* bad : {"2024-01-01T24:00", "2024-01-01T10", "2024-01-01T10:00:00+2",
                          "2024-01-01T10:00:00ZZ", "2024-01-01X10:00", "2024-01-01T10:00:00."}) {
    EXPECT_FALSE(is_valid_datetime(bad)) << bad;
  }
}

TEST(sandbox_server_field_checks, email_shape) {
  EXPECT_TRUE(is_valid_email("a.b+c@example.co.uk"));
  for (const char* bad : {"not-an-email", "@x.com", "a@", "a@x", "a@@x.com", "a b@x.com",
                          "a@x..com", "a@x.c"}) {
    EXPECT_FALSE(is_valid_email(bad)) << bad;
  }
}

TEST(sandbox_server_field_checks, check_value_combines_type_email_and_length) {
  EXPECT_FALSE(check_value(field_type::integer, 0, "x").type_ok);
  EXPECT_TRUE(check_value(field_type::string, 0, "anything").type_ok);
  EXPECT_FALSE(check_value(field_type::email, 255, "nope").email_ok);
  EXPECT_TRUE(check_value(field_type::email, 255, "nope").type_ok);  // a warning, not a failure
  // Length counts code points: "é" is 2 bytes, one character.
  const auto c = check_value(field_type::string, 3, "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9");
  EXPECT_TRUE(c.too_long);
  EXPECT_EQ(c.keep_bytes, 6u);
  EXPECT_FALSE(check_value(field_type::string, 4, "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9").too_long);
  EXPECT_FALSE(check_value(field_type::integer, 1, "12345").too_long);  // numbers have no length
}

TEST(sandbox_server_field_checks, fault_spec_parses_and_decides_reproducibly) {
  const auto spec = parse_fault_spec("http502=0.05,drop=0.02,latency=200ms,err604=0.02,jobfail=0.01");
  EXPECT_DOUBLE_EQ(spec.http502, 0.05);
  EXPECT_DOUBLE_EQ(spec.drop, 0.02);
  EXPECT_EQ(spec.latency.count(), 200);
  ASSERT_EQ(spec.errors.size(), 1u);
  EXPECT_EQ(spec.errors[0].first, 604);
  EXPECT_DOUBLE_EQ(spec.jobfail, 0.01);
  EXPECT_THROW((void)parse_fault_spec("err600=0.1"), std::invalid_argument);
  EXPECT_THROW((void)parse_fault_spec("drop"), std::invalid_argument);
  int faults = 0;
  for (std::uint64_t i = 0; i < 10000; ++i) {
    const auto a = decide_request_fault(spec, 5, i);
    const auto b = decide_request_fault(spec, 5, i);
    EXPECT_EQ(a.kind, b.kind);
    faults += a.kind != fault_kind::none ? 1 : 0;
  }
  EXPECT_NEAR(faults, 900, 150);  // 9% of requests
}

}  // namespace
}  // namespace mkbulk::sandbox
