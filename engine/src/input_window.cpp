// The input window: a mapping of a regular file, else read(2) into a buffer; see input_window.h.
#include "input_window.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace mkbulk::engine::detail {
namespace {
// Mapped pages are given back in steps of RELEASE_STEP, keeping RELEASE_LAG bytes behind the
// window's start mapped: the chunk writer may still be writing rows from there (a page it
// touches after the release faults back in from the page cache, so this is only about speed).
// Released in big steps: each release is a TLB shootdown across the process's threads.
constexpr std::uint64_t RELEASE_LAG = std::uint64_t{8} << 20;
constexpr std::uint64_t RELEASE_STEP = std::uint64_t{8} << 20;
// Page tables are filled ahead of the window this much at a time (MADV_POPULATE_READ): one
// call instead of a page fault per 64 KiB, which costs much more under a hypervisor.
constexpr std::uint64_t POPULATE_STEP = std::uint64_t{4} << 20;
constexpr std::uint64_t TOUCH_AHEAD = std::uint64_t{8} << 20;
}  // namespace

input_window::~input_window() {
  if (toucher_.joinable()) {
    stop_.store(true);
    cursor_.fetch_add(1);  // wakes the thread
    cursor_.notify_one();
    toucher_.join();
  }
  if (map_ != nullptr) ::munmap(map_, map_len_);
  if (close_fd_ && fd_ >= 0) ::close(fd_);
}

bool input_window::open(const std::string& path, std::size_t capacity, bool allow_map,
                        bool touch_ahead) {
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
  cap_ = capacity;
  struct stat st {};
  if (::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode)) {
    file_size_ = static_cast<std::uint64_t>(st.st_size);
    ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
    if (allow_map && path != "-" && file_size_ != 0 && map_file()) {
      if (touch_ahead) toucher_ = std::thread([this] { touch_pages(); });
      return true;
    }
  } else if (S_ISDIR(st.st_mode)) {
    error_ = "cannot read " + path + ": it is a directory";
    return false;
  }
  // Not value-initialised: pages are only touched as data arrives, so RSS follows use.
  buf_.reset(new std::uint8_t[cap_ + WINDOW_PADDING]);
  std::memset(buf_.get(), 0, WINDOW_PADDING);
  data_ = buf_.get();
  return true;
}

// Reserves the file's size plus a page of zeros, then maps the file over the start of the
// reservation: the scan kernels' reads past the last byte land on zeros, never past the end.
bool input_window::map_file() {
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  if (file_size_ > SIZE_MAX - 2 * page) return false;
  const auto size = static_cast<std::size_t>(file_size_);
  const std::size_t file_pages = (size + page - 1) / page * page;
  const std::size_t total = file_pages + std::max(page, WINDOW_PADDING);
  void* r = ::mmap(nullptr, total, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (r == MAP_FAILED) return false;
  void* m = ::mmap(r, size, PROT_READ, MAP_SHARED | MAP_FIXED, fd_, 0);
  if (m == MAP_FAILED) {
    ::munmap(r, total);
    return false;
  }
  map_ = static_cast<std::uint8_t*>(m);
  map_len_ = total;
  ::madvise(map_, size, MADV_SEQUENTIAL);
  data_ = map_;
  return true;
}

bool input_window::read_some(std::size_t max) {
  const std::size_t n = std::min(max, cap_ - len_);
  if (n == 0 || eof_) return true;
  if (map_ != nullptr) {
    const std::uint64_t left = file_size_ - (base_ + len_);
    len_ += static_cast<std::size_t>(std::min<std::uint64_t>(n, left));
    eof_ = base_ + len_ == file_size_;
    if (toucher_.joinable()) {
      cursor_.store(base_ + len_);
      cursor_.notify_one();
    } else {
      populate_ahead();
    }
    return true;
  }
  for (;;) {
    const ssize_t r = ::read(fd_, buf_.get() + len_, n);
    if (r < 0) {
      if (errno == EINTR) continue;
      error_ = "cannot read " + (path_ == "-" ? std::string("standard input") : path_) + ": " +
               std::strerror(errno);
      return false;
    }
    if (r == 0) eof_ = true;
    len_ += static_cast<std::size_t>(r);
    break;
  }
  std::memset(buf_.get() + len_, 0, WINDOW_PADDING);
  return true;
}

void input_window::compact(std::size_t from) noexcept {
  from = std::min(from, len_);
  if (from == 0) return;
  len_ -= from;
  base_ += from;
  if (map_ != nullptr) {
    data_ = map_ + base_;
    release_behind();
    return;
  }
  std::memmove(buf_.get(), buf_.get() + from, len_);
  std::memset(buf_.get() + len_, 0, WINDOW_PADDING);
}

void input_window::populate_ahead() noexcept {
#if defined(MADV_POPULATE_READ)
  if (populated_ >= base_ + len_ + WINDOW_PADDING || populated_ >= file_size_) return;
  populated_ = std::max(populated_, base_ / POPULATE_STEP * POPULATE_STEP);
  const std::uint64_t to = std::min(file_size_, base_ + len_ + POPULATE_STEP);
  // Failure (an older kernel) is harmless: the pages fault in as they are read.
  ::madvise(map_ + populated_, static_cast<std::size_t>(to - populated_), MADV_POPULATE_READ);
  populated_ = to;
#endif
}

// The first touch of a mapped page is expensive (a page fault, and under a hypervisor with
// shadow page tables a second one on the host): this thread takes it, TOUCH_AHEAD bytes ahead
// of the window, so the parsing thread finds the pages ready.
void input_window::touch_pages() noexcept {
  const auto page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  std::uint64_t touched = 0;
  while (!stop_.load()) {
    const std::uint64_t cursor = cursor_.load();
    // Behind the window's end (a slow start): the parser reads those pages itself, and pages
    // behind the window may already be released: never touch them again.
    if (touched < cursor) touched = cursor / page * page;
    const std::uint64_t target = std::min(file_size_, cursor + TOUCH_AHEAD);
    if (touched >= target) {
      if (touched >= file_size_) return;
      cursor_.wait(cursor);  // until the window moves on
      continue;
    }
    const std::uint64_t to = std::min(target, touched + POPULATE_STEP);
#if defined(MADV_POPULATE_READ)
    ::madvise(map_ + touched, static_cast<std::size_t>(to - touched), MADV_POPULATE_READ);
#endif
    std::uint8_t sum = 0;
    for (std::uint64_t at = touched; at < to; at += page) {
      sum = static_cast<std::uint8_t>(sum + *static_cast<volatile const std::uint8_t*>(map_ + at));
    }
    sink_ = sum;
    touched = to;
  }
}

void input_window::release_behind() noexcept {
  if (base_ < released_ + RELEASE_LAG + RELEASE_STEP) return;
  const auto page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  const std::uint64_t upto = (base_ - RELEASE_LAG) / page * page;
  if (upto <= released_) return;
  ::madvise(map_ + released_, static_cast<std::size_t>(upto - released_), MADV_DONTNEED);
  released_ = upto;
}

}  // namespace mkbulk::engine::detail
