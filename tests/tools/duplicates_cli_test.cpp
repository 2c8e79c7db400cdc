// mkbulk --duplicates as a user runs it: merge by default (split and validate), each policy by
// flag, standard input (spooled and removed), the --json "duplicates" object and rows_merged,
// the one summary line, duplicates.csv, and a bad value as a usage error. And the engine on
// mkbulk-gen exports with injected duplicates whose outcome the generator's truth gives.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <sys/wait.h>

#include <cstdio>
#include <map>
#include <set>

#include "export_generator.h"
#include "cli_run.h"
#include "split_test_support.h"

namespace mkbulk::engine {
namespace {

using testing::run;

// ann three times (case and spaces differ), bob twice, cy once.
const std::string INPUT =
    "Email Address,First Name,Company\n"
    "ann@x.com,Ann,\n"
    "bob@x.com,Bob,Acme\n"
    " ANN@x.com,,Initech\n"
    "cy@x.com,Cy,\n"
    "Ann@X.com ,Annie,\n"
    "bob@X.COM,,\n";

TEST(duplicates_cli, split_merges_by_default_and_reports_it) {
  testing::temp_dir dir;
  testing::write_file(dir.path() / "in.csv", INPUT);
  const auto r = run(dir, "split in.csv --out-dir out --json");
  ASSERT_EQ(r.code, 0) << r.err;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_FALSE(parser.parse(r.out).get(doc)) << r.out;
  EXPECT_EQ(std::uint64_t(doc["rows_in"]), 6u);
  EXPECT_EQ(std::uint64_t(doc["rows_chunked"]), 3u);
  EXPECT_EQ(std::uint64_t(doc["rows_merged"]), 3u);
  EXPECT_EQ(std::string_view(doc["duplicates"]["policy"]), "merge");
  EXPECT_EQ(std::uint64_t(doc["duplicates"]["repeated_keys"]), 2u);
  EXPECT_EQ(std::uint64_t(doc["duplicates"]["rows_held_back"]), 5u);
  EXPECT_EQ(std::uint64_t(doc["duplicates"]["overwritten_values"]), 1u);  // Ann -> Annie
  EXPECT_EQ(std::string_view(doc["duplicates"]["report"]), "duplicates.csv");
  EXPECT_NE(r.err.find("duplicates: 2 keys repeated, 5 rows merged into 2"), std::string::npos)
      << r.err;
  EXPECT_EQ(testing::read_file(dir.path() / "out/duplicates.csv"),
            "key,action,kept_line,source_lines,overwritten_values\n"
            "ann@x.com,merge,2,2 4 6,1\n"
            "bob@x.com,merge,3,3 7,0\n");
  EXPECT_EQ(testing::read_file(dir.path() / "out/chunks/000001.csv"),
            "email,firstName,company\n"
            "cy@x.com,Cy,\n"
            "Ann@X.com ,Annie,Initech\n"
            "bob@X.COM,Bob,Acme\n");
}

TEST(duplicates_cli, each_policy_by_flag) {
  testing::temp_dir dir;
  testing::write_file(dir.path() / "in.csv", INPUT);
  auto r = run(dir, "split in.csv --out-dir first --duplicates keep-first");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(testing::read_file(dir.path() / "first/chunks/000001.csv"),
            "email,firstName,company\ncy@x.com,Cy,\nann@x.com,Ann,\nbob@x.com,Bob,Acme\n");
  r = run(dir, "split in.csv --out-dir last --duplicates=keep-last");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(testing::read_file(dir.path() / "last/chunks/000001.csv"),
            "email,firstName,company\ncy@x.com,Cy,\nAnn@X.com ,Annie,\nbob@X.COM,,\n");
  r = run(dir, "split in.csv --out-dir rej --duplicates reject --json");
  EXPECT_EQ(r.code, 1) << r.err;  // rows rejected
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_FALSE(parser.parse(r.out).get(doc)) << r.out;
  EXPECT_EQ(std::uint64_t(doc["reject_counts"]["duplicate_lookup_key"]), 5u);
  EXPECT_EQ(std::uint64_t(doc["rows_merged"]), 0u);
  EXPECT_NE(testing::read_file(dir.path() / "rej/rejects.csv").find("duplicate_lookup_key"),
            std::string::npos);
  r = run(dir, "split in.csv --out-dir allow --duplicates allow");
  ASSERT_EQ(r.code, 0) << r.err;
  // The unique row in its own chunk; all held rows after it, in a chunk of their own, each
  // key's rows together in source order.
  EXPECT_EQ(testing::read_file(dir.path() / "allow/chunks/000001.csv"),
            "email,firstName,company\ncy@x.com,Cy,\n");
  EXPECT_EQ(testing::read_file(dir.path() / "allow/chunks/000002.csv"),
            "email,firstName,company\nann@x.com,Ann,\n ANN@x.com,,Initech\nAnn@X.com ,Annie,\n"
            "bob@x.com,Bob,Acme\nbob@X.COM,,\n");
  r = run(dir, "split in.csv --out-dir bad --duplicates none");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--duplicates wants"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "bad"));
}

// --duplicates off: the engine's "not looked for" (no pass 1, no hold-back): every row chunked
// in source order, nothing merged, no duplicates object, no duplicates.csv.
TEST(duplicates_cli, off_chunks_every_row_in_source_order) {
  testing::temp_dir dir;
  testing::write_file(dir.path() / "in.csv", INPUT);
  const auto r = run(dir, "split in.csv --out-dir out --duplicates off --json");
  ASSERT_EQ(r.code, 0) << r.err;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_FALSE(parser.parse(r.out).get(doc)) << r.out;
  EXPECT_EQ(std::uint64_t(doc["rows_in"]), 6u);
  EXPECT_EQ(std::uint64_t(doc["rows_chunked"]), 6u);
  EXPECT_EQ(std::uint64_t(doc["rows_merged"]), 0u);
  EXPECT_EQ(doc["duplicates"].error(), simdjson::NO_SUCH_FIELD) << r.out;
  EXPECT_EQ(r.err.find("duplicates:"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "out/duplicates.csv"));
  EXPECT_EQ(testing::read_file(dir.path() / "out/chunks/000001.csv"),
            "email,firstName,company\n"
            "ann@x.com,Ann,\nbob@x.com,Bob,Acme\n ANN@x.com,,Initech\ncy@x.com,Cy,\n"
            "Ann@X.com ,Annie,\nbob@X.COM,,\n");
  manifest m;
  manifest_error e;
  ASSERT_TRUE(read_manifest(dir.path() / "out", m, e)) << e.message;
  EXPECT_TRUE(m.duplicates.policy.empty());
  EXPECT_EQ(m.counts.rows_merged, 0u);
  EXPECT_EQ(testing::read_file(dir.path() / "out/manifest.json").find("\"duplicates\""),
            std::string::npos);
  // The last --duplicates wins: off after merge is off, merge after off is merge.
  auto again = run(dir, "split in.csv --out-dir o2 --duplicates merge --duplicates=off --json");
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_NE(again.out.find("\"rows_merged\":0"), std::string::npos) << again.out;
  again = run(dir, "validate in.csv --duplicates off --rejects v-rejects.csv --json");
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_NE(again.out.find("\"rows_chunked\":6"), std::string::npos) << again.out;
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "duplicates.csv"));
}

