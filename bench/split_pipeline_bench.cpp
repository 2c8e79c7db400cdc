// The split pipeline in process, on a generated messy export (~64 MiB in a temp file, in the
// page cache): bytes/s and rows/s for split (chunks written to the temp dir) and validate (no
// chunks), per thread count. Each case checks its answer (row accounting, the number of rows)
// before it is timed.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "mkbulk/engine/split.h"

namespace {

namespace fs = std::filesystem;
using mkbulk::engine::run_split;
using mkbulk::engine::split_options;
using mkbulk::engine::split_status;

constexpr std::size_t ROWS = 300'000;

// BOM, CRLF, quoted delimiters, doubled quotes, multi-line notes, non-ASCII names, 0.1%
// defects: roughly what mkbulk-gen writes, without linking it.
std::string make_export() {
  std::mt19937_64 rng(1);
  static const char* NAMES[] = {"Ann", "Jürgen", "Иван", "王芳", "Zoë", "Søren", "Ωmega", "Lee"};
  static const char* CITIES[] = {"Paris", "\"Portland, OR\"", "Москва", "São Paulo", "Berlin"};
  std::string t = "\xEF\xBB\xBF" "Email Address,First Name,Last Name,Company Name,Job Title,City,Comments\r\n";
  t.reserve(ROWS * 220);
  for (std::size_t i = 0; i < ROWS; ++i) {
    const auto r = rng();
    t += (r % 1000 == 0) ? "" : "lead" + std::to_string(i) + "@example.com";
    t += ',';
    t += NAMES[r % 8];
    t += ',';
    t += NAMES[(r >> 8) % 8];
    t += ((r >> 16) % 4 == 0) ? ",\"Smith, Jones & Sons\"," : ",Acme Corporation,";
    t += ((r >> 20) % 5 == 0) ? "\"Chief \"\"Fun\"\" Officer\"," : "Head of Sales,";
    t += CITIES[(r >> 24) % 5];
    t += ((r >> 32) % 20 == 0) ? ",\"Called twice.\r\nWants a demo, next week.\"\r\n"
                               : ",Met at the trade show; follow up in Q3 with pricing.\r\n";
  }
  return t;
}

struct fixture {
  fs::path dir = fs::temp_directory_path() / "mkbulk-split-bench";
  fs::path input = dir / "export.csv";
  std::size_t bytes = 0;
  fixture() {
    fs::create_directories(dir);
    const std::string text = make_export();
    std::ofstream(input, std::ios::binary).write(text.data(), static_cast<std::streamsize>(text.size()));
    bytes = text.size();
  }
  ~fixture() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

fixture& data() {
  static fixture f;
  return f;
}

void run_case(benchmark::State& state, bool write_chunks) {
  fixture& f = data();
  split_options o;
  o.input_path = f.input.string();
  o.threads = static_cast<unsigned>(state.range(0));
  if (write_chunks) o.out_dir = f.dir / "out";
  // Check the answer before timing: every row accounted for, about 0.1% rejected.
  const auto check = run_split(o);
  const auto& c = check.result.counts;
  if (check.status != split_status::ok || c.rows_in != ROWS ||
      c.rows_in != c.rows_chunked + c.rows_rejected || c.rows_rejected == 0 ||
      c.rows_rejected > ROWS / 500) {
    state.SkipWithError(("wrong answer: " + check.message).c_str());
    return;
  }
  for (auto _ : state) {
    const auto r = run_split(o);
    benchmark::DoNotOptimize(r.result.counts.rows_in);
  }
  const auto iterations = static_cast<std::uint64_t>(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(iterations * f.bytes));
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(iterations * ROWS),
                                                benchmark::Counter::kIsRate);
}

void split_to_chunks(benchmark::State& state) { run_case(state, true); }
void validate_only(benchmark::State& state) { run_case(state, false); }

BENCHMARK(split_to_chunks)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(validate_only)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
