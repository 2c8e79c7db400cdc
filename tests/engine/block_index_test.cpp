// block_index: a run of indexed blocks from the reader's quote state gives exactly what each scan
// kernel gives from that state, and none is given from the other state; the checked spans tile
// the block between line ends and are clean exactly when simdjson's validator and a NUL search
// say so.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "../../engine/src/block_index.h"
#include "mkbulk/engine/scan_dispatch.h"

namespace {

using namespace mkbulk::engine;
using namespace mkbulk::engine::detail;

// Delimited-looking bytes: quotes, delimiters, CR/LF, UTF-8, and now and then a bad byte.
std::string messy(std::size_t n, unsigned seed, double bad_rate) {
  std::mt19937 rng(seed);
  const char* parts[] = {"\"", ",", ";", "\n", "\r\n", "\r", "abc", "\xc3\xa9", "\xe6\x97\xa5",
                         "\"\"", "x y", "12.5"};
  std::string s;
  std::uniform_real_distribution<double> u(0, 1);
  while (s.size() < n) {
    if (u(rng) < bad_rate) {
      s.push_back(rng() % 2 ? '\0' : static_cast<char>(0xC0 + rng() % 2));
    } else {
      s += parts[rng() % (sizeof parts / sizeof *parts)];
    }
  }
  s.resize(n);
  return s;
}

std::vector<std::uint8_t> padded(const std::string& s) {
  std::vector<std::uint8_t> v(s.begin(), s.end());
  v.resize(s.size() + 128, 0);  // the kernels read whole 64-byte blocks
  return v;
}

TEST(block_index, runs_match_every_kernel_from_the_readers_quote_state_only) {
  for (const unsigned seed : {1u, 2u, 3u}) {
    const std::string s = messy(300'000 + seed * 77, seed, 0.0);
    const auto buf = padded(s);
    for (const auto& k : supported_scan_kernels()) {
      for (const std::uint8_t delim : {std::uint8_t{','}, std::uint8_t{';'}}) {
        SCOPED_TRACE(std::string(k.name) + " delim " + static_cast<char>(delim));
        block_index ix;
        ix.build(buf.data(), s.size(), delim, k.fn);
        const std::size_t nb = (s.size() + 63) / 64;
        ASSERT_EQ(ix.blocks(), nb);
        // The reader's quote state before each block, from one kernel pass over the whole text.
        std::vector<block_masks> all(nb);
        std::vector<std::uint64_t> state(nb + 1);
        scan_carry c{};
        for (std::size_t i = 0; i < nb; ++i) {
          state[i] = c.in_quote;
          k.fn(buf.data() + 64 * i, 1, delim, c, &all[i]);
        }
        state[nb] = c.in_quote;
        std::mt19937 rng(seed);
        std::size_t inside = 0;
        for (int trial = 0; trial < 200; ++trial) {
          const std::size_t first = rng() % nb;
          const std::size_t n = 1 + rng() % std::min<std::size_t>(nb - first, 2000);
          scan_carry other{~state[first]};
          std::size_t m = n;
          ASSERT_EQ(ix.run(first, m, other), nullptr) << "block " << first;
          ASSERT_EQ(other.in_quote, ~state[first]) << "left alone";
          scan_carry b{state[first]};
          inside += b.in_quote != 0;
          const block_masks* got = ix.run(first, m, b);
          ASSERT_NE(got, nullptr) << "block " << first;
          ASSERT_EQ(m, n) << "not told the field count: one state throughout";
          ASSERT_EQ(b.in_quote, state[first + n]) << "carry after blocks " << first << "+" << n;
          for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(all[first + i], got[i]) << first + i;
        }
        EXPECT_GT(inside, 0u) << "some runs start inside quotes";
      }
    }
  }
}

TEST(block_index, spans_tile_the_block_between_line_ends_and_say_whether_it_is_clean) {
  for (const double bad : {0.0, 0.00002, 0.001}) {
    const std::string s = messy(1'000'000, 9, bad);
    const auto buf = padded(s);
    block_index ix;
    ix.build(buf.data(), s.size(), ',', supported_scan_kernels()[0].fn);
    const std::size_t first_eol = s.find_first_of("\r\n");
    const std::size_t last_eol = s.find_last_of("\r\n");
    std::size_t at = first_eol;
    std::size_t clean_spans = 0;
    std::size_t dirty_spans = 0;
    while (at < last_eol) {
      const checked_span* sp = ix.span_of(at, at + 1);
      ASSERT_NE(sp, nullptr) << "no span at " << at;
      ASSERT_EQ(sp->begin, at);
      ASSERT_GT(sp->end, sp->begin);
      ASSERT_TRUE(s[sp->end] == '\n' || s[sp->end] == '\r') << "span ends at " << sp->end;
      const std::string_view v(s.data() + sp->begin, sp->end - sp->begin);
      const bool clean = v.find('\0') == std::string_view::npos &&
                         simdjson::validate_utf8(v.data(), v.size());
      ASSERT_EQ(sp->clean, clean) << "span " << sp->begin << ".." << sp->end;
      (clean ? clean_spans : dirty_spans) += 1;
      EXPECT_EQ(ix.span_of(sp->begin, sp->end), sp);
      EXPECT_EQ(ix.span_of(sp->begin, sp->end + 1), nullptr);  // past the span: not covered
      at = sp->end;
    }
    EXPECT_EQ(at, last_eol);
    EXPECT_EQ(ix.span_of(0, first_eol), nullptr);  // before the first line end: not covered
    if (bad == 0.0) {
      EXPECT_EQ(dirty_spans, 0u);
    }
    if (bad == 0.001) {
      EXPECT_GT(dirty_spans, 0u);
    }
    EXPECT_GT(clean_spans + dirty_spans, 10u);
  }
}

}  // namespace

namespace {

// A block that starts inside a quoted value (the rest of a multi-line note): told the header's
// field count, the reader starts it inside quotes, and the parser, which is inside quotes there
// too, gets its masks; from outside quotes, none. Not told, it starts outside quotes.
TEST(block_index, starts_a_block_in_the_quote_state_its_records_make_sense_in) {
  std::string s = "rest of a note\nwith a, comma\",x\n";  // ends the record: 3 fields
  for (int i = 0; i < 40; ++i) {
    s += 'a';
    s += std::to_string(i);
    s += "@x.com,\"Smith, J\",plain\n";
  }
  const auto buf = padded(s);
  const std::size_t nb = (s.size() + 63) / 64;
  for (const auto& k : supported_scan_kernels()) {
    SCOPED_TRACE(k.name);
    block_index told;
    told.build(buf.data(), s.size(), ',', k.fn, 3);
    std::size_t n = nb;
    scan_carry inside{~std::uint64_t{0}};
    EXPECT_NE(told.run(0, n, inside), nullptr);
    scan_carry outside{};
    EXPECT_EQ(told.run(0, n, outside), nullptr);
    block_index not_told;
    not_told.build(buf.data(), s.size(), ',', k.fn);
    scan_carry outside2{};
    EXPECT_NE(not_told.run(0, n, outside2), nullptr);
  }
}

}  // namespace

namespace {

// A bare quote misleads the reader's quote state (the parser takes it literally and restarts
// outside quotes), but only to the end of its 64 KiB: there the reader chooses again, and the
// parser, outside quotes, gets the masks of the rest of the block from there on. A run is cut
// where the reader's state flips, and carries the state of its own blocks.
TEST(block_index, chooses_the_quote_state_again_every_64_kib) {
  std::string s;
  for (int i = 0; s.size() < (std::size_t{200} << 10); ++i) {
    if (i == 100) s += "ba\"re,quote,here\n";  // a bare quote at about 2 KiB
    s += 'a';
    s += std::to_string(i);
    s += "@x.com,plain,value\n";
  }
  const auto buf = padded(s);
  const std::size_t nb = (s.size() + 63) / 64;
  const std::size_t bare = s.find('"') / 64;
  for (const auto& k : supported_scan_kernels()) {
    SCOPED_TRACE(k.name);
    block_index ix;
    ix.build(buf.data(), s.size(), ',', k.fn, 3);
    for (std::size_t b = 0; b < nb; ++b) {
      std::size_t n = nb - b;
      scan_carry outside{};
      const block_masks* m = ix.run(b, n, outside);
      if (b <= bare) {
        ASSERT_NE(m, nullptr) << "block " << b;  // before the bare quote
        ASSERT_EQ(n, 1024 - b) << "cut at the next 64 KiB, where the state flips back";
        ASSERT_EQ(outside.in_quote, ~std::uint64_t{0}) << "the run's own state after it";
      } else if (b < 1024) {
        ASSERT_EQ(m, nullptr) << "block " << b << ": misled until the next 64 KiB";
      } else {
        ASSERT_NE(m, nullptr) << "block " << b;
        ASSERT_EQ(n, nb - b);
        ASSERT_EQ(outside.in_quote, 0u);
      }
    }
  }
}

}  // namespace
