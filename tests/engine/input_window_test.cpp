// input_window: the bytes seen through the window are the input's, in order, with and without
// the read-ahead thread, for short tails (head room) and long ones (the large buffer), from a
// file and from a pipe (grown to hold a block); a window on a silent pipe can be destroyed.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>

#include "../../engine/src/input_window.h"

namespace {

using mkbulk::engine::detail::input_window;
using mkbulk::engine::detail::WINDOW_PADDING;
namespace fs = std::filesystem;

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng() & 0xFF);
  return s;
}

fs::path write_temp(const std::string& name, const std::string& bytes) {
  const fs::path p = fs::temp_directory_path() / ("mkbulk-input-window-" + name);
  std::ofstream(p, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return p;
}

// Reads the whole input through w, dropping a random part of the window before each read but
// keeping a tail of up to max_tail bytes (so long tails go through the large buffer). Checks the
// window against the input at every step and the zero padding after the data.
void read_all(input_window& w, const std::string& input, std::size_t max_tail, unsigned seed) {
  std::mt19937 rng(seed);
  std::uint64_t dropped = 0;
  for (int guard = 0; guard < 1'000'000; ++guard) {
    ASSERT_TRUE(w.read_some()) << w.error();
    ASSERT_EQ(w.base(), dropped);
    ASSERT_LE(w.base() + w.size(), input.size());
    ASSERT_EQ(std::memcmp(w.data(), input.data() + w.base(), w.size()), 0) << "at " << w.base();
    for (std::size_t i = 0; i < WINDOW_PADDING; ++i) ASSERT_EQ(w.data()[w.size() + i], 0);
    if (w.eof()) {
      ASSERT_EQ(w.base() + w.size(), input.size());
      return;
    }
    std::size_t keep = max_tail == 0 ? 0 : rng() % (max_tail + 1);
    if (w.size() >= w.capacity()) keep = std::min(keep, w.capacity() / 2);  // full: drop some
    keep = std::min(keep, w.size());
    w.compact(w.size() - keep);
    dropped = w.base();
  }
  FAIL() << "no end of input";
}

TEST(input_window, a_file_reads_back_exactly_with_short_and_long_tails_in_both_modes) {
  const std::string input = random_bytes(3'000'000, 7);
  const fs::path p = write_temp("file", input);
  for (const bool ahead : {false, true}) {
    for (const std::size_t block : {std::size_t{64}, std::size_t{4096}, std::size_t{300'000}}) {
      for (const std::size_t tail : {std::size_t{0}, std::size_t{500}, std::size_t{200'000}}) {
        if (block == 64 && tail > 500) continue;  // 64-byte reads of a long tail: slow, no news
        SCOPED_TRACE("ahead " + std::to_string(ahead) + " block " + std::to_string(block) +
                     " tail " + std::to_string(tail));
        input_window w;
        ASSERT_TRUE(w.open(p.string(), 1'000'000 + block, block, ahead)) << w.error();
        read_all(w, input, tail, static_cast<unsigned>(block + tail));
      }
    }
  }
  fs::remove(p);
}

TEST(input_window, an_empty_file_is_at_its_end_after_one_read) {
  const fs::path p = write_temp("empty", "");
  for (const bool ahead : {false, true}) {
    input_window w;
    ASSERT_TRUE(w.open(p.string(), 1 << 20, 4096, ahead));
    ASSERT_TRUE(w.read_some());
    EXPECT_TRUE(w.eof());
    EXPECT_EQ(w.size(), 0u);
  }
  fs::remove(p);
}

TEST(input_window, a_pipe_written_in_small_pieces_reads_back_exactly) {
  const std::string input = random_bytes(500'000, 11);
  for (const bool ahead : {false, true}) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    std::thread writer([&] {
      for (std::size_t off = 0; off < input.size();) {
        const std::size_t n = std::min<std::size_t>(1000 + off % 7000, input.size() - off);
        const ssize_t k = ::write(fds[1], input.data() + off, n);
        if (k <= 0) break;
        off += static_cast<std::size_t>(k);
      }
      ::close(fds[1]);
    });
    {
      input_window w;
      ASSERT_TRUE(w.open("/dev/fd/" + std::to_string(fds[0]), 1 << 20, 65536, ahead));
      read_all(w, input, 100'000, 3);
    }
    writer.join();
    ::close(fds[0]);
  }
}

TEST(input_window, a_pipe_is_grown_to_hold_a_whole_block) {
  // A pipe holds 64 KiB unless grown: then every read(2) of a 1 MiB block got 64 KiB at most,
  // and standard input ran at half the speed of a file.
  constexpr std::size_t block = 1 << 20;
  const std::string input = random_bytes(block, 13);
  for (const bool ahead : {false, true}) {
    SCOPED_TRACE("ahead " + std::to_string(ahead));
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    {
      input_window w;
      ASSERT_TRUE(w.open("/dev/fd/" + std::to_string(fds[0]), 4 * block, block, ahead));
      // (Else the writes below would wait for a reader.)
      ASSERT_GE(::fcntl(fds[1], F_GETPIPE_SZ), static_cast<int>(block));
      // The whole block fits the pipe now: the writer does not wait for the reader.
      std::size_t off = 0;
      while (off < input.size()) {
        const ssize_t k =
            ::write(fds[1], input.data() + off, std::min<std::size_t>(4096, input.size() - off));
        ASSERT_GT(k, 0);
        off += static_cast<std::size_t>(k);
      }
      ::close(fds[1]);
      if (!ahead) {  // written before the first read: it arrives as one block
        ASSERT_TRUE(w.read_some()) << w.error();
        EXPECT_EQ(w.size(), input.size());
      }
      read_all(w, input, 1000, 5);  // the read-ahead thread took it as it came
    }
    ::close(fds[0]);
  }
}

TEST(input_window, a_window_on_a_silent_pipe_can_be_destroyed) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ASSERT_EQ(::write(fds[1], "a,b\n", 4), 4);
  {
    input_window w;
    ASSERT_TRUE(w.open("/dev/fd/" + std::to_string(fds[0]), 1 << 20, 4096, true));
    ASSERT_TRUE(w.read_some());
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(w.data()), w.size()), "a,b\n");
    EXPECT_FALSE(w.eof());
  }  // the reader thread waits on a pipe that stays open: the destructor must still return
  ::close(fds[1]);
  ::close(fds[0]);
}

TEST(input_window, a_directory_is_refused_with_a_reason) {
  input_window w;
  EXPECT_FALSE(w.open(fs::temp_directory_path().string(), 1 << 20, 4096, true));
  EXPECT_NE(w.error().find("directory"), std::string::npos);
}

}  // namespace
