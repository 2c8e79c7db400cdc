// The cost of tying a job's result rows back to their source lines (upload::result_matcher):
// a chunk of 50,000 rows and 16 columns (about 9 MB, quoted values with delimiters and doubled
// quotes among them, every twentieth row on a line of its own so the manifest has 2,500 line
// runs), and a failures file of 24 of its rows in another order plus one that matches nothing,
// as Marketo returns them. One iteration is what the scheduler does per chunk with failures:
// load_chunk, then match. Every row's line is checked before anything is timed.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "mkbulk/upload/result_matcher.h"

namespace {

constexpr std::size_t ROWS = 50'000;
constexpr std::size_t COLUMNS = 16;

struct chunk_case {
  std::string text;
  mkbulk::engine::chunk_info info;
  std::string failures;
  std::vector<std::uint64_t> expected;  // by failures row: its source line (0: untied)
};

std::string csv_field(const std::string& v) {
  if (v.find_first_of(",\"\n") == std::string::npos) return v;
  std::string q = "\"";
  for (const char c : v) {
    q += c;
    if (c == '"') q += '"';
  }
  q += '"';
  return q;
}

const chunk_case& the_case() {
  static const chunk_case c = [] {
    chunk_case k;
    std::mt19937_64 rng(5);
    for (std::size_t j = 0; j < COLUMNS; ++j) {
      if (j > 0) k.text += ',';
      k.text += "field" + std::to_string(j);
    }
    k.text += '\n';
    std::vector<std::string> rows;
    std::vector<std::uint64_t> lines;
    std::uint64_t line = 2;
    for (std::size_t i = 0; i < ROWS; ++i) {
      if (i % 20 == 19) line += 3;  // a multi-line record in the source: a new run
      std::string row;
      for (std::size_t j = 0; j < COLUMNS; ++j) {
        std::string v = j == 0 ? "person" + std::to_string(i) + "@example.com"
                               : "value " + std::to_string(rng() % 100'000);
        if (j == 5 && i % 7 == 0) v += ", Inc.";
        if (j == 9 && i % 11 == 0) v = "the \"quoted\" " + v;
        if (j > 0) row += ',';
        row += csv_field(v);
      }
      if (k.info.line_runs.empty() || k.info.line_runs.back().first +
                                              k.info.line_runs.back().count != line) {
        k.info.line_runs.push_back({line, 0});
      }
      ++k.info.line_runs.back().count;
      lines.push_back(line++);
      k.text += row + '\n';
      rows.push_back(std::move(row));
    }
    k.info.index = 1;
    k.info.file = "chunks/000001.csv";
    k.info.rows = ROWS;
    k.info.first_line = k.info.line_runs.front().first;
    k.failures = "field0,field1,Import Failure Reason\n";  // the header's names do not matter
    for (std::size_t f = 0; f < 24; ++f) {
      const std::size_t i = (f * 7919 + 104'729) % ROWS;
      k.failures += rows[i] + ",\"Invalid, value\"\n";
      k.expected.push_back(lines[i]);
    }
    k.failures += "nobody@example.com,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,Reason\n";
    k.expected.push_back(0);
    return k;
  }();
  return c;
}

void check(const std::vector<mkbulk::upload::matched_row>& rows) {
  const chunk_case& k = the_case();
  if (rows.size() != k.expected.size()) std::abort();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].source_line != k.expected[i]) std::abort();
  }
}

void load_and_match(benchmark::State& state) {
  const chunk_case& k = the_case();
  std::string error;
  {
    mkbulk::upload::result_matcher m;
    if (!m.load_chunk(k.text, ',', k.info, error)) std::abort();
    check(m.match(k.failures));
  }
  for (auto _ : state) {
    mkbulk::upload::result_matcher m;
    const bool loaded = m.load_chunk(k.text, ',', k.info, error);
    benchmark::DoNotOptimize(loaded);
    auto rows = m.match(k.failures);
    benchmark::DoNotOptimize(rows);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(k.text.size()));
}
BENCHMARK(load_and_match)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
