// --duplicates through the split pipeline: each policy on keys that differ only in case and
// spaces, merged values and their conflicts, keys spread over many chunks, allow's groups kept
// in one chunk (and one group too big), rejects, duplicates.csv, the manifest's summary, the
// counts, invariance across block sizes, threads and kernels (and the parser's lane for listed
// records in both passes), and no change without repeats.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "../../engine/src/split_duplicates.h"
#include "mkbulk/engine/scan_dispatch.h"
#include "split_test_support.h"

namespace mkbulk::engine {
namespace {

using testing::chunk_rows;
using testing::read_file;
using testing::reject_rows;
using testing::run_on_text;
using testing::temp_dir;

// Lines: 1 header; 2 ann, 3 bob, 4 ann (case/spaces), 5 cy, 6 ann again, 7 bob again.
constexpr std::string_view SMALL =
    "email,firstName,company,city\n"
    "ann@x.com,Ann,,Paris\n"
    "bob@x.com,Bob,Acme,\n"
    "  ANN@X.com ,,Initech,Lyon\n"
    "cy@x.com,Cy,\"Smith, Sons\",Rome\n"
    "Ann@x.COM,Annie,,\n"
    "BOB@x.com,,Acme2,Oslo\n";

split_options with(duplicate_policy p) {
  split_options o;
  o.duplicates = p;
  return o;
}

void check_counts(const split_result& r) {
  const split_counts& c = r.result.counts;
  EXPECT_EQ(c.rows_in, c.rows_chunked + c.rows_rejected + c.rows_merged);
  std::uint64_t rejected = 0;
  for (const auto n : c.reject_counts) rejected += n;
  EXPECT_EQ(rejected, c.rows_rejected);
  if (r.result.chunks.empty()) return;  // validate: counted, not written
  std::uint64_t chunked = 0;
  for (const auto& ch : r.result.chunks) chunked += ch.rows;
  EXPECT_EQ(chunked, c.rows_chunked);
}

// The run the others are compared with (into dir/ref): ok, its counts adding up, more than
// min_repeated keys repeated; report: its duplicates.csv.
testing::split_output reference_run(const temp_dir& dir, const std::string& text,
                                    const split_options& o, std::size_t min_repeated,
                                    std::string& report) {
  auto ref = run_on_text(dir, text, o, "ref");
  EXPECT_EQ(ref.result.status, split_status::ok);
  check_counts(ref.result);
  EXPECT_GT(ref.result.result.duplicates.repeated_keys, min_repeated);
  report = read_file(dir.path() / "ref" / "duplicates.csv");
  return ref;
}

// The e-mail of key k, with a space before it and in capitals or not (the same key folded).
std::string key_email(int k, bool space, bool upper) {
  std::string email = space ? " " : "";
  email += upper ? 'U' : 'u';
  email += std::to_string(k);
  email += "@x.com";
  return email;
}

std::map<std::string, testing::row> by_key(const std::vector<testing::row>& rows) {
  std::map<std::string, testing::row> m;
  for (const auto& r : rows) {
    const std::string k = fold_lookup_key(r.fields.at(0));
    EXPECT_TRUE(m.emplace(k, r).second) << "key twice in the chunks: " << k;
  }
  return m;
}

TEST(duplicates_split, merge_folds_case_and_spaces_later_values_win) {
  temp_dir dir;
  const auto s = run_on_text(dir, SMALL, with(duplicate_policy::merge));
  ASSERT_EQ(s.result.status, split_status::ok) << s.result.message;
  check_counts(s.result);
  const split_counts& c = s.result.result.counts;
  EXPECT_EQ(c.rows_in, 6u);
  EXPECT_EQ(c.rows_chunked, 3u);
  EXPECT_EQ(c.rows_merged, 3u);
  const auto rows = by_key(chunk_rows(s));
  ASSERT_EQ(rows.size(), 3u);
  // ann: lines 2, 4, 6 -> firstName Ann then Annie (a conflict), company Initech, city Lyon
  // (Paris overwritten: a conflict); the email takes the last spelling; the row stands at line 2.
  const auto& ann = rows.at("ann@x.com");
  EXPECT_EQ(ann.line, 2u);
  EXPECT_EQ(ann.fields, (std::vector<std::string>{"Ann@x.COM", "Annie", "Initech", "Lyon"}));
  const auto& bob = rows.at("bob@x.com");
  EXPECT_EQ(bob.line, 3u);
  EXPECT_EQ(bob.fields, (std::vector<std::string>{"BOB@x.com", "Bob", "Acme2", "Oslo"}));
  EXPECT_EQ(rows.at("cy@x.com").fields[2], "Smith, Sons");
  // The unique row comes first, the merged ones after all others.
  EXPECT_EQ(chunk_rows(s).front().line, 5u);

  const duplicate_summary& d = s.result.result.duplicates;
  EXPECT_EQ(d.policy, "merge");
  EXPECT_EQ(d.repeated_keys, 2u);
  EXPECT_EQ(d.rows_held_back, 5u);
  EXPECT_EQ(d.rows_merged, 3u);
  EXPECT_EQ(d.rows_rejected, 0u);
  EXPECT_EQ(d.overwritten_values, 3u);  // ann: Ann->Annie, Paris->Lyon; bob: Acme->Acme2
  EXPECT_EQ(d.report, "duplicates.csv");
  EXPECT_EQ(read_file(dir.path() / "out" / "duplicates.csv"),
            "key,action,kept_line,source_lines,overwritten_values\n"
            "ann@x.com,merge,2,2 4 6,2\n"
            "bob@x.com,merge,3,3 7,1\n");
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "out" / "duplicates.csv.part"));
  for (const auto& e : std::filesystem::directory_iterator(dir.path() / "out")) {
    EXPECT_EQ(e.path().filename().string().find(".mkbulk-"), std::string::npos) << e.path();
  }
  // The manifest on disk says the same.
  manifest back;
  manifest_error err;
  ASSERT_TRUE(read_manifest(dir.path() / "out", back, err)) << err.message;
  EXPECT_EQ(back.duplicates, d);
  EXPECT_EQ(back.counts.rows_merged, 3u);
  EXPECT_EQ(back, s.result.result);
}

