// libFuzzer target: arbitrary bytes through every scan kernel this CPU runs, compared with the
// scalar reference (masks and carry), for the three delimiters and both carries in, scanned in
// one call and again in two calls that pass the carry across a block boundary; and each
// kernel's UTF-8 check against the reference (simdjson's validator) on the text and on every
// prefix of its first 130 bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "mkbulk/engine/scan_dispatch.h"
#include "mkbulk/engine/scan_kernel.h"

namespace {

using mkbulk::engine::block_masks;
using mkbulk::engine::SCAN_BLOCK_BYTES;
using mkbulk::engine::scan_carry;

void check(bool ok) {
  if (!ok) std::abort();  // libFuzzer keeps the input that got here
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // The first byte places the text at an unaligned offset; the rest is the text.
  const std::size_t misalign = data[0] % 16;
  ++data;
  --size;
  const std::size_t n_blocks = (size + SCAN_BLOCK_BYTES - 1) / SCAN_BLOCK_BYTES;
  if (n_blocks == 0) return 0;
  std::vector<std::uint8_t> storage(misalign + n_blocks * SCAN_BLOCK_BYTES, 0);
  std::uint8_t* text = storage.data() + misalign;
  std::memcpy(text, data, size);

  std::vector<block_masks> want(n_blocks), got(n_blocks);
  const auto kernels = mkbulk::engine::supported_scan_kernels();
  for (const std::uint8_t delimiter : {std::uint8_t{','}, std::uint8_t{'\t'}, std::uint8_t{';'}}) {
    for (const std::uint64_t carry_in : {std::uint64_t{0}, ~std::uint64_t{0}}) {
      scan_carry want_carry{carry_in};
      mkbulk::engine::scan_blocks_scalar(text, n_blocks, delimiter, want_carry, want.data());
      for (const auto& k : kernels) {
        scan_carry carry{carry_in};
        k.fn(text, n_blocks, delimiter, carry, got.data());
        check(got == want && carry == want_carry);
        // Two calls, the carry handed over between them.
        const std::size_t split = n_blocks / 2;
        scan_carry carry2{carry_in};
        k.fn(text, split, delimiter, carry2, got.data());
        k.fn(text + split * SCAN_BLOCK_BYTES, n_blocks - split, delimiter, carry2,
             got.data() + split);
        check(got == want && carry2 == want_carry);
      }
    }
  }
  // The UTF-8 checks read exactly size bytes: a copy of its own, so that a read past the end
  // is AddressSanitizer's to see.
  const std::vector<std::uint8_t> exact(text, text + size);
  const bool valid = mkbulk::engine::utf8_valid_scalar(exact.data(), size);
  for (const auto& k : kernels) {
    check(k.utf8(exact.data(), size) == valid);
    for (std::size_t n = 0; n <= size && n <= 130; ++n) {
      check(k.utf8(exact.data(), n) == mkbulk::engine::utf8_valid_scalar(exact.data(), n));
    }
  }
  return 0;
}
