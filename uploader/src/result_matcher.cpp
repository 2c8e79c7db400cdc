// result_matcher: the result file's rows keyed by value, then one walk over the chunk read back
// with record_reader and its manifest's line runs, each chunk row giving its line to the next
// result row that waits for its key.
#include "mkbulk/upload/result_matcher.h"

#include <charconv>
#include <unordered_map>

#include "mkbulk/engine/record_reader.h"

namespace mkbulk::upload {
namespace {
// A record of one empty field and no bytes: a blank line, which is no row.
bool blank(const std::vector<std::string>& fields, const engine::record_reader& reader) {
  return fields.size() == 1 && fields[0].empty() && reader.raw().empty();
}
}  // namespace

void row_key(const std::vector<std::string>& fields, std::string& key) {
  key.clear();
  for (const std::string& f : fields) {
    char digits[24];
    const auto r = std::to_chars(digits, digits + sizeof digits, f.size());
    key.append(digits, r.ptr);
    key += ':';
    key += f;
  }
}

bool result_matcher::load_chunk(std::string_view chunk_text, char delimiter,
                                const engine::chunk_info& chunk, std::string& error) {
  delimiter_ = delimiter;
  text_ = chunk_text;
  runs_ = chunk.line_runs;
  engine::record_reader reader(chunk_text, delimiter);
  if (!reader.next(header_)) {
    error = chunk.file + ": empty chunk file";
    return false;
  }
  // Every row must have a line in the runs, and there must be as many as the manifest says.
  std::uint64_t k = 0;
  const bool lined = for_each_row([&](const std::vector<std::string>&, std::uint64_t) {
    return ++k <= chunk.rows;
  });
  if (!lined || k > chunk.rows) {
    error = chunk.file + ": more rows than the manifest's " + std::to_string(chunk.rows);
    return false;
  }
  if (k != chunk.rows) {
    error = chunk.file + ": " + std::to_string(k) + " rows, the manifest says " +
            std::to_string(chunk.rows);
    return false;
  }
  return true;
}

template <class F>
bool result_matcher::for_each_row(F&& f) const {
  engine::record_reader reader(text_, delimiter_);
  std::vector<std::string> fields;
  if (!reader.next(fields)) return true;  // the header
  std::size_t run = 0;
  std::uint64_t in_run = 0;
  while (reader.next(fields)) {
    if (blank(fields, reader)) continue;
    while (run < runs_.size() && in_run == runs_[run].count) {
      ++run;
      in_run = 0;
    }
    if (run == runs_.size()) return false;  // a row past the runs' lines
    if (!f(fields, runs_[run].first + in_run)) return true;
    ++in_run;
  }
  return true;
}

std::vector<matched_row> result_matcher::match(std::string_view result_text) const {
  std::vector<matched_row> out;
  if (result_text.empty()) return out;
  // key -> the result rows (indexes into out) that wait for a line of it, in file order, and
  // how many of them have one.
  struct waiting {
    std::vector<std::size_t> rows;
    std::size_t tied = 0;
  };
  std::unordered_map<std::string, waiting> by_key;
  engine::record_reader reader(result_text, delimiter_);
  std::vector<std::string> fields;
  if (!reader.next(fields)) return out;  // the header (its last column's name may vary)
  std::string key;
  while (reader.next(fields)) {
    if (blank(fields, reader)) continue;
    matched_row m;
    if (!fields.empty()) {
      m.reason = std::move(fields.back());
      fields.pop_back();
    }
    row_key(fields, key);
    by_key[key].rows.push_back(out.size());
    m.values = std::move(fields);  // a tied row's values are its line's: the same key
    out.push_back(std::move(m));
  }
  std::size_t open = out.size();
  if (open == 0) return out;
  for_each_row([&](const std::vector<std::string>& row, std::uint64_t line) {
    row_key(row, key);
    const auto it = by_key.find(key);
    if (it == by_key.end() || it->second.tied == it->second.rows.size()) return true;
    out[it->second.rows[it->second.tied++]].source_line = line;
    return --open > 0;  // every result row tied: the rest of the chunk is not read
  });
  return out;  // rows left with source_line 0 match no line of the chunk: untied
}

std::vector<matched_row> result_matcher::all_rows(const std::string& reason) const {
  std::vector<matched_row> out;
  for_each_row([&](const std::vector<std::string>& row, std::uint64_t line) {
    out.push_back({line, reason, row});
    return true;
  });
  return out;
}

}  // namespace mkbulk::upload
