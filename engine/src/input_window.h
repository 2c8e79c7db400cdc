// The input side of the pipeline: a file or stdin read with read(2) into one buffer that holds
// the record in progress plus one read block (no mmap, so pipes work; memory is bounded by
// the largest record the engine buffers, not by the input). 64 zero bytes always follow the
// data so that a scan kernel may read whole blocks past its end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace mkbulk::engine::detail {

inline constexpr std::size_t WINDOW_PADDING = 128;

class input_window {
 public:
  input_window() = default;
  input_window(const input_window&) = delete;
  input_window& operator=(const input_window&) = delete;
  ~input_window();

  // Opens path ("-" for stdin) with room for capacity bytes. False with error() on failure.
  [[nodiscard]] bool open(const std::string& path, std::size_t capacity);
  // Reads up to max more bytes (fewer at the end of a pipe or the input). False on error.
  [[nodiscard]] bool read_some(std::size_t max);
  // Drops the bytes before from: they move out of the window, which now starts at from.
  void compact(std::size_t from) noexcept;

  [[nodiscard]] const std::uint8_t* data() const noexcept { return buf_.get(); }
  [[nodiscard]] std::size_t size() const noexcept { return len_; }
  [[nodiscard]] std::size_t capacity() const noexcept { return cap_; }
  [[nodiscard]] std::uint64_t base() const noexcept { return base_; }  // offset of data()[0]
  [[nodiscard]] bool eof() const noexcept { return eof_; }
  [[nodiscard]] std::uint64_t bytes_read() const noexcept { return base_ + len_; }
  [[nodiscard]] std::uint64_t file_size() const noexcept { return file_size_; }  // 0: unknown
  [[nodiscard]] const std::string& error() const noexcept { return error_; }

 private:
  int fd_ = -1;
  bool close_fd_ = false;
  std::unique_ptr<std::uint8_t[]> buf_;
  std::size_t cap_ = 0;
  std::size_t len_ = 0;
  std::uint64_t base_ = 0;
  std::uint64_t file_size_ = 0;
  bool eof_ = false;
  std::string path_;
  std::string error_;
};

}  // namespace mkbulk::engine::detail
