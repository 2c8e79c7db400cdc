// The journal: entries survive a reopen in order, a torn last line (a crash mid-write) is
// ignored, damage before the end is reported, and escaping round-trips.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "mkbulk/upload/journal.h"

namespace mkbulk::upload {
namespace {

std::filesystem::path fresh_dir(const std::string& name) {
  const auto dir = std::filesystem::path(MKBULK_TEST_TMP) / ("journal-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

TEST(journal, entries_round_trip_in_order) {
  const auto dir = fresh_dir("round-trip");
  std::string error;
  {
    journal_writer w;
    ASSERT_TRUE(w.open(dir, error)) << error;
    ASSERT_TRUE(w.append(journal_simple("run_started")));
    ASSERT_TRUE(w.append(journal_chunk_written(1, 100, 0xdeadbeef)));
    ASSERT_TRUE(w.append(journal_job_created(1, 3404, 1700000000)));
  }
  {
    journal_writer w;  // a second session appends
    ASSERT_TRUE(w.open(dir, error)) << error;
    ASSERT_TRUE(w.append(journal_job_finished(1, 3404, "Complete", 98, 2, 1,
                                              "with \"quotes\", a\nnewline and \\")));
    ASSERT_TRUE(w.append(journal_results_merged(1, 3404, 98, 2, 1, 0)));
  }
  std::vector<journal_entry> e;
  ASSERT_TRUE(read_journal(dir, e, error)) << error;
  ASSERT_EQ(e.size(), 5U);
  EXPECT_EQ(e[0].event, "run_started");
  EXPECT_EQ(e[1].event, "chunk_written");
  EXPECT_EQ(e[1].rows, 100U);
  EXPECT_EQ(e[2].batch_id, 3404U);
  EXPECT_EQ(e[2].at, 1700000000);
  EXPECT_EQ(e[3].status, "Complete");
  EXPECT_EQ(e[3].imported, 98U);
  EXPECT_EQ(e[3].failed, 2U);
  EXPECT_EQ(e[3].warned, 1U);
  EXPECT_EQ(e[3].message, "with \"quotes\", a\nnewline and \\");
  EXPECT_EQ(e[4].event, "results_merged");
  EXPECT_EQ(e[4].chunk, 1U);
}

TEST(journal, torn_last_line_is_ignored) {
  const auto dir = fresh_dir("torn");
  {
    std::ofstream out(dir / JOURNAL_FILE, std::ios::binary);
    out << journal_job_created(1, 7, 1) << "\n" << R"({"event":"job_crea)";
  }
  std::vector<journal_entry> e;
  std::string error;
  ASSERT_TRUE(read_journal(dir, e, error)) << error;
  ASSERT_EQ(e.size(), 1U);
  EXPECT_EQ(e[0].batch_id, 7U);
}

TEST(journal, damage_before_the_end_is_an_error) {
  const auto dir = fresh_dir("damaged");
  {
    std::ofstream out(dir / JOURNAL_FILE, std::ios::binary);
    out << "garbage\n" << journal_job_created(1, 7, 1) << "\n";
  }
  std::vector<journal_entry> e;
  std::string error;
  EXPECT_FALSE(read_journal(dir, e, error));
  EXPECT_NE(error.find(":1:"), std::string::npos) << error;
}

TEST(journal, missing_journal_is_empty) {
  const auto dir = fresh_dir("missing");
  std::vector<journal_entry> e;
  std::string error;
  ASSERT_TRUE(read_journal(dir, e, error));
  EXPECT_TRUE(e.empty());
}

TEST(journal, hook_sees_each_durable_append) {
  const auto dir = fresh_dir("hook");
  journal_writer w;
  std::string error;
  ASSERT_TRUE(w.open(dir, error));
  std::vector<std::uint64_t> seen;
  w.set_after_append([&](std::uint64_t n) { seen.push_back(n); });
  ASSERT_TRUE(w.append(journal_simple("a")));
  ASSERT_TRUE(w.append(journal_simple("b")));
  EXPECT_EQ(seen, (std::vector<std::uint64_t>{1, 2}));
}

TEST(journal, calls_ride_along_and_read_back) {
  const auto dir = fresh_dir("calls");
  std::string error;
  {
    journal_writer w;
    ASSERT_TRUE(w.open(dir, error)) << error;
    const std::vector<std::uint64_t> calls{1, 4, 9, 0, 2};
    const std::string entry = journal_with_calls(journal_job_created(2, 77, 1700000000), calls);
    EXPECT_EQ(entry,
              R"({"event":"job_created","chunk":2,"batch_id":77,"at":1700000000,)"
              R"("calls":[1,4,9,0,2]})");
    ASSERT_TRUE(w.append(entry));
    ASSERT_TRUE(w.append(journal_simple("no_calls")));
  }
  std::vector<journal_entry> e;
  ASSERT_TRUE(read_journal(dir, e, error)) << error;
  ASSERT_EQ(e.size(), 2U);
  EXPECT_EQ(e[0].calls, (std::vector<std::uint64_t>{1, 4, 9, 0, 2}));
  EXPECT_EQ(e[0].batch_id, 77U);
  EXPECT_TRUE(e[1].calls.empty());
}

}  // namespace
}  // namespace mkbulk::upload
