// Pre-flight through the split: each field type end to end with the standard schema read from
// a describe.json file, the value options, rejects and predicted warnings in the accounting and
// the manifest, and the same output as without a schema when every value is already plain.
#include <gtest/gtest.h>

#include <memory>
#include <random>

#include "mkbulk/engine/lead_schema_json.h"
#include "mkbulk/engine/preflight.h"
#include "mkbulk/engine/scan_dispatch.h"
#include "../../engine/src/preflight_checker.h"
#include "split_test_support.h"

namespace mkbulk::engine {
namespace {

using testing::ahead_variants;
using testing::chunk_rows;
using testing::reject_rows;
using testing::run_on_text;
using testing::temp_dir;

// The standard schema, written as describe.json and read back as --schema FILE does.
std::shared_ptr<preflight_options> schema_options(const temp_dir& dir) {
  const auto file = dir.path() / "describe.json";
  testing::write_file(file, standard_lead_schema_json());
  auto p = std::make_shared<preflight_options>();
  schema_error err;
  EXPECT_TRUE(read_lead_schema_json(file, p->schema, err)) << err.message;
  return p;
}

split_options with_schema(std::shared_ptr<preflight_options> p) {
  split_options o;
  o.threads = 1;
  o.preflight = std::move(p);
  return o;
}

void expect_accounting(const testing::split_output& s) {
  const split_counts& c = s.result.result.counts;
  EXPECT_EQ(c.rows_in, c.rows_chunked + c.rows_rejected);
  std::uint64_t sum = 0;
  for (const auto n : c.reject_counts) sum += n;
  for (const auto n : c.value_reject_counts) sum += n;
  EXPECT_EQ(sum, c.rows_rejected);
}

std::vector<std::vector<std::string>> fields_of(const testing::split_output& s) {
  std::vector<std::vector<std::string>> out;
  for (const auto& r : chunk_rows(s)) out.push_back(r.fields);
  return out;
}

// The typed fields' delimiters are picked from the kernel's delimiter bits by rank: both ways
// (pdep where the CPU has BMI2, clearing bits elsewhere) give the naive walk's answer.
TEST(preflight_split, select_bit_finds_the_rth_set_bit_with_and_without_bmi2) {
  std::mt19937_64 rng(5);
  for (int i = 0; i < 20000; ++i) {
    std::uint64_t b = rng();
    if (i % 3 == 0) b &= rng();  // sparser masks, like delimiters
    if (i % 7 == 0) b |= std::uint64_t{1} << 63;
    if (b == 0) continue;
    std::vector<unsigned> set;
    for (unsigned k = 0; k < 64; ++k) {
      if ((b >> k) & 1) set.push_back(k);
    }
    for (std::size_t r = 0; r < set.size(); ++r) {
      ASSERT_EQ(detail::select_bit_loop(b, r), set[r]) << b << " r " << r;
      if (detail::have_bmi2()) {
        ASSERT_EQ(detail::select_bit_bmi2(b, r), set[r]) << b << " r " << r;
      }
    }
  }
}

TEST(preflight_split, numbers_are_normalised_or_rejected_with_marketos_reason) {
  temp_dir dir;
  const auto s = run_on_text(dir,
                             "Email,Annual Revenue,Num Employees\n"
                             "a@x.com,\"1,234.50\",12\n"
                             "b@x.com,$99,+0042\n"
                             "c@x.com,abc,1\n"
                             "d@x.com,5,2147483648\n"
                             "e@x.com,1e3,7.00\n"
                             "f@x.com,,\n"
                             "g@x.com,5,1.5\n",
                             with_schema(schema_options(dir)));
  ASSERT_EQ(s.result.status, split_status::ok) << s.result.message;
  EXPECT_EQ(fields_of(s), (std::vector<std::vector<std::string>>{
                              {"a@x.com", "1234.50", "12"},
                              {"b@x.com", "99", "42"},
                              {"e@x.com", "1000", "7"},
                              {"f@x.com", "", ""}}));
  const auto rj = reject_rows(s);
  ASSERT_EQ(rj.size(), 3u);
  EXPECT_EQ(rj[0].line, 4u);
  EXPECT_EQ(rj[0].reason, "invalid_number");
  EXPECT_NE(rj[0].message.find("Invalid data type in field Annual Revenue"), std::string::npos);
  EXPECT_EQ(rj[0].record, "c@x.com,abc,1");
  EXPECT_EQ(rj[1].reason, "number_out_of_range");
  EXPECT_EQ(rj[2].line, 8u);
  EXPECT_EQ(rj[2].reason, "invalid_number");
  const split_counts& c = s.result.result.counts;
  EXPECT_EQ(c.value_reject_counts[static_cast<std::size_t>(value_problem::invalid_number)], 2u);
  EXPECT_EQ(c.value_reject_counts[static_cast<std::size_t>(value_problem::number_out_of_range)],
            1u);
  expect_accounting(s);
}

TEST(preflight_split, semicolon_input_reads_a_decimal_comma_by_default) {
  temp_dir dir;
  const std::string text = "Email;Annual Revenue\na@x.com;1.234,5\nb@x.com;7,25\n";
  auto s = run_on_text(dir, text, with_schema(schema_options(dir)));
  ASSERT_EQ(s.result.status, split_status::ok) << s.result.message;
  EXPECT_EQ(fields_of(s), (std::vector<std::vector<std::string>>{{"a@x.com", "1234.5"},
                                                                 {"b@x.com", "7.25"}}));
  // --no-decimal-comma: "7,25" is then 725 (a thousands separator in the wrong place is not a
  // number) and "1.234,5" is not a number.
  auto p = schema_options(dir);
  p->decimal_comma = false;
  s = run_on_text(dir, text, with_schema(p), "out2");
  EXPECT_EQ(s.result.result.counts.rows_chunked + s.result.result.counts.rows_rejected, 2u);
  EXPECT_GE(s.result.result.counts.value_reject_counts[static_cast<std::size_t>(
                value_problem::invalid_number)],
            1u);
  expect_accounting(s);
}

TEST(preflight_split, booleans_become_true_or_false) {
  temp_dir dir;
  const auto s = run_on_text(dir,
                             "Email,Unsubscribed,Do Not Call\n"
                             "a@x.com,Y,no\nb@x.com,TRUE,0\nc@x.com,maybe,1\nd@x.com, yes ,\n",
                             with_schema(schema_options(dir)));
  ASSERT_EQ(s.result.status, split_status::ok) << s.result.message;
  EXPECT_EQ(fields_of(s), (std::vector<std::vector<std::string>>{
                              {"a@x.com", "true", "false"},
                              {"b@x.com", "true", "false"},
                              {"d@x.com", "true", ""}}));
  const auto rj = reject_rows(s);
  ASSERT_EQ(rj.size(), 1u);
  EXPECT_EQ(rj[0].reason, "invalid_boolean");
  EXPECT_EQ(rj[0].line, 4u);
  expect_accounting(s);
}

TEST(preflight_split, dates_follow_the_date_order_or_are_rejected_as_ambiguous) {
  temp_dir dir;
  const std::string text =
      "Email,Date of Birth,Acquisition Date\n"
      "a@x.com,03/04/2024,2024-01-02 10:30:00\n"
      "b@x.com,25.12.2023,\n"
      "c@x.com,2023-02-29,\n"
      "d@x.com,04/25/2024,01/02/2024 3:04 PM\n";
  auto s = run_on_text(dir, text, with_schema(schema_options(dir)));
  ASSERT_EQ(s.result.status, split_status::ok) << s.result.message;
  EXPECT_EQ(fields_of(s), (std::vector<std::vector<std::string>>{
                              {"b@x.com", "2023-12-25", ""}}));
  auto rj = reject_rows(s);
  ASSERT_EQ(rj.size(), 3u);
  EXPECT_EQ(rj[0].reason, "ambiguous_date");
  EXPECT_NE(rj[0].message.find("--date-order"), std::string::npos);
  EXPECT_EQ(rj[1].reason, "invalid_date");
  EXPECT_EQ(rj[2].reason, "ambiguous_date");  // the datetime's 01/02
  expect_accounting(s);

  auto p = schema_options(dir);
  p->values.order = date_order::dmy;
  s = run_on_text(dir, text, with_schema(p), "dmy");
  const auto rows = fields_of(s);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"a@x.com", "2024-04-03", "2024-01-02T10:30:00"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"b@x.com", "2023-12-25", ""}));
  rj = reject_rows(s);
  ASSERT_EQ(rj.size(), 2u);  // 2023-02-29, and 04/25/2024 read day-first
  EXPECT_EQ(rj[0].reason, "invalid_date");
  EXPECT_EQ(rj[1].reason, "invalid_date");
  expect_accounting(s);
}

