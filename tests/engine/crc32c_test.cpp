// The chunks' CRC-32C (ISA-L underneath) against the published check values and a bit-at-a-time
// reference: every length around ISA-L's 256-byte folding blocks and its short-input path, any
// starting CRC, any alignment, pieces of any size.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "../../engine/src/crc32c.h"

namespace mkbulk::engine {
namespace {

// CRC-32C by its definition: reflected polynomial 0x82F63B78, pre- and post-inverted.
std::uint32_t crc32c_bitwise(std::uint32_t crc, const std::string& s, std::size_t off,
                             std::size_t n) {
  std::uint32_t c = ~crc;
  for (std::size_t i = off; i < off + n; ++i) {
    c ^= static_cast<unsigned char>(s[i]);
    for (int k = 0; k < 8; ++k) c = (c & 1u) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
  }
  return ~c;
}

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng() & 0xFFu);
  return s;
}

TEST(crc32c, published_check_values) {
  EXPECT_EQ(detail::crc32c_extend(0, "123456789", 9), 0xE3069283u);
  // RFC 3720, B.4: 32 bytes of zeros, of ones, and ascending from 0.
  std::string zeros(32, '\0');
  std::string ones(32, '\xFF');
  std::string ascending;
  for (int i = 0; i < 32; ++i) ascending.push_back(static_cast<char>(i));
  EXPECT_EQ(detail::crc32c_extend(0, zeros.data(), 32), 0x8A9136AAu);
  EXPECT_EQ(detail::crc32c_extend(0, ones.data(), 32), 0x62A8AB43u);
  EXPECT_EQ(detail::crc32c_extend(0, ascending.data(), 32), 0x46DD794Eu);
  EXPECT_EQ(detail::crc32c_extend(0, zeros.data(), 0), 0u);
  EXPECT_EQ(detail::crc32c_extend(0x12345678u, zeros.data(), 0), 0x12345678u);
}

TEST(crc32c, equals_the_definition_at_every_block_edge) {
  const std::string data = random_bytes((std::size_t{1} << 18) + 77, 7);
  for (std::size_t n : {std::size_t{1}, std::size_t{15}, std::size_t{16}, std::size_t{31},
                        std::size_t{63}, std::size_t{64}, std::size_t{255}, std::size_t{256},
                        std::size_t{257}, std::size_t{511}, std::size_t{1024},
                        std::size_t{3 * 8192 + 1}, std::size_t{1} << 18}) {
    for (std::size_t off : {std::size_t{0}, std::size_t{1}, std::size_t{5}, std::size_t{63}}) {
      for (std::uint32_t start : {0u, 0xE3069283u, 0xFFFFFFFFu}) {
        EXPECT_EQ(detail::crc32c_extend(start, data.data() + off, n),
                  crc32c_bitwise(start, data, off, n))
            << "n=" << n << " off=" << off << " start=" << start;
      }
    }
  }
}

TEST(crc32c, pieces_of_any_size_equal_one_pass) {
  const std::string data = random_bytes(700000, 11);
  const std::uint32_t whole = crc32c_bitwise(0, data, 0, data.size());
  EXPECT_EQ(detail::crc32c_extend(0, data.data(), data.size()), whole);
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
