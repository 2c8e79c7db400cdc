// The mkbulk command line as a user runs it: split/validate/sniff exit codes, the --json
// summary fields, standard input, usage errors and the rejects report location.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <sys/wait.h>

#include <cstdio>

#include "cli_run.h"
#include "split_test_support.h"

namespace mkbulk::engine {
namespace {

using testing::run;

const std::string GOOD = "Email Address,First Name\na@x.com,Ann\nb@x.com,\"Bo, B\"\n";
const std::string ONE_BAD = "Email Address,First Name\na@x.com,Ann\n,NoMail\nc@x.com,Cy\n";

TEST(cli_split, clean_split_exits_0_and_prints_the_json_summary) {
  testing::temp_dir dir;
  testing::write_file(dir.path() / "in.csv", GOOD);
  const auto r = run(dir, "split in.csv --out-dir out --json");
  ASSERT_EQ(r.code, 0) << r.err;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_FALSE(parser.parse(r.out).get(doc)) << r.out;
  for (const char* key : {"rows_in", "rows_chunked", "rows_rejected", "chunks", "bytes_in",
                          "bytes_out", "bare_quotes"}) {
    std::uint64_t v = 0;
    EXPECT_FALSE(doc[key].get_uint64().get(v)) << key;
  }
  EXPECT_EQ(std::uint64_t(doc["rows_in"]), 2u);
  EXPECT_EQ(std::uint64_t(doc["chunks"]), 1u);
  EXPECT_EQ(std::uint64_t(doc["reject_counts"]["empty_lookup_field"]), 0u);
  double secs = -1;
  EXPECT_FALSE(doc["seconds"].get_double().get(secs));
  std::string_view kernel;
  EXPECT_FALSE(doc["kernel"].get_string().get(kernel));
  EXPECT_FALSE(kernel.empty());
  EXPECT_EQ(testing::read_file(dir.path() / "out/chunks/000001.csv"),
            "email,firstName\na@x.com,Ann\nb@x.com,\"Bo, B\"\n");
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "out/manifest.json"));
  EXPECT_NE(r.err.find("2 rows in"), std::string::npos) << r.err;
}

TEST(cli_split, rejected_rows_exit_1_and_stdin_works) {
  testing::temp_dir dir;
  testing::write_file(dir.path() / "in.csv", ONE_BAD);
  const auto r = run(dir, "split - --out-dir out --json", (dir.path() / "in.csv").string());
  ASSERT_EQ(r.code, 1) << r.err;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_FALSE(parser.parse(r.out).get(doc)) << r.out;
  EXPECT_EQ(std::uint64_t(doc["rows_rejected"]), 1u);
  EXPECT_EQ(std::uint64_t(doc["reject_counts"]["empty_lookup_field"]), 1u);
  EXPECT_NE(testing::read_file(dir.path() / "out/rejects.csv").find("3,"), std::string::npos);
  manifest m;
  manifest_error e;
  ASSERT_TRUE(read_manifest(dir.path() / "out", m, e)) << e.message;
  EXPECT_EQ(m.input_path, "-");
  EXPECT_EQ(m.chunks.at(0).line_runs, (std::vector<line_run>{{2, 1}, {4, 1}}));
}

TEST(cli_split, unusable_input_exits_65_usage_exits_2) {
  testing::temp_dir dir;
  testing::write_file(dir.path() / "empty.csv", "");
  testing::write_file(dir.path() / "unknown.csv", "email,Shoe Size\na,1\n");
  auto r = run(dir, "split empty.csv --out-dir out");
  EXPECT_EQ(r.code, 65);
  EXPECT_NE(r.err.find("empty"), std::string::npos) << r.err;
  r = run(dir, "split unknown.csv --out-dir out");
  EXPECT_EQ(r.code, 65);
  EXPECT_NE(r.err.find("Shoe Size"), std::string::npos) << r.err;
  r = run(dir, "split unknown.csv --out-dir out --drop-column 'Shoe Size'");
  EXPECT_EQ(r.code, 0) << r.err;
  r = run(dir, "split unknown.csv");
  EXPECT_EQ(r.code, 2);
  r = run(dir, "split unknown.csv --out-dir out --max-bytes lots");
  EXPECT_EQ(r.code, 2);
  r = run(dir, "split unknown.csv --out-dir out --bogus");
  EXPECT_EQ(r.code, 2);
  r = run(dir, "split missing.csv --out-dir out");
  EXPECT_EQ(r.code, 74);
  testing::write_file(dir.path() / "bad.csv", ONE_BAD + ",x\n,y\n");
  r = run(dir, "split bad.csv --out-dir out --max-rejects 1 --json");
  EXPECT_EQ(r.code, 65);
  EXPECT_NE(r.out.find("\"status\":\"too_many_rejects\""), std::string::npos) << r.out;
}

