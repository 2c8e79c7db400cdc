// read(2)-based input window with an optional read-ahead thread; see input_window.h.
#include "input_window.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <utility>

namespace mkbulk::engine::detail {
namespace {
constexpr std::size_t SLOTS_READ_AHEAD = 4;  // one parsed, up to three read ahead
constexpr std::size_t SLOTS_INLINE = 2;      // the window's and the next
constexpr int POLL_MS = 100;                 // a pipe's reader looks for a stop this often

// The unused end of a read block's buffer (bytes of usable, from 64-byte alignment on) as an
// arena (none left: the heap alone).
std::unique_ptr<tail_resource> tail_arena(std::uint8_t* buf, std::size_t bytes,
                                          std::size_t usable) {
  const std::size_t at = std::min((bytes + 63) / 64 * 64, usable);
  return std::make_unique<tail_resource>(buf + at, usable - at);
}
}  // namespace

input_window::slot::slot(huge_buffer b, std::size_t bytes, std::size_t block)
    : buf(std::move(b.data)),
      arena(tail_arena(buf.get(), bytes, b.usable)),
      index(arena.get(), block) {}

input_window::~input_window() {
  stop_reader();
  if (close_fd_ && fd_ >= 0) ::close(fd_);
}

void input_window::stop_reader() noexcept {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  reader_cv_.notify_one();
  thread_.join();
}

bool input_window::open(const std::string& path, std::size_t capacity, std::size_t block,
                        bool read_ahead) {
  path_ = path;
  if (path == "-") {
    fd_ = STDIN_FILENO;
  } else {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) {
      error_ = "cannot open " + path + ": " + std::strerror(errno);
      return false;
    }
    close_fd_ = true;
  }
  struct stat st {};
  if (::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode)) {
    regular_ = true;
    file_size_ = static_cast<std::uint64_t>(st.st_size);
    ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
  } else if (S_ISDIR(st.st_mode)) {
    error_ = "cannot read " + path + ": it is a directory";
    return false;
  } else if (S_ISFIFO(st.st_mode)) {
    // A pipe holds 64 KiB by default: one read(2) per 64 KiB, each a wake-up of the writer
    // and of this reader. Grown to a block where the system allows (the unprivileged limit,
    // /proc/sys/fs/pipe-max-size, is 1 MiB by default); refused, it stays as it is.
    if (const std::size_t want = std::min<std::size_t>(block, 1U << 20); want > (64U << 10)) {
      (void)::fcntl(fd_, F_SETPIPE_SZ, static_cast<int>(want));
    }
  }
  cap_ = capacity;
  block_ = std::min(block, capacity);
  const std::size_t n = read_ahead ? SLOTS_READ_AHEAD : SLOTS_INLINE;
  slots_.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    // Not value-initialised: pages are only touched as data arrives.
    slots_.emplace_back(HEAD_ROOM + block_ + WINDOW_PADDING, block_);
    free_.push_back(n - 1 - i);
  }
  if (read_ahead) thread_ = std::thread([this] { run_reader(); });
  return true;
}

void input_window::fill(slot& s, bool in_reader) {
  s.len = s.used = 0;
  s.last = s.failed = s.indexed = false;
  std::uint8_t* dst = s.buf.get() + HEAD_ROOM;
  for (;;) {
    if (!regular_ && in_reader) {
      // A pipe may stay silent for ever: wait in poll(2) so that a stop is noticed.
      pollfd p{fd_, POLLIN, 0};
      const int n = ::poll(&p, 1, POLL_MS);
      if (n == 0 || (n < 0 && errno == EINTR)) {
        std::lock_guard lock(mutex_);
        if (stop_) break;
        continue;
      }
    }
    const ssize_t r = ::read(fd_, dst + s.len, block_ - s.len);
    if (r < 0) {
      if (errno == EINTR) continue;
      reader_error_ = "cannot read " +
                      (path_ == "-" ? std::string("standard input") : path_) + ": " +
                      std::strerror(errno);
      s.failed = true;
      break;
    }
    if (r == 0) {
      s.last = true;
      break;
    }
    s.len += static_cast<std::size_t>(r);
    // A file gives the whole block at once (less only at its end). A pipe gives what its
    // writer has put in so far: read on while more is there already and the block has room
    // (fewer, fuller blocks), and hand over what came as soon as the pipe is empty.
    if (regular_ || s.len == block_) break;
    pollfd more{fd_, POLLIN, 0};
    if (::poll(&more, 1, 0) <= 0 || (more.revents & POLLIN) == 0) break;
  }
  std::memset(dst + s.len, 0, WINDOW_PADDING);
}

void input_window::set_indexer(std::uint8_t delimiter, scan_kernel_fn kernel,
                               std::size_t n_fields, typed_verdicts* verdicts,
                               split_options::ahead_share share) {
  std::lock_guard lock(mutex_);
  index_share_ = share;
  index_fields_ = n_fields;
  index_delimiter_ = delimiter;
  index_kernel_ = kernel;
  index_verdicts_ = verdicts;
}

