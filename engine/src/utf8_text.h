// Small UTF-8 helpers of the engine's slow paths: the length of one valid sequence (to escape
// only the invalid bytes of a rejected record) and the position of the first invalid byte.
#pragma once

#include <cstddef>
#include <string_view>

namespace mkbulk::engine::detail {

// The length (1-4) of the valid UTF-8 sequence starting at s[i], or 0 when s[i] does not start
// one (stray continuation byte, overlong form, surrogate, > U+10FFFF, cut short).
[[nodiscard]] std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept;

// The offset of the first byte that is not part of a valid sequence; s.size() when all valid.
[[nodiscard]] std::size_t first_invalid_utf8(std::string_view s) noexcept;

}  // namespace mkbulk::engine::detail
