// The chunk side of the pipeline: decides where chunks are cut (only between records, each
// file header included within max_bytes) and writes the files. Bytes are gathered into 256 KiB
// segments that a writer thread writes and checksums (CRC-32C) while the parsing thread goes
// on; with one thread the same work happens inline. Each chunk is written under a ".part" name
// and renamed when complete, so a killed run never leaves a half chunk under a final name.
#pragma once

#include <atomic>
#include <cstdio>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "manifest_spill.h"
#include "mkbulk/engine/manifest.h"
#include "mkbulk/engine/split.h"

namespace mkbulk::engine::detail {

struct chunk_writer_options {
  std::filesystem::path out_dir;  // empty: count only (validate)
  std::string extension;          // "csv", "tsv", "ssv"
  std::string header;             // the header line with its LF
  std::uint64_t max_bytes = 0;
  bool threaded = true;
  bool fsync_chunks = false;
  chunk_sink* sink = nullptr;
  // Line runs kept in the finished chunks' chunk_info; past this many, each further chunk's
  // runs go to out_dir/manifest.runs.part once the sink has seen them (flat memory). The
  // split's result then has no runs for those chunks (manifest.json has them all).
  std::uint64_t runs_kept = std::uint64_t{1} << 16;
};

class chunk_writer {
 public:
  explicit chunk_writer(chunk_writer_options options);
  chunk_writer(const chunk_writer&) = delete;
  chunk_writer& operator=(const chunk_writer&) = delete;
  ~chunk_writer();

  // Starts a row of size output bytes (its line end included) from source line `line`; cuts a
  // new chunk first when the row would not fit. The caller has checked that it fits a chunk.
  // Inline: it runs once per row; cutting a chunk is the out-of-line part.
  void begin_row(std::uint64_t line, std::size_t size) {
    if (!chunk_open_ || chunk_bytes_ + size > opt_.max_bytes) open_chunk(line);
    chunk_bytes_ += size;
    ++current_.rows;
    ++rows_total_;
    current_.last_line = line;
    std::vector<line_run>& runs = current_.line_runs;
    if (!runs.empty() && runs.back().first + runs.back().count == line) {
      ++runs.back().count;
    } else {
      runs.push_back(line_run{line, 1});
    }
  }
  // Row bytes that stay valid until flush_pending(): consecutive calls on adjacent memory are
  // merged into one copy (the fast path's runs of unchanged records).
  void append_input(const char* p, std::size_t n) {
    if (p == pending_ + pending_len_) {
      pending_len_ += n;
      return;
    }
    flush_pending();
    pending_ = p;
    pending_len_ = n;
  }
  // Row bytes copied at once.
  void append(const char* p, std::size_t n) {
    flush_pending();
    copy_out(p, n);
  }
  // Row bytes and then an LF (a CRLF or CR line end written as LF), copied at once: one copy
  // into the open segment when they fit it.
  void append_line(const char* p, std::size_t n) {
    flush_pending();
    if (have_seg_) {
      segment& s = segments_[cur_seg_];
      if (SEGMENT_BYTES - s.size > n) {
        char* dst = s.data.get() + s.size;
        std::memcpy(dst, p, n);
        dst[n] = '\n';
        s.size += n + 1;
        if (s.size == SEGMENT_BYTES) push_segment();
        return;
      }
    }
    copy_out(p, n);
    copy_out("\n", 1);
  }
  void flush_pending() {
    if (pending_len_ != 0) copy_out(pending_, pending_len_);
    pending_ = nullptr;
    pending_len_ = 0;
  }

  // --duplicates allow (split_duplicates_finish.cpp) keeps a key's rows in one chunk: the row
  // bytes the open chunk (or, when none is open, a new one) still takes, and a cut on demand.
  [[nodiscard]] std::uint64_t room() const noexcept {
    const std::uint64_t used = chunk_open_ ? chunk_bytes_ : opt_.header.size();
    return used < opt_.max_bytes ? opt_.max_bytes - used : 0;
  }
  void end_chunk() {
    if (chunk_open_) close_chunk();
  }
  // Closes the last chunk and waits for the writer; fills chunks (in order). False with error
  // on an I/O error.
  [[nodiscard]] bool finish(std::vector<chunk_info>& chunks, std::string& error);
  // Stops without finishing: the open chunk's .part file is removed.
  void abandon();
  // After finish(): the chunks whose line runs were spilled, for write_manifest_spilled.
  [[nodiscard]] const spilled_line_runs& spill() const noexcept { return spill_; }
  // Removes the spill file (after the manifest is written, or on failure).
  void remove_spill() noexcept;
  [[nodiscard]] bool failed() const noexcept { return failed_.load(std::memory_order_relaxed); }
  [[nodiscard]] std::uint64_t rows() const noexcept { return rows_total_; }

 private:
  // 256 KiB writes. 1 MiB ones measured slower in the kernel's page-cache copy on the
  // development VM while they were aligned (open_chunk); unaligned, 512 KiB and 1 MiB measured
  // the same as 256 KiB (medians of ten alternated runs: 0.578 and 0.572 s against 0.587 s).
  static constexpr std::size_t SEGMENT_BYTES = std::size_t{256} << 10;
  struct segment {
    std::unique_ptr<char[]> data;
    std::size_t size = 0;
  };
  enum class op : std::uint8_t { open, data, close, stop };
  struct message {
    op kind = op::data;
    std::size_t seg = 0;
    chunk_info info;  // open: index and file; close: rows and lines
  };

  // Closes the open chunk, if any, and opens the next one with the header; line: its first.
  void open_chunk(std::uint64_t line);
  void copy_out(const char* p, std::size_t n);
  void push_segment();
  void close_chunk();
  void post(message m);
  void run_writer();
  void handle(message& m);
  std::size_t take_free_segment();
  void keep_or_spill(chunk_info& c);

  chunk_writer_options opt_;
  bool dry_;
  // Parsing-thread state.
  bool chunk_open_ = false;
  std::uint64_t chunk_bytes_ = 0;
  chunk_info current_;
  std::uint64_t rows_total_ = 0;
  std::uint32_t next_index_ = 1;
  std::size_t last_runs_ = 0;  // line runs of the previous chunk
  const char* pending_ = nullptr;
  std::size_t pending_len_ = 0;
  std::size_t cur_seg_ = 0;
  bool have_seg_ = false;
  // Shared between the threads.
  std::vector<segment> segments_;
  std::vector<std::size_t> free_;
  std::deque<message> queue_;
  std::mutex mutex_;
  // Each side is woken only when it sleeps (a wake-up is a system call, an IPI on a VM), the
  // writer only for a batch of segments.
  std::condition_variable writer_cv_;  // the writer waits for messages
  std::condition_variable parser_cv_;  // the parsing thread waits for a free segment
  bool writer_waiting_ = false;
  bool parser_waiting_ = false;
  std::thread thread_;
  std::atomic<bool> failed_{false};
  // Writer-thread state.
  int fd_ = -1;
  std::filesystem::path part_path_;
  std::uint32_t crc_ = 0;
  std::uint64_t written_ = 0;
  std::vector<chunk_info> done_;
  std::uint64_t runs_kept_ = 0;
  std::FILE* spill_file_ = nullptr;
  spilled_line_runs spill_;
  std::string error_;
};

}  // namespace mkbulk::engine::detail