TEST(duplicates_split, keep_first_and_keep_last_keep_one_row_as_it_was) {
  temp_dir dir;
  const auto first = run_on_text(dir, SMALL, with(duplicate_policy::keep_first), "first");
  ASSERT_EQ(first.result.status, split_status::ok);
  check_counts(first.result);
  auto rows = by_key(chunk_rows(first));
  EXPECT_EQ(rows.at("ann@x.com").fields, (std::vector<std::string>{"ann@x.com", "Ann", "", "Paris"}));
  EXPECT_EQ(rows.at("ann@x.com").line, 2u);
  EXPECT_EQ(first.result.result.duplicates.overwritten_values, 0u);
  EXPECT_NE(read_file(dir.path() / "first" / "duplicates.csv").find("ann@x.com,keep-first,2,2 4 6,0\n"),
            std::string::npos);

  const auto last = run_on_text(dir, SMALL, with(duplicate_policy::keep_last), "last");
  ASSERT_EQ(last.result.status, split_status::ok);
  check_counts(last.result);
  rows = by_key(chunk_rows(last));
  EXPECT_EQ(rows.at("ann@x.com").fields, (std::vector<std::string>{"Ann@x.COM", "Annie", "", ""}));
  EXPECT_EQ(rows.at("ann@x.com").line, 6u);
  EXPECT_EQ(rows.at("bob@x.com").line, 7u);
  EXPECT_EQ(last.result.result.counts.rows_merged, 3u);
  EXPECT_NE(read_file(dir.path() / "last" / "duplicates.csv").find("bob@x.com,keep-last,7,3 7,0\n"),
            std::string::npos);
}

