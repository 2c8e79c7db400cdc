// mkbulk run INPUT --out-dir DIR: validate, split, upload and merge in one pipeline; the first
// job is submitted as soon as the first chunk is on disk, while the split goes on.
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "commands.h"
#include "upload_flags.h"
#include "upload_session.h"

namespace mkbulk::cli {

int cmd_run(std::span<const std::string_view> args) {
  std::vector<std::string> a(args.begin(), args.end());
  for (const auto& s : a) {
    if (s == "--help" || s == "-h") {
      std::printf("usage: mkbulk run INPUT --out-dir DIR [options]\n\nSplits INPUT into DIR and "
                  "uploads each chunk as soon as it is written; writes DIR/failures.csv, "
                  "warnings.csv, retry.csv and report.json. Interrupted: 'mkbulk resume DIR'.\n"
                  "Exit codes: 0 all imported, 1 rows failed or rejected, 65 input unusable, "
                  "74 I/O, 75 stopped but resumable, 77 authentication, 78 configuration.\n\n"
                  "%s\nsplit (engine) flags:\n%s",
                  std::string(upload_flags_help()).c_str(),
                  std::string(run_engine_flags_help()).c_str());
      return 0;
    }
  }
  session_request req;
  req.mode = "run";
  std::vector<std::string> rest;
  std::string out_dir;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] == "--out-dir") {
      if (i + 1 >= a.size()) throw usage_error("--out-dir needs a value");
      out_dir = a[++i];
    } else if (a[i].rfind("--out-dir=", 0) == 0) {
      out_dir = a[i].substr(10);
    } else {
      rest.push_back(a[i]);
    }
  }
  if (out_dir.empty()) throw usage_error("--out-dir DIR is required");
  parse_upload_flags(rest, true, req.cli);
  if (req.cli.positional.size() != 1) throw usage_error("expected one input file");
  std::error_code ec;
  const std::string input = req.cli.positional[0];
  req.input = input == "-" ? input : std::filesystem::absolute(input, ec).string();
  req.run_dir = out_dir;
  for (const auto& s : rest) {
    if (s != input) req.args.push_back(s);
  }
  return run_upload_session(req);
}

}  // namespace mkbulk::cli
