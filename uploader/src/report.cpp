// report: atomic file writes, per-chunk result files, their merge, and report.json (JSON
// written by hand with escaping; no secret ever reaches these functions).
#include "mkbulk/upload/report.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "mkbulk/engine/count_json.h"
#include "mkbulk/engine/record_reader.h"
#include "mkbulk/upload/text_format.h"

namespace mkbulk::upload {

namespace {

void fsync_path(const std::filesystem::path& p, int flags) {
  const int fd = ::open(p.c_str(), flags | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

void add_number(std::string& s, const char* key, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "\"%s\":%.3f", key, v);
  s += buf;
}

void add_u64(std::string& s, const char* key, std::uint64_t v) {
  s += '"';
  s += key;
  s += "\":";
  s += std::to_string(v);
}

void add_str(std::string& s, const char* key, std::string_view v) {
  s += '"';
  s += key;
  s += "\":";
  append_json_string(s, v);
}

// report.json's "local": the split's side of the account, named as in the split's --json
// summary and the manifest.
void add_local(std::string& s, const run_report& r) {
  const engine::split_counts& c = r.local;
  const engine::duplicate_summary& d = r.duplicates;
  s += "\"local\":{";
  add_u64(s, "rows_in", c.rows_in);
  s += ',';
  add_u64(s, "rows_chunked", c.rows_chunked);
  s += ',';
  add_u64(s, "rows_rejected", c.rows_rejected);
  s += ",\"reject_counts\":";
  engine::append_reject_counts_json(s, c);
  s += ",\"predicted_warnings\":";
  engine::append_predicted_warnings_json(s, c);
  s += ',';
  add_u64(s, "rows_merged", c.rows_merged);
  s += ",\"duplicates\":";
  if (d.policy.empty()) {
    s += "null";  // the duplicate pass did not run
  } else {
    engine::append_duplicate_summary_json(s, d);
  }
  s += ',';
  add_str(s, "rejects_file", "rejects.csv");
  s += ",\"duplicates_file\":";
  if (d.report.empty()) {
    s += "null";
  } else {
    append_json_string(s, d.report);
  }
  s += '}';
}

struct merged_row {
  std::uint64_t line = 0;
  std::vector<std::string> fields;  // source_line, reason, values...
};

bool read_results(const std::filesystem::path& file, std::vector<std::string>& header,
                  std::vector<merged_row>& rows) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  engine::record_reader reader(text, ',');
  std::vector<std::string> fields;
  if (!reader.next(fields)) return true;
  if (header.empty()) header = fields;
  while (reader.next(fields)) {
    merged_row r;
    r.line = fields.empty() ? 0 : std::strtoull(fields[0].c_str(), nullptr, 10);
    r.fields = fields;
    rows.push_back(std::move(r));
  }
  return true;
}

}  // namespace

bool write_file_atomic(const std::filesystem::path& dir, const std::string& name,
                       const std::string& text, std::string& error) {
  const auto path = dir / name;
  const auto tmp = dir / (name + ".tmp");
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = tmp.string() + ": " + std::strerror(errno);
    return false;
  }
  const char* p = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    const ssize_t w = ::write(fd, p, left);
    if (w < 0) {
      if (errno == EINTR) continue;
      error = tmp.string() + ": " + std::strerror(errno);
      ::close(fd);
      return false;
    }
    p += w;
    left -= static_cast<std::size_t>(w);
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced || std::rename(tmp.c_str(), path.c_str()) != 0) {
    error = path.string() + ": " + std::strerror(errno);
    return false;
  }
  fsync_path(path.parent_path(), O_RDONLY | O_DIRECTORY);
  return true;
}

std::string chunk_result_name(std::uint32_t chunk, bool failures) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "results/%06u.%s.csv", chunk, failures ? "failures" : "warnings");
  return buf;
}

bool write_chunk_results(const std::filesystem::path& run_dir, std::uint32_t chunk,
                         bool failures, const std::vector<std::string>& header,
                         const std::vector<matched_row>& rows, std::string& error) {
  std::string text;
  std::vector<std::string> h{"source_line", "reason"};
  h.insert(h.end(), header.begin(), header.end());
  append_record(text, h, ',');
  std::vector<const matched_row*> sorted;
  for (const auto& r : rows) sorted.push_back(&r);
  std::stable_sort(sorted.begin(), sorted.end(), [](const matched_row* a, const matched_row* b) {
    return a->source_line < b->source_line;
  });
  for (const matched_row* r : sorted) {
    std::vector<std::string> f{r->source_line == 0 ? std::string() : std::to_string(r->source_line),
                               r->reason};
    f.insert(f.end(), r->values.begin(), r->values.end());
    append_record(text, f, ',');
  }
  return write_file_atomic(run_dir, chunk_result_name(chunk, failures), text, error);
}

