// The input side of the pipeline: a file or stdin read with read(2) (no mmap, so pipes work),
// one block at a time, by a read-ahead thread when the run has two threads, so that the
// parsing thread never waits in read(2). The window is the record in progress plus one block:
// each block is read into its own buffer behind some head room, and the unfinished tail of the
// window is copied into that head room (a few hundred bytes, not the block). A tail longer than
// the head room (a record over 64 KiB) moves to one large buffer, allocated on first need, that
// holds up to the capacity. Memory is bounded by the blocks in flight plus the largest record
// the engine buffers, not by the input. 64 zero bytes always follow the data so that a scan
// kernel may read whole blocks past its end.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "block_index.h"
#include "huge_pages.h"
#include "mkbulk/engine/split.h"

namespace mkbulk::engine::detail {

inline constexpr std::size_t WINDOW_PADDING = 128;

class input_window {
 public:
  input_window() = default;
  input_window(const input_window&) = delete;
  input_window& operator=(const input_window&) = delete;
  ~input_window();

  // Opens path ("-" for stdin) with room for capacity bytes, read block bytes at a time (one
  // read(2) per block: fewer at the end of a pipe), ahead by a thread when read_ahead. False
  // with error() on failure.
  [[nodiscard]] bool open(const std::string& path, std::size_t capacity, std::size_t block,
                          bool read_ahead);
  // Appends the next block (or as much of it as the capacity takes). False on a read error.
  [[nodiscard]] bool read_some();
  // Drops the bytes before from: they move out of the window, which now starts at from.
  void compact(std::size_t from) noexcept;
  // From now on the read-ahead thread indexes each block it reads (block_index.h); blocks
  // read before are not. Without a read-ahead thread, nothing is indexed.
  // verdicts (may be null): the records listed ahead, with pre-flight their typed verdicts
  // (typed_verdicts.h); it must outlive the window. share: for which blocks the reader gives
  // them (split_options::ahead_share; balanced: while it is ahead, run_reader).
  void set_indexer(std::uint8_t delimiter, scan_kernel_fn kernel, std::size_t n_fields,
                   typed_verdicts* verdicts,
                   split_options::ahead_share share = split_options::ahead_share::balanced);
  // The index of the block that the window's newest bytes come from (null: none); window
  // position x is block position x + shift.
  [[nodiscard]] const block_index* index(std::ptrdiff_t& shift) const noexcept {
    // Only a slot that was whole when the window moved in: in one partly moved into the large
    // buffer first, the tail was copied over block bytes that the index describes.
    if (cur_ == NONE || !slots_[cur_].indexed || slots_[cur_].used != 0) return nullptr;
    shift = data_ - (slots_[cur_].buf.get() + HEAD_ROOM);
    return &slots_[cur_].index;
  }
  // The same for the parsing thread to add to (block_index::list_records): the slot is its own
  // until the window moves past it.
  [[nodiscard]] block_index* index(std::ptrdiff_t& shift) noexcept {
    const auto* self = this;
    return const_cast<block_index*>(self->index(shift));
  }
  // Block position x of the index that index() gave with shift, in window positions.
  [[nodiscard]] static std::size_t window_pos(std::size_t x, std::ptrdiff_t shift) noexcept {
    return static_cast<std::size_t>(static_cast<std::ptrdiff_t>(x) - shift);
  }

  [[nodiscard]] const std::uint8_t* data() const noexcept { return data_; }
  [[nodiscard]] std::size_t size() const noexcept { return len_; }
  [[nodiscard]] std::size_t capacity() const noexcept { return cap_; }
  [[nodiscard]] std::uint64_t base() const noexcept { return base_; }  // offset of data()[0]
  [[nodiscard]] bool eof() const noexcept { return eof_; }
  [[nodiscard]] std::uint64_t bytes_read() const noexcept { return base_ + len_; }
  [[nodiscard]] std::uint64_t file_size() const noexcept { return file_size_; }  // 0: unknown
  [[nodiscard]] const std::string& error() const noexcept { return error_; }

 private:
  static constexpr std::size_t NONE = ~std::size_t{0};
  static constexpr std::size_t HEAD_ROOM = std::size_t{64} << 10;  // for the window's tail
  struct slot {
    // buf: bytes bytes of head room, block and padding, then what its huge page has left,
    // which arena hands out to index.
    slot(std::size_t bytes, std::size_t block) : slot(huge_page_buffer(bytes), bytes, block) {}
    slot(huge_buffer b, std::size_t bytes, std::size_t block);
    block_buffer buf{nullptr, nullptr};
    std::unique_ptr<tail_resource> arena;
    std::size_t len = 0;                  // bytes read into the block
    std::size_t used = 0;                 // of them, moved into the large buffer
    bool last = false;                    // the input ended after these bytes
    bool failed = false;                  // read(2) failed: reader_error_ says why
    bool indexed = false;                 // index describes the block
    block_index index;
  };

  void fill(slot& s, bool in_reader);  // one read(2) into s (in_reader: polls a pipe)
  [[nodiscard]] bool next_slot(std::size_t& index);  // the next filled slot, in input order
  void release(std::size_t index);                   // back to the reader
  void run_reader();
  void stop_reader() noexcept;

  int fd_ = -1;
  bool close_fd_ = false;
  bool regular_ = false;  // a regular file (a pipe is polled, so that a stop is seen)
  std::size_t cap_ = 0;
  std::size_t block_ = 0;
  std::uint64_t file_size_ = 0;
  std::string path_;
  std::string error_;

  // The window (parsing thread).
  const std::uint8_t* data_ = nullptr;
  std::size_t len_ = 0;
  std::uint64_t base_ = 0;
  bool eof_ = false;
  std::size_t cur_ = NONE;      // the slot that holds the window's data (NONE: big_ or none)
  std::size_t pending_ = NONE;  // a slot partly moved into big_
  std::unique_ptr<std::uint8_t[]> big_;

  // The slots and the read-ahead thread.
  std::vector<slot> slots_;
  std::vector<std::size_t> free_;
  std::deque<std::size_t> ready_;
  std::mutex mutex_;
  std::condition_variable reader_cv_;    // the reader waits for a free slot
  std::condition_variable consumer_cv_;  // the parsing thread waits for a filled one
  bool reader_waiting_ = false;
  bool consumer_waiting_ = false;
  bool stop_ = false;
  scan_kernel_fn index_kernel_ = nullptr;  // set_indexer's, for the reader
  typed_verdicts* index_verdicts_ = nullptr;
  split_options::ahead_share index_share_ = split_options::ahead_share::balanced;
  std::size_t index_fields_ = 0;
  std::uint8_t index_delimiter_ = 0;
  std::string reader_error_;
  std::thread thread_;
};

}  // namespace mkbulk::engine::detail
