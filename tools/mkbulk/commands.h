// The subcommands of the mkbulk command line. Each takes the arguments after its name and
// returns the process exit code (see exit_codes.h); usage errors are thrown as usage_error
// and reported by main.
#pragma once

#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace mkbulk::cli {

struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

using command_fn = int (*)(std::span<const std::string_view> args);

struct command {
  std::string_view name;
  std::string_view summary;
  command_fn run;
};

// Defined by the cmd_*.cpp files.
int cmd_split(std::span<const std::string_view> args);
int cmd_validate(std::span<const std::string_view> args);
int cmd_sniff(std::span<const std::string_view> args);
int cmd_run(std::span<const std::string_view> args);
int cmd_upload(std::span<const std::string_view> args);
int cmd_status(std::span<const std::string_view> args);
int cmd_resume(std::span<const std::string_view> args);

}  // namespace mkbulk::cli
