// mkbulk-sandbox's entry point: reads the environment and the --schema file, starts the
// server, prints the base URL as the first stdout line, and turns SIGINT/SIGTERM into a clean
// stop (the queue's workers finish their current batch; an interrupted job resumes next time).
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <pthread.h>

#include "mkbulk/sandbox/sandbox_options.h"
#include "mkbulk/sandbox/server.h"

namespace {

std::optional<std::string> env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read the schema file '" + path + "'");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace mkbulk::sandbox;
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  sandbox_options options;
  try {
    options = parse_options(args, credential_env{env("MKBULK_SANDBOX_CLIENT_ID"),
                                                 env("MKBULK_SANDBOX_CLIENT_SECRET")});
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mkbulk-sandbox: %s\n", e.what());
    return 2;
  }
  if (options.help) {
    std::fwrite(usage_text().data(), 1, usage_text().size(), stdout);
    return 0;
  }
  // Block the stop signals in every thread; one thread waits for them with sigwait.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  try {
    const std::string schema = options.schema_path.empty() ? "" : read_file(options.schema_path);
    sandbox_server server(options, schema);
    server.bind();
    std::printf("%s\n", server.base_url().c_str());
    std::fflush(stdout);
    std::fprintf(stderr, "mkbulk-sandbox: serving on %s (store: %s, %llu rows/s per job)\n",
                 server.base_url().c_str(), options.db_path.c_str(),
                 static_cast<unsigned long long>(options.rows_per_second));
    std::thread waiter([&server, &stop_signals] {
      int sig = 0;
      sigwait(&stop_signals, &sig);
      server.stop();
    });
    const bool ok = server.run();
    // Wake the waiter if run() ended on its own.
    pthread_kill(waiter.native_handle(), SIGTERM);
    waiter.join();
    std::fprintf(stderr, "mkbulk-sandbox: stopped\n");
    return ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mkbulk-sandbox: %s\n", e.what());
    return 1;
  }
}
