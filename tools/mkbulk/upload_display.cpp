// upload_display: a throttled status line (\r redraw) on a terminal, timestamped lines
// elsewhere (a progress line every 5 s at most).
#include "upload_display.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <utility>
#include <vector>

#include "mkbulk/engine/value_checks.h"

namespace mkbulk::cli {

namespace {

std::string timestamp() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string status_text(const upload::upload_progress& p, const engine::split_progress& s) {
  char buf[320];
  std::snprintf(buf, sizeof buf,
                "split %s%.1f MB | chunks %llu | jobs queued %llu importing %llu done %llu failed "
                "%llu | rows imported %llu failed %llu warned %llu | API calls %llu | depth %u",
                s.passes > 1 && s.pass == 1 ? "pass 1/2 (keys) " : "",
                static_cast<double>(s.bytes_read) / 1e6,
                static_cast<unsigned long long>(p.chunks_known),
                static_cast<unsigned long long>(p.queued),
                static_cast<unsigned long long>(p.importing),
                static_cast<unsigned long long>(p.done),
                static_cast<unsigned long long>(p.failed_jobs),
                static_cast<unsigned long long>(p.rows_imported),
                static_cast<unsigned long long>(p.rows_failed),
                static_cast<unsigned long long>(p.rows_warned),
                static_cast<unsigned long long>(p.api_calls), p.depth);
  return buf;
}

constexpr std::size_t TOP_REASONS = 4;

}  // namespace

std::string local_summary(const upload::run_report& r) {
  std::string out;
  const engine::split_counts& c = r.local;
  std::vector<std::pair<std::uint64_t, std::string_view>> reasons;
  for (std::size_t i = 0; i < engine::REJECT_REASON_COUNT; ++i) {
    if (c.reject_counts[i] != 0) {
      reasons.emplace_back(c.reject_counts[i],
                           engine::to_string(static_cast<engine::reject_reason>(i)));
    }
  }
  for (std::size_t i = 1; i < engine::VALUE_PROBLEM_COUNT; ++i) {
    if (c.value_reject_counts[i] != 0) {
      reasons.emplace_back(c.value_reject_counts[i],
                           engine::to_string(static_cast<engine::value_problem>(i)));
    }
  }
  // Most frequent first; ties in the order rejects.csv's codes are listed.
  std::stable_sort(reasons.begin(), reasons.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  if (!reasons.empty()) {
    out += "rejected locally: " + std::to_string(r.rows_rejected) + " (";
    for (std::size_t i = 0; i < reasons.size() && i < TOP_REASONS; ++i) {
      if (i != 0) out += ", ";
      out += std::string(reasons[i].second) + " " + std::to_string(reasons[i].first);
    }
    if (reasons.size() > TOP_REASONS) {
      out += ", " + std::to_string(reasons.size() - TOP_REASONS) + " more reasons";
    }
    out += "), each with its line and reason in rejects.csv\n";
  }
  if (r.rows_merged != 0) {
    const engine::duplicate_summary& d = r.duplicates;
    out += "duplicates: " + std::to_string(r.rows_merged) + " rows merged into others (" +
           std::to_string(d.repeated_keys) + " repeated lookup keys, --duplicates " +
           (d.policy.empty() ? std::string("merge") : d.policy) + ")";
    if (!d.report.empty()) out += ", every source line in " + d.report;
    out += "\n";
  }
  return out;
}

upload_display::upload_display() : tty_(::isatty(STDERR_FILENO) == 1) {}

void upload_display::line_locked(const std::string& text) {
  if (tty_) {
    if (drawn_) std::fputs("\r\033[K", stderr);
    std::fprintf(stderr, "%s\n", text.c_str());
    drawn_ = false;
    draw_locked(true);
  } else {
    std::fprintf(stderr, "%s %s\n", timestamp().c_str(), text.c_str());
  }
  std::fflush(stderr);
}

void upload_display::draw_locked(bool force) {
  const auto now = std::chrono::steady_clock::now();
  const auto gap = tty_ ? std::chrono::milliseconds(200) : std::chrono::milliseconds(5000);
  if (!force && now - last_draw_ < gap) return;
  last_draw_ = now;
  if (tty_) {
    std::fprintf(stderr, "\r\033[K%s", status_text(last_, split_).c_str());
    drawn_ = true;
  } else if (!force) {
    std::fprintf(stderr, "%s %s\n", timestamp().c_str(), status_text(last_, split_).c_str());
  }
  std::fflush(stderr);
}

void upload_display::on_event(const upload::upload_event& e) {
  std::lock_guard lock(mutex_);
  const char* tag = "";
  switch (e.what) {
    case upload::upload_event::kind::backoff: tag = "back-off: "; break;
    case upload::upload_event::kind::warning: tag = "warning: "; break;
    case upload::upload_event::kind::error: tag = "error: "; break;
    default: break;
  }
  line_locked(tag + e.text);
}

void upload_display::on_progress(const upload::upload_progress& p) {
  std::lock_guard lock(mutex_);
  last_ = p;
  draw_locked(false);
}

void upload_display::on_split(const engine::split_progress& p) {
  std::lock_guard lock(mutex_);
  split_ = p;
  draw_locked(false);
}

void upload_display::note(const std::string& text) {
  std::lock_guard lock(mutex_);
  line_locked(text);
}

void upload_display::finish() {
  std::lock_guard lock(mutex_);
  if (tty_ && drawn_) {
    std::fprintf(stderr, "\r\033[K%s\n", status_text(last_, split_).c_str());
    drawn_ = false;
  } else if (!tty_) {
    std::fprintf(stderr, "%s %s\n", timestamp().c_str(), status_text(last_, split_).c_str());
  }
  std::fflush(stderr);
}

}  // namespace mkbulk::cli
