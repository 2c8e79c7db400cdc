// Line runs spilled out of memory (chunk_writer's runs_kept budget): the chunk sink still sees
// every chunk's runs, the kept chunk_info drop them, and manifest.json assembled from memory
// plus the spill file is byte-identical to the one written from a manifest that kept them all.
#include <gtest/gtest.h>

#include "../../engine/src/chunk_writer.h"
#include "../../engine/src/manifest_spill.h"
#include "split_test_support.h"

namespace mkbulk::engine {
namespace {

class keeping_sink : public chunk_sink {
 public:
  void on_chunk(const chunk_info& c) override { seen.push_back(c); }
  std::vector<chunk_info> seen;
};

TEST(manifest_spill, spilled_runs_give_the_same_manifest) {
  for (const bool threaded : {false, true}) {
    for (const std::uint64_t kept : {std::uint64_t{0}, std::uint64_t{3}, std::uint64_t{1} << 20}) {
      testing::temp_dir dir;
      std::filesystem::create_directories(dir.path() / "chunks");
      keeping_sink sink;
      detail::chunk_writer_options o;
      o.out_dir = dir.path();
      o.extension = "csv";
      o.header = "email\n";
      o.max_bytes = 40;
      o.threaded = threaded;
      o.sink = &sink;
      o.runs_kept = kept;
      detail::chunk_writer w(o);
      // Rows of 8 bytes; every third source line is skipped, so runs break often.
      std::uint64_t line = 2;
      for (int i = 0; i < 60; ++i) {
        w.begin_row(line, 8);
        w.append("a@x.com\n", 8);
        line += (i % 3 == 2) ? 2u : 1u;
      }
      std::vector<chunk_info> chunks;
      std::string err;
      ASSERT_TRUE(w.finish(chunks, err)) << err;
      ASSERT_EQ(sink.seen.size(), chunks.size());
      ASSERT_GT(chunks.size(), 5u);
      const detail::spilled_line_runs& spill = w.spill();
      std::size_t spilled = 0;
      for (std::size_t i = 0; i < chunks.size(); ++i) {
        EXPECT_FALSE(sink.seen[i].line_runs.empty());
        if (spill.counts.at(i) != 0) {
          ++spilled;
          EXPECT_TRUE(chunks[i].line_runs.empty());
          EXPECT_EQ(spill.counts[i], sink.seen[i].line_runs.size());
        } else {
          EXPECT_EQ(chunks[i], sink.seen[i]);
        }
      }
      if (kept == 0) {
        EXPECT_EQ(spilled, chunks.size());
      } else if (kept == 3) {
        EXPECT_GT(spilled, 0u);
        EXPECT_LT(spilled, chunks.size());
      } else {
        EXPECT_EQ(spilled, 0u);
      }
      EXPECT_EQ(std::filesystem::exists(dir.path() / "manifest.runs.part"), spilled != 0);

      manifest full;
      full.header_line = "email";
      full.chunks = sink.seen;
      manifest_error me;
      ASSERT_TRUE(write_manifest(dir.path(), full, me)) << me.message;
      const std::string expected = testing::read_file(dir.path() / "manifest.json");
      manifest part = full;
      part.chunks = chunks;
      ASSERT_TRUE(detail::write_manifest_spilled(dir.path(), part, spill, me)) << me.message;
      EXPECT_EQ(testing::read_file(dir.path() / "manifest.json"), expected);
      manifest back;
      ASSERT_TRUE(read_manifest(dir.path(), back, me)) << me.message;
      EXPECT_EQ(back.chunks, sink.seen);
      w.remove_spill();
      EXPECT_FALSE(std::filesystem::exists(dir.path() / "manifest.runs.part"));
    }
  }
}

TEST(manifest_spill, a_short_spill_file_is_an_error) {
  testing::temp_dir dir;
  manifest m;
  chunk_info c;
  c.index = 1;
  c.file = "chunks/000001.csv";
  c.rows = 1;
  m.chunks.push_back(c);
  detail::spilled_line_runs spill;
  spill.path = dir.path() / "manifest.runs.part";
  spill.counts = {4};
  testing::write_file(spill.path, std::string(16, '\0'));  // one run of the four
  manifest_error me;
  EXPECT_FALSE(detail::write_manifest_spilled(dir.path(), m, spill, me));
  EXPECT_NE(me.message.find("manifest.runs.part"), std::string::npos) << me.message;
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "manifest.json"));
}

}  // namespace
}  // namespace mkbulk::engine