TEST(duplicates_split, reject_sends_every_row_of_a_repeated_key_to_rejects) {
  temp_dir dir;
  const auto s = run_on_text(dir, SMALL, with(duplicate_policy::reject));
  ASSERT_EQ(s.result.status, split_status::ok);
  check_counts(s.result);
  const split_counts& c = s.result.result.counts;
  EXPECT_EQ(c.rows_chunked, 1u);
  EXPECT_EQ(c.rows_rejected, 5u);
  EXPECT_EQ(c.rows_merged, 0u);
  EXPECT_EQ(c.reject_counts[static_cast<std::size_t>(reject_reason::duplicate_lookup_key)], 5u);
  const auto rejects = reject_rows(s);
  ASSERT_EQ(rejects.size(), 5u);
  std::set<std::uint64_t> lines;
  for (const auto& r : rejects) {
    lines.insert(r.line);
    EXPECT_EQ(r.reason, "duplicate_lookup_key");
    EXPECT_NE(r.message.find("--duplicates reject"), std::string::npos);
  }
  EXPECT_EQ(lines, (std::set<std::uint64_t>{2, 3, 4, 6, 7}));
  // The raw record as submitted, at its byte offset in the input.
  for (const auto& r : rejects) {
    if (r.line != 4) continue;
    EXPECT_EQ(r.record, "  ANN@X.com ,,Initech,Lyon");
    EXPECT_EQ(std::string(SMALL).substr(r.offset, r.record.size()), r.record);
  }
  EXPECT_EQ(s.result.result.duplicates.rows_rejected, 5u);
  EXPECT_NE(read_file(dir.path() / "out" / "duplicates.csv").find("ann@x.com,reject,,2 4 6,0\n"),
            std::string::npos);
  EXPECT_NE(s.manifest_text.find("\"duplicate_lookup_key\":5"), std::string::npos);
}

TEST(duplicates_split, allow_keeps_a_keys_rows_together_in_chunks_of_held_rows) {
  temp_dir dir;
  // 40 keys, 3 rows each, interleaved; plus unique rows. Budget: a few groups per chunk.
  std::string text = "email,firstName\n";
  for (int round = 0; round < 3; ++round) {
    for (int k = 0; k < 40; ++k) {
      text += round == 1 ? " KEY" : "key";
      text += std::to_string(k) + "@x.com,n" + std::to_string(round) + "\n";
      text += "solo" + std::to_string(round * 100 + k) + "@x.com,s\n";
    }
  }
  split_options o = with(duplicate_policy::allow);
  o.max_bytes = 200;
  const auto s = run_on_text(dir, text, o);
  ASSERT_EQ(s.result.status, split_status::ok) << s.result.message;
  check_counts(s.result);
  EXPECT_EQ(s.result.result.counts.rows_chunked, 240u);
  EXPECT_EQ(s.result.result.counts.rows_merged, 0u);
  // Every key's rows in one chunk, in source order; chunks of held rows hold nothing else.
  const auto& m = s.result.result;
  std::map<std::string, std::size_t> chunk_of;
  std::map<std::string, std::uint64_t> last_line;
  bool in_held = false;
  for (std::size_t i = 0; i < s.chunk_texts.size(); ++i) {
    record_reader reader(s.chunk_texts[i], ',');
    std::vector<std::string> f;
    ASSERT_TRUE(reader.next(f));
    std::uint64_t k = 0;
    bool has_held = false, has_solo = false;
    while (reader.next(f)) {
      const std::string key = fold_lookup_key(f[0]);
      const std::uint64_t line = m.chunks[i].source_line_of_row(k++);
      if (key.starts_with("solo")) {
        has_solo = true;
        continue;
      }
      has_held = true;
      const auto [it, fresh] = chunk_of.emplace(key, i);
      EXPECT_EQ(it->second, i) << key << " spans two chunks";
      if (!fresh) {
        EXPECT_GT(line, last_line[key]);
      }
      last_line[key] = line;
    }
    EXPECT_FALSE(has_held && has_solo) << "chunk " << i + 1 << " mixes held and unique rows";
    if (has_held) in_held = true;
    EXPECT_FALSE(in_held && has_solo) << "a unique row after the held-back rows";
  }
  EXPECT_EQ(chunk_of.size(), 40u);
  EXPECT_EQ(m.duplicates.repeated_keys, 40u);
  EXPECT_EQ(m.duplicates.rows_held_back, 120u);
}

