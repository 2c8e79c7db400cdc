// CRC-32C's hardware path (three interleaved streams on large buffers) against the table-driven
// reference: every length around the stream boundaries, any starting CRC, pieces of any size.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "../../engine/src/crc32c.h"

namespace mkbulk::engine {
namespace {

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng() & 0xFFu);
  return s;
}

TEST(crc32c_streams, equals_scalar_at_every_block_edge) {
  const std::string data = random_bytes((std::size_t{1} << 20) + 77, 7);
  const std::size_t block = 3 * 8192;
  for (std::size_t n : {block - 1, block, block + 1, block + 8, 2 * block - 3, 2 * block,
                        5 * block + 13, data.size()}) {
    for (std::size_t off : {std::size_t{0}, std::size_t{1}, std::size_t{5}}) {
      if (off + n > data.size()) continue;
      for (std::uint32_t start : {0u, 0xE3069283u, 0xFFFFFFFFu}) {
        EXPECT_EQ(detail::crc32c_extend(start, data.data() + off, n),
                  detail::crc32c_extend_scalar(start, data.data() + off, n))
            << "n=" << n << " off=" << off << " start=" << start;
      }
    }
  }
}

TEST(crc32c_streams, pieces_of_any_size_equal_one_pass) {
  const std::string data = random_bytes(700000, 11);
  const std::uint32_t whole = detail::crc32c_extend_scalar(0, data.data(), data.size());
  std::mt19937 rng(3);
  for (int round = 0; round < 20; ++round) {
    std::uint32_t c = 0;
    std::size_t at = 0;
    while (at < data.size()) {
      const std::size_t n = std::min<std::size_t>(data.size() - at, rng() % 90000);
      c = detail::crc32c_extend(c, data.data() + at, n);
      at += n;
    }
    EXPECT_EQ(c, whole);
  }
}

}  // namespace
}  // namespace mkbulk::engine
