// Declarations of the x86 SIMD scan kernels, one per file in this folder, for scan_dispatch.cpp.
// Only call one after scan_dispatch has checked that the CPU runs its instruction set.
#pragma once

#include <cstddef>
#include <cstdint>

#include "mkbulk/engine/scan_kernel.h"

namespace mkbulk::engine::kernels {

void scan_blocks_sse42(const std::uint8_t* data, std::size_t n_blocks, std::uint8_t delimiter,
                       scan_carry& carry, block_masks* out) noexcept;
void scan_blocks_avx2(const std::uint8_t* data, std::size_t n_blocks, std::uint8_t delimiter,
                      scan_carry& carry, block_masks* out) noexcept;
void scan_blocks_avx512(const std::uint8_t* data, std::size_t n_blocks, std::uint8_t delimiter,
                        scan_carry& carry, block_masks* out) noexcept;

// The UTF-8 checks (utf8_check_simd.h), one per file above.
bool utf8_valid_sse42(const std::uint8_t* data, std::size_t len) noexcept;
bool utf8_valid_avx2(const std::uint8_t* data, std::size_t len) noexcept;
bool utf8_valid_avx512(const std::uint8_t* data, std::size_t len) noexcept;

}  // namespace mkbulk::engine::kernels
