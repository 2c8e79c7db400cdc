// quoted_fields.h: holds_byte (eight bytes at a time for short values) answers as memchr does,
// for every length, position and byte value, with the byte it looks for also placed just past
// the value (where it reads but must not look); quoted_fields_regular gives the same verdict and
// (on records, which end at their first line end outside quotes) inner line count whether its
// quotes and line ends come from the kernel's bits or from the bytes, and the
// verdicts a person would give on a few records.
#include <gtest/gtest.h>

#include <cstring>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "../../engine/src/quoted_fields.h"

namespace {

using namespace mkbulk::engine;
using namespace mkbulk::engine::detail;

// The verdict on the record text (its line end p: text's size) both ways; null when they differ.
struct verdict {
  bool regular;
  std::uint64_t inner_lines;
};
std::optional<verdict> both_ways(const std::string& text, std::size_t rs = 0) {
  std::vector<std::uint8_t> buf(text.begin(), text.end());
  buf.push_back('\n');  // the line end at p
  buf.resize((buf.size() + 63) / 64 * 64 + 128, 0);
  const std::size_t p = text.size();
  std::vector<block_masks> masks(buf.size() / 64 - 1);
  scan_carry carry{};
  scan_blocks_scalar(buf.data(), masks.size(), ',', carry, masks.data());
  const bool inner = text.find_first_of("\r\n") != std::string::npos;
  const auto* d = reinterpret_cast<const char*>(buf.data());
  verdict a{};
  verdict b{};
  quote_bit_cursor bits(masks.data(), 0, rs, p);
  a.regular = quoted_fields_regular(d, rs, p, ',', inner, bits, a.inner_lines);
  quote_byte_cursor bytes(d, rs, p);
  b.regular = quoted_fields_regular(d, rs, p, ',', inner, bytes, b.inner_lines);
  // The callers' records end at their first line end outside quotes; a text with one before p
  // is not a record (its inner line count is the bytes' only, the bits counting those inside
  // quotes).
  bool cut_inside = false;
  for (std::size_t i = rs; i < p; ++i) {
    cut_inside = cut_inside || ((masks[i / 64].structural & masks[i / 64].newline) >> (i % 64) & 1) != 0;
  }
  if (a.regular != b.regular || (a.regular && !cut_inside && a.inner_lines != b.inner_lines)) {
    return std::nullopt;
  }
  return a;
}

TEST(quoted_fields, regular_records_by_hand) {
  EXPECT_TRUE(both_ways("a@x.com,\"Smith, J\",3")->regular);
  EXPECT_TRUE(both_ways("\"a,b\",\"say \"\"hi\"\"\"")->regular);
  EXPECT_TRUE(both_ways("x,\"two\nlines\",y")->regular);
  EXPECT_EQ(both_ways("x,\"two\r\nlines\rthree\",y")->inner_lines, 2u);
  EXPECT_FALSE(both_ways("x,\"plain\",y")->regular) << "quoted without need";
  EXPECT_FALSE(both_ways("x,\"\",y")->regular) << "an empty quoted value needs no quotes";
  EXPECT_FALSE(both_ways("x,ba\"re,y")->regular) << "a bare quote";
  EXPECT_FALSE(both_ways("x,\"a,b\"c,y")->regular) << "bytes after the closing quote";
  EXPECT_FALSE(both_ways("x,\"a,b")->regular) << "never closed";
}

TEST(quoted_fields, bits_and_memchr_agree_on_random_records) {
  std::mt19937 rng(11);
  const char* parts[] = {"\"", "\"\"", ",", "a", "bc", "\xc3\xa9", "\n", "\r\n", "\r", " "};
  std::size_t regular = 0;
  std::size_t irregular = 0;
  for (int trial = 0; trial < 20000; ++trial) {
    std::string text;
    const std::size_t n = 1 + rng() % 40;
    for (std::size_t k = 0; k < n; ++k) text += parts[rng() % (sizeof parts / sizeof *parts)];
    if (rng() % 3 == 0) text.insert(0, std::string(rng() % 130, 'z'));  // across 64-byte blocks
    const std::size_t rs = text.empty() ? 0 : rng() % 4 % (text.size() + 1);
    const auto v = both_ways(text, rs);
    ASSERT_TRUE(v.has_value()) << "record [" << text << "] from " << rs;
    (v->regular ? regular : irregular) += 1;
  }
  EXPECT_GT(regular, 1000u);
  EXPECT_GT(irregular, 1000u);
}

TEST(quoted_fields, holds_byte_answers_as_memchr_does) {
  std::mt19937 rng(7);
  std::vector<char> buf(96);
  for (const int c : {0x2c, 0x3b, 0x09, 0x0a, 0x0d, 0x00, 0x7f, 0x80, 0xac, 0xff}) {
    const char ch = static_cast<char>(c);
    for (std::size_t n = 0; n <= 72; ++n) {
      for (int trial = 0; trial < 200; ++trial) {
        // Bytes near ch (its value with the top bit flipped, one off) and random ones; ch itself
        // at a random place inside the value half the time, and always right after it.
        for (char& b : buf) {
          const unsigned r = rng() % 4;
          b = r == 0   ? static_cast<char>(c ^ 0x80)
              : r == 1 ? static_cast<char>(c + 1)
                       : static_cast<char>(rng());
          if (b == ch) b = static_cast<char>(c ^ 0x01);
        }
        if (n > 0 && trial % 2 == 0) buf[rng() % n] = ch;
        buf[n] = ch;
        const bool want = std::memchr(buf.data(), ch, n) != nullptr;
        ASSERT_EQ(holds_byte(buf.data(), n, ch), want)
            << "byte " << c << " length " << n << " trial " << trial;
      }
    }
  }
}

}  // namespace
