// The chunks' CRC-32C (crc32c_extend, ISA-L underneath) over one 256 KiB segment, the piece the
// chunk writer checksums before each write: bytes/s. Checked first against the check value and
// a bit-at-a-time computation of the same segment.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <vector>

#include "../engine/src/crc32c.h"

namespace {

constexpr std::size_t SEGMENT = std::size_t{256} << 10;

std::uint32_t crc32c_bitwise(const std::vector<unsigned char>& s) {
  std::uint32_t c = ~0u;
  for (const unsigned char b : s) {
    c ^= b;
    for (int k = 0; k < 8; ++k) c = (c & 1u) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
  }
  return ~c;
}

void crc32c_segment(benchmark::State& state) {
  std::vector<unsigned char> seg(SEGMENT);
  std::mt19937_64 rng(1);
  for (unsigned char& b : seg) b = static_cast<unsigned char>(rng());
  if (mkbulk::engine::detail::crc32c_extend(0, "123456789", 9) != 0xE3069283u ||
      mkbulk::engine::detail::crc32c_extend(0, seg.data(), seg.size()) != crc32c_bitwise(seg)) {
    state.SkipWithError("wrong CRC-32C");
    return;
  }
  std::uint32_t crc = 0;
  for (auto _ : state) {
    crc = mkbulk::engine::detail::crc32c_extend(crc, seg.data(), seg.size());
    benchmark::DoNotOptimize(crc);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(SEGMENT));
}
BENCHMARK(crc32c_segment);

}  // namespace

BENCHMARK_MAIN();