TEST(preflight_split, lookup_email_is_trimmed_and_malformed_ones_are_rejected) {
  temp_dir dir;
  const auto s = run_on_text(dir, "Email,First Name\n  Ann@X.com ,Ann\nnot-an-email,Bob\n",
                             with_schema(schema_options(dir)));
  ASSERT_EQ(s.result.status, split_status::ok) << s.result.message;
  EXPECT_EQ(fields_of(s), (std::vector<std::vector<std::string>>{{"Ann@X.com", "Ann"}}));
  const auto rj = reject_rows(s);
  ASSERT_EQ(rj.size(), 1u);
  EXPECT_EQ(rj[0].reason, "invalid_email");
  expect_accounting(s);
}

TEST(preflight_split, a_malformed_email_outside_the_lookup_is_a_predicted_warning) {
  temp_dir dir;
  split_options o = with_schema(schema_options(dir));
  o.lookup_field = "externalCompanyId";
  const auto s = run_on_text(dir, "External Company Id,Email\nC1,bad@\nC2,ok@x.com\n", o);
  ASSERT_EQ(s.result.status, split_status::ok) << s.result.message;
  EXPECT_EQ(s.result.result.counts.rows_chunked, 2u);
  EXPECT_EQ(s.result.result.counts.rows_rejected, 0u);
  EXPECT_EQ(s.result.result.counts
                .predicted_warnings[static_cast<std::size_t>(value_problem::invalid_email)],
            1u);
  // The warning count goes through the manifest and back.
  manifest m;
  manifest_error err;
  ASSERT_TRUE(read_manifest(dir.path() / "out", m, err)) << err.message;
  EXPECT_EQ(m.counts, s.result.result.counts);
}