// On an export whose keys do not repeat, off, the default merge and the engine without the
// duplicate machinery (split_options::duplicates unset) write the same bytes; with repeated
// keys off keeps every row and the counts add up without merges.
TEST(duplicates_cli, off_writes_what_the_split_without_the_pass_writes) {
  gen::generator_options g;
  g.seed = 5;
  g.rows = 20000;
  g.defect_rate = 0.02;
  std::vector<gen::truth_entry> truth;
  const std::string text = gen::generate_export(g, &truth);
  testing::temp_dir dir;
  testing::write_file(dir.path() / "export.csv", text);
  auto r = run(dir, "split export.csv --out-dir off --max-bytes 400000 --duplicates off");
  ASSERT_EQ(r.code, 1) << r.err;  // the injected defects are rejected
  r = run(dir, "split export.csv --out-dir merge --max-bytes 400000");
  ASSERT_EQ(r.code, 1) << r.err;
  split_options o;
  o.max_bytes = 400'000;
  ASSERT_FALSE(o.duplicates.has_value());
  const auto plain = testing::run_on_file(dir.path() / "export.csv", dir.path() / "engine", o);
  ASSERT_EQ(plain.result.status, split_status::ok) << plain.result.message;
  ASSERT_GT(plain.chunk_texts.size(), 3u);
  for (std::size_t k = 0; k < plain.chunk_texts.size(); ++k) {
    const auto& file = plain.result.result.chunks[k].file;
    EXPECT_EQ(testing::read_file(dir.path() / "off" / file), plain.chunk_texts[k]) << file;
    EXPECT_EQ(testing::read_file(dir.path() / "merge" / file), plain.chunk_texts[k]) << file;
  }
  std::size_t off_chunks = 0;
  for (const auto& f : std::filesystem::directory_iterator(dir.path() / "off/chunks")) {
    if (f.is_regular_file()) ++off_chunks;
  }
  EXPECT_EQ(off_chunks, plain.chunk_texts.size());
  EXPECT_EQ(testing::read_file(dir.path() / "off/rejects.csv"), plain.rejects);
  EXPECT_EQ(testing::read_file(dir.path() / "off/manifest.json"),
            testing::read_file(dir.path() / "merge/manifest.json"));

  g.duplicate_rate = 0.1;
  const std::string dup_text = gen::generate_export(g, &truth);
  testing::write_file(dir.path() / "dups.csv", dup_text);
  r = run(dir, "split dups.csv --out-dir dup-off --max-bytes 400000 --duplicates off --json");
  ASSERT_EQ(r.code, 1) << r.err;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_FALSE(parser.parse(r.out).get(doc)) << r.out;
  EXPECT_EQ(std::uint64_t(doc["rows_in"]), g.rows);
  EXPECT_EQ(std::uint64_t(doc["rows_merged"]), 0u);
  EXPECT_EQ(std::uint64_t(doc["rows_in"]),
            std::uint64_t(doc["rows_chunked"]) + std::uint64_t(doc["rows_rejected"]));
  EXPECT_EQ(doc["duplicates"].error(), simdjson::NO_SUCH_FIELD);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "dup-off/duplicates.csv"));
}

