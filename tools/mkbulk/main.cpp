// mkbulk's entry point: picks the subcommand and turns exceptions at the outer boundary into
// messages and exit codes. Everything else lives in the cmd_*.cpp files and the libraries.
#include <cstdio>
#include <exception>
#include <span>
#include <string_view>
#include <vector>

#include "commands.h"
#include "exit_codes.h"

namespace {

using mkbulk::cli::command;

constexpr command COMMANDS[] = {
    {"split", "validate, normalise and split an export into chunk files", mkbulk::cli::cmd_split},
    {"validate", "run the checks of split and write the rejects report only",
     mkbulk::cli::cmd_validate},
    {"sniff", "show the dialect and header mapping split would use", mkbulk::cli::cmd_sniff},
    {"run", "split an export and upload it to Marketo in one pipeline", mkbulk::cli::cmd_run},
    {"upload", "upload a directory that 'mkbulk split' wrote", mkbulk::cli::cmd_upload},
    {"status", "show where a run stands (from its journal)", mkbulk::cli::cmd_status},
    {"resume", "finish an interrupted run or upload", mkbulk::cli::cmd_resume},
};

void print_usage(std::FILE* out) {
  std::fprintf(out, "usage: mkbulk <command> [options]\n\ncommands:\n");
  for (const auto& c : COMMANDS) {
    std::fprintf(out, "  %-10.*s %.*s\n", static_cast<int>(c.name.size()), c.name.data(),
                 static_cast<int>(c.summary.size()), c.summary.data());
  }
  std::fprintf(out, "\n'mkbulk <command> --help' shows a command's options.\n");
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    print_usage(args.empty() ? stderr : stdout);
    return args.empty() ? mkbulk::cli::EXIT_USAGE : mkbulk::cli::EXIT_CLEAN;
  }
  if (args[0] == "--version") {
    std::printf("mkbulk 0.1.0\n");
    return mkbulk::cli::EXIT_CLEAN;
  }
  for (const auto& c : COMMANDS) {
    if (c.name != args[0]) continue;
    try {
      return c.run(std::span<const std::string_view>(args).subspan(1));
    } catch (const mkbulk::cli::usage_error& e) {
      std::fprintf(stderr, "mkbulk %s: %s\n", argv[1], e.what());
      return mkbulk::cli::EXIT_USAGE;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "mkbulk %s: %s\n", argv[1], e.what());
      return mkbulk::cli::EXIT_SOFTWARE;
    }
  }
  std::fprintf(stderr, "mkbulk: unknown command '%s'\n\n", argv[1]);
  print_usage(stderr);
  return mkbulk::cli::EXIT_USAGE;
}