TEST(duplicates_split, allow_rejects_the_rows_of_a_group_that_no_chunk_can_hold) {
  temp_dir dir;
  std::string text = "email,company\n";
  for (int i = 0; i < 6; ++i) text += "big@x.com," + std::string(40, char('a' + i)) + "\n";
  text += "other@x.com,x\nother@x.com,y\n";
  split_options o = with(duplicate_policy::allow);
  o.max_bytes = 160;  // the header (14) and two 51-byte rows
  const auto s = run_on_text(dir, text, o);
  ASSERT_EQ(s.result.status, split_status::ok) << s.result.message;
  check_counts(s.result);
  const split_counts& c = s.result.result.counts;
  EXPECT_EQ(c.reject_counts[static_cast<std::size_t>(reject_reason::duplicate_key_group_too_big)], 4u);
  EXPECT_EQ(c.rows_chunked, 4u);
  const auto rejects = reject_rows(s);
  ASSERT_EQ(rejects.size(), 4u);
  EXPECT_EQ(rejects[0].line, 4u);
  EXPECT_EQ(rejects[0].record, "big@x.com," + std::string(40, 'c'));
  EXPECT_NE(rejects[0].message.find("more than one chunk"), std::string::npos);
  // The two rows that fit are together; other's two rows fit in the same chunk.
  const auto rows = chunk_rows(s);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].line, 2u);
  EXPECT_EQ(rows[1].line, 3u);
  EXPECT_EQ(s.result.result.chunks.size(), 1u);  // other@ fits after them
}

TEST(duplicates_split, merge_over_many_chunks_leaves_each_key_once) {
  temp_dir dir;
  std::string text = "email,firstName,lastName\n";
  std::map<std::string, std::string> last_first;
  for (int i = 0; i < 3000; ++i) {
    const int k = (i * 7919) % 900;
    std::string key = "p";
    key += std::to_string(k);
    key += "@x.com";
    std::string first;
    if (i % 3 != 0) first = 'f' + std::to_string(i);
    if (i % 2) text += "  ";
    text += key + "," + first + ",L" + std::to_string(k) + "\n";
    if (!first.empty()) last_first[key] = first;
  }
  split_options o = with(duplicate_policy::merge);
  o.max_bytes = 400;
  const auto s = run_on_text(dir, text, o);
  ASSERT_EQ(s.result.status, split_status::ok) << s.result.message;
  check_counts(s.result);
  EXPECT_GT(s.result.result.chunks.size(), 50u);
  const auto rows = by_key(chunk_rows(s));
  EXPECT_EQ(rows.size(), 900u);
  for (const auto& [key, r] : rows) {
    if (last_first.contains(key)) {
      EXPECT_EQ(r.fields[1], last_first[key]) << key;
    }
  }
  for (const auto& ch : s.result.result.chunks) EXPECT_LE(ch.bytes, 400u);
  EXPECT_EQ(s.result.result.counts.rows_merged, 2100u);
}

TEST(duplicates_split, output_is_the_same_for_every_block_size_thread_count_and_kernel) {
  temp_dir dir;
  std::string text = "Email Address,First Name,Comments\r\n";
  for (int i = 0; i < 2500; ++i) {
    const std::string email = key_email((i * 31) % 1100, i % 5 == 0, i % 3 == 0);
    std::string notes = i % 7 == 0 ? "\"two\nlines\"" : i % 11 == 0 ? "\"a, b\"" : "n" + std::to_string(i);
    if (i % 13 == 0) notes += ",extra";  // a reject
    text += email + ",F" + std::to_string(i % 4 ? i : 0) + "," + notes + (i % 2 ? "\r\n" : "\n");
  }
  for (const duplicate_policy p : {duplicate_policy::merge, duplicate_policy::allow,
                                   duplicate_policy::reject}) {
    split_options o = with(p);
    o.max_bytes = 4000;
    o.block_bytes = 0;
    o.threads = 2;
    std::string ref_report;
    const auto ref = reference_run(dir, text, o, 100, ref_report);
    ASSERT_FALSE(HasFailure());
    for (const auto& k : supported_scan_kernels()) {
      for (const std::size_t block : {std::size_t{64}, std::size_t{1000}}) {
        for (const unsigned threads : {1u, 2u, 3u}) {
          o.kernel = k.name;
          o.block_bytes = block;
          o.threads = threads;
          const auto got = run_on_text(dir, text, o, "got");
          ASSERT_EQ(got.result.status, split_status::ok);
          EXPECT_EQ(got.chunk_texts, ref.chunk_texts) << k.name << " " << block << " " << threads;
          EXPECT_EQ(got.rejects, ref.rejects);
          EXPECT_EQ(got.manifest_text, ref.manifest_text);
          EXPECT_EQ(read_file(dir.path() / "got" / "duplicates.csv"), ref_report);
        }
      }
    }
  }
}

