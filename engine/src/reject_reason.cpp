// Names of the reject reasons; kept in one table so that both directions agree.
#include "mkbulk/engine/reject_reason.h"

#include <array>

namespace mkbulk::engine {
namespace {
constexpr std::array<std::string_view, REJECT_REASON_COUNT> NAMES = {
    "field_count_mismatch", "unterminated_quote", "bytes_after_closing_quote", "invalid_utf8",
    "nul_byte",             "empty_lookup_field", "record_too_large",
    "duplicate_lookup_key", "duplicate_key_group_too_big",
};
}  // namespace

std::string_view to_string(reject_reason r) noexcept { return NAMES[static_cast<std::size_t>(r)]; }

std::optional<reject_reason> reject_reason_from_string(std::string_view s) noexcept {
  for (std::size_t i = 0; i < NAMES.size(); ++i) {
    if (NAMES[i] == s) return static_cast<reject_reason>(i);
  }
  return std::nullopt;
}

}  // namespace mkbulk::engine