TEST(preflight_split, long_values_are_rejected_or_truncated_with_a_warning) {
  temp_dir dir;
  const std::string long_id(101, 'k');
  const std::string text = "Email,External Company Id\na@x.com," + long_id + "\nb@x.com,short\n";
  auto s = run_on_text(dir, text, with_schema(schema_options(dir)));
  ASSERT_EQ(s.result.status, split_status::ok) << s.result.message;
  auto rj = reject_rows(s);
  ASSERT_EQ(rj.size(), 1u);
  EXPECT_EQ(rj[0].reason, "value_too_long");
  expect_accounting(s);

  auto p = schema_options(dir);
  p->values.on_long = long_value_policy::truncate;
  s = run_on_text(dir, text, with_schema(p), "truncate");
  EXPECT_EQ(fields_of(s), (std::vector<std::vector<std::string>>{
                              {"a@x.com", std::string(100, 'k')}, {"b@x.com", "short"}}));
  EXPECT_EQ(s.result.result.counts
                .predicted_warnings[static_cast<std::size_t>(value_problem::value_too_long)],
            1u);
  manifest m;
  manifest_error err;
  ASSERT_TRUE(read_manifest(dir.path() / "truncate", m, err)) << err.message;
  EXPECT_EQ(m.counts, s.result.result.counts);
}

