// Pre-flight's command-line flags (--schema, --decimal-comma, --date-order, --on-long-value)
// for split, validate and run: parsed here, turned into the engine's preflight_options once the
// schema text is at hand (a file here; `remote` is fetched by mkbulk run).
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "mkbulk/engine/split.h"
#include "mkbulk/engine/value_checks.h"

namespace mkbulk::cli {

struct preflight_flags {
  std::string schema;  // "": no typed checks; "remote"; or a describe.json file
  std::optional<bool> decimal_comma;
  engine::date_order order = engine::date_order::unset;
  engine::long_value_policy on_long = engine::long_value_policy::reject;
  std::string value_flag;  // the first value flag given (an error without --schema)

  [[nodiscard]] bool remote() const noexcept { return schema == "remote"; }
};

// Like parse_engine_flag: applies args[i] (and its value) when it is a pre-flight flag and
// returns how many arguments it used; 0 otherwise. Throws usage_error on a bad value.
std::size_t parse_preflight_flag(std::span<const std::string_view> args, std::size_t i,
                                 preflight_flags& flags);

// Checks the flags together (value flags need --schema). Throws usage_error.
void check_preflight_flags(const preflight_flags& flags);

// Parses describe.json text (read from a file, or fetched) into options.preflight. Throws
// usage_error with the parser's message when it is not a usable schema.
void apply_schema_text(const preflight_flags& flags, std::string_view text,
                       std::string_view source, engine::split_options& options);

// --schema FILE: reads the file and applies it; returns its text (to save with the run).
// Does nothing for no --schema or `remote` (returns "").
std::string apply_schema_file(const preflight_flags& flags, engine::split_options& options);

// Saves the schema text as dir/schema.json (the run's record of what it checked against).
// Returns false with a message when it cannot.
bool save_schema(const std::filesystem::path& dir, std::string_view text, std::string& error);

// The flags' help text, one per line, indented by two spaces.
[[nodiscard]] std::string_view preflight_flags_help() noexcept;

}  // namespace mkbulk::cli