// Records the read-ahead thread lists are taken by the parser in a lane of its own (take_plain)
// in both passes: their keys counted in pass 1, held back in pass 2 when repeated. An input
// long enough for the reader to index its blocks, every one listed (ahead_share::always) or
// some: the same output as one thread, which lists none. Quoted keys and values, a key of
// one or two bytes, and rejects go the other way.
TEST(duplicates_split, the_parsers_lane_gives_every_record_the_answer_of_the_other_way) {
  temp_dir dir;
  std::string text = "Email Address,First Name,Comments\r\n";
  for (int i = 0; i < 40000; ++i) {
    std::string email;
    if (i % 101 == 0) {
      email = (i % 9 == 0 ? " k" : "k") + std::to_string(i % 9);  // short
    } else if (i % 17 == 0) {  // quoted for its delimiter, in pairs: its key is the unquoted value
      email = "\"q" + std::to_string(i / 34) + "@x.com, x\"";
    } else {
      email = key_email((i * 7919) % 25000, i % 9 == 0, i % 3 == 0);
    }
    std::string notes = i % 7 == 0 ? "\"a, b\"" : "n" + std::to_string(i);
    if (i % 211 == 0) notes += ",extra";  // a reject
    text += email + ",F" + std::to_string(i) + "," + notes + (i % 2 ? "\r\n" : "\n");
  }
  for (const duplicate_policy p : {duplicate_policy::merge, duplicate_policy::allow,
                                   duplicate_policy::reject}) {
    split_options o = with(p);
    o.max_bytes = 50000;
    o.threads = 1;
    std::string ref_report;
    const auto ref = reference_run(dir, text, o, 5000, ref_report);
    ASSERT_FALSE(HasFailure());
    for (const auto& v : testing::listed_variants()) {
      const auto got = run_on_text(dir, text, v.applied_to(o), "got");
      ASSERT_EQ(got.result.status, split_status::ok);
      check_counts(got.result);
      testing::expect_same_output(got, ref, v.what);
      EXPECT_TRUE(read_file(dir.path() / "got" / "duplicates.csv") == ref_report) << v.what;
    }
  }
}

TEST(duplicates_split, without_repeated_keys_the_output_is_what_a_plain_split_writes) {
  temp_dir dir;
  std::string text = "email,firstName,company\n";
  for (int i = 0; i < 500; ++i) {
    text += 'u';
    text += std::to_string(i);
    text += "@x.com,F,\"";
    text += i % 9 ? "x" : "a\nb";
    text += "\"\n";
    if (i % 50 == 0) text += ",empty lookup,\n";
  }
  split_options o;
  o.max_bytes = 2000;
  const auto plain = run_on_text(dir, text, o, "plain");
  for (const duplicate_policy p : {duplicate_policy::merge, duplicate_policy::allow}) {
    o.duplicates = p;
    const auto dup = run_on_text(dir, text, o, "dup");
    ASSERT_EQ(dup.result.status, split_status::ok);
    EXPECT_EQ(dup.chunk_texts, plain.chunk_texts);
    EXPECT_EQ(dup.rejects, plain.rejects);
    EXPECT_EQ(dup.manifest_text, plain.manifest_text);
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "dup" / "duplicates.csv"));
    EXPECT_EQ(dup.result.result.duplicates.policy, to_string(p));
    EXPECT_EQ(dup.result.result.duplicates.rows_held_back, 0u);
  }
}

