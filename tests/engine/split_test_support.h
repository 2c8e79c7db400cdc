// Helpers shared by the split tests (engine and tools): temporary directories, whole files,
// running a split on a string, and reading its chunks back with record_reader.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "mkbulk/engine/manifest.h"
#include "mkbulk/engine/record_reader.h"
#include "mkbulk/engine/split.h"

namespace mkbulk::engine::testing {

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_file(const std::filesystem::path& p, std::string_view text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

// A fresh directory under the system temp dir, removed when the object goes.
class temp_dir {
 public:
  temp_dir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("mkbulk-test-" + std::to_string(rd()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Everything a split wrote, read back.
struct split_output {
  split_result result;
  std::vector<std::string> chunk_texts;  // in manifest order
  std::string rejects;
  std::string manifest_text;
};

inline split_output run_on_file(const std::filesystem::path& input, const std::filesystem::path& out,
                                split_options o) {
  o.input_path = input.string();
  o.out_dir = out;
  split_output r;
  r.result = run_split(o);
  for (const chunk_info& c : r.result.result.chunks) r.chunk_texts.push_back(read_file(out / c.file));
  if (std::filesystem::exists(out / "rejects.csv")) r.rejects = read_file(out / "rejects.csv");
  if (std::filesystem::exists(out / "manifest.json")) r.manifest_text = read_file(out / "manifest.json");
  return r;
}

// Splits text (written to dir/input) into dir/<name>.
inline split_output run_on_text(const temp_dir& dir, std::string_view text, split_options o,
                                const std::string& name = "out") {
  const auto input = dir.path() / "input";
  write_file(input, text);
  std::filesystem::remove_all(dir.path() / name);
  return run_on_file(input, dir.path() / name, std::move(o));
}

// The invariance tests' variants of one run: with a read-ahead thread and the first kernel,
// each ahead_share (the reader's lists for every block, none, or while it is ahead); else the
// default only. what(): the variant, for failure messages.
struct run_variant {
  std::size_t block;
  unsigned threads;
  std::string kernel;
  split_options::ahead_share share;
  std::string what;
  // o with this variant's read block, threads, kernel and share.
  [[nodiscard]] split_options applied_to(split_options o) const {
    o.block_bytes = block;
    o.threads = threads;
    o.kernel = kernel;
    o.ahead = share;
    return o;
  }
};
inline std::vector<run_variant> ahead_variants(std::size_t block, unsigned threads,
                                               std::string_view kernel, bool first_kernel) {
  using share = split_options::ahead_share;
  std::vector<run_variant> v;
  for (const share s : {share::balanced, share::always, share::never}) {
    if (s != share::balanced && (threads == 1 || !first_kernel)) continue;
    v.push_back(run_variant{block, threads, std::string(kernel), s,
                            "block " + std::to_string(block) + " threads " +
                                std::to_string(threads) + " kernel " + std::string(kernel) +
                                " share " + std::to_string(static_cast<int>(s))});
  }
  return v;
}

// Runs where the read-ahead thread indexes the blocks of an input of a few hundred KB or more and
// lists the records of every block or of some, which the parser takes in its lane
// (take_plain): for tests that compare them with one thread, which lists none.
inline std::vector<run_variant> listed_variants() {
  using share = split_options::ahead_share;
  std::vector<run_variant> v;
  for (const std::size_t block : {std::size_t{4096}, std::size_t{65536}}) {
    for (const share s : {share::always, share::balanced}) {
      v.push_back(run_variant{block, 2, "", s,
                              "block " + std::to_string(block) + " share " +
                                  std::to_string(static_cast<int>(s))});
    }
  }
  return v;
}

// got's chunks, rejects and manifest are ref's: compared whole, not printed (long texts).
inline void expect_same_output(const split_output& got, const split_output& ref,
                               const std::string& what) {
  EXPECT_TRUE(got.chunk_texts == ref.chunk_texts) << what;
  EXPECT_TRUE(got.rejects == ref.rejects) << what;
  EXPECT_TRUE(got.manifest_text == ref.manifest_text) << what;
}

struct row {
  std::uint64_t line = 0;
  std::vector<std::string> fields;
  friend bool operator==(const row&, const row&) = default;
};

// Every record of the chunks (headers skipped), with its source line from the manifest.
inline std::vector<row> chunk_rows(const split_output& s) {
  std::vector<row> rows;
  const auto& m = s.result.result;
  const char d = delimiter_of_format(m.out_format);
  for (std::size_t i = 0; i < s.chunk_texts.size(); ++i) {
    record_reader reader(s.chunk_texts[i], d);
    std::vector<std::string> f;
    EXPECT_TRUE(reader.next(f)) << "chunk " << i + 1 << " has no header";
    EXPECT_EQ(reader.raw(), m.header_line);
    std::uint64_t k = 0;
    while (reader.next(f)) {
      EXPECT_FALSE(reader.defect()) << "chunk " << i + 1 << " row " << k;
      rows.push_back(row{m.chunks[i].source_line_of_row(k), f});
      ++k;
    }
    EXPECT_EQ(k, m.chunks[i].rows);
  }
  return rows;
}

struct reject_row {
  std::uint64_t line = 0;
  std::uint64_t offset = 0;
  std::string reason;
  std::string message;
  std::string record;
};

inline std::vector<reject_row> reject_rows(const split_output& s) {
  std::vector<reject_row> out;
  record_reader reader(s.rejects, ',');
  std::vector<std::string> f;
  if (!reader.next(f)) return out;
  EXPECT_EQ(f, (std::vector<std::string>{"source_line", "byte_offset", "reason", "message", "record"}));
  while (reader.next(f)) {
    EXPECT_EQ(f.size(), 5u);
    if (f.size() != 5) continue;
    out.push_back(reject_row{std::stoull(f[0]), std::stoull(f[1]), f[2], f[3], f[4]});
  }
  return out;
}

}  // namespace mkbulk::engine::testing
