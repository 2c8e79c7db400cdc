// Stage-1 scan kernels side by side: every kernel this CPU runs, on the same ~64 MiB generated
// exports held in memory (quote-heavy: every field quoted, multi-line Comments; and plain), and
// on an L2-sized slice.
// Each kernel's masks and carry are compared with the scalar kernel's before it is timed.
// Then each kernel's UTF-8 check (utf8/scalar is the reference, simdjson's validator) over the
// plain export in 16 KiB spans, as the read-ahead thread checks them: 64 MiB, so that no
// branch predictor learns where the non-ASCII blocks are; each span's answer is compared with
// the reference's first.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "export_generator.h"
#include "mkbulk/engine/scan_dispatch.h"
#include "mkbulk/engine/scan_kernel.h"

namespace {

using mkbulk::engine::block_masks;
using mkbulk::engine::SCAN_BLOCK_BYTES;
using mkbulk::engine::scan_carry;
using mkbulk::engine::scan_kernel_info;

constexpr std::uint64_t INPUT_BYTES = std::uint64_t{64} << 20;

struct input {
  std::vector<std::uint8_t> bytes;  // a whole number of blocks, the tail padded with spaces
  std::size_t n_blocks = 0;
  std::vector<block_masks> want;  // the scalar kernel's answer
  scan_carry want_carry;
};

input make_input(bool quote_heavy) {
  mkbulk::gen::generator_options o;
  o.seed = 2026;
  o.bytes = INPUT_BYTES;
  o.quote_all = quote_heavy;
  o.multiline_rate = quote_heavy ? 0.2 : 0.05;
  const std::string text = mkbulk::gen::generate_export(o);
  input in;
  in.n_blocks = (text.size() + SCAN_BLOCK_BYTES - 1) / SCAN_BLOCK_BYTES;
  in.bytes.assign(in.n_blocks * SCAN_BLOCK_BYTES, ' ');
  std::memcpy(in.bytes.data(), text.data(), text.size());
  in.want.resize(in.n_blocks);
  mkbulk::engine::scan_blocks_scalar(in.bytes.data(), in.n_blocks, ',', in.want_carry,
                                     in.want.data());
  return in;
}

const input& quote_heavy_input() {
  static const input in = make_input(true);
  return in;
}

const input& plain_input() {
  static const input in = make_input(false);
  return in;
}

// Scans the first n_blocks of the input (0: all of it) per iteration. Rates are per CPU second
// of this thread: the machine is shared, so wall-clock time would measure the neighbours.
void bm_scan(benchmark::State& state, const scan_kernel_info* kernel, const input* (*get)(),
             std::size_t n_blocks) {
  const input& in = *get();
  if (n_blocks == 0) n_blocks = in.n_blocks;
  std::vector<block_masks> out(in.n_blocks);
  // Refuse to time a wrong answer: the whole input, masks and final carry.
  scan_carry carry;
  kernel->fn(in.bytes.data(), in.n_blocks, ',', carry, out.data());
  if (out != in.want || carry != in.want_carry) {
    state.SkipWithError("kernel disagrees with the scalar kernel");
    return;
  }
  for (auto _ : state) {
    scan_carry c;
    kernel->fn(in.bytes.data(), n_blocks, ',', c, out.data());
    benchmark::DoNotOptimize(out.data());
    benchmark::DoNotOptimize(c);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(n_blocks * SCAN_BLOCK_BYTES));
}

// The UTF-8 check over the whole input in 16 KiB pieces per iteration.
void bm_utf8(benchmark::State& state, const scan_kernel_info* kernel) {
  constexpr std::size_t SPAN = std::size_t{16} << 10;
  const input& in = plain_input();
  const std::uint8_t* d = in.bytes.data();
  const std::size_t n = in.bytes.size();
  std::size_t valid = 0;
  for (std::size_t at = 0; at < n; at += SPAN) {
    const std::size_t len = std::min(SPAN, n - at);
    const bool got = kernel->utf8(d + at, len);
    if (got != mkbulk::engine::utf8_valid_scalar(d + at, len)) {
      state.SkipWithError("UTF-8 check disagrees with the reference");
      return;
    }
    valid += got ? 1 : 0;
  }
  if (valid == 0) {
    state.SkipWithError("no valid span: the input is not what this measures");
    return;
  }
  for (auto _ : state) {
    std::size_t ok = 0;
    for (std::size_t at = 0; at < n; at += SPAN) ok += kernel->utf8(d + at, std::min(SPAN, n - at));
    benchmark::DoNotOptimize(ok);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(n));
}

const input* get_quote_heavy() { return &quote_heavy_input(); }
const input* get_plain() { return &plain_input(); }

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  // 64 MiB streams from memory; 128 KiB (2048 blocks) stays in L2 and shows the kernel alone.
  struct variant {
    const char* name;
    const input* (*get)();
    std::size_t n_blocks;
  };
  const variant variants[] = {{"scan_quote_heavy_64MiB", &get_quote_heavy, 0},
                              {"scan_plain_64MiB", &get_plain, 0},
                              {"scan_quote_heavy_128KiB", &get_quote_heavy, 2048}};
  for (const variant& v : variants) {
    for (const scan_kernel_info& k : mkbulk::engine::supported_scan_kernels()) {
      benchmark::RegisterBenchmark((std::string(v.name) + "/" + std::string(k.name)).c_str(),
                                   bm_scan, &k, v.get, v.n_blocks)
          ->Unit(v.n_blocks == 0 ? benchmark::kMillisecond : benchmark::kMicrosecond);
    }
  }
  for (const scan_kernel_info& k : mkbulk::engine::supported_scan_kernels()) {
    benchmark::RegisterBenchmark(("utf8_plain_64MiB/" + std::string(k.name)).c_str(), bm_utf8, &k)
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