// Progress says which pass it is: with a policy pass 1 of 2 (keys only; its last report has
// every row) and then pass 2 of 2, never back; without one, pass 1 of 1.
TEST(duplicates_split, progress_names_the_pass) {
  temp_dir dir;
  testing::write_file(dir.path() / "in.csv", SMALL);
  for (const bool dups : {true, false}) {
    split_options o;
    if (dups) o.duplicates = duplicate_policy::merge;
    o.input_path = (dir.path() / "in.csv").string();
    o.out_dir = dir.path() / (dups ? "merge" : "off");
    std::vector<split_progress> seen;
    const split_result r =
        run_split(o, nullptr, [&seen](const split_progress& p) { seen.push_back(p); });
    ASSERT_EQ(r.status, split_status::ok) << r.message;
    ASSERT_FALSE(seen.empty());
    if (!dups) {
      for (const auto& p : seen) {
        EXPECT_EQ(p.pass, 1);
        EXPECT_EQ(p.passes, 1);
      }
      continue;
    }
    std::size_t first_two = seen.size();
    for (std::size_t k = 0; k < seen.size(); ++k) {
      EXPECT_EQ(seen[k].passes, 2);
      if (seen[k].pass == 2 && first_two == seen.size()) first_two = k;
      EXPECT_EQ(seen[k].pass, k < first_two ? 1 : 2) << k;
    }
    ASSERT_GT(first_two, 0u);  // pass 1 reported
    ASSERT_LT(first_two, seen.size());  // and then pass 2
    EXPECT_EQ(seen[first_two - 1].rows, 6u);  // every row of pass 1
    EXPECT_EQ(seen[first_two - 1].bytes_read, SMALL.size());
    EXPECT_EQ(seen.back().rows, r.result.counts.rows_in);
  }
}

TEST(duplicates_split, validate_reports_next_to_the_rejects_file) {
  temp_dir dir;
  testing::write_file(dir.path() / "in.csv", SMALL);
  split_options o = with(duplicate_policy::reject);
  o.input_path = (dir.path() / "in.csv").string();
  o.rejects_path = dir.path() / "v" / "rejects.csv";
  std::filesystem::create_directories(dir.path() / "v");
  const split_result r = run_split(o);
  ASSERT_EQ(r.status, split_status::ok) << r.message;
  check_counts(r);
  EXPECT_EQ(r.result.counts.rows_rejected, 5u);
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "v" / "duplicates.csv"));
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path() / "v")) ++files;
  EXPECT_EQ(files, 2u);  // no spill or spool left behind
}

TEST(duplicates_split, lookup_in_row_reads_quoted_and_plain_fields) {
  std::string scratch;
  EXPECT_EQ(detail::lookup_in_row("a,b,c", 1, ',', scratch), "b");
  EXPECT_EQ(detail::lookup_in_row("a,b,c", 2, ',', scratch), "c");
  EXPECT_EQ(detail::lookup_in_row("\"x,\"\"y\",b", 0, ',', scratch), "x,\"y");
  EXPECT_EQ(detail::lookup_in_row("\"x,\"\"y\",b", 1, ',', scratch), "b");
  EXPECT_EQ(detail::lookup_in_row("a;\"q\nr\";z", 1, ';', scratch), "q\nr");
  EXPECT_EQ(detail::lookup_in_row("a,", 1, ',', scratch), "");
  EXPECT_EQ(detail::lookup_in_row("a", 3, ',', scratch), "");
}