TEST(cli_split, no_progress_bar_when_stderr_is_not_a_terminal) {
  testing::temp_dir dir;
  testing::write_file(dir.path() / "in.csv", GOOD);
  const auto r = run(dir, "split in.csv --out-dir out");
  EXPECT_EQ(r.err.find('\r'), std::string::npos);
  EXPECT_TRUE(r.out.empty());
}

TEST(cli_split, forced_kernel_from_the_environment) {
  testing::temp_dir dir;
  testing::write_file(dir.path() / "in.csv", GOOD);
  auto r = run(dir, "split in.csv --out-dir out --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto scalar = run(dir, "split in.csv --out-dir out2 --json --kernel scalar");
  EXPECT_NE(scalar.out.find("\"kernel\":\"scalar\""), std::string::npos) << scalar.out;
  r = run(dir, "split in.csv --out-dir out3 --json --kernel nonsense");
  EXPECT_EQ(r.code, 65);
  const auto forced = std::system(("cd '" + dir.path().string() + "' && MKBULK_FORCE_KERNEL=scalar '" MKBULK_CLI
                                   "' split in.csv --out-dir out5 --json > env.json 2>/dev/null").c_str());
  EXPECT_EQ(WEXITSTATUS(forced), 0);
  EXPECT_NE(testing::read_file(dir.path() / "env.json").find("\"kernel\":\"scalar\""), std::string::npos);
  EXPECT_EQ(testing::read_file(dir.path() / "out2/chunks/000001.csv"),
            testing::read_file(dir.path() / "out/chunks/000001.csv"));
}

// split, validate and sniff never speak HTTP: libcurl is loaded by the first HTTP client only
// (uploader/src/curl_library.h), not at every start. The dynamic loader's own trace
// (LD_DEBUG=files, on mkbulk's stderr) names every library it loads.
TEST(cli_split, commands_without_http_do_not_load_libcurl) {
  testing::temp_dir dir;
  testing::write_file(dir.path() / "in.csv", GOOD);
  for (const char* args : {"split in.csv --out-dir out", "validate in.csv", "sniff in.csv"}) {
    const auto status = std::system(("cd '" + dir.path().string() + "' && LD_DEBUG=files '" MKBULK_CLI
                                     "' " + args + " > /dev/null 2> loader.txt").c_str());
    EXPECT_EQ(WEXITSTATUS(status), 0) << args;
    const std::string trace = testing::read_file(dir.path() / "loader.txt");
    EXPECT_NE(trace.find("libsimdjson"), std::string::npos) << args << ": no loader trace";
    EXPECT_EQ(trace.find("libcurl"), std::string::npos) << args << " loaded libcurl";
  }
}

TEST(cli_validate, writes_only_the_rejects_report) {
  testing::temp_dir dir;
  testing::write_file(dir.path() / "in.csv", ONE_BAD);
  auto r = run(dir, "validate in.csv --rejects r.csv --json");
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(testing::read_file(dir.path() / "r.csv").find("empty_lookup_field"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "chunks"));
  EXPECT_NE(r.out.find("\"rows_chunked\":2"), std::string::npos) << r.out;
  testing::write_file(dir.path() / "good.csv", GOOD);
  r = run(dir, "validate good.csv");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "rejects.csv"));
}

TEST(cli_sniff, shows_dialect_and_mapping) {
  testing::temp_dir dir;
  testing::write_file(dir.path() / "in.ssv", "\xEF\xBB\xBF" "Email Address;Zip Code;Pet\r\na;1;2\r\n");
  auto r = run(dir, "sniff in.ssv");
  EXPECT_EQ(r.code, 65);
  EXPECT_NE(r.out.find("format: ssv"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("bom: yes"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("-> postalCode"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Pet"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("--drop-unknown"), std::string::npos) << r.err;
  r = run(dir, "sniff in.ssv --drop-unknown");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("chunk header: email,postalCode"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace mkbulk::engine