TEST(duplicates_cli, stdin_is_read_twice_through_a_spool_that_is_removed) {
  testing::temp_dir dir;
  testing::write_file(dir.path() / "in.csv", INPUT);
  const auto r = run(dir, "split - --out-dir out --json", (dir.path() / "in.csv").string());
  ASSERT_EQ(r.code, 0) << r.err;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_FALSE(parser.parse(r.out).get(doc)) << r.out;
  EXPECT_EQ(std::uint64_t(doc["rows_merged"]), 3u);
  manifest m;
  manifest_error e;
  ASSERT_TRUE(read_manifest(dir.path() / "out", m, e)) << e.message;
  EXPECT_EQ(m.input_path, "-");
  EXPECT_EQ(m.counts.rows_in, m.counts.rows_chunked + m.counts.rows_rejected + m.counts.rows_merged);
  EXPECT_EQ(m.duplicates.repeated_keys, 2u);
  for (const auto& f : std::filesystem::directory_iterator(dir.path() / "out")) {
    const std::string name = f.path().filename().string();
    EXPECT_TRUE(name == "chunks" || name == "manifest.json" || name == "rejects.csv" ||
                name == "duplicates.csv")
        << name;
  }
}

TEST(duplicates_cli, a_named_pipe_is_spooled_too) {
  testing::temp_dir dir;
  testing::write_file(dir.path() / "in.csv", INPUT);
  const std::string at = "cd '" + dir.path().string() + "' && ";
  ASSERT_EQ(std::system((at + "mkfifo pipe").c_str()), 0);
  ASSERT_EQ(std::system((at + "(cat in.csv > pipe &)").c_str()), 0);
  const auto r = run(dir, "split pipe --out-dir out --json");
  ASSERT_EQ(r.code, 0) << r.err;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_FALSE(parser.parse(r.out).get(doc)) << r.out;
  EXPECT_EQ(std::uint64_t(doc["rows_in"]), 6u);
  EXPECT_EQ(std::uint64_t(doc["rows_merged"]), 3u);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "out" / ".mkbulk-stdin.spool"));
}

