// A regular file and the same bytes through a pipe (short reads, no size known up front) must
// give the same chunks, rejects and counts, also when the input ends at or next to a page edge
// (the scan kernels read whole blocks past the last byte); and each chunk's checksum and size
// must be those of the file written, through many chunk cuts and a row bigger than a segment.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <random>
#include <thread>

#include "../../engine/src/crc32c.h"
#include "split_test_support.h"

namespace mkbulk::engine {
namespace {

using testing::run_on_file;
using testing::temp_dir;

// The same input through a FIFO.
testing::split_output run_through_fifo(const temp_dir& dir, const std::string& text,
                                       const std::string& name, split_options o) {
  const auto fifo = dir.path() / (name + ".fifo");
  EXPECT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::thread writer([&] { testing::write_file(fifo, text); });
  auto got = run_on_file(fifo, dir.path() / name, std::move(o));
  writer.join();
  return got;
}

void expect_same(const testing::split_output& got, const testing::split_output& ref,
                 const std::string& what) {
  EXPECT_EQ(got.result.status, ref.result.status) << what << ": " << got.result.message;
  // Where the texts first differ, not the whole texts (they are large).
  const auto first_difference = [](const std::string& a, const std::string& b) -> std::string {
    std::size_t i = 0;
    while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
    const std::size_t from = i < 60 ? 0 : i - 60;
    return "at byte " + std::to_string(i) + " of " + std::to_string(a.size()) + "/" +
           std::to_string(b.size()) + ": ..." + a.substr(from, 120) + " | " + b.substr(from, 120);
  };
  EXPECT_EQ(got.chunk_texts.size(), ref.chunk_texts.size()) << what;
  for (std::size_t i = 0; i < got.chunk_texts.size() && i < ref.chunk_texts.size(); ++i) {
    EXPECT_TRUE(got.chunk_texts[i] == ref.chunk_texts[i])
        << what << ", chunk " << i + 1 << " "
        << first_difference(got.chunk_texts[i], ref.chunk_texts[i]);
  }
  EXPECT_TRUE(got.rejects == ref.rejects) << what << ", rejects "
                                          << first_difference(got.rejects, ref.rejects);
  EXPECT_EQ(got.result.result.counts, ref.result.result.counts) << what;
  ASSERT_EQ(got.result.result.chunks.size(), ref.result.result.chunks.size()) << what;
  for (std::size_t i = 0; i < got.result.result.chunks.size(); ++i) {
    EXPECT_EQ(got.result.result.chunks[i].crc32c, ref.result.result.chunks[i].crc32c) << what;
    EXPECT_EQ(got.result.result.chunks[i].bytes, ref.result.result.chunks[i].bytes) << what;
  }
}

// Rows of every kind the writer handles differently: LF rows (runs of adjacent input), CRLF
// rows (the row's bytes, then an LF), rows re-encoded by the careful path, a bare quote, and a
// defect now and then.
std::string mixed_rows(std::uint64_t seed, std::size_t rows) {
  std::mt19937_64 rng(seed);
  std::string t = "email,firstName,company,comments\n";
  for (std::size_t i = 0; i < rows; ++i) {
    t.append("u").append(std::to_string(i)).append("@example.com,Zoë,");
    switch (rng() % 6) {
      case 0: t.append("\"Smith, Sons\",x"); break;
      case 1: t.append("\"quoted without need\",y"); break;
      case 2: t.append("Ba\"re,z"); break;
      case 3: t.append("Acme"); break;  // a field short
      default: t.append("Acme,plain"); break;
    }
    t.append((rng() % 3 == 0) ? "\r\n" : "\n");
  }
  return t;
}

TEST(split_file_vs_pipe, same_output_as_a_pipe_at_page_edges) {
  temp_dir dir;
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  const std::string base = mixed_rows(7, 400);
  for (const std::size_t pages : {std::size_t{1}, std::size_t{3}}) {
    for (const int delta : {-1, 0, 1}) {
      for (const bool final_eol : {true, false}) {
        // Cut at a row end below the target size, then pad the last row's comment out to it.
        const auto target = static_cast<std::size_t>(static_cast<long>(pages * page) + delta);
        std::string text = base.substr(0, base.rfind('\n', target / 2) + 1);
        const std::size_t tail = final_eol ? 1 : 0;
        std::string last = "last@example.com,Ann,Acme,";
        ASSERT_LT(text.size() + last.size() + tail, target);
        last.append(target - text.size() - last.size() - tail, 'n');
        text += last + (final_eol ? "\n" : "");
        ASSERT_EQ(text.size(), target);
        const std::string what = std::to_string(target) + (final_eol ? " eol" : " no eol");
        const auto input = dir.path() / "in.csv";
        testing::write_file(input, text);
        std::filesystem::remove_all(dir.path() / "file");
        std::filesystem::remove_all(dir.path() / "pipe");
        const auto ref = run_through_fifo(dir, text, "pipe", {});
        std::filesystem::remove(dir.path() / "pipe.fifo");
        const auto got = run_on_file(input, dir.path() / "file", {});
        expect_same(got, ref, what);
        ASSERT_FALSE(got.chunk_texts.empty()) << what;
        EXPECT_NE(got.chunk_texts.back().find("last@example.com"), std::string::npos) << what;
      }
    }
  }
}

TEST(split_file_vs_pipe, chunk_checksums_and_sizes_are_those_of_the_files) {
  // Small chunks and small read blocks: many chunk cuts; with a row bigger than a 256 KiB
  // writer segment, a row that spans segments.
  temp_dir dir;
  std::string text = mixed_rows(11, 20000);
  text.append("big@example.com,Ann,Acme,").append(300 * 1024, 'b').append("\n");
  const std::string more = mixed_rows(12, 2000);
  text += more.substr(more.find('\n') + 1);  // without its header
  const auto input = dir.path() / "in.csv";
  testing::write_file(input, text);
  for (const unsigned threads : {1u, 2u, 3u}) {
    for (const std::uint64_t max_bytes : {std::uint64_t{70000}, std::uint64_t{1} << 20}) {
      split_options o;
      o.threads = threads;
      o.max_bytes = max_bytes;
      o.block_bytes = threads == 1 ? 4096 : 0;
      const std::string what = std::to_string(threads) + " threads, " + std::to_string(max_bytes);
      std::string name = "t";
      name.append(std::to_string(threads)).append("-").append(std::to_string(max_bytes));
      const auto got = run_on_file(input, dir.path() / name, o);
      ASSERT_EQ(got.result.status, split_status::ok) << what << ": " << got.result.message;
      const auto ref = run_through_fifo(dir, text, name + "-pipe", o);
      expect_same(got, ref, what);
      std::uint64_t rows = 0;
      for (std::size_t i = 0; i < got.chunk_texts.size(); ++i) {
        const chunk_info& c = got.result.result.chunks[i];
        const std::string& t = got.chunk_texts[i];
        EXPECT_EQ(c.bytes, t.size()) << what << " chunk " << i + 1;
        EXPECT_EQ(c.crc32c, detail::crc32c_extend(0, t.data(), t.size())) << what;
        EXPECT_LE(t.size(), max_bytes) << what;
        rows += c.rows;
      }
      const auto& n = got.result.result.counts;
      EXPECT_EQ(rows, n.rows_chunked) << what;
      EXPECT_EQ(n.rows_in, n.rows_chunked + n.rows_rejected) << what;
      EXPECT_GT(n.rows_chunked, 15000u) << what;
    }
  }
}

}  // namespace
}  // namespace mkbulk::engine