TEST(preflight_split, quoted_and_multiline_records_are_checked_too) {
  temp_dir dir;
  const auto s = run_on_text(dir,
                             "Email,Comments,Num Employees\n"
                             "a@x.com,\"two\nlines\",\"1,000\"\n"
                             "b@x.com,\"say \"\"hi\"\"\",lots\n",
                             with_schema(schema_options(dir)));
  ASSERT_EQ(s.result.status, split_status::ok) << s.result.message;
  EXPECT_EQ(fields_of(s), (std::vector<std::vector<std::string>>{
                              {"a@x.com", "two\nlines", "1000"}}));
  const auto rj = reject_rows(s);
  ASSERT_EQ(rj.size(), 1u);
  EXPECT_EQ(rj[0].line, 4u);
  EXPECT_EQ(rj[0].reason, "invalid_number");
  expect_accounting(s);
}

TEST(preflight_split, columns_the_schema_does_not_know_are_left_unchecked) {
  temp_dir dir;
  split_options o = with_schema(schema_options(dir));
  o.map.emplace_back("Score X", "customScore");
  const auto s = run_on_text(dir, "Email,Score X\na@x.com,not a number\n", o);
  ASSERT_EQ(s.result.status, split_status::ok) << s.result.message;
  EXPECT_EQ(fields_of(s), (std::vector<std::vector<std::string>>{{"a@x.com", "not a number"}}));
  const preflight_plan plan =
      plan_preflight(o.preflight->schema, {"email", "customScore"}, "email");
  EXPECT_EQ(plan.unchecked, (std::vector<std::string>{"customScore"}));
  EXPECT_EQ(plan.roles[0], field_role::lookup);
}

// Records long enough that the typed columns' bounds are found block by block (16-byte
// delimiter masks, blocks without a typed column's end skipped): a rewritten value there
// re-encodes the whole record with every column; a bad one rejects it.
TEST(preflight_split, typed_columns_after_long_strings_are_found_and_rewritten) {
  temp_dir dir;
  const std::string a(40, 'a');
  const std::string b(37, 'b');
  std::string text = "First Name,Last Name,Company Name,Email,Num Employees,City\n";
  std::vector<std::vector<std::string>> want;
  for (int i = 0; i < 200; ++i) {
    const std::string email = std::string("u") + std::to_string(i) + "@x.com";
    std::string n = std::to_string(i);
    if (i % 3 == 1) n.insert(0, 1, '+');  // rewritten
    if (i % 7 == 2) n.insert(0, 1, 'x');  // rejected
    text += a + "," + b + ",C" + std::to_string(i) + "," + email + "," + n + ",Paris\n";
    if (i % 7 != 2) want.push_back({a, b, "C" + std::to_string(i), email, std::to_string(i), "Paris"});
  }
  split_options o = with_schema(schema_options(dir));
  for (const std::size_t block : {std::size_t{4096}, std::size_t{0}}) {
    o.block_bytes = block;
    const auto s = run_on_text(dir, text, o, "out" + std::to_string(block));
    ASSERT_EQ(s.result.status, split_status::ok) << s.result.message;
    EXPECT_EQ(fields_of(s), want);
    EXPECT_EQ(s.result.result.counts.rows_rejected, 29u);
    expect_accounting(s);
  }
}

TEST(preflight_split, quoted_fields_before_and_in_typed_columns) {
  temp_dir dir;
  const auto s = run_on_text(dir,
                             "Company Name,Email,Num Employees,City\n"
                             "\"Acme, Inc.\",a@x.com,\"1,000\",Paris\n"
                             "\"Say \"\"hi\"\", Ltd\",b@x.com,7,\"Lyon, FR\"\n"
                             "\"Acme, Inc.\",c@x.com,\"7,5\",Paris\n"
                             "\"x,y\",d@x.com,\"8\",\"a,b\"\n",
                             with_schema(schema_options(dir)));
  ASSERT_EQ(s.result.status, split_status::ok) << s.result.message;
  EXPECT_EQ(fields_of(s), (std::vector<std::vector<std::string>>{
                              {"Acme, Inc.", "a@x.com", "1000", "Paris"},
                              {"Say \"hi\", Ltd", "b@x.com", "7", "Lyon, FR"},
                              {"x,y", "d@x.com", "8", "a,b"}}));
  const auto rj = reject_rows(s);
  ASSERT_EQ(rj.size(), 1u);
  EXPECT_EQ(rj[0].line, 4u);
  EXPECT_EQ(rj[0].reason, "invalid_number");
  // The untouched quoted record is copied as it was.
  ASSERT_EQ(s.chunk_texts.size(), 1u);
  EXPECT_NE(s.chunk_texts[0].find("\"Say \"\"hi\"\", Ltd\",b@x.com,7,\"Lyon, FR\"\n"),
            std::string::npos);
  expect_accounting(s);
}

