// Progress bar and summaries of split/validate; the only place that formats those numbers.
#include "split_report.h"

#include <filesystem>

#include "mkbulk/engine/count_json.h"
#include "mkbulk/engine/json_text.h"
#include "mkbulk/engine/value_checks.h"

namespace mkbulk::cli {
namespace {

std::string with_commas(std::uint64_t n) {
  const std::string digits = std::to_string(n);
  std::string s;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0) s.push_back(',');
    s.push_back(digits[i]);
  }
  return s;
}

std::string human_bytes(double b) {
  static constexpr const char* UNITS[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  std::size_t u = 0;
  while (b >= 1024.0 && u + 1 < std::size(UNITS)) {
    b /= 1024.0;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", b, UNITS[u]);
  return buf;
}

}  // namespace

std::string_view status_name(engine::split_status s) noexcept {
  switch (s) {
    case engine::split_status::ok: return "ok";
    case engine::split_status::bad_header: return "bad_header";
    case engine::split_status::bad_dialect: return "bad_dialect";
    case engine::split_status::too_many_rejects: return "too_many_rejects";
    case engine::split_status::io_error: return "io_error";
  }
  return "unknown";
}

progress_bar::progress_bar(std::FILE* out)
    : out_(out), start_(std::chrono::steady_clock::now()), last_(start_) {}

void progress_bar::update(const engine::split_progress& p) {
  const auto now = std::chrono::steady_clock::now();
  if (p.pass != pass_) {  // a new pass reads the input from its start: rate and ETA anew
    pass_ = p.pass;
    start_ = now;
  } else if (drawn_ && now - last_ < std::chrono::milliseconds(100)) {
    return;
  }
  last_ = now;
  drawn_ = true;
  const double secs = std::chrono::duration<double>(now - start_).count();
  const double rate = secs > 0 ? static_cast<double>(p.bytes_read) / secs : 0.0;
  // --duplicates' keys-only first pass writes nothing: say so, then the normal bar.
  std::string line = p.passes > 1 && p.pass == 1 ? "pass 1/" + std::to_string(p.passes) + " (keys)  "
                                                 : std::string();
  line += human_bytes(static_cast<double>(p.bytes_read));
  if (p.input_bytes != 0) line += " / " + human_bytes(static_cast<double>(p.input_bytes));
  char buf[64];
  std::snprintf(buf, sizeof buf, "  %.0f MB/s  ", rate / 1e6);
  line += buf;
  line += with_commas(p.rows) + " rows";
  if (p.input_bytes != 0 && rate > 0 && p.bytes_read <= p.input_bytes) {
    const auto eta = static_cast<std::uint64_t>(static_cast<double>(p.input_bytes - p.bytes_read) / rate);
    std::snprintf(buf, sizeof buf, "  ETA %llu:%02llu", static_cast<unsigned long long>(eta / 60),
                  static_cast<unsigned long long>(eta % 60));
    line += buf;
  }
  std::fprintf(out_, "\r%-78s", line.c_str());
  std::fflush(out_);
}

void progress_bar::finish() {
  if (!drawn_) return;
  std::fprintf(out_, "\r%78s\r", "");
  std::fflush(out_);
}

namespace {
// ,"duplicates":{...} when the duplicate pass ran (policy set), even if nothing repeated.
void append_duplicates_json(std::string& o, const engine::duplicate_summary& d) {
  if (d.policy.empty()) return;
  o += ",\"duplicates\":";
  engine::append_duplicate_summary_json(o, d);
}

// "duplicates: 12 keys repeated, 42 rows merged into 12 (see out/duplicates.csv)"
std::string duplicates_line(const engine::duplicate_summary& d, std::string_view report_dir) {
  std::string s = "duplicates: " + with_commas(d.repeated_keys);
  s += d.repeated_keys == 1 ? " key repeated, " : " keys repeated, ";
  const std::uint64_t kept = d.repeated_keys;
  if (d.policy == "reject") {
    s += with_commas(d.rows_rejected) + " rows rejected";
  } else if (d.policy == "allow") {
    s += with_commas(d.rows_held_back - d.rows_rejected) + " rows kept together";
    if (d.rows_rejected != 0) s += ", " + with_commas(d.rows_rejected) + " rejected (group too big)";
  } else {
    s += with_commas(d.rows_merged + kept) + " rows ";
    s += d.policy == "merge" ? "merged" : "reduced";
    s += " into " + with_commas(kept);
    if (d.policy != "merge") s += " (" + d.policy + ")";
    if (d.overwritten_values != 0) {
      s += ", " + with_commas(d.overwritten_values) + " values overwritten";
    }
  }
  if (!d.report.empty()) {
    std::filesystem::path p = std::filesystem::path(report_dir) / d.report;
    s += " (see " + p.string() + ")";
  }
  return s;
}
}  // namespace

std::string summary_json(const engine::split_result& r, std::string_view out_dir,
                         std::string_view rejects_path) {
  const engine::split_counts& c = r.result.counts;
  std::string o = "{\"status\":";
  engine::append_json_string(o, status_name(r.status));
  o += ",\"message\":";
  engine::append_json_string(o, r.message);
  o += ",\"rows_in\":" + std::to_string(c.rows_in);
  o += ",\"rows_chunked\":" + std::to_string(c.rows_chunked);
  o += ",\"rows_rejected\":" + std::to_string(c.rows_rejected);
  o += ",\"rows_merged\":" + std::to_string(c.rows_merged);
  o += ",\"reject_counts\":";
  engine::append_reject_counts_json(o, c);
  o += ",\"predicted_warnings\":";
  engine::append_predicted_warnings_json(o, c);
  o += ",\"chunks\":" + std::to_string(r.result.chunks.size());
  o += ",\"bytes_in\":" + std::to_string(c.bytes_in);
  o += ",\"bytes_out\":" + std::to_string(c.bytes_out);
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.3f", r.seconds);
  o += ",\"seconds\":";
  o += secs;
  o += ",\"bare_quotes\":" + std::to_string(c.bare_quotes);
  o += ",\"kernel\":";
  engine::append_json_string(o, r.kernel);
  o += ",\"format\":";
  engine::append_json_string(o, r.result.format);
  o += ",\"out_dir\":";
  engine::append_json_string(o, out_dir);
  o += ",\"rejects\":";
  engine::append_json_string(o, rejects_path);
  append_duplicates_json(o, r.result.duplicates);
  o += "}\n";
  return o;
}

void print_summary(std::FILE* out, std::string_view command, const engine::split_result& r,
                   std::string_view out_dir, std::string_view rejects_path) {
  const int cmd_len = static_cast<int>(command.size());
  if (r.status != engine::split_status::ok) {
    std::fprintf(out, "mkbulk %.*s: %s\n", cmd_len, command.data(), r.message.c_str());
    if (r.status != engine::split_status::too_many_rejects) return;
  }
  const engine::split_counts& c = r.result.counts;
  std::string line = with_commas(c.rows_in);
  line += " rows in: ";
  line += with_commas(c.rows_chunked);
  if (out_dir.empty()) {
    line += " good";
  } else {
    line += " in ";
    line += with_commas(r.result.chunks.size());
    line += r.result.chunks.size() == 1 ? " chunk" : " chunks";
  }
  line += ", ";
  line += with_commas(c.rows_rejected);
  line += " rejected";
  std::string reasons;
  for (std::size_t i = 0; i < engine::REJECT_REASON_COUNT; ++i) {
    if (c.reject_counts[i] == 0) continue;
    if (!reasons.empty()) reasons += ", ";
    reasons += engine::to_string(static_cast<engine::reject_reason>(i));
    reasons += ' ';
    reasons += with_commas(c.reject_counts[i]);
  }
  std::uint64_t warnings = 0;
  for (std::size_t i = 1; i < engine::VALUE_PROBLEM_COUNT; ++i) {  // pre-flight's codes
    warnings += c.predicted_warnings[i];
    if (c.value_reject_counts[i] == 0) continue;
    if (!reasons.empty()) reasons += ", ";
    reasons += engine::to_string(static_cast<engine::value_problem>(i));
    reasons += ' ';
    reasons += with_commas(c.value_reject_counts[i]);
  }
  if (!reasons.empty()) {
    line += " (";
    line += reasons;
    line += ")";
  }
  if (warnings != 0) {
    line += "; ";
    line += with_commas(warnings);
    line += " values Marketo would warn about";
  }
  if (c.bare_quotes != 0) {
    line += "; ";
    line += with_commas(c.bare_quotes);
    line += " bare quotes kept";
  }
  const double mbps = r.seconds > 0 ? static_cast<double>(c.bytes_in) / r.seconds / 1e6 : 0.0;
  std::fprintf(out, "mkbulk %.*s: %s\n  %s read in %.2f s (%.0f MB/s, %s kernel, %s)\n", cmd_len,
               command.data(), line.c_str(), human_bytes(static_cast<double>(c.bytes_in)).c_str(),
               r.seconds, mbps, r.kernel.c_str(), r.result.format.c_str());
  if (!out_dir.empty() && r.status == engine::split_status::ok) {
    std::fprintf(out, "  chunks and manifest.json in %.*s\n", static_cast<int>(out_dir.size()),
                 out_dir.data());
  }
  if (c.rows_rejected != 0 && !rejects_path.empty()) {
    std::fprintf(out, "  rejected rows and why: %.*s\n", static_cast<int>(rejects_path.size()),
                 rejects_path.data());
  }
  if (r.result.duplicates.repeated_keys != 0) {
    const std::string dir =
        !out_dir.empty() ? std::string(out_dir)
                         : std::filesystem::path(rejects_path).parent_path().string();
    std::fprintf(out, "  %s\n", duplicates_line(r.result.duplicates, dir).c_str());
  }
}

}  // namespace mkbulk::cli
