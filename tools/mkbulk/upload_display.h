// What the user sees while an upload runs: on a terminal, one status line redrawn in place
// with notices printed above it; otherwise plain timestamped lines. Everything goes to stderr;
// stdout is kept for the final summary or --json report.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

#include "mkbulk/upload/report.h"

#include "mkbulk/engine/split.h"
#include "mkbulk/upload/uploader.h"

namespace mkbulk::cli {

// The end-of-run summary's lines about the local side (stdout): local rejects by reason (the
// most frequent few) and, when --duplicates merged rows, the merge. "" when there is neither.
[[nodiscard]] std::string local_summary(const upload::run_report& r);

class upload_display {
 public:
  upload_display();
  void on_event(const upload::upload_event& e);
  void on_progress(const upload::upload_progress& p);
  void on_split(const engine::split_progress& p);
  void note(const std::string& text);  // a notice, e.g. the --insecure warning
  void finish();                       // ends the status line

 private:
  void draw_locked(bool force);
  void line_locked(const std::string& text);
  std::mutex mutex_;
  bool tty_ = false;
  bool drawn_ = false;
  upload::upload_progress last_{};
  engine::split_progress split_{};
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace mkbulk::cli