// A clean export needs no rewriting: with or without a schema the chunks are the same bytes,
// for every read block size.
TEST(preflight_split, plain_values_give_the_same_chunks_as_without_a_schema) {
  temp_dir dir;
  std::string text = "Email,First Name,Annual Revenue,Num Employees,Unsubscribed,Date of Birth\n";
  for (int i = 0; i < 3000; ++i) {
    text += "user" + std::to_string(i) + "@example.com,Name" + std::to_string(i) + "," +
            std::to_string(i * 3) + "." + std::to_string(i % 10) + "," + std::to_string(i) +
            "," + (i % 2 ? "true" : "false") + ",2020-0" + std::to_string(1 + i % 9) + "-1" +
            std::to_string(i % 10) + "\n";
  }
  split_options plain;
  plain.threads = 1;
  plain.max_bytes = 20000;
  const auto base = run_on_text(dir, text, plain, "plain");
  ASSERT_EQ(base.result.status, split_status::ok);
  const auto p = schema_options(dir);
  for (const std::size_t block : {std::size_t{4096}, std::size_t{65536}, std::size_t{0}}) {
    split_options o = with_schema(p);
    o.max_bytes = 20000;
    o.block_bytes = block;
    const auto s = run_on_text(dir, text, o, "schema" + std::to_string(block));
    ASSERT_EQ(s.result.status, split_status::ok) << s.result.message;
    EXPECT_EQ(s.chunk_texts, base.chunk_texts) << "block " << block;
    EXPECT_EQ(s.result.result.chunks, base.result.result.chunks) << "block " << block;
    EXPECT_EQ(s.result.result.counts.rows_chunked, 3000u);
  }
}

// A mixed export for the differential tests below: typed columns first, in the middle and
// last; quoted fields (with the delimiter, "" and line ends inside) before and in typed
// columns; fields long enough to put delimiters in later 64-byte blocks; records longer than
// the shortest string field (all columns needed); values kept, rewritten and rejected.
// key_every: 0, each row's e-mail its own; else row i's is row (i % key_every)'s.
std::string mixed_export(unsigned seed, int rows, int key_every = 0) {
  std::mt19937 rng(seed);
  const auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  const auto text = [&](int max_len) {
    std::string s(static_cast<std::size_t>(pick(max_len + 1)), 'a');
    for (char& c : s) c = static_cast<char>('a' + pick(26));
    return s;
  };
  const auto quoted = [&](const std::string& s) {
    const char* const tails[] = {", x\"", " \"\"q\"\"\"", "\nnext\"",
                                 "\""};  // the last: quoted without need, re-encoded
    const int k = pick(6);
    if (k >= 4) return s;
    std::string q(1, '"');
    q.append(s).append(tails[k]);
    return q;
  };
  const char* const ints[] = {"12", "0", "-7", "+5", " 8 ", "\"1,000\"", "x3", "2147483648",
                              "", "12.00", "007", "-0"};
  const char* const money[] = {"1234.5", "99", "-0.25", "$12", "\"1,234.50\"", "1e3", "abc",
                               "", ".5", "12.", "1e400"};
  const char* const bools[] = {"true", "false", "Y", "no", "1", "maybe", ""};
  const char* const dates[] = {"2024-02-29", "2023-02-29", "03/04/2024", "25/04/2024",
                               "2024-01-02 10:11:12", ""};
  std::string out =
      "Num Employees,Email,First Name,Comments,Annual Revenue,Last Name,Unsubscribed,City,"
      "Date of Birth,Company Name,Lead Score\n";
  for (int i = 0; i < rows; ++i) {
    const int key = key_every == 0 ? i : i % key_every;
    std::string email = std::string("u") + std::to_string(key) + "@example.com";
    if (pick(20) == 0) email.insert(0, 1, ' ');
    if (pick(25) == 0) email = std::string("u") + std::to_string(key) + "@example";
    std::string first = text(pick(10) == 0 ? 300 : 12);  // > 255 code points: rejected
    out += std::string(ints[pick(12)]) + "," + email + "," + quoted(first) + "," +
           quoted(text(pick(4) == 0 ? 400 : 30)) + "," + money[pick(11)] + "," +
           quoted(text(70)) + "," + bools[pick(7)] + "," + quoted(text(8)) + "," +
           dates[pick(6)] + "," + quoted(text(90)) + "," + ints[pick(12)] + "\n";
  }
  return out;
}