void set_local_counts(run_report& r, const engine::manifest& m) {
  r.rows_in = m.counts.rows_in;
  r.rows_rejected = m.counts.rows_rejected;
  r.rows_merged = m.counts.rows_merged;
  r.local = m.counts;
  r.duplicates = m.duplicates;
}

void settle_accounting(run_report& r) {
  const std::uint64_t known = r.rows_rejected + r.rows_merged + r.rows_imported + r.rows_failed;
  r.rows_unaccounted = known > r.rows_in ? known - r.rows_in : r.rows_in - known;
}

std::string to_json(const run_report& r) {
  std::string s = "{\"format\":\"mkbulk-report\",\"version\":1,\"rows\":{";
  add_u64(s, "in", r.rows_in);
  s += ',';
  add_u64(s, "rejected_locally", r.rows_rejected);
  s += ',';
  add_u64(s, "merged", r.rows_merged);
  s += ',';
  add_u64(s, "submitted", r.rows_submitted);
  s += ',';
  add_u64(s, "imported", r.rows_imported);
  s += ',';
  add_u64(s, "failed", r.rows_failed);
  s += ',';
  add_u64(s, "warned", r.rows_warned);
  s += ',';
  add_u64(s, "untied", r.rows_untied);
  s += ',';
  add_u64(s, "unaccounted", r.rows_unaccounted);
  s += "},\"accounting\":\"in = imported + failed + rejected_locally + merged + unaccounted\",";
  add_u64(s, "chunks", r.chunks);
  s += ',';
  add_u64(s, "jobs", r.jobs);
  s += ',';
  add_u64(s, "jobs_failed", r.jobs_failed);
  s += ",\"failed_jobs\":[";
  for (std::size_t i = 0; i < r.failed_jobs.size(); ++i) {
    if (i != 0) s += ',';
    s += '{';
    add_u64(s, "chunk", r.failed_jobs[i].chunk);
    s += ',';
    add_u64(s, "batch_id", r.failed_jobs[i].batch_id);
    s += ",\"message\":";
    append_json_string(s, r.failed_jobs[i].message);
    s += '}';
  }
  s += "],\"api_calls\":{";
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < ENDPOINT_COUNT; ++i) {
    s += '"';
    s += to_string(static_cast<endpoint>(i));
    s += "\":" + std::to_string(r.api_calls[i]) + ",";
    total += r.api_calls[i];
  }
  add_u64(s, "total", total);
  s += "},\"seconds\":{";
  add_number(s, "split", r.split_seconds);
  s += ',';
  add_number(s, "upload", r.upload_seconds);
  s += ',';
  add_number(s, "merge", r.merge_seconds);
  s += ',';
  add_number(s, "total", r.total_seconds);
  s += ',';
  add_number(s, "first_submit", r.first_submit_seconds);
  s += ',';
  add_number(s, "first_job", r.first_job_seconds);
  s += "},";
  add_local(s, r);
  s += "}\n";
  return s;
}

bool write_outputs(const std::filesystem::path& run_dir, const engine::manifest& m,
                   const run_report& r, std::string& error) {
  for (const bool failures : {true, false}) {
    std::vector<std::string> header;
    std::vector<merged_row> rows;
    for (const auto& c : m.chunks) {
      const auto file = run_dir / chunk_result_name(c.index, failures);
      if (std::filesystem::exists(file) && !read_results(file, header, rows)) {
        error = file.string() + ": cannot read";
        return false;
      }
    }
    if (header.empty()) {
      header = {"source_line", "reason"};
      for (const auto& col : m.columns) header.push_back(col.field);
    }
    std::stable_sort(rows.begin(), rows.end(),
                     [](const merged_row& a, const merged_row& b) { return a.line < b.line; });
    std::string text;
    append_record(text, header, ',');
    for (const auto& row : rows) append_record(text, row.fields, ',');
    if (!write_file_atomic(run_dir, failures ? "failures.csv" : "warnings.csv", text, error)) {
      return false;
    }
    if (!failures) continue;
    // retry.csv: the failed rows that were tied to a line, under the input's column names.
    const char d = m.delimiter == 0 ? ',' : m.delimiter;
    std::string retry;
    std::vector<std::string> names;
    for (const auto& col : m.columns) names.push_back(col.source);
    if (names.empty()) names.assign(header.begin() + 2, header.end());
    append_record(retry, names, d);
    for (const auto& row : rows) {
      if (row.line == 0 || row.fields.size() < 2) continue;
      append_record(retry, std::vector<std::string>(row.fields.begin() + 2, row.fields.end()), d);
    }
    if (!write_file_atomic(run_dir, "retry.csv", retry, error)) return false;
  }
  return write_file_atomic(run_dir, "report.json", to_json(r), error);
}

}  // namespace mkbulk::upload
