// read(2)-based input window; see input_window.h.
#include "input_window.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace mkbulk::engine::detail {

input_window::~input_window() {
  if (close_fd_ && fd_ >= 0) ::close(fd_);
}

bool input_window::open(const std::string& path, std::size_t capacity) {
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
    file_size_ = static_cast<std::uint64_t>(st.st_size);
    ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
  } else if (S_ISDIR(st.st_mode)) {
    error_ = "cannot read " + path + ": it is a directory";
    return false;
  }
  cap_ = capacity;
  // Not value-initialised: pages are only touched as data arrives, so RSS follows use.
  buf_.reset(new std::uint8_t[cap_ + WINDOW_PADDING]);
  std::memset(buf_.get(), 0, WINDOW_PADDING);
  return true;
}

bool input_window::read_some(std::size_t max) {
  const std::size_t n = std::min(max, cap_ - len_);
  if (n == 0 || eof_) return true;
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
  std::memmove(buf_.get(), buf_.get() + from, len_ - from);
  len_ -= from;
  base_ += from;
  std::memset(buf_.get() + len_, 0, WINDOW_PADDING);
}

}  // namespace mkbulk::engine::detail
