// mkbulk upload DIR: uploads a directory that `mkbulk split` wrote (its manifest and chunks),
// merges the results into DIR and writes DIR/report.json.
#include <cstdio>
#include <string>
#include <vector>

#include "commands.h"
#include "upload_flags.h"
#include "upload_session.h"

namespace mkbulk::cli {

int cmd_upload(std::span<const std::string_view> args) {
  std::vector<std::string> a(args.begin(), args.end());
  for (const auto& s : a) {
    if (s == "--help" || s == "-h") {
      std::printf("usage: mkbulk upload DIR [options]\n\nUploads the chunks a 'mkbulk split' "
                  "wrote to DIR as Marketo bulk import jobs, then writes DIR/failures.csv, "
                  "warnings.csv, retry.csv and report.json. Interrupted: 'mkbulk resume DIR'.\n\n%s",
                  std::string(upload_flags_help()).c_str());
      return 0;
    }
  }
  session_request req;
  req.mode = "upload";
  parse_upload_flags(a, false, req.cli);
  if (req.cli.positional.size() != 1) throw usage_error("expected one directory: mkbulk upload DIR");
  req.run_dir = req.cli.positional[0];
  for (const auto& s : a) {
    if (s != req.cli.positional[0]) req.args.push_back(s);
  }
  return run_upload_session(req);
}

}  // namespace mkbulk::cli
