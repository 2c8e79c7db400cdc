// One upload session, shared by `mkbulk upload`, `run` and `resume`: opens the run directory's
// journal, feeds the uploader chunks (from the manifest, or from a split running alongside),
// shows progress, handles SIGINT/SIGTERM (stop, resumable), prints the result and maps it to
// an exit code.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "upload_flags.h"

namespace mkbulk::cli {

struct session_request {
  std::string mode;                // "run" (split and upload) or "upload" (a split directory)
  std::filesystem::path run_dir;
  std::string input;               // run: the input file (absolute)
  std::vector<std::string> args;   // the flags as given, journaled so that resume can reuse them
  upload_cli cli;
};

[[nodiscard]] int run_upload_session(session_request& req);

// The run_started journal entry for req (mode, input, args; never a secret).
[[nodiscard]] std::string run_started_entry(const session_request& req);
// Reads it back; false when the line is not a run_started entry.
[[nodiscard]] bool parse_run_started(const std::string& line, std::string& mode,
                                     std::string& input, std::vector<std::string>& args);

}  // namespace mkbulk::cli