TEST(duplicates_cli, validate_counts_merges_and_writes_the_report_next_to_rejects) {
  testing::temp_dir dir;
  testing::write_file(dir.path() / "in.csv", INPUT);
  const auto r = run(dir, "validate in.csv --json");
  ASSERT_EQ(r.code, 0) << r.err;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_FALSE(parser.parse(r.out).get(doc)) << r.out;
  EXPECT_EQ(std::uint64_t(doc["rows_chunked"]), 3u);
  EXPECT_EQ(std::uint64_t(doc["rows_merged"]), 3u);
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "duplicates.csv"));
}

// The generator's duplicate_key truth: each such row repeats the key of first_line.
TEST(duplicates_truth, merge_and_reject_match_the_injected_duplicates) {
  for (const bool quote_all : {false, true}) {
    gen::generator_options g;
    g.seed = 99 + static_cast<std::uint64_t>(quote_all);
    g.rows = 20000;
    g.quote_all = quote_all;
    g.defect_rate = 0.02;
    g.duplicate_rate = 0.1;
    std::vector<gen::truth_entry> truth;
    const std::string text = gen::generate_export(g, &truth);
    std::map<std::uint64_t, std::uint64_t> repeats;  // line -> the key's first line
    std::uint64_t defects = 0;
    for (const auto& t : truth) {
      if (t.kind == gen::defect_kind::duplicate_key) {
        repeats[t.source_line] = t.first_line;
      } else if (gen::expected_reason(t.kind) != "none") {
        ++defects;
      }
    }
    ASSERT_GT(repeats.size(), 1000u);
    std::set<std::uint64_t> involved;  // every row of a repeated key
    for (const auto& [line, first] : repeats) {
      involved.insert(line);
      involved.insert(first);
    }
    testing::temp_dir dir;
    testing::write_file(dir.path() / "export.csv", text);

    split_options o;
    o.max_bytes = 400'000;
    o.duplicates = duplicate_policy::merge;
    const auto m = testing::run_on_file(dir.path() / "export.csv", dir.path() / "merge", o);
    ASSERT_EQ(m.result.status, split_status::ok) << m.result.message;
    const split_counts& c = m.result.result.counts;
    EXPECT_EQ(c.rows_in, g.rows);
    EXPECT_EQ(c.rows_merged, repeats.size());
    EXPECT_EQ(c.rows_rejected, defects);
    EXPECT_EQ(c.rows_in, c.rows_chunked + c.rows_rejected + c.rows_merged);
    // Each key once; the merged row stands at its key's first line; no repeated row's own line.
    std::set<std::string> keys;
    std::set<std::uint64_t> lines;
    for (const auto& row : testing::chunk_rows(m)) {
      EXPECT_TRUE(keys.insert(fold_lookup_key(row.fields.at(0))).second) << row.line;
      lines.insert(row.line);
    }
    for (const auto& [line, first] : repeats) {
      EXPECT_FALSE(lines.contains(line)) << line;
      EXPECT_TRUE(lines.contains(first)) << first;
    }
    EXPECT_EQ(m.result.result.duplicates.rows_held_back, involved.size());

    o.duplicates = duplicate_policy::reject;
    const auto r = testing::run_on_file(dir.path() / "export.csv", dir.path() / "reject", o);
    ASSERT_EQ(r.result.status, split_status::ok) << r.result.message;
    std::set<std::uint64_t> rejected;
    for (const auto& rr : testing::reject_rows(r)) {
      if (rr.reason == "duplicate_lookup_key") rejected.insert(rr.line);
    }
    EXPECT_EQ(rejected, involved);
    EXPECT_EQ(r.result.result.counts.rows_chunked, g.rows - defects - involved.size());
  }
}

}  // namespace
}  // namespace mkbulk::engine
