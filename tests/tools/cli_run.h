// Runs the mkbulk command line as a user would (a shell in a test's temp directory, optional
// standard input from a file) and captures its exit code, stdout and stderr: shared by the CLI
// tests in this folder.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <string>

#include "split_test_support.h"

namespace mkbulk::engine::testing {

struct run_result {
  int code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// args: a command line built from trusted test strings (quoted by the caller as needed).
inline run_result run(const temp_dir& dir, const std::string& args,
                      const std::string& stdin_file = "") {
  const auto out = dir.path() / "stdout.txt";
  const auto err = dir.path() / "stderr.txt";
  std::string cmd = "cd '" + dir.path().string() + "' && '" MKBULK_CLI "' " + args;
  if (!stdin_file.empty()) cmd += " < '" + stdin_file + "'";
  cmd += " > '" + out.string() + "' 2> '" + err.string() + "'";
  const int status = std::system(cmd.c_str());
  run_result r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_file(out);
  r.err = read_file(err);
  return r;
}

}  // namespace mkbulk::engine::testing
