// rejects.csv writing: escaping that keeps the file valid UTF-8 and every raw record visible.
#include "rejects_writer.h"

#include <algorithm>

#include "record_encoder.h"
#include "utf8_text.h"

namespace mkbulk::engine::detail {

std::string escape_reject_record(std::string_view raw, std::uint64_t total) {
  static constexpr char HEX[] = "0123456789abcdef";
  const std::string_view kept = raw.substr(0, std::min(raw.size(), REJECT_RECORD_KEEP));
  std::string out;
  out.reserve(kept.size() + 16);
  std::size_t i = 0;
  while (i < kept.size()) {
    const auto c = static_cast<unsigned char>(kept[i]);
    if (c == '\\') {
      out += "\\\\";
      ++i;
      continue;
    }
    const std::size_t n = (c == 0) ? 0 : utf8_sequence_length(kept, i);
    if (n == 0) {
      out += "\\x";
      out.push_back(HEX[c >> 4]);
      out.push_back(HEX[c & 0xF]);
      ++i;
      continue;
    }
    out.append(kept.substr(i, n));
    i += n;
  }
  if (total > kept.size()) {
    out += "\xE2\x80\xA6[truncated " + std::to_string(total - kept.size()) + " bytes]";
  }
  return out;
}

rejects_writer::~rejects_writer() {
  if (file_ != nullptr) std::fclose(file_);
}

bool rejects_writer::open(const std::filesystem::path& path) {
  path_ = path;
  file_ = std::fopen(path.c_str(), "wb");
  if (file_ == nullptr) {
    error_ = "cannot create " + path.string();
    return false;
  }
  static constexpr std::string_view HEADER = "source_line,byte_offset,reason,message,record\n";
  if (std::fwrite(HEADER.data(), 1, HEADER.size(), file_) != HEADER.size()) {
    error_ = "cannot write " + path.string();
  }
  return error_.empty();
}

void rejects_writer::add(std::uint64_t line, std::uint64_t offset, reject_reason reason,
                         std::string_view message, std::string_view raw, std::uint64_t total) {
  add(line, offset, to_string(reason), message, raw, total);
}

void rejects_writer::add(std::uint64_t line, std::uint64_t offset, std::string_view reason,
                         std::string_view message, std::string_view raw, std::uint64_t total) {
  if (file_ == nullptr) return;
  line_.clear();
  line_ += std::to_string(line);
  line_ += ',';
  line_ += std::to_string(offset);
  line_ += ',';
  line_ += reason;
  line_ += ',';
  append_minimal_quoted(line_, message, ',');
  line_ += ',';
  append_minimal_quoted(line_, escape_reject_record(raw, total), ',');
  line_ += '\n';
  if (std::fwrite(line_.data(), 1, line_.size(), file_) != line_.size() && error_.empty()) {
    error_ = "cannot write " + path_.string();
  }
}

bool rejects_writer::close() {
  if (file_ == nullptr) return error_.empty();
  if (std::fclose(file_) != 0 && error_.empty()) error_ = "cannot write " + path_.string();
  file_ = nullptr;
  return error_.empty();
}

}  // namespace mkbulk::engine::detail
