// The import rules of one job: reads the uploaded file with the engine's record_reader, checks
// the header against the schema, and turns each row into an upsert, a failure or a warning
// (see the spec's row outcomes). Rows are processed in batches inside a store transaction so
// that a job can be throttled and resumed after a restart.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mkbulk/engine/record_reader.h"
#include "mkbulk/sandbox/schema.h"
#include "mkbulk/sandbox/store.h"

namespace mkbulk::sandbox {

// ',', '\t' or ';' for csv, tsv, ssv; 0 for anything else.
[[nodiscard]] char delimiter_for(std::string_view format) noexcept;

// Joins fields with delim, quoting only those that need it (delimiter, quote, CR or LF).
void append_delimited(std::string& out, const std::vector<std::string>& fields, char delim);

// Marketo-like status message for a finished job ("Import completed with errors, 2 records
// imported (2 members), 1 failed").
[[nodiscard]] std::string completion_message(const job_record& job);

// The header line of a job's failures or warnings file: the file's own header plus the reason
// column, re-encoded in the job's format. Reads only the first record.
[[nodiscard]] std::string result_header_of(std::string_view file, std::string_view format,
                                           row_kind kind);

class importer {
 public:
  // Takes the file; reads and checks the header. error() is set when the whole job fails
  // (unknown header field, malformed header).
  importer(std::string file, const job_record& job, const schema_table& schema);

  [[nodiscard]] const std::optional<std::string>& error() const noexcept { return error_; }
  // The data rows in the file (counted once, up front).
  [[nodiscard]] std::int64_t total_rows() const noexcept { return total_rows_; }

  // Skips the first n data rows (already committed before a restart).
  void skip(std::int64_t n);
  // Processes up to max_rows more rows through w, updating job's counters. Returns the rows
  // processed (0 at the end of the file).
  std::int64_t process(std::int64_t max_rows, store::batch_writer& w, job_record& job);

 private:
  struct column {
    const schema_field* field;  // never null once the header passed
  };
  void process_row(const std::vector<std::string>& values, bool malformed,
                   store::batch_writer& w, job_record& job);
  void record(store::batch_writer& w, const job_record& job, row_kind kind,
              const std::vector<std::string>& values, std::string_view reason);

  std::string file_;
  char delim_;
  std::optional<engine::record_reader> reader_;
  const schema_table& schema_;
  std::vector<std::string> header_;
  std::vector<column> columns_;
  std::optional<std::size_t> lookup_column_;
  std::string lookup_field_;
  std::optional<std::string> error_;
  std::int64_t total_rows_ = 0;
  std::vector<std::string> fields_;  // scratch
  std::string line_;                 // scratch
  std::string data_;                 // scratch
};

}  // namespace mkbulk::sandbox
