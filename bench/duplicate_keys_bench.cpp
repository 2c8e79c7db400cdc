// The cost of pass 1 of duplicate detection: folding and hashing each row's lookup e-mail and
// recording it in the table, on 1,000,000 keys of which one in ten repeats; and the table's
// memory per distinct key. The repeat counts are checked before anything is timed.
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "mkbulk/engine/duplicate_keys.h"

namespace {

struct key_set {
  std::vector<std::string> keys;
  std::size_t bytes = 0;
  std::size_t distinct = 0;
};

const key_set& keys() {
  static const key_set s = [] {
    key_set k;
    std::mt19937_64 rng(11);
    constexpr std::size_t ROWS = 1'000'000;
    for (std::size_t i = 0; i < ROWS; ++i) {
      // Row i carries person i, except every tenth row, which repeats an earlier person in
      // upper case.
      std::string key;
      if (i % 10 == 9) {
        std::size_t j = rng() % i;
        if (j % 10 == 9) --j;  // a row that introduced a person
        key = "First.Last" + std::to_string(j) + "@Example-Corp.COM";
      } else {
        key = "first.last" + std::to_string(i) + "@example-corp.com";
        ++k.distinct;
      }
      k.bytes += key.size();
      k.keys.push_back(std::move(key));
    }
    return k;
  }();
  return s;
}

void BM_pass1_hash_and_observe(benchmark::State& state) {
  const key_set& k = keys();
  {
    mkbulk::engine::duplicate_key_table table;
    for (const auto& key : k.keys) table.observe(mkbulk::engine::lookup_key_hash(key));
    // Every repeat row is one more row of an existing key.
    if (table.distinct_keys() != k.distinct || table.repeated_keys() == 0 ||
        table.repeated_rows() != k.keys.size() / 10 + table.repeated_keys()) {
      state.SkipWithError("wrong answer: distinct or repeated key counts");
      return;
    }
    state.counters["bytes_per_key"] =
        static_cast<double>(table.bytes_used()) / static_cast<double>(table.distinct_keys());
  }
  for (auto _ : state) {
    mkbulk::engine::duplicate_key_table table;
    for (const auto& key : k.keys) table.observe(mkbulk::engine::lookup_key_hash(key));
    benchmark::DoNotOptimize(table.repeated_keys());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(k.bytes));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(k.keys.size()));
}

void BM_pass2_is_repeated(benchmark::State& state) {
  const key_set& k = keys();
  mkbulk::engine::duplicate_key_table table;
  for (const auto& key : k.keys) table.observe(mkbulk::engine::lookup_key_hash(key));
  std::size_t held = 0;
  for (const auto& key : k.keys) held += table.is_repeated(mkbulk::engine::lookup_key_hash(key)) ? 1U : 0U;
  if (held != table.repeated_rows()) {
    state.SkipWithError("wrong answer: held-back rows differ from the table's repeated rows");
    return;
  }
  for (auto _ : state) {
    std::size_t n = 0;
    for (const auto& key : k.keys) n += table.is_repeated(mkbulk::engine::lookup_key_hash(key)) ? 1U : 0U;
    benchmark::DoNotOptimize(n);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(k.bytes));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(k.keys.size()));
}

BENCHMARK(BM_pass1_hash_and_observe)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_pass2_is_repeated)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
