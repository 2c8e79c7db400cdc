// The chunks' CRC-32C (crc32c_extend, ISA-L underneath) over one 256 KiB segment, the piece the
// chunk writer checksums before each write: bytes/s. Checked first against the published check
// values and, on the segment, one pass against two pieces (tests/engine/crc32c_test.cpp checks it
// against the definition).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <vector>

#include "../engine/src/crc32c.h"

namespace {

constexpr std::size_t SEGMENT = std::size_t{256} << 10;

void crc32c_segment(benchmark::State& state) {
  std::vector<unsigned char> seg(SEGMENT);
  std::mt19937_64 rng(1);
  for (unsigned char& b : seg) b = static_cast<unsigned char>(rng());
  using mkbulk::engine::detail::crc32c_extend;
  const std::vector<unsigned char> zeros(32, 0);  // RFC 3720, B.4
  const std::uint32_t head = crc32c_extend(0, seg.data(), 1000);
  if (crc32c_extend(0, "123456789", 9) != 0xE3069283u ||
      crc32c_extend(0, zeros.data(), zeros.size()) != 0x8A9136AAu ||
      crc32c_extend(0, seg.data(), seg.size()) !=
          crc32c_extend(head, seg.data() + 1000, seg.size() - 1000)) {
    state.SkipWithError("wrong CRC-32C");
    return;
  }
  std::uint32_t crc = 0;
  for (auto _ : state) {
    crc = crc32c_extend(crc, seg.data(), seg.size());
    benchmark::DoNotOptimize(crc);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(SEGMENT));
}
BENCHMARK(crc32c_segment);

}  // namespace

BENCHMARK_MAIN();
