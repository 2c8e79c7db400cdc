// The UTF-8 checks of each kernel's instruction set (kernels/utf8_check_simd.h) against the
// reference (simdjson's validator): every one- and two-byte sequence and the lead bytes with
// every second byte, at places around the batch edges; valid text of every length and
// alignment; the text cut inside a character at the end; random text, corrupted at random.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "mkbulk/engine/scan_dispatch.h"
#include "mkbulk/engine/scan_kernel.h"

namespace mkbulk::engine {
namespace {

bool reference(const std::string& s) {
  return utf8_valid_scalar(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

// Each kernel's check, on an exact-size copy (a read past the end is ASan's to see).
void expect_all_agree(const std::string& s, const char* what) {
  const std::vector<std::uint8_t> bytes(s.begin(), s.end());
  const bool want = reference(s);
  for (const scan_kernel_info& k : supported_scan_kernels()) {
    ASSERT_EQ(k.utf8(bytes.data(), bytes.size()), want)
        << k.name << ", " << what << ", " << s.size() << " bytes";
  }
}

// A valid character of 1 to 4 bytes.
std::string character(std::mt19937_64& rng) {
  static const char* const samples[] = {"a", ",", "\"", "\n", "\xC3\xA9", "\xD0\x96",
                                        "\xDF\xBF", "\xE0\xA0\x80", "\xE2\x82\xAC",
                                        "\xED\x9F\xBF", "\xEE\x80\x80", "\xEF\xBF\xBF",
                                        "\xF0\x90\x80\x80", "\xF0\x9F\x98\x80",
                                        "\xF3\xBF\xBF\xBF", "\xF4\x8F\xBF\xBF"};
  return samples[rng() % (sizeof samples / sizeof samples[0])];
}

TEST(utf8_check, every_kernel_is_listed_with_its_own_check) {
  for (const scan_kernel_info& k : supported_scan_kernels()) {
    ASSERT_NE(k.utf8, nullptr) << k.name;
    EXPECT_EQ(utf8_check_for(k.fn), k.utf8) << k.name;
  }
  EXPECT_EQ(utf8_check_for(nullptr), &utf8_valid_scalar);
}

TEST(utf8_check, one_and_two_byte_sequences_around_batch_edges) {
  for (const std::size_t at :
       {0u, 1u, 13u, 14u, 15u, 16u, 17u, 30u, 31u, 32u, 33u, 61u, 62u, 63u, 64u, 65u}) {
    for (int a = 0; a < 256; ++a) {
      std::string s(at, 'x');
      s += static_cast<char>(a);
      expect_all_agree(s, "one byte at the end");
      s += std::string(70, 'y');
      expect_all_agree(s, "one byte inside");
      for (int b = 0; b < 256; ++b) {
        std::string t(at, 'x');
        t += static_cast<char>(a);
        t += static_cast<char>(b);
        if (b % 2 == 0) t += "zz";
        expect_all_agree(t, "two bytes");
      }
    }
  }
}

TEST(utf8_check, lead_bytes_with_every_second_and_chosen_third_and_fourth_bytes) {
  const int thirds[] = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xE0,
                        0xF0, 0xFF};
  for (const std::size_t at : {0u, 14u, 15u, 31u, 62u, 63u}) {
    for (int lead = 0xC0; lead < 0x100; ++lead) {
      for (int second = 0; second < 256; ++second) {
        for (const int third : thirds) {
          std::string s(at, 'x');
          s += static_cast<char>(lead);
          s += static_cast<char>(second);
          s += static_cast<char>(third);
          expect_all_agree(s, "three bytes at the end");
          s += '\x80';
          s += "tail";
          expect_all_agree(s, "four bytes inside");
        }
      }
    }
  }
}

TEST(utf8_check, valid_text_of_every_length_and_alignment) {
  std::mt19937_64 rng(7);
  std::string text;
  while (text.size() < 400) text += character(rng);
  for (std::size_t offset = 0; offset < 64; ++offset) {
    for (std::size_t len = 0; len + offset <= 300; ++len) {
      const std::string s = text.substr(offset, len);  // may cut a character at either end
      expect_all_agree(s, "a slice of valid text");
    }
  }
}

TEST(utf8_check, a_character_cut_short_at_the_end) {
  for (std::size_t len = 0; len < 200; ++len) {
    for (const char* lead : {"\xC3", "\xE2", "\xE2\x82", "\xF0", "\xF0\x9F", "\xF0\x9F\x98"}) {
      const std::string s = std::string(len, 'a') + lead;
      EXPECT_FALSE(reference(s));
      expect_all_agree(s, "cut short");
    }
    expect_all_agree(std::string(len, 'a') + "\xF0\x9F\x98\x80", "complete");
  }
}

TEST(utf8_check, random_text_corrupted_at_random) {
  std::mt19937_64 rng(11);
  int invalid = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string s;
    const std::size_t chars = rng() % 400;
    for (std::size_t i = 0; i < chars; ++i) s += character(rng);
    const int corruptions = static_cast<int>(rng() % 3);
    for (int c = 0; c < corruptions && !s.empty(); ++c) {
      const std::size_t at = rng() % s.size();
      switch (rng() % 3) {
        case 0: s[at] = static_cast<char>(rng()); break;
        case 1: s.erase(at, 1); break;
        default: s.insert(at, 1, static_cast<char>(0x80 | (rng() & 0x7F))); break;
      }
    }
    invalid += reference(s) ? 0 : 1;
    expect_all_agree(s, "random");
  }
  EXPECT_GT(invalid, 5000);  // the corruptions did reach the checks
}

}  // namespace
}  // namespace mkbulk::engine
