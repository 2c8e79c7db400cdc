// The engine's command-line flags (dialect, mapping, budget, rejects, threads), parsed into a
// split_options. Shared by split and validate, and reusable by `mkbulk run`.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "mkbulk/engine/split.h"

namespace mkbulk::cli {

// One command-line flag as given: "--name=value" (has_inline) or "--name" with its value, if
// any, in the next argument. Shared by every flag parser of the command line.
struct flag_arg {
  std::string_view name;
  std::string_view inline_value;
  bool has_inline = false;
};
[[nodiscard]] flag_arg split_flag(std::string_view arg) noexcept;
// The value of a flag that takes one: its inline part, or args[i+1]. Sets used to the number of
// arguments consumed (1 or 2); throws usage_error when the value is missing.
[[nodiscard]] std::string_view flag_value(const flag_arg& flag,
                                          std::span<const std::string_view> args, std::size_t i,
                                          std::size_t& used);

// If args[i] is an engine flag, applies it (and its value: args[i+1], or after '=' in
// "--flag=value") to options and returns how many arguments it used (1 or 2); returns 0 when
// args[i] is not an engine flag. Throws usage_error on a missing or bad value.
//   --max-bytes N  --format csv|tsv|ssv  --delimiter ,|tab|;  --out-format csv|tsv|ssv
//   --lookup-field F  --map SOURCE=FIELD  --drop-unknown  --drop-column NAME  --trim
//   --max-rejects N  --threads N  --block-bytes N  --kernel NAME
//   --duplicates merge|keep-last|keep-first|reject|allow|off  (off: options.duplicates unset)
std::size_t parse_engine_flag(std::span<const std::string_view> args, std::size_t i,
                              engine::split_options& options);

// The options every command that splits starts from, before its flags: the engine's defaults
// but --duplicates merge (the engine's own default is no duplicate pass, which the command
// line spells --duplicates off).
[[nodiscard]] engine::split_options cli_split_options();

// Applies what the environment says (MKBULK_FORCE_KERNEL) unless a flag already did. Every
// command that splits calls it.
void apply_engine_environment(engine::split_options& options);

// The flags' help text, one per line, indented by two spaces.
[[nodiscard]] std::string_view engine_flags_help() noexcept;

// Exit code for a finished split or validate (exit_codes.h).
[[nodiscard]] int exit_code_of(const engine::split_result& result) noexcept;

}  // namespace mkbulk::cli
