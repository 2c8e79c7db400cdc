// Why a record cannot go to Marketo: the reason codes of rejects.csv, the summary's
// reject_counts and the engine's diagnostics. Names are stable: they are part of the output.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace mkbulk::engine {

enum class reject_reason : std::uint8_t {
  field_count_mismatch,       // more or fewer fields than the header
  unterminated_quote,         // a quoted field that never closes (the reader resynchronises)
  bytes_after_closing_quote,  // "abc"x
  invalid_utf8,               // not valid UTF-8
  nul_byte,                   // a NUL byte anywhere in the record
  empty_lookup_field,         // the lookup field (default email) is empty
  record_too_large,           // bigger than any chunk can hold under the byte budget
  duplicate_lookup_key,       // --duplicates reject: the lookup key occurs more than once
  duplicate_key_group_too_big,  // --duplicates allow: one key's rows exceed a chunk's budget
};

inline constexpr std::size_t REJECT_REASON_COUNT = 9;
// Reasons added after manifest version 1 was first written: absent from older manifests'
// reject_counts (read as zero).
inline constexpr std::size_t REJECT_REASON_COUNT_V1 = 7;

// The snake_case code written to rejects.csv and the JSON summary.
[[nodiscard]] std::string_view to_string(reject_reason r) noexcept;
[[nodiscard]] std::optional<reject_reason> reject_reason_from_string(std::string_view s) noexcept;

}  // namespace mkbulk::engine
