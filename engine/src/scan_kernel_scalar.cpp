// The scalar reference kernel: byte by byte, no tricks, so that it is obviously right.
// The SIMD kernels are tested against it on random and adversarial input.
#include "mkbulk/engine/scan_kernel.h"

#include <simdjson.h>

namespace mkbulk::engine {

bool utf8_valid_scalar(const std::uint8_t* data, std::size_t len) noexcept {
  return simdjson::validate_utf8(reinterpret_cast<const char*>(data), len);
}

void scan_blocks_scalar(const std::uint8_t* data, std::size_t n_blocks, std::uint8_t delimiter,
                        scan_carry& carry, block_masks* out) noexcept {
  bool in_quote = carry.in_quote != 0;
  for (std::size_t b = 0; b < n_blocks; ++b) {
    const std::uint8_t* block = data + b * SCAN_BLOCK_BYTES;
    block_masks m{0, 0, 0, 0};
    for (std::size_t i = 0; i < SCAN_BLOCK_BYTES; ++i) {
      const std::uint8_t c = block[i];
      const std::uint64_t bit = std::uint64_t{1} << i;
      if (c == '"') {
        m.quote |= bit;
        in_quote = !in_quote;
      } else if (!in_quote && (c == delimiter || c == '\n' || c == '\r')) {
        m.structural |= bit;
      }
      if (c == 0 || c >= 0x80) m.special |= bit;
      if (c == 0) carry.nul |= bit;
      if (c == '\n' || c == '\r') m.newline |= bit;
    }
    out[b] = m;
  }
  carry.in_quote = in_quote ? ~std::uint64_t{0} : 0;
}

}  // namespace mkbulk::engine