TEST(duplicates_split, batched_observe_and_the_repeated_only_table_agree_with_observe) {
  duplicate_key_table one, batched;
  const auto key = [](std::uint64_t k) {
    std::string s(1, 'k');
    s += std::to_string(k);
    return s;
  };
  std::vector<std::uint64_t> hashes;
  for (std::uint64_t k = 0; k < 50000; ++k) {
    hashes.push_back(lookup_key_hash(key(k % 37 == 0 ? k / 2 : k)));
  }
  for (const auto h : hashes) one.observe(h);
  for (std::size_t i = 0; i < hashes.size(); i += 32) {
    const std::size_t n = std::min<std::size_t>(32, hashes.size() - i);
    batched.observe_batch(std::span<const std::uint64_t>(hashes.data() + i, n));
  }
  EXPECT_EQ(batched.distinct_keys(), one.distinct_keys());
  EXPECT_EQ(batched.repeated_keys(), one.repeated_keys());
  EXPECT_EQ(batched.repeated_rows(), one.repeated_rows());
  ASSERT_GT(one.repeated_keys(), 100u);
  const duplicate_key_table small = one.repeated_only();
  EXPECT_LT(small.bytes_used(), one.bytes_used() / 4);
  EXPECT_EQ(small.repeated_keys(), one.repeated_keys());
  EXPECT_EQ(small.repeated_rows(), one.repeated_rows());
  for (std::uint64_t k = 0; k < 60000; ++k) {
    const std::uint64_t h = lookup_key_hash(key(k));
    EXPECT_EQ(small.is_repeated(h), one.is_repeated(h)) << k;
    EXPECT_EQ(batched.is_repeated(h), one.is_repeated(h)) << k;
  }
}

// Tables of 2 MiB and more live in their own (huge-page) mapping: reserve, growth from one
// mapping to a larger one, and repeated_only() answer as for a small table.
TEST(duplicates_split, a_mapped_table_answers_like_a_small_one) {
  const auto mix = [](std::uint64_t x) {  // splitmix64: well-spread 64-bit hashes
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  };
  duplicate_key_table t;
  t.reserve(300'000);
  const std::size_t reserved = t.bytes_used();
  EXPECT_GE(reserved, std::size_t{2} << 20);
  constexpr std::uint64_t N = 600'000;  // past the reservation: grows into a new mapping
  for (std::uint64_t i = 0; i < N; ++i) EXPECT_FALSE(t.observe(mix(i))) << i;
  for (std::uint64_t i = 0; i < N; i += 7) EXPECT_TRUE(t.observe(mix(i))) << i;
  EXPECT_GT(t.bytes_used(), reserved);
  EXPECT_EQ(t.distinct_keys(), N);
  EXPECT_EQ(t.repeated_keys(), (N + 6) / 7);
  const duplicate_key_table small = t.repeated_only();
  for (std::uint64_t i = 0; i < N; ++i) {
    ASSERT_EQ(t.is_repeated(mix(i)), i % 7 == 0) << i;
    ASSERT_EQ(small.is_repeated(mix(i)), i % 7 == 0) << i;
  }
  EXPECT_FALSE(t.is_repeated(mix(N + 1)));
}

TEST(duplicates_split, manifest_without_duplicates_reads_as_before) {
  temp_dir dir;
  manifest m;
  m.format = "csv";
  m.out_format = "csv";
  m.line_endings = "lf";
  m.duplicates.policy = "merge";  // ran, held nothing: not written
  manifest_error err;
  ASSERT_TRUE(write_manifest(dir.path(), m, err)) << err.message;
  EXPECT_EQ(read_file(dir.path() / "manifest.json").find("\"duplicates\""), std::string::npos);
  manifest back;
  ASSERT_TRUE(read_manifest(dir.path(), back, err)) << err.message;
  EXPECT_EQ(back.duplicates, duplicate_summary{});
  // An older manifest: no rows_merged, no duplicate reject codes.
  std::string text = read_file(dir.path() / "manifest.json");
  for (const std::string_view gone : {", \"rows_merged\":0", ", \"duplicate_lookup_key\":0",
                                      ", \"duplicate_key_group_too_big\":0"}) {
    const auto at = text.find(gone);
    ASSERT_NE(at, std::string::npos) << gone;
    text.erase(at, gone.size());
  }
  testing::write_file(dir.path() / "manifest.json", text);
  ASSERT_TRUE(read_manifest(dir.path(), back, err)) << err.message;
  EXPECT_EQ(back.counts, m.counts);
}

}  // namespace
}  // namespace mkbulk::engine