// The reference run: the export split to TSV with the schema (every field re-encoded).
template <class Dir, class Options>
auto tsv_reference(const Dir& dir, const std::string& text, const Options& p) {
  split_options tsv = with_schema(p);
  tsv.out_format = "tsv";
  return run_on_text(dir, text, tsv, "tsv");
}

// The same export split to csv with the schema, read blocks of 4096 bytes and the default:
// the same rows chunked and rejected (line, offset, reason, message) as ref, the same counts.
template <class Dir, class Options, class Result>
void expect_csv_runs_match(const Dir& dir, const std::string& text, const Options& p,
                           const Result& ref) {
  const auto& rc = ref.result.result.counts;
  for (const std::size_t block : {std::size_t{4096}, std::size_t{0}}) {
    split_options o = with_schema(p);
    o.block_bytes = block;
    const auto s = run_on_text(dir, text, o, "csv" + std::to_string(block));
    ASSERT_EQ(s.result.status, split_status::ok) << s.result.message;
    EXPECT_EQ(chunk_rows(s), chunk_rows(ref)) << "block " << block;
    const auto a = reject_rows(s);
    const auto b = reject_rows(ref);
    ASSERT_EQ(a.size(), b.size()) << "block " << block;
    for (std::size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].line, b[i].line) << i;
      EXPECT_EQ(a[i].offset, b[i].offset) << i;
      EXPECT_EQ(a[i].reason, b[i].reason) << "line " << a[i].line;
      EXPECT_EQ(a[i].message, b[i].message) << "line " << a[i].line;
    }
    EXPECT_EQ(s.result.result.counts.value_reject_counts, rc.value_reject_counts);
    EXPECT_EQ(s.result.result.counts.predicted_warnings, rc.predicted_warnings);
    expect_accounting(s);
  }
}

// The typed checks on the raw-copy path (fields located from the scan kernel's delimiter bits,
// or by walking the record's bytes where the masks do not cover it) decide exactly as the
// re-encoding path (TSV output: every field taken from the scan's delimiter list or the careful
// parser) does, row by row and reject by reject.
TEST(preflight_split, raw_copy_path_decides_as_the_re_encoding_path) {
  temp_dir dir;
  const std::string text = mixed_export(7, 3000);
  const auto p = schema_options(dir);
  const auto ref = tsv_reference(dir, text, p);
  ASSERT_EQ(ref.result.status, split_status::ok) << ref.result.message;
  const auto& rc = ref.result.result.counts;
  EXPECT_GT(rc.rows_rejected, 300u);  // the export does exercise the checks
  EXPECT_GT(rc.rows_chunked, 500u);
  expect_csv_runs_match(dir, text, p, ref);
}

