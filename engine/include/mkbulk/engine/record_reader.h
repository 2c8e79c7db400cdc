// A careful, scalar reader of small in-memory delimited texts: a Marketo failures or warnings
// file, a chunk read back, an upload the sandbox receives. It unescapes fields and reports the
// first defect of each record. The multi-gigabyte path is the SIMD split pipeline, not this.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mkbulk/engine/reject_reason.h"

namespace mkbulk::engine {

class record_reader {
 public:
  // delimiter is ',', '\t' or ';'. A leading UTF-8 BOM is skipped. Line ends: LF, CRLF, CR.
  record_reader(std::string_view text, char delimiter) noexcept;

  // Reads the next record into fields (quotes removed, "" unescaped). Returns false at the end
  // of the text. A record is read even when it has a defect; defect() then says which.
  [[nodiscard]] bool next(std::vector<std::string>& fields);

  // The record just read: its 1-based physical line, its byte offset in text, its raw bytes
  // (without the line end), and its first defect if any. A quote inside an unquoted field is
  // kept as a literal character, as spreadsheets do, and is not a defect.
  [[nodiscard]] std::uint64_t line() const noexcept { return line_; }
  [[nodiscard]] std::uint64_t byte_offset() const noexcept { return offset_; }
  [[nodiscard]] std::string_view raw() const noexcept { return raw_; }
  [[nodiscard]] std::optional<reject_reason> defect() const noexcept { return defect_; }

 private:
  std::string_view text_;
  char delimiter_;
  std::size_t pos_ = 0;
  std::uint64_t next_line_ = 1;
  std::uint64_t line_ = 0;
  std::uint64_t offset_ = 0;
  std::string_view raw_;
  std::optional<reject_reason> defect_;
};

}  // namespace mkbulk::engine
