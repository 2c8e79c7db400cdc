// Split throughput with pre-flight's typed checks on and off, on the same generated export
// (mkbulk-gen's defaults, 64 MiB in a temp file, in the page cache) in the same run: bytes/s
// and rows/s per case; the ratio typed/plain is the figure (goal >= 0.8), also measured
// directly by split_ratio, which alternates the two runs. Each case
// checks its answer first: every row accounted for, the same rows chunked with and without the
// schema (the generated values are already plain), and the same chunk files.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "export_generator.h"
#include "mkbulk/engine/lead_schema_json.h"
#include "mkbulk/engine/preflight.h"
#include "mkbulk/engine/split.h"

namespace {

namespace fs = std::filesystem;
using namespace mkbulk::engine;

constexpr std::uint64_t BYTES = std::uint64_t{64} << 20;

struct fixture {
  fs::path dir = fs::temp_directory_path() / "mkbulk-preflight-bench";
  fs::path input = dir / "export.csv";
  std::uint64_t bytes = 0;
  std::uint64_t rows = 0;
  std::shared_ptr<preflight_options> preflight = std::make_shared<preflight_options>();
  std::string error;
  fixture() {
    fs::create_directories(dir);
    mkbulk::gen::generator_options g;
    g.bytes = BYTES;
    const std::string text = mkbulk::gen::generate_export(g);
    std::ofstream(input, std::ios::binary)
        .write(text.data(), static_cast<std::streamsize>(text.size()));
    bytes = text.size();
    // The schema goes through a describe.json file, as --schema FILE reads it.
    const fs::path schema = dir / "describe.json";
    const std::string json = standard_lead_schema_json();
    std::ofstream(schema, std::ios::binary)
        .write(json.data(), static_cast<std::streamsize>(json.size()));
    schema_error err;
    if (!read_lead_schema_json(schema, preflight->schema, err)) error = err.message;
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

split_options options_for(bool typed, unsigned threads, const fs::path& out) {
  fixture& f = data();
  split_options o;
  o.input_path = f.input.string();
  o.out_dir = out;
  o.threads = threads;
  if (typed) o.preflight = f.preflight;
  return o;
}

std::string read_all(const fs::path& p) {
  std::string s(static_cast<std::size_t>(fs::file_size(p)), '\0');
  std::ifstream(p, std::ios::binary).read(s.data(), static_cast<std::streamsize>(s.size()));
  return s;
}

// The answer: both runs account for every row, chunk all of them, and write the same chunks.
std::string check_answer(unsigned threads) {
  fixture& f = data();
  if (!f.error.empty()) return f.error;
  const auto plain = run_split(options_for(false, threads, f.dir / "plain"));
  const auto typed = run_split(options_for(true, threads, f.dir / "typed"));
  if (plain.status != split_status::ok || typed.status != split_status::ok) {
    return "split failed: " + plain.message + typed.message;
  }
  const auto& a = plain.result.counts;
  const auto& b = typed.result.counts;
  if (a.rows_in == 0 || a.rows_in != a.rows_chunked || b.rows_in != b.rows_chunked ||
      a.rows_in != b.rows_in || plain.result.chunks != typed.result.chunks) {
    return "typed and plain runs differ";
  }
  for (const auto& c : plain.result.chunks) {
    if (read_all(f.dir / "plain" / c.file) != read_all(f.dir / "typed" / c.file)) {
      return "chunk " + c.file + " differs";
    }
  }
  f.rows = a.rows_in;
  return {};
}

void split_case(benchmark::State& state, bool typed) {
  fixture& f = data();
  const auto threads = static_cast<unsigned>(state.range(0));
  if (const std::string wrong = check_answer(threads); !wrong.empty()) {
    state.SkipWithError(("wrong answer: " + wrong).c_str());
    return;
  }
  const split_options o = options_for(typed, threads, f.dir / (typed ? "typed" : "plain"));
  for (auto _ : state) {
    const auto r = run_split(o);
    benchmark::DoNotOptimize(r.result.counts.rows_in);
  }
  const auto iterations = static_cast<std::uint64_t>(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(iterations * f.bytes));
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(iterations * f.rows),
                                                benchmark::Counter::kIsRate);
}

// Plain and typed runs alternated within one benchmark, so that a machine whose load drifts
// slows both alike: counters give each one's median wall time and typed/plain throughput
// (= plain time / typed time, the figure); and the same from the process's CPU time
// (all threads), which other programs on a busy machine disturb less.
void split_ratio(benchmark::State& state) {
  fixture& f = data();
  const auto threads = static_cast<unsigned>(state.range(0));
  if (const std::string wrong = check_answer(threads); !wrong.empty()) {
    state.SkipWithError(("wrong answer: " + wrong).c_str());
    return;
  }
  const split_options plain = options_for(false, threads, f.dir / "plain");
  const split_options typed = options_for(true, threads, f.dir / "typed");
  std::vector<double> plain_s;
  std::vector<double> typed_s;
  std::vector<double> plain_cpu;
  std::vector<double> typed_cpu;
  const auto cpu_now = [] {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
  };
  const auto timed = [&](const split_options& o, std::vector<double>& wall,
                         std::vector<double>& cpu) {
    const double c0 = cpu_now();
    const auto t0 = std::chrono::steady_clock::now();
    const auto r = run_split(o);
    benchmark::DoNotOptimize(r.result.counts.rows_in);
    wall.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    cpu.push_back(cpu_now() - c0);
  };
  bool typed_first = false;
  for (auto _ : state) {
    if (typed_first) timed(typed, typed_s, typed_cpu);
    timed(plain, plain_s, plain_cpu);
    if (!typed_first) timed(typed, typed_s, typed_cpu);
    typed_first = !typed_first;
  }
  const auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  };
  const double p = median(plain_s);
  const double t = median(typed_s);
  state.counters["plain_ms"] = p * 1e3;
  state.counters["typed_ms"] = t * 1e3;
  state.counters["typed/plain"] = p / t;
  state.counters["cpu_typed/plain"] = median(plain_cpu) / median(typed_cpu);
}

void split_plain(benchmark::State& state) { split_case(state, false); }
void split_typed(benchmark::State& state) { split_case(state, true); }

BENCHMARK(split_plain)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(split_typed)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(split_ratio)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()
    ->MinTime(4.0);

}  // namespace

BENCHMARK_MAIN();
