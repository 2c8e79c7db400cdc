// The input side of the pipeline: a window over the input that holds the record in progress
// plus one read block. A regular file is mapped (mmap, no read() copy; pages behind the cursor
// are dropped with MADV_DONTNEED so RSS stays flat); stdin and pipes are read with read(2) into
// one buffer. At least 64 readable bytes follow the data so that a scan kernel may read whole
// blocks past its end (zeros at the end of the input; in a mapping, the file's next bytes).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

namespace mkbulk::engine::detail {

inline constexpr std::size_t WINDOW_PADDING = 128;

class input_window {
 public:
  input_window() = default;
  input_window(const input_window&) = delete;
  input_window& operator=(const input_window&) = delete;
  ~input_window();

  // Opens path ("-" for stdin) with room for capacity bytes; maps a regular file unless
  // allow_map is false. With touch_ahead, a mapped file's pages are filled and touched ahead of
  // the window by a helper thread. False with error() on failure.
  [[nodiscard]] bool open(const std::string& path, std::size_t capacity, bool allow_map = true,
                          bool touch_ahead = false);
  // Makes up to max more bytes visible (fewer at the end of a pipe or the input). False on error.
  [[nodiscard]] bool read_some(std::size_t max);
  // Drops the bytes before from: they move out of the window, which now starts at from.
  void compact(std::size_t from) noexcept;

  [[nodiscard]] const std::uint8_t* data() const noexcept { return data_; }
  [[nodiscard]] std::size_t size() const noexcept { return len_; }
  [[nodiscard]] std::size_t capacity() const noexcept { return cap_; }
  [[nodiscard]] std::uint64_t base() const noexcept { return base_; }  // offset of data()[0]
  [[nodiscard]] bool eof() const noexcept { return eof_; }
  [[nodiscard]] std::uint64_t bytes_read() const noexcept { return base_ + len_; }
  [[nodiscard]] std::uint64_t file_size() const noexcept { return file_size_; }  // 0: unknown
  [[nodiscard]] const std::string& error() const noexcept { return error_; }
  // True when the input is mapped: bytes at data() stay valid (at the same address) until the
  // window is destroyed, even after compact() (released pages fault back in from the file).
  [[nodiscard]] bool stable() const noexcept { return map_ != nullptr; }

 private:
  bool map_file();
  void populate_ahead() noexcept;
  void release_behind() noexcept;
  void touch_pages() noexcept;

  int fd_ = -1;
  bool close_fd_ = false;
  std::unique_ptr<std::uint8_t[]> buf_;
  std::uint8_t* map_ = nullptr;
  std::size_t map_len_ = 0;
  std::uint64_t released_ = 0;   // mapped pages below this offset were given back
  std::uint64_t populated_ = 0;  // page tables filled up to here
  // The touch-ahead thread follows the end of the window (cursor_) and stops on stop_.
  std::thread toucher_;
  std::atomic<std::uint64_t> cursor_{0};
  std::atomic<bool> stop_{false};
  std::atomic<std::uint8_t> sink_{0};  // what the touches read (so they are not optimised away)
  const std::uint8_t* data_ = nullptr;
  std::size_t cap_ = 0;
  std::size_t len_ = 0;
  std::uint64_t base_ = 0;
  std::uint64_t file_size_ = 0;
  bool eof_ = false;
  std::string path_;
  std::string error_;
};

}  // namespace mkbulk::engine::detail
