// Invariance of the split pipeline: identical chunks, manifest and rejects for every read block
// size (down to 64 bytes), thread count and scan kernel; different budgets only cut
// differently. And the round trip: the chunks, re-read, give exactly the good records of the
// source (as record_reader reads it) in order, with their source lines, in each dialect.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <sys/stat.h>

#include <random>
#include <thread>

#include "mkbulk/engine/scan_dispatch.h"
#include "split_test_support.h"

namespace mkbulk::engine {
namespace {

using testing::ahead_variants;
using testing::chunk_rows;
using testing::run_on_file;
using testing::temp_dir;

// A messy export: quoted delimiters, doubled quotes, multi-line values (LF and CRLF inside),
// non-ASCII names, bare quotes, mixed line ends, and now and then a defect. with_unterminated
// adds unterminated quotes (record_reader, which does not resynchronise, reads them otherwise).
std::string messy_export(std::uint64_t seed, std::size_t rows, char d, bool with_defects,
                         bool with_unterminated) {
  std::mt19937_64 rng(seed);
  const auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  const std::string D(1, d);
  static const char* NAMES[] = {"Ann", "Jürgen", "Иван", "王芳", "Zoë", "O'Brien", "Ωmega"};
  static const char* ENDS[] = {"\n", "\n", "\n", "\r\n", "\r"};
  std::string t = "\xEF\xBB\xBF" "Email Address" + D + "First Name" + D + "Company" + D + "Comments\r\n";
  for (std::size_t i = 0; i < rows; ++i) {
    std::string email = "user" + std::to_string(i) + "@example.com";
    std::string name = NAMES[pick(7)];
    std::string company = "Acme";
    std::string notes = "plain";
    switch (pick(8)) {
      case 0: company = "\"Smith" + D + " Sons\""; break;
      case 1: company = "\"The \"\"Best\"\" Co\""; break;
      case 2: notes = "\"line one\nline two\r\nthree\""; break;
      case 3: name = "Ba\"re"; break;
      case 4: notes = "\"\""; break;
      default: break;
    }
    if (with_defects && pick(10) == 0) {
      switch (pick(6)) {
        case 0: notes += D + "extra"; break;
        case 1: email.clear(); break;
        case 2: name += "\xC3"; break;
        case 3: name += std::string(1, '\0'); break;
        case 4: company = "\"Acme\"x"; break;
        case 5:
          if (with_unterminated) {
            company = "\"never closed";
            notes = "still" + D + "open";
          }
          break;
        default: break;
      }
    }
    t += email + D + name + D + company + D + notes + ENDS[pick(5)];
  }
  return t;
}

std::vector<testing::row> source_good_rows(const std::string& text, char d) {
  record_reader reader(text, d);
  std::vector<std::string> f;
  std::vector<testing::row> rows;
  EXPECT_TRUE(reader.next(f));
  const std::size_t n = f.size();
  while (reader.next(f)) {
    if (reader.defect() || f.size() != n || f[0].empty()) continue;
    const std::string_view raw = reader.raw();
    if (raw.find('\0') != std::string_view::npos) continue;
    if (!simdjson::validate_utf8(raw.data(), raw.size())) continue;
    rows.push_back(testing::row{reader.line(), f});
  }
  return rows;
}

TEST(split_invariance, same_output_for_every_block_size_thread_count_and_kernel) {
  temp_dir dir;
  const auto input = dir.path() / "in.csv";
  testing::write_file(input, messy_export(7, 3000, ',', true, true));
  split_options base;
  base.max_bytes = 20000;
  const auto ref = run_on_file(input, dir.path() / "ref", base);
  ASSERT_EQ(ref.result.status, split_status::ok) << ref.result.message;
  ASSERT_GT(ref.result.result.counts.rows_rejected, 50u);
  ASSERT_GT(ref.result.result.counts.bare_quotes, 50u);
  ASSERT_GT(ref.chunk_texts.size(), 5u);
  int run = 0;
  for (const std::size_t block : {std::size_t{64}, std::size_t{100}, std::size_t{4096},
                                  std::size_t{65536}}) {
    for (const unsigned threads : {1u, 2u, 3u}) {
      for (const auto& k : supported_scan_kernels()) {
        if (block != 4096 && k.name != supported_scan_kernels()[0].name && threads >= 2) continue;
        // The read-ahead thread lists the records of every block, none, or while it is ahead.
        for (const auto& v :
             ahead_variants(block, threads, k.name, k.name == supported_scan_kernels()[0].name)) {
          const auto out = dir.path() / ("run" + std::to_string(run++));
          const auto got = run_on_file(input, out, v.applied_to(base));
          const std::string& what = v.what;
          ASSERT_EQ(got.result.status, split_status::ok) << got.result.message;
          EXPECT_EQ(got.chunk_texts, ref.chunk_texts) << what;
          EXPECT_EQ(got.rejects, ref.rejects) << what;
          EXPECT_EQ(got.manifest_text, ref.manifest_text) << what;
          std::filesystem::remove_all(out);
        }
      }
    }
  }
}

TEST(split_invariance, different_budgets_only_cut_differently) {
  temp_dir dir;
  const auto input = dir.path() / "in.csv";
  testing::write_file(input, messy_export(11, 2000, ',', true, true));
  std::vector<testing::row> first;
  std::string first_rejects;
  for (const std::uint64_t budget : {std::uint64_t{5000}, std::uint64_t{33333}, DEFAULT_MAX_CHUNK_BYTES}) {
    split_options o;
    o.max_bytes = budget;
    const auto got = run_on_file(input, dir.path() / ("b" + std::to_string(budget)), o);
    ASSERT_EQ(got.result.status, split_status::ok) << got.result.message;
    for (const auto& c : got.chunk_texts) EXPECT_LE(c.size(), budget);
    const auto rows = chunk_rows(got);
    if (first.empty()) {
      first = rows;
      first_rejects = got.rejects;
    } else {
      EXPECT_EQ(rows, first) << "budget " << budget;
      EXPECT_EQ(got.rejects, first_rejects) << "budget " << budget;
    }
  }
}

TEST(split_invariance, round_trip_gives_the_sources_good_records_in_each_dialect) {
  temp_dir dir;
  for (const char d : {',', '\t', ';'}) {
    for (const char* out_format : {"csv", "tsv", "ssv"}) {
      const std::string text = messy_export(static_cast<std::uint64_t>(d) * 31, 1500, d, true, false);
      const auto input = dir.path() / "in.txt";
      testing::write_file(input, text);
      split_options o;
      o.out_format = out_format;
      o.max_bytes = 30000;
      const auto got = run_on_file(input, dir.path() / "rt", o);
      ASSERT_EQ(got.result.status, split_status::ok) << got.result.message;
      EXPECT_EQ(got.result.result.delimiter, d);
      auto want = source_good_rows(text, d);
      const auto rows = chunk_rows(got);
      if (rows.size() != want.size()) {
        std::size_t i = 0;
        while (i < rows.size() && i < want.size() && rows[i] == want[i]) ++i;
        ADD_FAILURE() << "first difference at row " << i << ": source line "
                      << (i < want.size() ? want[i].line : 0) << " vs chunk line "
                      << (i < rows.size() ? rows[i].line : 0) << "\n" << got.rejects.substr(0, 3000);
      }
      ASSERT_EQ(rows.size(), want.size()) << "dialect " << int{d} << " out " << out_format;
      EXPECT_EQ(rows, want) << "dialect " << int{d} << " out " << out_format;
      EXPECT_EQ(got.result.result.counts.rows_in,
                got.result.result.counts.rows_chunked + got.result.result.counts.rows_rejected);
      std::filesystem::remove_all(dir.path() / "rt");
    }
  }
}

TEST(split_invariance, stdin_like_pipe_gives_the_same_output_as_the_file) {
  // A FIFO stands in for standard input: read() returns short pieces and nothing can be
  // mapped or sought.
  temp_dir dir;
  const std::string text = messy_export(5, 1000, ',', true, true);
  const auto input = dir.path() / "in.csv";
  testing::write_file(input, text);
  const auto ref = run_on_file(input, dir.path() / "ref", {});
  const auto fifo = dir.path() / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::thread writer([&] { testing::write_file(fifo, text); });
  const auto got = run_on_file(fifo, dir.path() / "pipe", {});
  writer.join();
  ASSERT_EQ(got.result.status, split_status::ok) << got.result.message;
  EXPECT_EQ(got.chunk_texts, ref.chunk_texts);
  EXPECT_EQ(got.rejects, ref.rejects);
  EXPECT_EQ(got.result.result.counts, ref.result.result.counts);
}

}  // namespace
}  // namespace mkbulk::engine
