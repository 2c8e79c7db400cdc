// Buffers that a run keeps from start to end, in transparent huge pages where they are large:
// the read blocks, and in the unused end of each block's 2 MiB page its index's arrays
// (block_index.h). On the development VM the first touch of each 4 KiB page of new memory costs
// about 15 us (the hypervisor maps it; the same for memory populated by the kernel ahead), so a
// run of 1 GiB paid some 1,400 of them, most at its start while the other thread waited, where
// one 2 MiB page costs about as much as one of them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <memory_resource>

namespace mkbulk::engine::detail {

inline constexpr std::size_t HUGE_PAGE = std::size_t{2} << 20;

using block_buffer = std::unique_ptr<std::uint8_t[], void (*)(std::uint8_t*)>;  // freed by free()

struct huge_buffer {
  block_buffer data;
  std::size_t usable;  // bytes at data that are ours
};

// At least n bytes, not zeroed (pages are touched as used). From half a 2 MiB page on: whole
// 2 MiB pages, aligned to one and advised MADV_HUGEPAGE (a hint: without transparent huge pages,
// small ones), and usable is the rounded size; below, plain malloc'd memory and usable is n.
// Throws std::bad_alloc. For a read block (1 MiB by default) huge pages also measured cheaper
// in read(2)'s copy into it (the reader's system time 0.21-0.24 s against 0.26-0.33 s a GiB),
// and both threads' passes over it miss the TLB less often; RSS counts a whole page once it
// is touched.
huge_buffer huge_page_buffer(std::size_t n);

// A memory resource over bytes of memory at begin (such a buffer's unused end), then the heap:
// each allocation is cut from what is left there while it fits (a bump pointer), from the
// heap otherwise. Giving back the latest allocation cut from the bytes returns it to them, any
// other of theirs stays used; the heap's go back to the heap. So a vector reserved once stays
// in the bytes, and one that outgrows them moves to the heap and grows there as usual (unlike
// std::pmr::monotonic_buffer_resource, which keeps every buffer to the end). One thread at a
// time.
class tail_resource final : public std::pmr::memory_resource {
 public:
  tail_resource(void* begin, std::size_t bytes) noexcept
      : begin_(static_cast<std::byte*>(begin)), next_(begin_), end_(begin_ + bytes) {}

 private:
  void* do_allocate(std::size_t bytes, std::size_t align) override;
  void do_deallocate(void* p, std::size_t bytes, std::size_t align) override;
  [[nodiscard]] bool do_is_equal(const std::pmr::memory_resource& other) const noexcept override {
    return this == &other;
  }

  std::byte* begin_;
  std::byte* next_;  // the first byte not cut
  std::byte* end_;
  std::byte* last_ = nullptr;  // the latest allocation cut from the bytes (null: none to undo)
};

}  // namespace mkbulk::engine::detail
