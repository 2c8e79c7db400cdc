// CRC-32C (Castagnoli) of chunk files, as the manifest records it, computed by ISA-L.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mkbulk::engine::detail {

// Extends crc (0 for a fresh checksum) over n bytes at data. Standard CRC-32C: pre- and
// post-inverted, so crc32c_extend(0, "123456789", 9) == 0xE3069283.
[[nodiscard]] std::uint32_t crc32c_extend(std::uint32_t crc, const void* data,
                                          std::size_t n) noexcept;

}  // namespace mkbulk::engine::detail
