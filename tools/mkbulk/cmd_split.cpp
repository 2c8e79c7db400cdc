// mkbulk split and mkbulk validate: argument parsing, the progress bar, the summaries and the
// exit code around engine::run_split. validate is split without an output directory.
#include <unistd.h>

#include <cstdio>
#include <string>

#include "commands.h"
#include "engine_flags.h"
#include "exit_codes.h"
#include "preflight_flags.h"
#include "split_report.h"

namespace mkbulk::cli {
namespace {

constexpr std::string_view SPLIT_USAGE =
    "usage: mkbulk split INPUT --out-dir DIR [options]\n"
    "Validates, normalises and splits INPUT ('-' for standard input) into DIR/chunks/,\n"
    "DIR/rejects.csv and DIR/manifest.json.\n\noptions:\n"
    "  --out-dir DIR         output directory (required)\n"
    "  --json                print one JSON summary object on stdout\n";

constexpr std::string_view VALIDATE_USAGE =
    "usage: mkbulk validate INPUT [options]\n"
    "Runs split's checks on INPUT ('-' for standard input) and writes the rejects report only.\n"
    "\noptions:\n"
    "  --rejects FILE        where the rejects report goes (default rejects.csv)\n"
    "  --json                print one JSON summary object on stdout\n";

int run(std::span<const std::string_view> args, bool validate) {
  engine::split_options o = cli_split_options();
  preflight_flags pf;
  bool json = false;
  bool have_input = false;
  std::string rejects = validate ? "rejects.csv" : "";
  for (std::size_t i = 0; i < args.size();) {
    const std::string_view a = args[i];
    if (a == "--help" || a == "-h") {
      std::fprintf(stdout, "%.*s%.*s%.*s", static_cast<int>((validate ? VALIDATE_USAGE : SPLIT_USAGE).size()),
                   (validate ? VALIDATE_USAGE : SPLIT_USAGE).data(),
                   static_cast<int>(engine_flags_help().size()), engine_flags_help().data(),
                   static_cast<int>(preflight_flags_help().size()), preflight_flags_help().data());
      return EXIT_CLEAN;
    }
    if (a == "--json") {
      json = true;
      ++i;
      continue;
    }
    if ((!validate && a == "--out-dir") || (validate && a == "--rejects")) {
      if (i + 1 >= args.size()) throw usage_error(std::string(a) + " needs a value");
      if (validate) {
        rejects = std::string(args[i + 1]);
      } else {
        o.out_dir = std::string(args[i + 1]);
      }
      i += 2;
      continue;
    }
    if (const std::size_t used = parse_engine_flag(args, i, o); used != 0) {
      i += used;
      continue;
    }
    if (const std::size_t used = parse_preflight_flag(args, i, pf); used != 0) {
      i += used;
      continue;
    }
    if (a.starts_with("-") && a != "-") throw usage_error("unknown option '" + std::string(a) + "'");
    if (have_input) throw usage_error("one INPUT only; '" + std::string(a) + "' is a second one");
    o.input_path = std::string(a);
    have_input = true;
    ++i;
  }
  if (!have_input) throw usage_error("INPUT is missing (a file, or '-' for standard input)");
  if (!validate && o.out_dir.empty()) throw usage_error("--out-dir DIR is required");
  if (!validate) rejects = (o.out_dir / "rejects.csv").string();
  o.rejects_path = validate ? std::filesystem::path(rejects) : std::filesystem::path();
  apply_engine_environment(o);
  check_preflight_flags(pf);
  if (pf.remote()) {
    throw usage_error("--schema remote needs the instance's credentials: use it with mkbulk run, "
                      "or save describe.json and pass --schema FILE");
  }
  const std::string schema_text = apply_schema_file(pf, o);

  const bool tty = ::isatty(STDERR_FILENO) != 0;
  progress_bar bar(stderr);
  engine::progress_fn progress;
  if (tty) progress = [&bar](const engine::split_progress& p) { bar.update(p); };
  const engine::split_result r = engine::run_split(o, nullptr, progress);
  bar.finish();
  const std::string out_dir = o.out_dir.string();
  const std::string_view command = validate ? "validate" : "split";
  if (!validate && !schema_text.empty() && r.status == engine::split_status::ok) {
    std::string err;
    if (!save_schema(o.out_dir, schema_text, err)) {
      std::fprintf(stderr, "mkbulk split: %s\n", err.c_str());
      return EXIT_IO;
    }
  }
  print_summary(stderr, command, r, out_dir, rejects);
  if (json) {
    const std::string j = summary_json(r, out_dir, rejects);
    std::fwrite(j.data(), 1, j.size(), stdout);
  }
  return exit_code_of(r);
}

}  // namespace

int cmd_split(std::span<const std::string_view> args) { return run(args, false); }
int cmd_validate(std::span<const std::string_view> args) { return run(args, true); }

}  // namespace mkbulk::cli
