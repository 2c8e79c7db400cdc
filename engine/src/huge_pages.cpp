// Buffers in transparent huge pages; see huge_pages.h.
#include "huge_pages.h"

#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>
#include <new>

namespace mkbulk::engine::detail {
namespace {
void free_buffer(std::uint8_t* p) { std::free(p); }
}  // namespace

huge_buffer huge_page_buffer(std::size_t n) {
  const bool huge = n >= HUGE_PAGE / 2;
  const std::size_t usable = huge ? (n + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE : n;
  void* p = huge ? std::aligned_alloc(HUGE_PAGE, usable) : std::malloc(usable);
  if (p == nullptr) throw std::bad_alloc();
#if defined(MADV_HUGEPAGE)
  if (huge) (void)::madvise(p, usable, MADV_HUGEPAGE);  // a hint: without THP, plain pages
#endif
  return {block_buffer(static_cast<std::uint8_t*>(p), &free_buffer), usable};
}

void* tail_resource::do_allocate(std::size_t bytes, std::size_t align) {
  const auto at = reinterpret_cast<std::uintptr_t>(next_);
  const std::uintptr_t aligned = (at + align - 1) / align * align;
  const auto room = static_cast<std::size_t>(end_ - next_);
  if (aligned - at <= room && bytes <= room - (aligned - at)) {
    last_ = next_ + (aligned - at);
    next_ = last_ + bytes;
    return last_;
  }
  return std::pmr::new_delete_resource()->allocate(bytes, align);
}

void tail_resource::do_deallocate(void* p, std::size_t bytes, std::size_t align) {
  auto* b = static_cast<std::byte*>(p);
  if (b >= begin_ && b < end_) {
    if (b == last_ && b + bytes == next_) {
      next_ = b;
      last_ = nullptr;
    }
    return;
  }
  std::pmr::new_delete_resource()->deallocate(p, bytes, align);
}

}  // namespace mkbulk::engine::detail
