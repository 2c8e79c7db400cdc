// The flags and environment shared by `mkbulk upload`, `run` and `resume`: connection (base
// URL, identity URL, TLS), job parameters, scheduling and polling bounds, and for `run` the
// engine flags it passes to the split. Secrets come from the environment only, never argv.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine_flags.h"
#include "mkbulk/engine/split.h"
#include "preflight_flags.h"
#include "mkbulk/upload/uploader.h"

namespace mkbulk::cli {

struct upload_cli {
  upload::upload_options options;
  engine::split_options split = cli_split_options();  // `run` only
  preflight_flags preflight;     // `run` only: --schema and the value flags
  std::vector<std::string> positional;
  bool json = false;
  bool base_url_given = false;
};

// The --help text of the upload flags (and of the engine flags `run` takes).
[[nodiscard]] std::string_view upload_flags_help() noexcept;
[[nodiscard]] std::string_view run_engine_flags_help() noexcept;

// Parses args into cli (later flags win, so a resume can append overrides). engine_flags: also
// accept the split's flags. Throws usage_error on a bad flag or value.
void parse_upload_flags(std::span<const std::string> args, bool engine_flags, upload_cli& cli);

// Fills what comes from the environment: MKBULK_BASE_URL (when no flag gave one),
// MKBULK_CLIENT_ID, MKBULK_CLIENT_SECRET.
void read_upload_environment(upload_cli& cli);

}  // namespace mkbulk::cli
