// Duplicate lookup keys: key folding, the pass-1 table (repeats, growth, memory per key, forced
// hash collisions), and each --duplicates policy on keys that differ only in case and spaces,
// run through the two passes the way the pipeline will.
#include "mkbulk/engine/duplicate_keys.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace mkbulk::engine {
namespace {

using row = std::vector<std::string>;

// email, firstName, lastName, company: key column 0. Lines 2..8 as in a file with a header.
const std::vector<row> INPUT = {
    {"Ann@Example.com", "Ann", "", "Acme"},          // line 2
    {"bob@example.com", "Bob", "Jones", "Initech"},  // line 3
    {"  ann@example.com ", "", "Smith", ""},         // line 4: Ann again (spaces, case)
    {"carl@example.com", "Carl", "", ""},            // line 5
    {"ANN@EXAMPLE.COM", "Anne", "", "Acme Ltd"},     // line 6: Ann a third time
    {"Bob@Example.com\t", "", "", "Globex"},          // line 7: Bob again
    {"dora@example.com", "Dora", "", ""},            // line 8
};

constexpr std::uint64_t FIRST_LINE = 2;

// The two passes of the pipeline, in miniature: pass 1 builds the table from the keys, pass 2
// passes single-key rows straight through and holds the others back for the merger.
struct two_pass_result {
  std::vector<std::pair<std::uint64_t, row>> written;  // (line_runs line, row), in write order
  std::vector<std::uint64_t> rejected_lines;
  std::vector<duplicate_group> groups;
};

two_pass_result run_two_passes(duplicate_policy policy) {
  duplicate_key_table table;
  for (const row& r : INPUT) table.observe(lookup_key_hash(r[0]));

  two_pass_result result;
  duplicate_merger merger(policy, 0);
  for (std::size_t i = 0; i < INPUT.size(); ++i) {
    const std::uint64_t line = FIRST_LINE + i;
    if (table.is_repeated(lookup_key_hash(INPUT[i][0]))) {
      merger.add(std::span<const std::string>(INPUT[i]), line);
    } else {
      result.written.emplace_back(line, INPUT[i]);
    }
  }
  result.groups = merger.finish();
  for (const duplicate_group& g : result.groups) {
    for (std::size_t k = 0; k < g.rows.size(); ++k) result.written.emplace_back(g.row_lines[k], g.rows[k]);
    if (g.rows.empty()) {
      result.rejected_lines.insert(result.rejected_lines.end(), g.source_lines.begin(), g.source_lines.end());
    }
  }
  return result;
}

TEST(duplicate_keys, folding_ignores_case_and_surrounding_blanks) {
  EXPECT_EQ(fold_lookup_key("  Ann@Example.COM\t"), "ann@example.com");
  EXPECT_EQ(fold_lookup_key("J\xC3\x96RG@example.com"), "j\xC3\x96rg@example.com");  // non-ASCII kept
  EXPECT_EQ(lookup_key_hash("Ann@Example.com"), lookup_key_hash(" ann@example.com "));
  EXPECT_EQ(lookup_key_hash("ANN@EXAMPLE.COM"), lookup_key_hash("ann@example.com"));
  EXPECT_NE(lookup_key_hash("ann@example.com"), lookup_key_hash("ann@example.co"));
  EXPECT_NE(lookup_key_hash("a nn@example.com"), lookup_key_hash("ann@example.com"));
  const std::string long_key(2000, 'X');
  EXPECT_EQ(lookup_key_hash(long_key), lookup_key_hash(" " + std::string(2000, 'x')));
}

TEST(duplicate_keys, policy_names_round_trip) {
  for (const auto p : {duplicate_policy::merge, duplicate_policy::keep_last,
                       duplicate_policy::keep_first, duplicate_policy::reject,
                       duplicate_policy::allow}) {
    EXPECT_EQ(duplicate_policy_from_string(to_string(p)), p);
  }
  EXPECT_EQ(to_string(duplicate_policy::keep_last), "keep-last");
  EXPECT_FALSE(duplicate_policy_from_string("keep_last").has_value());
}

TEST(duplicate_keys, table_finds_repeats) {
  duplicate_key_table table;
  for (const row& r : INPUT) table.observe(lookup_key_hash(r[0]));
  EXPECT_EQ(table.distinct_keys(), 4U);
  EXPECT_EQ(table.repeated_keys(), 2U);
  EXPECT_EQ(table.repeated_rows(), 5U);  // Ann x3, Bob x2
  EXPECT_TRUE(table.is_repeated(lookup_key_hash("ann@example.com")));
  EXPECT_TRUE(table.is_repeated(lookup_key_hash("BOB@example.com")));
  EXPECT_FALSE(table.is_repeated(lookup_key_hash("carl@example.com")));
  EXPECT_FALSE(table.is_repeated(lookup_key_hash("nobody@example.com")));
  EXPECT_FALSE(duplicate_key_table().is_repeated(42));
}

TEST(duplicate_keys, table_stays_under_16_bytes_per_distinct_key_while_growing) {
  duplicate_key_table table;
  std::mt19937_64 rng(7);
  std::vector<std::uint64_t> keys(300'000);
  for (auto& k : keys) k = rng();
  for (std::size_t i = 0; i < keys.size(); ++i) {
    EXPECT_FALSE(table.observe(keys[i]));
    if (i > 1000 && i % 997 == 0) {
      ASSERT_LE(table.bytes_used(), 16 * table.distinct_keys()) << "after " << i + 1 << " keys";
    }
  }
  EXPECT_EQ(table.distinct_keys(), keys.size());
  EXPECT_EQ(table.repeated_keys(), 0U);
  // Every third key again: found, flagged once, counted per row.
  for (std::size_t i = 0; i < keys.size(); i += 3) EXPECT_TRUE(table.observe(keys[i]));
  for (std::size_t i = 0; i < keys.size(); i += 3) EXPECT_TRUE(table.observe(keys[i]));
  EXPECT_EQ(table.repeated_keys(), keys.size() / 3);
  EXPECT_EQ(table.repeated_rows(), 3 * (keys.size() / 3));
  for (std::size_t i = 0; i < keys.size(); ++i) {
    ASSERT_EQ(table.is_repeated(keys[i]), i % 3 == 0) << i;
  }
  EXPECT_EQ(table.distinct_keys(), keys.size());
}

TEST(duplicate_keys, reserve_avoids_growth) {
  duplicate_key_table table;
  table.reserve(1000);
  const std::size_t bytes = table.bytes_used();
  for (std::uint64_t k = 1; k <= 1000; ++k) table.observe(k * 0x9E3779B97F4A7C15ULL);
  EXPECT_EQ(table.bytes_used(), bytes);
  EXPECT_LE(bytes, 8U * 1251U);
}

TEST(duplicate_keys, a_hash_collision_never_merges_two_keys) {
  // Two different keys forced onto one hash (as a real 63-bit collision would be): pass 1 sees
  // one key twice, pass 2 holds both back, and the merger gives each back untouched.
  duplicate_key_table table;
  constexpr std::uint64_t SAME = 0x1234'5678'9abc'def0ULL;
  table.observe(SAME);
  table.observe(SAME | (std::uint64_t{1} << 63));  // differs only in the bit the table drops
  EXPECT_TRUE(table.is_repeated(SAME));
  duplicate_merger merger(duplicate_policy::merge, 0);
  const row a = {"ann@example.com", "Ann"};
  const row b = {"zed@example.com", "Zed"};
  merger.add(std::span<const std::string>(a), 2);
  merger.add(std::span<const std::string>(b), 3);
  const auto groups = merger.finish();
  ASSERT_EQ(groups.size(), 2U);
  EXPECT_EQ(groups[0].rows, std::vector<row>{a});
  EXPECT_EQ(groups[1].rows, std::vector<row>{b});
  EXPECT_EQ(groups[1].row_lines, std::vector<std::uint64_t>{3});
}

TEST(duplicate_keys, merge_later_non_empty_values_win) {
  const two_pass_result r = run_two_passes(duplicate_policy::merge);
  ASSERT_EQ(r.groups.size(), 2U);
  const duplicate_group& ann = r.groups[0];
  EXPECT_EQ(ann.key, "ann@example.com");
  EXPECT_EQ(ann.source_lines, (std::vector<std::uint64_t>{2, 4, 6}));
  ASSERT_EQ(ann.rows.size(), 1U);
  EXPECT_EQ(ann.rows[0], (row{"ANN@EXAMPLE.COM", "Anne", "Smith", "Acme Ltd"}));
  EXPECT_EQ(ann.row_lines, std::vector<std::uint64_t>{2});
  EXPECT_EQ(ann.overwritten_values, 2U);  // Ann -> Anne, Acme -> Acme Ltd
  const duplicate_group& bob = r.groups[1];
  EXPECT_EQ(bob.source_lines, (std::vector<std::uint64_t>{3, 7}));
  EXPECT_EQ(bob.rows[0], (row{"Bob@Example.com\t", "Bob", "Jones", "Globex"}));
  EXPECT_EQ(bob.overwritten_values, 1U);
  // Every input row is accounted for: 2 written as they were, 2 merged rows standing for 5.
  EXPECT_EQ(r.written.size(), 4U);
  EXPECT_TRUE(r.rejected_lines.empty());
}

TEST(duplicate_keys, keep_last) {
  const two_pass_result r = run_two_passes(duplicate_policy::keep_last);
  ASSERT_EQ(r.groups.size(), 2U);
  EXPECT_EQ(r.groups[0].rows, std::vector<row>{INPUT[4]});
  EXPECT_EQ(r.groups[0].row_lines, std::vector<std::uint64_t>{6});
  EXPECT_EQ(r.groups[0].source_lines, (std::vector<std::uint64_t>{2, 4, 6}));
  EXPECT_EQ(r.groups[1].rows, std::vector<row>{INPUT[5]});
  EXPECT_EQ(r.groups[1].row_lines, std::vector<std::uint64_t>{7});
  EXPECT_EQ(r.written.size(), 4U);
}

TEST(duplicate_keys, keep_first) {
  const two_pass_result r = run_two_passes(duplicate_policy::keep_first);
  ASSERT_EQ(r.groups.size(), 2U);
  EXPECT_EQ(r.groups[0].rows, std::vector<row>{INPUT[0]});
  EXPECT_EQ(r.groups[0].row_lines, std::vector<std::uint64_t>{2});
  EXPECT_EQ(r.groups[1].rows, std::vector<row>{INPUT[1]});
  EXPECT_EQ(r.groups[1].source_lines, (std::vector<std::uint64_t>{3, 7}));
  EXPECT_EQ(r.written.size(), 4U);
}

TEST(duplicate_keys, reject) {
  const two_pass_result r = run_two_passes(duplicate_policy::reject);
  EXPECT_EQ(r.rejected_lines, (std::vector<std::uint64_t>{2, 4, 6, 3, 7}));
  ASSERT_EQ(r.written.size(), 2U);
  EXPECT_EQ(r.written[0].first, 5U);
  EXPECT_EQ(r.written[1].first, 8U);
  EXPECT_EQ(DUPLICATE_KEY_REJECT_REASON, "duplicate_lookup_key");
}

TEST(duplicate_keys, allow_keeps_every_row_of_a_key_together_in_source_order) {
  const two_pass_result r = run_two_passes(duplicate_policy::allow);
  ASSERT_EQ(r.groups.size(), 2U);
  EXPECT_EQ(r.groups[0].rows, (std::vector<row>{INPUT[0], INPUT[2], INPUT[4]}));
  EXPECT_EQ(r.groups[0].row_lines, (std::vector<std::uint64_t>{2, 4, 6}));
  EXPECT_EQ(r.groups[1].rows, (std::vector<row>{INPUT[1], INPUT[5]}));
  EXPECT_EQ(r.written.size(), INPUT.size());
  // The held-back rows come out grouped by key: Ann's three, then Bob's two.
  std::vector<std::uint64_t> tail;
  for (std::size_t i = 2; i < r.written.size(); ++i) tail.push_back(r.written[i].first);
  EXPECT_EQ(tail, (std::vector<std::uint64_t>{2, 4, 6, 3, 7}));
}

TEST(duplicate_keys, singletons_pass_through_every_policy_and_merger_resets) {
  for (const auto p : {duplicate_policy::merge, duplicate_policy::keep_last,
                       duplicate_policy::keep_first, duplicate_policy::reject,
                       duplicate_policy::allow}) {
    duplicate_merger merger(p, 1);
    const std::vector<std::string_view> only = {"x", "Solo@Example.com"};
    merger.add(std::span<const std::string_view>(only), 9);
    EXPECT_EQ(merger.keys(), 1U);
    const auto groups = merger.finish();
    ASSERT_EQ(groups.size(), 1U) << to_string(p);
    EXPECT_EQ(groups[0].rows, (std::vector<row>{{"x", "Solo@Example.com"}})) << to_string(p);
    EXPECT_EQ(groups[0].row_lines, std::vector<std::uint64_t>{9});
    EXPECT_EQ(merger.keys(), 0U);
    EXPECT_TRUE(merger.finish().empty());
  }
}

TEST(duplicate_keys, merge_extends_short_rows) {
  duplicate_merger merger(duplicate_policy::merge, 0);
  const std::vector<std::string_view> short_row = {"a@x.io"};
  const std::vector<std::string_view> long_row = {"A@X.IO", "", "late"};
  merger.add(std::span<const std::string_view>(short_row), 2);
  merger.add(std::span<const std::string_view>(long_row), 3);
  const auto groups = merger.finish();
  ASSERT_EQ(groups.size(), 1U);
  EXPECT_EQ(groups[0].rows[0], (row{"A@X.IO", "", "late"}));
  EXPECT_EQ(groups[0].overwritten_values, 0U);  // the key's spelling is not a conflict
}

TEST(duplicate_keys, generated_export_every_line_accounted_and_merge_matches_a_reference) {
  // 20,000 rows over 6,000 people, keys spelt with random case and blanks, columns often empty.
  std::mt19937_64 rng(31337);
  std::vector<row> rows;
  for (int i = 0; i < 20000; ++i) {
    std::string key = "person";
    key += std::to_string(rng() % 6000);
    key += "@example.com";
    for (char& c : key) {
      if ((rng() & 3U) == 0) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    if ((rng() & 7U) == 0) {
      key.insert(key.begin(), ' ');
      key.push_back('\t');
    }
    row r = {key};
    constexpr std::string_view VALUES[] = {"v0", "v1", "v2", "v3", "v4"};
    for (int c = 0; c < 3; ++c) {
      r.emplace_back((rng() & 1U) != 0 ? VALUES[rng() % 5] : std::string_view());
    }
    rows.push_back(std::move(r));
  }
  // The reference merge: per folded key, each column's last non-empty value.
  std::unordered_map<std::string, row> reference;
  std::unordered_map<std::string, std::size_t> count;
  for (const row& r : rows) {
    const std::string k = fold_lookup_key(r[0]);
    ++count[k];
    row& m = reference[k];
    m.resize(r.size());
    for (std::size_t c = 0; c < r.size(); ++c) {
      if (!r[c].empty()) m[c] = r[c];
    }
  }

  for (const auto policy : {duplicate_policy::merge, duplicate_policy::keep_last,
                            duplicate_policy::keep_first, duplicate_policy::reject,
                            duplicate_policy::allow}) {
    duplicate_key_table table;
    for (const row& r : rows) table.observe(lookup_key_hash(r[0]));
    duplicate_merger merger(policy, 0);
    std::vector<std::uint64_t> accounted;  // every source line, once, whatever became of it
    std::unordered_map<std::string, int> written_keys;
    std::size_t written = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (table.is_repeated(lookup_key_hash(rows[i][0]))) {
        merger.add(std::span<const std::string>(rows[i]), i + 2);
      } else {
        ASSERT_EQ(count[fold_lookup_key(rows[i][0])], 1U);
        accounted.push_back(i + 2);
        ++written_keys[fold_lookup_key(rows[i][0])];
        ++written;
      }
    }
    for (const duplicate_group& g : merger.finish()) {
      ASSERT_EQ(g.source_lines.size(), count[g.key]) << g.key;
      accounted.insert(accounted.end(), g.source_lines.begin(), g.source_lines.end());
      written += g.rows.size();
      written_keys[g.key] += static_cast<int>(g.rows.size());
      switch (policy) {
        case duplicate_policy::merge:
          ASSERT_EQ(g.rows.size(), 1U);
          EXPECT_EQ(g.rows[0], reference[g.key]) << g.key;
          EXPECT_EQ(g.row_lines[0], g.source_lines.front());
          break;
        case duplicate_policy::keep_last:
          EXPECT_EQ(g.rows, std::vector<row>{rows[g.source_lines.back() - 2]});
          break;
        case duplicate_policy::keep_first:
          EXPECT_EQ(g.rows, std::vector<row>{rows[g.source_lines.front() - 2]});
          break;
        case duplicate_policy::reject:
          EXPECT_TRUE(g.rows.empty());
          break;
        case duplicate_policy::allow:
          EXPECT_EQ(g.row_lines, g.source_lines);
          break;
      }
    }
    std::sort(accounted.begin(), accounted.end());
    ASSERT_EQ(accounted.size(), rows.size()) << to_string(policy);
    for (std::size_t i = 0; i < accounted.size(); ++i) ASSERT_EQ(accounted[i], i + 2);
    if (policy == duplicate_policy::allow) {
      EXPECT_EQ(written, rows.size());
    } else {
      // No key is written twice: nothing left to race.
      for (const auto& [k, n] : written_keys) ASSERT_LE(n, 1) << k << " " << to_string(policy);
      if (policy != duplicate_policy::reject) {
        EXPECT_EQ(written, reference.size());
      }
    }
  }
}

}  // namespace
}  // namespace mkbulk::engine
