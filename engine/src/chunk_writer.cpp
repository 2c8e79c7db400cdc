// Chunk cutting and chunk files: segments flow from the parsing thread to the writer thread
// through a small queue; the writer does write(2), CRC-32C, the .part -> final rename and the
// chunk_sink call, in chunk order.
#include "chunk_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>

#include "crc32c.h"

namespace mkbulk::engine::detail {
namespace {
constexpr std::size_t SEGMENTS_THREADED = 16;
// A sleeping writer is woken once this many segments wait (or for any other message): a
// wake-up is a system call, and an IPI on a VM.
constexpr std::size_t WAKE_BATCH = 4;
}  // namespace

chunk_writer::chunk_writer(chunk_writer_options options)
    : opt_(std::move(options)), dry_(opt_.out_dir.empty()) {
  if (dry_) return;
  const std::size_t n = opt_.threaded ? SEGMENTS_THREADED : 1;
  segments_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    segments_[i].data.reset(new char[SEGMENT_BYTES]);  // not zeroed: touched as used
    free_.push_back(n - 1 - i);
  }
  if (opt_.threaded) thread_ = std::thread([this] { run_writer(); });
}

chunk_writer::~chunk_writer() {
  if (thread_.joinable()) abandon();
  remove_spill();
}

void chunk_writer::open_chunk(std::uint64_t line) {
  if (chunk_open_) close_chunk();
  current_ = chunk_info{};
  // Chunks of one export look alike: one allocation for the line runs, not a doubling series
  // whose freed blocks fragment the heap over thousands of chunks.
  current_.line_runs.reserve(last_runs_ + last_runs_ / 4 + 16);
  current_.index = next_index_++;
  char name[32];
  std::snprintf(name, sizeof name, "chunks/%06u.", current_.index);
  current_.file = name + opt_.extension;
  if (!dry_) {
    message m;
    m.kind = op::open;
    m.info.file = current_.file;
    post(std::move(m));
  }
  chunk_open_ = true;
  chunk_bytes_ = opt_.header.size();
  append(opt_.header.data(), opt_.header.size());
  // The header goes out in a write of its own, so the chunk's full-segment writes start at
  // header-length offsets, not at multiples of SEGMENT_BYTES: an aligned 256 KiB write makes
  // the page cache allocate a 256 KiB folio (order 6) for it, an unaligned one a run of
  // smaller folios (orders 0-5), as split -C's and cat's writes do. On the development VM
  // (free pages returned to the host by virtio-balloon reporting), runs made only of order-6
  // folios paid 3-5x the usual system time in their writes in 9 of 21 rounds of the
  // side-by-side script, the unaligned ones in none of 28 (engine/README.md).
  if (!dry_ && have_seg_) push_segment();
  current_.first_line = line;
}

std::size_t chunk_writer::take_free_segment() {
  std::unique_lock lock(mutex_);
  while (free_.empty()) {
    if (writer_waiting_) writer_cv_.notify_one();  // it may sleep on a partial batch
    parser_waiting_ = true;
    parser_cv_.wait(lock);
    parser_waiting_ = false;
  }
  const std::size_t s = free_.back();
  free_.pop_back();
  return s;
}

void chunk_writer::copy_out(const char* p, std::size_t n) {
  if (dry_) return;
  while (n > 0) {
    if (!have_seg_) {
      cur_seg_ = take_free_segment();
      segments_[cur_seg_].size = 0;
      have_seg_ = true;
    }
    segment& s = segments_[cur_seg_];
    const std::size_t k = std::min(n, SEGMENT_BYTES - s.size);
    std::memcpy(s.data.get() + s.size, p, k);
    s.size += k;
    p += k;
    n -= k;
    if (s.size == SEGMENT_BYTES) push_segment();
  }
}

void chunk_writer::push_segment() {
  message m;
  m.kind = op::data;
  m.seg = cur_seg_;
  have_seg_ = false;
  post(std::move(m));
}

void chunk_writer::close_chunk() {
  flush_pending();
  chunk_open_ = false;
  if (dry_) return;
  if (have_seg_ && segments_[cur_seg_].size > 0) push_segment();
  message m;
  m.kind = op::close;
  last_runs_ = current_.line_runs.size();
  if (current_.line_runs.capacity() > last_runs_ + last_runs_ / 8 + 16) {
    current_.line_runs.shrink_to_fit();  // kept for the manifest: little slack
  }
  m.info = std::move(current_);
  post(std::move(m));
}

void chunk_writer::post(message m) {
  if (!opt_.threaded) {
    handle(m);
    return;
  }
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    wake = writer_waiting_ && (m.kind != op::data || queue_.size() + 1 >= WAKE_BATCH);
    queue_.push_back(std::move(m));
  }
  if (wake) writer_cv_.notify_one();
}

void chunk_writer::run_writer() {
  for (;;) {
    message m;
    {
      std::unique_lock lock(mutex_);
      while (queue_.empty()) {
        writer_waiting_ = true;
        writer_cv_.wait(lock);
        writer_waiting_ = false;
      }
      m = std::move(queue_.front());
      queue_.pop_front();
    }
    if (m.kind == op::stop) return;
    handle(m);
  }
}