void input_window::run_reader() {
  for (;;) {
    std::size_t s = NONE;
    scan_kernel_fn kernel = nullptr;
    typed_verdicts* verdicts = nullptr;
    std::size_t n_fields = 0;
    std::uint8_t delimiter = 0;
    {
      std::unique_lock lock(mutex_);
      while (free_.empty() && !stop_) {
        reader_waiting_ = true;
        reader_cv_.wait(lock);
        reader_waiting_ = false;
      }
      if (stop_) return;
      s = free_.back();
      free_.pop_back();
      kernel = index_kernel_;
      // The records listed (and pre-flight's verdicts) share the parser's work, and make
      // this block slower to read: they are given when the parser has every other slot's
      // block waiting for it (this thread as far ahead as the window lets it), so that it
      // cannot run dry while this one is read. Decided on the queue as it is now, not on who
      // waited last: a rule that switched on waits left each thread waiting for the other in
      // turn (about 0.1 s each on the 1 GiB export with pre-flight), this one keeps both busy.
      using share = split_options::ahead_share;
      const bool give = index_share_ == share::always ||
                        (index_share_ == share::balanced && ready_.size() + 2 >= slots_.size());
      verdicts = give ? index_verdicts_ : nullptr;
      n_fields = index_fields_;
      delimiter = index_delimiter_;
    }
    fill(slots_[s], true);
    slot& sl = slots_[s];
    sl.indexed = kernel != nullptr && !sl.failed;
    if (sl.indexed) {
      sl.index.build(sl.buf.get() + HEAD_ROOM, sl.len, delimiter, kernel, n_fields, verdicts);
    }
    const bool done = slots_[s].last || slots_[s].failed;
    bool wake = false;
    {
      std::lock_guard lock(mutex_);
      if (stop_) return;
      ready_.push_back(s);
      // From a file, woken for two blocks, not one (or for the last): fewer wake-ups, each an
      // IPI on a VM. From a pipe, at once: the next bytes may be long in coming.
      wake = consumer_waiting_ && (ready_.size() >= 2 || done || !regular_);
    }
    if (wake) consumer_cv_.notify_one();
    if (done) return;
  }
}

bool input_window::next_slot(std::size_t& index) {
  if (!thread_.joinable()) {
    index = free_.back();  // the window holds at most one slot here: another is free
    free_.pop_back();
    fill(slots_[index], false);
  } else {
    std::unique_lock lock(mutex_);
    while (ready_.empty()) {
      if (reader_waiting_) reader_cv_.notify_one();
      consumer_waiting_ = true;
      consumer_cv_.wait(lock);
      consumer_waiting_ = false;
    }
    index = ready_.front();
    ready_.pop_front();
  }
  if (slots_[index].failed) {
    error_ = reader_error_;
    release(index);
    return false;
  }
  return true;
}

void input_window::release(std::size_t index) {
  if (!thread_.joinable()) {
    free_.push_back(index);
    return;
  }
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    free_.push_back(index);
    wake = reader_waiting_ && free_.size() >= 2;  // a wake-up for two blocks, not one
  }
  if (wake) reader_cv_.notify_one();
}

bool input_window::read_some() {
  if (eof_) return true;
  std::size_t s = pending_;
  if (s == NONE && !next_slot(s)) return false;
  slot& sl = slots_[s];
  std::uint8_t* block = sl.buf.get() + HEAD_ROOM;
  const std::size_t avail = sl.len - sl.used;
  if (len_ <= HEAD_ROOM + sl.used) {
    // The usual case: the tail goes into the head room, right before the new bytes.
    std::uint8_t* dst = block + sl.used - len_;
    if (len_ != 0) std::memcpy(dst, data_, len_);
    data_ = dst;
    len_ += avail;
    if (cur_ != NONE) release(cur_);
    cur_ = s;
    pending_ = NONE;
    eof_ = sl.last;
    return true;
  }
  // A long record: the window lives in the large buffer, filled from the slots.
  if (!big_) big_.reset(new std::uint8_t[cap_ + WINDOW_PADDING]);
  if (data_ != big_.get()) std::memmove(big_.get(), data_, len_);
  data_ = big_.get();
  if (cur_ != NONE) {
    release(cur_);
    cur_ = NONE;
  }
  const std::size_t k = std::min(avail, cap_ - std::min(cap_, len_));
  std::memcpy(big_.get() + len_, block + sl.used, k);
  len_ += k;
  sl.used += k;
  std::memset(big_.get() + len_, 0, WINDOW_PADDING);
  if (sl.used == sl.len) {
    eof_ = sl.last;
    pending_ = NONE;
    release(s);
  } else {
    pending_ = s;
  }
  return true;
}

void input_window::compact(std::size_t from) noexcept {
  from = std::min(from, len_);
  data_ += from;
  len_ -= from;
  base_ += from;
}

}  // namespace mkbulk::engine::detail
