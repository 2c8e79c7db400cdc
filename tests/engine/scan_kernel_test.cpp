// Stage-1 kernels: the scalar reference checked by hand on small strings, then every kernel this
// CPU runs checked against it (masks and final carry) on random and adversarial input, and the
// dispatch table's promises (names, order, scalar last, lookups).
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "mkbulk/engine/scan_dispatch.h"
#include "mkbulk/engine/scan_kernel.h"

namespace mkbulk::engine {

// Names the kernel in gtest's messages (found by ADL, so outside the anonymous namespace).
void PrintTo(const scan_kernel_info& k, std::ostream* os) { *os << k.name; }

namespace {

constexpr std::uint64_t ALL_ONES = ~std::uint64_t{0};

struct scan_output {
  std::vector<block_masks> masks;
  scan_carry carry;
};

scan_output run_kernel(scan_kernel_fn fn, const std::uint8_t* data, std::size_t n_blocks,
                       std::uint8_t delimiter, std::uint64_t carry_in) {
  scan_output r;
  r.masks.assign(n_blocks, block_masks{0xdead, 0xbeef, 0xf00d, 0xface});
  r.carry.in_quote = carry_in;
  fn(data, n_blocks, delimiter, r.carry, r.masks.data());
  return r;
}

// One block of text, padded with 'x' (neither structural, quote nor special).
std::vector<std::uint8_t> block_of(std::string_view text, std::size_t blocks = 1) {
  std::vector<std::uint8_t> v(blocks * SCAN_BLOCK_BYTES, 'x');
  for (std::size_t i = 0; i < text.size() && i < v.size(); ++i) {
    v[i] = static_cast<std::uint8_t>(text[i]);
  }
  return v;
}

std::uint64_t bits(std::initializer_list<unsigned> positions) {
  std::uint64_t m = 0;
  for (unsigned p : positions) m |= std::uint64_t{1} << p;
  return m;
}

// ---- The scalar reference, by hand -------------------------------------------------------

TEST(scalar_kernel, plain_fields_and_line_end) {
  const auto data = block_of("ab,c\r\nd");
  const auto r = run_kernel(&scan_blocks_scalar, data.data(), 1, ',', 0);
  EXPECT_EQ(r.masks[0].structural, bits({2, 4, 5}));
  EXPECT_EQ(r.masks[0].quote, 0u);
  EXPECT_EQ(r.masks[0].special, 0u);
  EXPECT_EQ(r.masks[0].newline, bits({4, 5}));
  EXPECT_EQ(r.carry.in_quote, 0u);
}

TEST(scalar_kernel, delimiter_and_newline_inside_quotes_are_not_structural) {
  // a,"b,c\n""d",e\n
  const auto data = block_of("a,\"b,c\n\"\"d\",e\n");
  const auto r = run_kernel(&scan_blocks_scalar, data.data(), 1, ',', 0);
  EXPECT_EQ(r.masks[0].quote, bits({2, 7, 8, 10}));
  EXPECT_EQ(r.masks[0].structural, bits({1, 11, 13}));
  EXPECT_EQ(r.masks[0].newline, bits({6, 13}));  // quoted or not
  EXPECT_EQ(r.carry.in_quote, 0u);
}

TEST(scalar_kernel, open_quote_carries_to_next_block) {
  auto data = block_of("x,\"open", 2);
  data[SCAN_BLOCK_BYTES + 0] = ',';  // still inside quotes
  data[SCAN_BLOCK_BYTES + 1] = '"';  // closes
  data[SCAN_BLOCK_BYTES + 2] = ',';  // structural
  auto r = run_kernel(&scan_blocks_scalar, data.data(), 1, ',', 0);
  EXPECT_EQ(r.carry.in_quote, ALL_ONES);
  block_masks second{};
  scan_blocks_scalar(data.data() + SCAN_BLOCK_BYTES, 1, ',', r.carry, &second);
  EXPECT_EQ(second.structural, bits({2}));
  EXPECT_EQ(second.quote, bits({1}));
  EXPECT_EQ(r.carry.in_quote, 0u);
}

TEST(scalar_kernel, nul_and_high_bytes_are_special_tab_delimiter) {
  // a \t b NUL C3 A9 , 7F FF \n
  const auto data = block_of(std::string("a\tb\0\xC3\xA9,\x7F\xFF\n", 10));
  const auto r = run_kernel(&scan_blocks_scalar, data.data(), 1, '\t', 0);
  EXPECT_EQ(r.masks[0].special, bits({3, 4, 5, 8}));
  EXPECT_EQ(r.masks[0].structural, bits({1, 9}));  // ',' is data under '\t'
  EXPECT_EQ(r.carry.nul, bits({3}));                // the NUL, not the high bytes
}

TEST(scalar_kernel, nul_bits_accumulate_in_the_carry_across_calls) {
  const auto clean = block_of("ab,\xC3\xA9\n", 2);
  scan_carry carry{};
  block_masks m[2];
  scan_blocks_scalar(clean.data(), 2, ',', carry, m);
  EXPECT_EQ(carry.nul, 0u) << "high bytes alone are no NUL";
  const auto one = block_of(std::string("x\0y", 3));
  scan_blocks_scalar(one.data(), 1, ',', carry, m);
  EXPECT_EQ(carry.nul, bits({1}));
  scan_blocks_scalar(clean.data(), 2, ',', carry, m);
  EXPECT_EQ(carry.nul, bits({1})) << "kept until the caller clears it";
}

TEST(scalar_kernel, carry_in_all_ones_starts_inside_quotes) {
  const auto data = block_of(";a\"; \n");
  const auto r = run_kernel(&scan_blocks_scalar, data.data(), 1, ';', ALL_ONES);
  EXPECT_EQ(r.masks[0].structural, bits({3, 5}));
  EXPECT_EQ(r.carry.in_quote, 0u);
}

// ---- Dispatch ---------------------------------------------------------------------------

TEST(scan_dispatch, scalar_always_last_and_best_is_first) {
  const auto ks = supported_scan_kernels();
  ASSERT_FALSE(ks.empty());
  EXPECT_EQ(ks.back().name, "scalar");
  EXPECT_EQ(ks.back().fn, &scan_blocks_scalar);
  EXPECT_EQ(&best_scan_kernel(), &ks.front());
  const std::vector<std::string_view> order{"avx512", "avx2", "sse42", "scalar"};
  std::size_t last = 0;
  for (const auto& k : ks) {
    std::size_t rank = order.size();
    for (std::size_t i = 0; i < order.size(); ++i) {
      if (order[i] == k.name) rank = i;
    }
    ASSERT_LT(rank, order.size()) << "unknown kernel name " << k.name;
    EXPECT_GE(rank, last) << "kernels not best first";
    last = rank;
    EXPECT_NE(k.fn, nullptr);
  }
}

TEST(scan_dispatch, find_by_name) {
  for (const auto& k : supported_scan_kernels()) {
    const scan_kernel_info* found = find_scan_kernel(k.name);
    ASSERT_NE(found, nullptr) << k.name;
    EXPECT_EQ(found->fn, k.fn);
  }
  EXPECT_EQ(find_scan_kernel("scalar")->fn, &scan_blocks_scalar);
  EXPECT_EQ(find_scan_kernel("neon"), nullptr);
  EXPECT_EQ(find_scan_kernel(""), nullptr);
  EXPECT_EQ(find_scan_kernel("AVX2"), nullptr);
}

#if defined(__x86_64__)
TEST(scan_dispatch, this_machine_runs_the_simd_kernels_its_cpu_has) {
  // The project's machines have AVX-512BW; a user's machine may not, so only check consistency.
  __builtin_cpu_init();
  EXPECT_EQ(find_scan_kernel("avx2") != nullptr, __builtin_cpu_supports("avx2") != 0);
  EXPECT_EQ(find_scan_kernel("sse42") != nullptr, __builtin_cpu_supports("sse4.2") != 0);
  EXPECT_EQ(find_scan_kernel("avx512") != nullptr, __builtin_cpu_supports("avx512bw") != 0);
}
#endif

// ---- Every kernel equals scalar -----------------------------------------------------------

struct splitmix64 {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
};

// Bytes biased to everything the kernels look at.
std::vector<std::uint8_t> random_bytes(std::size_t n, std::uint64_t seed) {
  static constexpr std::uint8_t INTERESTING[] = {'"',  ',',  '\t', ';',  '\n', '\r', 0,
                                                 0x80, 0xC3, 0xFF, 0x7F, 'a',  '"',  '"'};
  splitmix64 rng{seed};
  std::vector<std::uint8_t> v(n);
  for (auto& b : v) {
    const std::uint64_t r = rng.next();
    b = (r & 1) != 0 ? INTERESTING[(r >> 8) % sizeof(INTERESTING)]
                     : static_cast<std::uint8_t>(r >> 16);
  }
  return v;
}

class kernel_vs_scalar : public ::testing::TestWithParam<scan_kernel_info> {
 protected:
  void expect_same(const std::uint8_t* data, std::size_t n_blocks, std::uint8_t delimiter,
                   std::uint64_t carry_in, const std::string& what) {
    const auto want = run_kernel(&scan_blocks_scalar, data, n_blocks, delimiter, carry_in);
    const auto got = run_kernel(GetParam().fn, data, n_blocks, delimiter, carry_in);
    for (std::size_t b = 0; b < n_blocks; ++b) {
      ASSERT_EQ(got.masks[b].structural, want.masks[b].structural) << what << " block " << b;
      ASSERT_EQ(got.masks[b].quote, want.masks[b].quote) << what << " block " << b;
      ASSERT_EQ(got.masks[b].special, want.masks[b].special) << what << " block " << b;
      ASSERT_EQ(got.masks[b].newline, want.masks[b].newline) << what << " block " << b;
    }
    ASSERT_EQ(got.carry, want.carry) << what;
  }
  void expect_same(const std::vector<std::uint8_t>& data, std::uint8_t delimiter,
                   const std::string& what) {
    for (std::uint64_t carry_in : {std::uint64_t{0}, ALL_ONES}) {
      expect_same(data.data(), data.size() / SCAN_BLOCK_BYTES, delimiter, carry_in, what);
    }
  }
};

TEST_P(kernel_vs_scalar, random_biased_bytes_every_delimiter_block_count_and_alignment) {
  std::uint64_t seed = 1;
  for (std::uint8_t delim : {std::uint8_t{','}, std::uint8_t{'\t'}, std::uint8_t{';'}}) {
    for (std::size_t n_blocks = 1; n_blocks <= 17; ++n_blocks) {
      for (std::size_t misalign = 0; misalign < 8; ++misalign) {
        const auto buf = random_bytes(n_blocks * SCAN_BLOCK_BYTES + misalign, seed++);
        for (std::uint64_t carry_in : {std::uint64_t{0}, ALL_ONES}) {
          expect_same(buf.data() + misalign, n_blocks, delim, carry_in,
                      "seed " + std::to_string(seed) + " misalign " + std::to_string(misalign));
        }
      }
    }
  }
}

TEST_P(kernel_vs_scalar, large_random_buffers) {
  for (std::uint64_t seed = 1000; seed < 1020; ++seed) {
    expect_same(random_bytes(257 * SCAN_BLOCK_BYTES, seed), ',', "seed " + std::to_string(seed));
  }
}

TEST_P(kernel_vs_scalar, quotes_at_block_edges) {
  for (std::size_t pos : {0u, 1u, 62u, 63u, 64u, 65u, 127u, 128u}) {
    for (std::size_t pos2 : {0u, 63u, 64u, 100u, 191u}) {
      auto data = block_of(std::string(192, ','), 3);
      data[pos] = '"';
      data[pos2] = '"';
      expect_same(data, ',', "quotes at " + std::to_string(pos) + "," + std::to_string(pos2));
    }
  }
}

TEST_P(kernel_vs_scalar, quote_in_the_last_byte_leaves_carry_set) {
  auto data = block_of("a,b\n", 2);
  data.back() = '"';
  expect_same(data, ',', "last byte quote");
  const auto r = run_kernel(GetParam().fn, data.data(), 2, ',', 0);
  EXPECT_EQ(r.carry.in_quote, ALL_ONES);
}

TEST_P(kernel_vs_scalar, crlf_split_across_blocks) {
  auto data = block_of("", 2);
  data[63] = '\r';
  data[64] = '\n';
  data[10] = '"';
  expect_same(data, ',', "CRLF across blocks, inside quotes");
  data[10] = 'x';
  expect_same(data, ',', "CRLF across blocks");
  const auto r = run_kernel(GetParam().fn, data.data(), 2, ',', 0);
  EXPECT_EQ(r.masks[0].structural, bits({63}));
  EXPECT_EQ(r.masks[1].structural, bits({0}));
}

TEST_P(kernel_vs_scalar, long_doubled_quote_runs) {
  for (std::size_t run : {1u, 2u, 63u, 64u, 65u, 128u, 200u}) {
    for (std::size_t start : {0u, 1u, 31u, 60u}) {
      std::string text(start, ',');
      text += std::string(run, '"');
      text += ",\n,\r";
      const std::size_t blocks = (text.size() + SCAN_BLOCK_BYTES - 1) / SCAN_BLOCK_BYTES + 1;
      expect_same(block_of(text, blocks), ',',
                  "run " + std::to_string(run) + " at " + std::to_string(start));
    }
  }
}

TEST_P(kernel_vs_scalar, every_single_byte_value_in_every_position_class) {
  for (unsigned c = 0; c < 256; ++c) {
    auto data = block_of("\"a,\nb\";\t\r", 2);
    data[20] = static_cast<std::uint8_t>(c);
    data[63] = static_cast<std::uint8_t>(c);
    data[64] = static_cast<std::uint8_t>(c);
    for (std::uint8_t delim : {std::uint8_t{','}, std::uint8_t{'\t'}, std::uint8_t{';'}}) {
      expect_same(data, delim, "byte " + std::to_string(c));
    }
  }
}

TEST_P(kernel_vs_scalar, odd_delimiters_match_scalar_too) {
  // Not dialects mkbulk accepts, but the kernels must still agree with the reference.
  const auto data = random_bytes(9 * SCAN_BLOCK_BYTES, 77);
  for (unsigned d : {0u, 0x22u, 0x0Au, 0x0Du, 0x80u, 0xFFu, 0x7Cu}) {
    expect_same(data, static_cast<std::uint8_t>(d), "delimiter " + std::to_string(d));
  }
}

TEST_P(kernel_vs_scalar, zero_blocks_leave_carry_alone) {
  std::uint8_t dummy[SCAN_BLOCK_BYTES] = {};
  scan_carry carry{ALL_ONES};
  GetParam().fn(dummy, 0, ',', carry, nullptr);
  EXPECT_EQ(carry.in_quote, ALL_ONES);
}

std::string kernel_name(const ::testing::TestParamInfo<scan_kernel_info>& info) {
  return std::string(info.param.name);
}

INSTANTIATE_TEST_SUITE_P(supported, kernel_vs_scalar,
                         ::testing::ValuesIn(supported_scan_kernels().begin(),
                                             supported_scan_kernels().end()),
                         kernel_name);

}  // namespace
}  // namespace mkbulk::engine
