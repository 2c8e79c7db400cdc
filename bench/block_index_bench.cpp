// The read-ahead thread's work on each 1 MiB block (block_index::build): the scan kernel, the
// UTF-8/NUL spans, and with the record list (the reader's share of the parsing, taken when the
// parser has every other block waiting) the walk over the block's records. On 64 MiB generated
// as bench_export.sh does it (BOM, CRLF, multi-line notes, 0.1% defects), each block copied into
// a reused buffer first as read(2) would; bytes/s of input. The difference between listed:0 and
// listed:1 is the cost of listing the records; listed:2 lists them with pre-flight (the built-in
// standard schema: the e-mail, phone and number columns' values checked), as with --schema.
#include <benchmark/benchmark.h>

#include <cstring>
#include <iterator>
#include <string>
#include <vector>

#include "../engine/src/block_index.h"
#include "../engine/src/header_plan.h"
#include "../engine/src/typed_verdicts.h"
#include "export_generator.h"
#include "mkbulk/engine/lead_schema_json.h"
#include "mkbulk/engine/scan_dispatch.h"

namespace {

using namespace mkbulk::engine;
using namespace mkbulk::engine::detail;

constexpr std::size_t BLOCK = std::size_t{1} << 20;
constexpr std::size_t FIELDS = mkbulk::gen::FIELD_COUNT;  // the generated header's

const std::string& input() {
  static const std::string text = [] {
    mkbulk::gen::generator_options g;
    g.bytes = std::uint64_t{64} << 20;
    g.bom = true;
    g.crlf = true;
    g.multiline_rate = 0.05;
    g.defect_rate = 0.001;
    return mkbulk::gen::generate_export(g);
  }();
  return text;
}

// The generated header's REST names, as the split maps them (plan_header) and hands them to
// its lists (split_run::make_verdicts).
std::vector<std::string> rest_columns(std::string& message) {
  const std::vector<std::string> names(std::begin(mkbulk::gen::HEADER_FIELDS),
                                       std::end(mkbulk::gen::HEADER_FIELDS));
  header_plan plan;
  std::vector<std::string> columns;
  if (!plan_header(names, split_options{}, ',', false, plan, message)) return columns;
  for (const column_mapping& c : plan.columns) columns.push_back(c.field);
  return columns;
}

void block_index_build(benchmark::State& state) {
  const bool listed = state.range(0) != 0;
  const std::string& text = input();
  const std::size_t blocks = text.size() / BLOCK;
  std::vector<std::uint8_t> buf(BLOCK + 128, 0);
  block_index ix;
  preflight_options preflight;
  schema_error err;
  if (!parse_lead_schema_json(standard_lead_schema_json(), "built-in", preflight.schema, err)) {
    state.SkipWithError(err.message.c_str());
    return;
  }
  std::string message;
  const std::vector<std::string> columns = rest_columns(message);
  if (columns.size() != FIELDS) {
    state.SkipWithError(("header not mapped: " + message).c_str());
    return;
  }
  // The lookup field (e-mail) is column 0.
  typed_verdicts records = state.range(0) == 2
                               ? typed_verdicts(preflight, columns, "email", ',', FIELDS, 0)
                               : typed_verdicts(',', FIELDS, 0);
  const scan_kernel_fn kernel = best_scan_kernel().fn;
  // The answer first: with the list, nearly every record of a block is on it.
  std::size_t n_listed = 0;
  std::memcpy(buf.data(), text.data() + BLOCK, BLOCK);
  ix.build(buf.data(), BLOCK, ',', kernel, FIELDS, &records);
  std::size_t cursor = 0;
  for (std::size_t at = 0; at < BLOCK; ++at) n_listed += ix.record_at(at, cursor) != nullptr;
  if (n_listed < 4000) {
    state.SkipWithError("too few records listed");
    return;
  }
  for (auto _ : state) {
    for (std::size_t b = 0; b < blocks; ++b) {
      std::memcpy(buf.data(), text.data() + b * BLOCK, BLOCK);
      ix.build(buf.data(), BLOCK, ',', kernel, FIELDS, listed ? &records : nullptr);
      benchmark::DoNotOptimize(ix.has_records());
    }
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(blocks * BLOCK));
  state.counters["records_per_block"] = static_cast<double>(n_listed);
}
BENCHMARK(block_index_build)->ArgName("listed")->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