// Records longer than the shortest string field whose long values are in unchecked columns
// after the checked ones (multi-line comments) take the typed-columns path; those whose checked
// columns are long themselves (a first name past 255 characters) still have every field
// checked. Both decide as the re-encoding path does.
TEST(preflight_split, long_records_with_long_unchecked_tails_decide_as_the_re_encoding_path) {
  temp_dir dir;
  std::mt19937 rng(17);
  const auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  const char* const money[] = {"1234.5", "abc", "", "1,234.50", "7"};
  std::string text = "Email,First Name,Annual Revenue,Comments\n";
  for (int i = 0; i < 2000; ++i) {
    const std::string first(static_cast<std::size_t>(pick(8) == 0 ? 250 + pick(20) : 5), 'n');
    const std::string comment(static_cast<std::size_t>(pick(3) == 0 ? 300 + pick(300) : 10),
                              'c');
    text.append("u").append(std::to_string(i)).append(pick(15) == 0 ? "@x" : "@example.com");
    text.append(",").append(first).append(",").append(money[pick(5)]).append(",");
    if (pick(2) == 0) {
      text.append("\"").append(comment).append("\nline two, with a comma\"\n");
    } else {
      text.append(comment).append("\n");
    }
  }
  const auto p = schema_options(dir);
  const auto ref = tsv_reference(dir, text, p);
  ASSERT_EQ(ref.result.status, split_status::ok) << ref.result.message;
  const auto& rc = ref.result.result.counts;
  EXPECT_GT(rc.value_reject_counts[static_cast<std::size_t>(value_problem::value_too_long)], 20u);
  EXPECT_GT(rc.value_reject_counts[static_cast<std::size_t>(value_problem::invalid_number)], 20u);
  EXPECT_GT(rc.rows_chunked, 500u);
  expect_csv_runs_match(dir, text, p, ref);
}

// With a schema the output stays the same bytes for every read block size (down to 64 bytes:
// records cross kernel windows, where the fields are found by walking the bytes), thread count
// and scan kernel, and whether the read-ahead thread gives its verdicts and record lists for
// every block, none or while it is ahead (the parser's checks, kept_ahead and take_listed).
TEST(preflight_split, same_output_for_every_block_size_thread_count_and_kernel) {
  temp_dir dir;
  const std::string text = mixed_export(11, 1500);
  split_options o = with_schema(schema_options(dir));
  o.max_bytes = 20000;
  const auto ref = run_on_text(dir, text, o, "ref");
  ASSERT_EQ(ref.result.status, split_status::ok) << ref.result.message;
  ASSERT_GT(ref.chunk_texts.size(), 3u);
  for (const std::size_t block : {std::size_t{64}, std::size_t{1000}, std::size_t{70000}}) {
    for (const unsigned threads : {1u, 2u, 3u}) {
      for (const auto& k : supported_scan_kernels()) {
        for (const auto& v :
             ahead_variants(block, threads, k.name, k.name == supported_scan_kernels()[0].name)) {
          const auto got = run_on_text(dir, text, v.applied_to(o), "v");
          const std::string& what = v.what;
          ASSERT_EQ(got.result.status, split_status::ok) << got.result.message;
          EXPECT_EQ(got.chunk_texts, ref.chunk_texts) << what;
          EXPECT_EQ(got.rejects, ref.rejects) << what;
          EXPECT_EQ(got.manifest_text, ref.manifest_text) << what;
        }
      }
    }
  }
}

// With a duplicate pass too (the CLI's default): the parser's lane takes the records whose typed
// values are all kept in both passes (keys counted, repeated ones held back) on an input long
// enough for the reader to index and list its blocks: the same output as one thread.
TEST(preflight_split, duplicate_passes_give_the_same_output_with_the_lists_as_without) {
  temp_dir dir;
  const std::string text = mixed_export(5, 6000, 2500);
  split_options o = with_schema(schema_options(dir));
  o.max_bytes = 60000;
  o.duplicates = duplicate_policy::merge;
  const auto ref = run_on_text(dir, text, o, "ref");
  ASSERT_EQ(ref.result.status, split_status::ok) << ref.result.message;
  ASSERT_GT(ref.result.result.duplicates.repeated_keys, 200u);
  ASSERT_GT(ref.result.result.counts.rows_merged, 200u);
  for (const auto& v : testing::listed_variants()) {
    const auto got = run_on_text(dir, text, v.applied_to(o), "got");
    ASSERT_EQ(got.result.status, split_status::ok) << got.result.message;
    testing::expect_same_output(got, ref, v.what);
  }
}

}  // namespace
}  // namespace mkbulk::engine
