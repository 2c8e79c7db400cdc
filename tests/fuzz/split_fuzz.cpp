// libFuzzer target: arbitrary bytes (after an optional valid lead header) through run_split
// with a small chunk budget and small read blocks, with the scalar kernel and with another
// kernel, block size and thread count; checks rows_in == rows_chunked + rows_rejected (and the
// reject and chunk tallies) and that both runs write the same manifest, chunks and rejects.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "mkbulk/engine/scan_dispatch.h"
#include "mkbulk/engine/split.h"

namespace {

namespace fs = std::filesystem;
using mkbulk::engine::split_options;
using mkbulk::engine::split_result;
using mkbulk::engine::split_status;

void check(bool ok) {
  if (!ok) std::abort();  // libFuzzer keeps the input that got here
}

void remove_work_dir();

const fs::path& work_dir() {
  static const fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("mkbulk_split_fuzz_" + std::to_string(::getpid()));
    fs::create_directories(d);
    return d;
  }();
  // Registered after dir is built, so it runs before dir is destroyed.
  [[maybe_unused]] static const int cleanup = std::atexit(remove_work_dir);
  return dir;
}

void remove_work_dir() {
  std::error_code ec;
  fs::remove_all(work_dir(), ec);
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Everything a run wrote, file by file, for comparing runs.
std::vector<std::string> outputs(const fs::path& out, const split_result& r) {
  std::vector<std::string> files;
  if (r.status != split_status::ok) return files;
  files.push_back(slurp(out / "rejects.csv"));
  for (const auto& c : r.result.chunks) files.push_back(slurp(out / c.file));
  return files;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2 || size > 64 * 1024) return 0;
  // First byte: header prefix, delimiter choice and block sizes; the rest is the body.
  const std::uint8_t control = data[0];
  static const char* const HEADERS[] = {"", "Email Address,First Name,Comments\n",
                                        "Email Address\tLast Name\tCity\n",
                                        "email;company;Num Employees\r\n"};
  std::string text = HEADERS[control & 3];
  text.append(reinterpret_cast<const char*>(data + 1), size - 1);
  const fs::path input = work_dir() / "input.csv";
  {
    std::ofstream f(input, std::ios::binary | std::ios::trunc);
    f.write(text.data(), static_cast<std::streamsize>(text.size()));
  }

  split_options base;
  base.input_path = input.string();
  base.max_bytes = 256 + (control >> 4) * 64;
  base.threads = 1;
  base.max_rejects.reset();
  static const char DELIMS[] = {',', '\t', ';'};
  if (((control >> 2) & 3) != 3) base.delimiter = DELIMS[(control >> 2) & 3];  // 3: sniff

  bool first = true;
  split_result ref;
  std::vector<std::string> ref_files;
  int run_no = 0;
  const auto run = [&](const std::string& kernel, std::size_t block_bytes, unsigned threads) {
    split_options o = base;
    o.kernel = kernel;
    o.block_bytes = block_bytes;
    o.threads = threads;
    o.out_dir = work_dir() / ("out" + std::to_string(run_no++));
    fs::remove_all(o.out_dir);
    const split_result r = mkbulk::engine::run_split(o);
    if (r.status == split_status::ok) {
      const auto& c = r.result.counts;
      check(c.rows_in == c.rows_chunked + c.rows_rejected);
      std::uint64_t rejected = 0;
      for (const auto n : c.reject_counts) rejected += n;
      check(rejected == c.rows_rejected);
      std::uint64_t chunked = 0;
      for (const auto& ch : r.result.chunks) chunked += ch.rows;
      check(chunked == c.rows_chunked);
    }
    auto files = outputs(o.out_dir, r);
    if (first) {
      ref = r;
      ref_files = std::move(files);
      first = false;
    } else {
      check(r.status == ref.status);
      if (r.status == split_status::ok) {
        split_result same = r;
        same.result.input_path = ref.result.input_path;
        check(same.result == ref.result);
        check(files == ref_files);
      }
    }
    fs::remove_all(o.out_dir);
  };
  // Two runs per input (each run_split sets up MiB-sized buffers, and the fuzzer needs speed):
  // the scalar kernel with 64-byte read blocks, then a kernel chosen by the input with other
  // block sizes and threads. Small read blocks: many seams.
  const auto kernels = mkbulk::engine::supported_scan_kernels();
  const std::size_t pick = (size + control) % kernels.size();
  run("scalar", 64, 1);
  const unsigned threads = (control & 0x40) ? ((control & 0x80) ? 3u : 2u) : 1u;
  run(std::string(kernels[pick].name), 64 + 37 * (control & 0x30), threads);
  return 0;
}
