// mkbulk resume DIR: finishes an interrupted `run` or `upload` from its journal. The original
// flags come from the journal; flags given here are applied after them (connection flags, a
// different --max-queued, ...). Chunks whose jobs were acknowledged are never sent again.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "commands.h"
#include "exit_codes.h"
#include "mkbulk/upload/journal.h"
#include "upload_flags.h"
#include "upload_session.h"

namespace mkbulk::cli {

int cmd_resume(std::span<const std::string_view> args) {
  std::vector<std::string> a(args.begin(), args.end());
  for (const auto& s : a) {
    if (s == "--help" || s == "-h") {
      std::printf("usage: mkbulk resume DIR [options]\n\nFinishes the run journaled in DIR. "
                  "The run's own options are reused; options given here override them.\n\n%s",
                  std::string(upload_flags_help()).c_str());
      return 0;
    }
  }
  if (a.empty() || a[0].rfind("--", 0) == 0) throw usage_error("expected: mkbulk resume DIR");
  const std::filesystem::path dir = a[0];
  std::vector<upload::journal_entry> entries;
  std::string error;
  if (!upload::read_journal(dir, entries, error)) {
    std::fprintf(stderr, "mkbulk resume: %s\n", error.c_str());
    return EXIT_IO;
  }
  if (entries.empty() || entries.front().event != "run_started") {
    std::fprintf(stderr, "mkbulk resume: %s has no journal of a run (nothing to resume)\n",
                 dir.string().c_str());
    return EXIT_IO;
  }
  session_request req;
  std::vector<std::string> stored;
  if (!parse_run_started(entries.front().line, req.mode, req.input, stored)) {
    std::fprintf(stderr, "mkbulk resume: %s: unreadable run_started entry\n",
                 dir.string().c_str());
    return EXIT_IO;
  }
  req.run_dir = dir;
  req.args = stored;
  std::vector<std::string> all = stored;
  all.insert(all.end(), a.begin() + 1, a.end());
  parse_upload_flags(all, req.mode == "run", req.cli);
  if (!req.cli.positional.empty()) throw usage_error("unexpected argument " + req.cli.positional[0]);
  // The schema the run checked against is the one saved in the run directory (a relative
  // --schema path or `remote` would otherwise be read again, from wherever resume runs), unless
  // this command line names another.
  const bool schema_here = std::any_of(a.begin() + 1, a.end(), [](const std::string& s) {
    return s == "--schema" || s.starts_with("--schema=");
  });
  if (!req.cli.preflight.schema.empty() && !schema_here &&
      std::filesystem::exists(dir / "schema.json")) {
    req.cli.preflight.schema = (dir / "schema.json").string();
  }
  return run_upload_session(req);
}

}  // namespace mkbulk::cli
