// journal: POSIX append + fsync for durability (the directory is fsync'd once at creation so
// the file's name is durable too), and a simdjson ondemand reader for replay.
#include "mkbulk/upload/journal.h"

#include <fcntl.h>
#include <unistd.h>

#include <simdjson.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "mkbulk/upload/text_format.h"

namespace mkbulk::upload {

journal_writer::~journal_writer() {
  if (fd_ >= 0) ::close(fd_);
}

bool journal_writer::open(const std::filesystem::path& run_dir, std::string& error) {
  const auto path = run_dir / JOURNAL_FILE;
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd_ < 0) {
    error = path.string() + ": " + std::strerror(errno);
    return false;
  }
  ::fsync(fd_);
  const int dfd = ::open(run_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return true;
}

bool journal_writer::append(const std::string& json_object) {
  std::uint64_t n = 0;
  {
    std::lock_guard lock(mutex_);
    if (fd_ < 0) return false;
    std::string line = json_object;
    line += '\n';
    const char* p = line.data();
    std::size_t left = line.size();
    while (left > 0) {
      const ssize_t w = ::write(fd_, p, left);
      if (w < 0) {
        if (errno == EINTR) continue;
        return false;
      }
      p += w;
      left -= static_cast<std::size_t>(w);
    }
    if (::fsync(fd_) != 0) return false;
    n = ++count_;
  }
  if (after_append_) after_append_(n);
  return true;
}

namespace {

bool parse_line(const std::string& line, journal_entry& e) {
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(line);
  simdjson::ondemand::document doc;
  simdjson::ondemand::object obj;
  if (parser.iterate(padded).get(doc) != simdjson::SUCCESS) return false;
  if (doc.get_object().get(obj) != simdjson::SUCCESS) return false;
  e = journal_entry{};
  e.line = line;
  bool have_event = false;
  for (auto field : obj) {
    std::string_view key;
    if (field.unescaped_key().get(key) != simdjson::SUCCESS) return false;
    simdjson::ondemand::value v;
    if (field.value().get(v) != simdjson::SUCCESS) return false;
    std::string_view s;
    std::uint64_t u = 0;
    std::int64_t i = 0;
    if (key == "event") {
      if (v.get_string().get(s) != simdjson::SUCCESS) return false;
      e.event = std::string(s);
      have_event = true;
    } else if (key == "status" || key == "message") {
      if (v.get_string().get(s) != simdjson::SUCCESS) return false;
      (key == "status" ? e.status : e.message) = std::string(s);
    } else if (key == "at") {
      if (v.get_int64().get(i) != simdjson::SUCCESS) return false;
      e.at = i;
    } else if (key == "calls") {
      simdjson::ondemand::array arr;
      if (v.get_array().get(arr) != simdjson::SUCCESS) return false;
      for (auto n : arr) {
        if (n.get_uint64().get(u) != simdjson::SUCCESS) return false;
        e.calls.push_back(u);
      }
    } else if (key == "chunk" || key == "batch_id" || key == "rows" || key == "imported" ||
               key == "failed" || key == "warned" || key == "untied") {
      if (v.get_uint64().get(u) != simdjson::SUCCESS) return false;
      if (key == "chunk") e.chunk = static_cast<std::uint32_t>(u);
      if (key == "batch_id") e.batch_id = u;
      if (key == "rows") e.rows = u;
      if (key == "imported") e.imported = u;
      if (key == "failed") e.failed = u;
      if (key == "warned") e.warned = u;
      if (key == "untied") e.untied = u;
    }
    // Other fields (payloads) are skipped here; the consumer re-reads e.line.
  }
  return have_event;
}

}  // namespace

bool read_journal(const std::filesystem::path& run_dir, std::vector<journal_entry>& entries,
                  std::string& error) {
  entries.clear();
  const auto path = run_dir / JOURNAL_FILE;
  std::ifstream in(path, std::ios::binary);
  if (!in) return true;
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  std::size_t pos = 0;
  std::uint64_t line_no = 0;
  while (pos < text.size()) {
    const std::size_t nl = text.find('\n', pos);
    const bool last = nl == std::string::npos;
    const std::string line = text.substr(pos, last ? std::string::npos : nl - pos);
    pos = last ? text.size() : nl + 1;
    ++line_no;
    if (line.empty()) continue;
    journal_entry e;
    if (!parse_line(line, e)) {
      if (last) break;  // a torn final write: the step it describes never counted
      error = path.string() + ":" + std::to_string(line_no) + ": malformed journal entry";
      return false;
    }
    entries.push_back(std::move(e));
  }
  return true;
}

std::string journal_chunk_written(std::uint32_t chunk, std::uint64_t rows, std::uint32_t crc32c) {
  char crc[16];
  std::snprintf(crc, sizeof crc, "%08x", crc32c);
  return "{\"event\":\"chunk_written\",\"chunk\":" + std::to_string(chunk) +
         ",\"rows\":" + std::to_string(rows) + ",\"crc32c\":\"" + crc + "\"}";
}

std::string journal_job_created(std::uint32_t chunk, std::uint64_t batch_id, std::int64_t at) {
  return "{\"event\":\"job_created\",\"chunk\":" + std::to_string(chunk) +
         ",\"batch_id\":" + std::to_string(batch_id) + ",\"at\":" + std::to_string(at) + "}";
}

std::string journal_job_finished(std::uint32_t chunk, std::uint64_t batch_id,
                                 const std::string& status, std::uint64_t processed,
                                 std::uint64_t failed, std::uint64_t warned,
                                 const std::string& message) {
  std::string s = "{\"event\":\"job_finished\",\"chunk\":" + std::to_string(chunk) +
                  ",\"batch_id\":" + std::to_string(batch_id) + ",\"status\":";
  append_json_string(s, status);
  s += ",\"imported\":" + std::to_string(processed) + ",\"failed\":" + std::to_string(failed) +
       ",\"warned\":" + std::to_string(warned) + ",\"message\":";
  append_json_string(s, message);
  s += '}';
  return s;
}

std::string journal_results_merged(std::uint32_t chunk, std::uint64_t batch_id,
                                   std::uint64_t imported, std::uint64_t failed,
                                   std::uint64_t warned, std::uint64_t untied) {
  return "{\"event\":\"results_merged\",\"chunk\":" + std::to_string(chunk) +
         ",\"batch_id\":" + std::to_string(batch_id) + ",\"imported\":" +
         std::to_string(imported) + ",\"failed\":" + std::to_string(failed) +
         ",\"warned\":" + std::to_string(warned) + ",\"untied\":" + std::to_string(untied) + "}";
}

std::string journal_with_calls(std::string entry, std::span<const std::uint64_t> calls) {
  if (entry.empty() || entry.back() != '}') return entry;
  entry.pop_back();
  entry += ",\"calls\":[";
  for (std::size_t i = 0; i < calls.size(); ++i) {
    if (i != 0) entry += ',';
    entry += std::to_string(calls[i]);
  }
  entry += "]}";
  return entry;
}

std::string journal_simple(std::string_view event) {
  std::string s = "{\"event\":";
  append_json_string(s, event);
  s += '}';
  return s;
}

}  // namespace mkbulk::upload
