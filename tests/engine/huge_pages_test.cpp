// huge_pages.h: a huge-page buffer is whole 2 MiB pages, aligned; a tail_resource cuts
// allocations from its bytes while they fit and takes the rest from the heap, gives back only
// its latest cut, and a block index whose arrays live in one (all of them, some, or none) lists
// exactly what an index on the heap lists.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <memory_resource>
#include <random>
#include <string>
#include <vector>

#include "../../engine/src/block_index.h"
#include "../../engine/src/huge_pages.h"
#include "../../engine/src/typed_verdicts.h"
#include "mkbulk/engine/scan_dispatch.h"

namespace {

using namespace mkbulk::engine;
using namespace mkbulk::engine::detail;

bool inside(const void* p, const std::vector<std::byte>& bytes) {
  const auto* b = static_cast<const std::byte*>(p);
  return b >= bytes.data() && b < bytes.data() + bytes.size();
}

TEST(huge_pages, a_large_buffer_is_whole_aligned_huge_pages_and_a_small_one_its_size) {
  const huge_buffer big = huge_page_buffer((std::size_t{1} << 20) + 4096);
  EXPECT_EQ(big.usable, HUGE_PAGE);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(big.data.get()) % HUGE_PAGE, 0U);
  std::memset(big.data.get(), 0xAB, big.usable);  // all of it is ours
  EXPECT_EQ(big.data[big.usable - 1], 0xAB);
  const huge_buffer three = huge_page_buffer(2 * HUGE_PAGE + 1);
  EXPECT_EQ(three.usable, 3 * HUGE_PAGE);
  const huge_buffer small = huge_page_buffer(1000);
  EXPECT_EQ(small.usable, 1000U);
  small.data[999] = 1;
}

TEST(huge_pages, a_tail_resource_cuts_from_its_bytes_then_takes_from_the_heap) {
  std::vector<std::byte> bytes(4096);
  tail_resource r(bytes.data(), bytes.size());
  void* a = r.allocate(100, 8);
  void* b = r.allocate(64, 64);
  ASSERT_TRUE(inside(a, bytes));
  ASSERT_TRUE(inside(b, bytes));
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(b) % 64, 0U);
  EXPECT_GE(static_cast<std::byte*>(b), static_cast<std::byte*>(a) + 100);
  // Too big for what is left: the heap, and given back to it.
  void* h = r.allocate(8192, 8);
  EXPECT_FALSE(inside(h, bytes));
  std::memset(h, 1, 8192);
  r.deallocate(h, 8192, 8);
  // The latest cut goes back to the bytes; an earlier one stays used.
  r.deallocate(b, 64, 64);
  void* b2 = r.allocate(64, 64);
  EXPECT_EQ(b2, b);
  r.deallocate(a, 100, 8);
  void* c = r.allocate(16, 8);
  EXPECT_TRUE(inside(c, bytes));
  EXPECT_NE(c, a);
  EXPECT_GE(static_cast<std::byte*>(c), static_cast<std::byte*>(b2) + 64);
}

TEST(huge_pages, a_vector_reserved_in_the_bytes_stays_and_one_that_outgrows_them_moves_out) {
  std::vector<std::byte> bytes(1024);
  tail_resource r(bytes.data(), bytes.size());
  std::pmr::vector<std::uint64_t> v(&r);
  v.reserve(64);  // 512 bytes
  void* const first = v.data();
  ASSERT_TRUE(inside(first, bytes));
  for (std::uint64_t i = 0; i < 64; ++i) v.push_back(i);
  EXPECT_TRUE(inside(v.data(), bytes));
  v.push_back(64);  // outgrows its 512 bytes, and 1,024 in all would not hold the next size
  EXPECT_FALSE(inside(v.data(), bytes));
  for (std::uint64_t i = 0; i <= 64; ++i) ASSERT_EQ(v[i], i);
  // Its cut in the bytes was the latest: given back, it is cut again.
  EXPECT_EQ(r.allocate(512, 8), first);
}

// CSV records of three fields with quotes, CRLF and UTF-8, and now and then a short one.
std::string records(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s;
  while (s.size() < n) {
    s += "id" + std::to_string(rng() % 100000) + ",";
    s += rng() % 3 == 0 ? "\"a, \"\"quoted\"\" one\"" : "caf\xc3\xa9";
    if (rng() % 20 != 0) s += ",x" + std::string(rng() % 40, 'v');
    s += rng() % 2 ? "\r\n" : "\n";
  }
  return s;
}

TEST(huge_pages, an_index_in_an_arena_lists_what_one_on_the_heap_lists) {
  const std::string text = records(300'000, 7);
  std::vector<std::uint8_t> buf(text.begin(), text.end());
  buf.resize(text.size() + 128, 0);
  const scan_kernel_fn kernel = supported_scan_kernels()[0].fn;
  typed_verdicts heap_verdicts(',', 3, 1);
  block_index on_heap;
  on_heap.build(buf.data(), text.size(), ',', kernel, 3, &heap_verdicts);
  ASSERT_GT(on_heap.record_count(), 1000U);
  // Room for all the arrays; for the masks only (the records go to the heap); for nothing.
  const std::size_t nb = (text.size() + 63) / 64;
  for (const std::size_t room : {std::size_t{4} << 20, nb * sizeof(block_masks) + 64,
                                 std::size_t{0}}) {
    SCOPED_TRACE(room);
    std::vector<std::byte> bytes(room);
    tail_resource arena(bytes.data(), bytes.size());
    typed_verdicts verdicts(',', 3, 1);
    block_index ix(&arena, text.size());
    ix.build(buf.data(), text.size(), ',', kernel, 3, &verdicts);
    ASSERT_EQ(ix.blocks(), on_heap.blocks());
    EXPECT_EQ(inside(ix.masks(), bytes), room > 0);
    EXPECT_EQ(inside(ix.records(), bytes), room == (std::size_t{4} << 20));
    for (std::size_t i = 0; i < ix.blocks(); ++i) ASSERT_EQ(ix.masks()[i], on_heap.masks()[i]);
    ASSERT_EQ(ix.record_count(), on_heap.record_count());
    for (std::size_t i = 0; i < ix.record_count(); ++i) {
      ASSERT_EQ(ix.records()[i], on_heap.records()[i]) << i;
    }
  }
}

}  // namespace
