// result_matcher: the multiset of chunk rows by value, filled from the chunk read back with
// record_reader and consumed by the rows of Marketo's result files.
#include "mkbulk/upload/result_matcher.h"

#include "mkbulk/engine/record_reader.h"

namespace mkbulk::upload {

std::string row_key(const std::vector<std::string>& fields, std::size_t count) {
  std::string key;
  for (std::size_t i = 0; i < count && i < fields.size(); ++i) {
    key += std::to_string(fields[i].size());
    key += ':';
    key += fields[i];
  }
  return key;
}

bool result_matcher::load_chunk(std::string_view chunk_text, char delimiter,
                                const engine::chunk_info& chunk, std::string& error) {
  delimiter_ = delimiter;
  header_.clear();
  rows_.clear();
  lines_.clear();
  by_key_.clear();
  next_.clear();
  engine::record_reader reader(chunk_text, delimiter);
  std::vector<std::string> fields;
  if (!reader.next(fields)) {
    error = chunk.file + ": empty chunk file";
    return false;
  }
  header_ = fields;
  std::uint64_t k = 0;
  while (reader.next(fields)) {
    if (fields.size() == 1 && fields[0].empty() && reader.raw().empty()) continue;
    const std::uint64_t line = chunk.source_line_of_row(k);
    if (line == 0) {
      error = chunk.file + ": more rows than the manifest's " + std::to_string(chunk.rows);
      return false;
    }
    by_key_[row_key(fields, fields.size())].push_back(rows_.size());
    rows_.push_back(fields);
    lines_.push_back(line);
    ++k;
  }
  if (k != chunk.rows) {
    error = chunk.file + ": " + std::to_string(k) + " rows, the manifest says " +
            std::to_string(chunk.rows);
    return false;
  }
  return true;
}

std::vector<matched_row> result_matcher::match(std::string_view result_text) {
  std::vector<matched_row> out;
  if (result_text.empty()) return out;
  engine::record_reader reader(result_text, delimiter_);
  std::vector<std::string> fields;
  if (!reader.next(fields)) return out;  // the header (its last column's name may vary)
  while (reader.next(fields)) {
    if (fields.size() == 1 && fields[0].empty() && reader.raw().empty()) continue;
    matched_row m;
    if (!fields.empty()) {
      m.reason = fields.back();
      fields.pop_back();
    }
    const std::string key = row_key(fields, fields.size());
    auto it = by_key_.find(key);
    if (it != by_key_.end()) {
      std::size_t& next = next_[key];
      if (next < it->second.size()) {
        const std::size_t row = it->second[next++];
        m.source_line = lines_[row];
        m.values = rows_[row];
        out.push_back(std::move(m));
        continue;
      }
    }
    m.values = std::move(fields);  // untied: no remaining line has these values
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<matched_row> result_matcher::all_rows(const std::string& reason) const {
  std::vector<matched_row> out;
  out.reserve(rows_.size());
  for (std::size_t i = 0; i < rows_.size(); ++i) out.push_back({lines_[i], reason, rows_[i]});
  return out;
}

}  // namespace mkbulk::upload