void chunk_writer::handle(message& m) {
  const auto fail = [this](const std::string& what) {
    if (!failed_.load()) {
      error_ = what + ": " + std::strerror(errno);
      failed_.store(true);
    }
  };
  switch (m.kind) {
    case op::open: {
      if (failed_.load()) return;
      part_path_ = opt_.out_dir / (m.info.file + ".part");
      fd_ = ::open(part_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (fd_ < 0) fail("cannot create " + part_path_.string());
      crc_ = 0;
      written_ = 0;
      return;
    }
    case op::data: {
      segment& s = segments_[m.seg];
      if (!failed_.load() && fd_ >= 0) {
        crc_ = crc32c_extend(crc_, s.data.get(), s.size);
        std::size_t off = 0;
        while (off < s.size) {
          const ssize_t w = ::write(fd_, s.data.get() + off, s.size - off);
          if (w < 0) {
            if (errno == EINTR) continue;
            fail("cannot write " + part_path_.string());
            break;
          }
          off += static_cast<std::size_t>(w);
        }
        written_ += s.size;
      }
      bool wake = false;
      {
        std::lock_guard lock(mutex_);
        free_.push_back(m.seg);
        wake = parser_waiting_;
      }
      if (wake) parser_cv_.notify_one();
      return;
    }
    case op::close: {
      if (failed_.load() || fd_ < 0) return;
      if (opt_.fsync_chunks && ::fsync(fd_) != 0) fail("cannot sync " + part_path_.string());
      if (::close(fd_) != 0) fail("cannot write " + part_path_.string());
      fd_ = -1;
      if (failed_.load()) return;
      const std::filesystem::path final_path = opt_.out_dir / m.info.file;
      if (::rename(part_path_.c_str(), final_path.c_str()) != 0) {
        fail("cannot rename " + part_path_.string());
        return;
      }
      m.info.bytes = written_;
      m.info.crc32c = crc_;
      done_.push_back(std::move(m.info));
      if (opt_.sink != nullptr) opt_.sink->on_chunk(done_.back());
      keep_or_spill(done_.back());
      return;
    }
    case op::stop:
      return;
  }
}

void chunk_writer::keep_or_spill(chunk_info& c) {
  const std::uint64_t n = c.line_runs.size();
  if (runs_kept_ + n <= opt_.runs_kept) {
    runs_kept_ += n;
    return;
  }
  if (spill_file_ == nullptr) {
    if (failed_.load()) return;
    spill_.path = opt_.out_dir / "manifest.runs.part";
    spill_file_ = std::fopen(spill_.path.c_str(), "wb");
    if (spill_file_ == nullptr) {
      error_ = "cannot create " + spill_.path.string() + ": " + std::strerror(errno);
      failed_.store(true);
      return;
    }
  }
  std::uint64_t pair[2];
  for (const line_run& r : c.line_runs) {
    pair[0] = r.first;
    pair[1] = r.count;
    if (std::fwrite(pair, sizeof pair, 1, spill_file_) != 1) {
      if (!failed_.load()) {
        error_ = "cannot write " + spill_.path.string() + ": " + std::strerror(errno);
        failed_.store(true);
      }
      return;
    }
  }
  spill_.counts.resize(done_.size(), 0);
  spill_.counts[done_.size() - 1] = n;
  c.line_runs = std::vector<line_run>{};  // released: the manifest reads them back
}

void chunk_writer::remove_spill() noexcept {
  if (spill_file_ != nullptr) {
    std::fclose(spill_file_);
    spill_file_ = nullptr;
  }
  if (!spill_.path.empty()) {
    std::error_code ec;
    std::filesystem::remove(spill_.path, ec);
  }
}

bool chunk_writer::finish(std::vector<chunk_info>& chunks, std::string& error) {
  if (chunk_open_) close_chunk();
  if (thread_.joinable()) {
    post(message{op::stop, 0, {}});
    thread_.join();
  }
  if (spill_file_ != nullptr) {
    if (std::fclose(spill_file_) != 0 && !failed_.load()) {
      error_ = "cannot write " + spill_.path.string();
      failed_.store(true);
    }
    spill_file_ = nullptr;
  }
  spill_.counts.resize(done_.size(), 0);
  chunks = std::move(done_);
  done_.clear();
  error = error_;
  return !failed_.load();
}

void chunk_writer::abandon() {
  pending_ = nullptr;
  pending_len_ = 0;
  if (thread_.joinable()) {
    if (have_seg_) {
      std::lock_guard lock(mutex_);
      free_.push_back(cur_seg_);
      have_seg_ = false;
    }
    post(message{op::stop, 0, {}});
    thread_.join();
  }
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
    std::error_code ec;
    std::filesystem::remove(part_path_, ec);
  }
  remove_spill();
}

}  // namespace mkbulk::engine::detail
