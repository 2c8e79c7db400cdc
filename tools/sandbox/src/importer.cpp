// Row rules of a bulk lead import: lookup value, per-type checks (field_checks), e-mail
// warnings, truncation warnings, upsert or update-only on id, static list membership.
#include "mkbulk/sandbox/importer.h"

#include "mkbulk/sandbox/field_checks.h"
#include "mkbulk/sandbox/json_writer.h"

namespace mkbulk::sandbox {
namespace {

[[nodiscard]] bool is_blank_record(const std::vector<std::string>& fields) noexcept {
  return fields.size() == 1 && fields[0].empty();
}

}  // namespace

char delimiter_for(std::string_view format) noexcept {
  if (format == "csv") return ',';
  if (format == "tsv") return '\t';
  if (format == "ssv") return ';';
  return 0;
}

void append_delimited(std::string& out, const std::vector<std::string>& fields, char delim) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out.push_back(delim);
    const std::string& f = fields[i];
    if (f.find_first_of(std::string{delim, '"', '\r', '\n'}) == std::string::npos) {
      out += f;
      continue;
    }
    out.push_back('"');
    for (const char c : f) {
      if (c == '"') out.push_back('"');
      out.push_back(c);
    }
    out.push_back('"');
  }
}

std::string completion_message(const job_record& job) {
  std::string members;
  if (job.list_id) members = " (" + std::to_string(job.list_members) + " members)";
  if (job.rows_failed == 0) {
    return "Import succeeded, " + std::to_string(job.leads_processed) + " records imported" +
           members;
  }
  return "Import completed with errors, " + std::to_string(job.leads_processed) +
         " records imported" + members + ", " + std::to_string(job.rows_failed) + " failed";
}

std::string result_header_of(std::string_view file, std::string_view format, row_kind kind) {
  engine::record_reader reader(file, delimiter_for(format));
  std::vector<std::string> header;
  if (!reader.next(header)) header.clear();
  header.emplace_back(kind == row_kind::failure ? "Import Failure Reason"
                                                : "Import Warning Reason");
  std::string out;
  append_delimited(out, header, delimiter_for(format));
  return out;
}

importer::importer(std::string file, const job_record& job, const schema_table& schema)
    : file_(std::move(file)), delim_(delimiter_for(job.format)), schema_(schema),
      lookup_field_(job.lookup_field) {
  // Count the data rows first (one cheap pass), then start the real reader.
  {
    engine::record_reader counter(file_, delim_);
    std::vector<std::string> f;
    bool first = true;
    while (counter.next(f)) {
      if (first) {
        first = false;
        continue;
      }
      if (!is_blank_record(f)) ++total_rows_;
    }
  }
  reader_.emplace(file_, delim_);
  if (!reader_->next(header_) || is_blank_record(header_)) {
    error_ = "Import failed: the file has no header row";
    return;
  }
  if (reader_->defect()) {
    error_ = "Import failed: the header row is malformed (" + std::string(reader_->raw()) + ")";
    return;
  }
  for (std::size_t i = 0; i < header_.size(); ++i) {
    const schema_field* f = schema_.find(header_[i]);
    if (!f) {
      error_ = "Import failed: field '" + header_[i] + "' in the header is not a lead field";
      return;
    }
    columns_.push_back({f});
    if (f->rest_name == lookup_field_ && !lookup_column_) lookup_column_ = i;
  }
}

void importer::skip(std::int64_t n) {
  while (n > 0 && reader_->next(fields_)) {
    if (!is_blank_record(fields_)) --n;
  }
}

std::int64_t importer::process(std::int64_t max_rows, store::batch_writer& w, job_record& job) {
  std::int64_t done = 0;
  while (done < max_rows && reader_->next(fields_)) {
    if (is_blank_record(fields_)) continue;  // blank lines are not rows
    process_row(fields_, reader_->defect().has_value(), w, job);
    ++done;
  }
  job.rows_done += done;
  return done;
}

void importer::record(store::batch_writer& w, const job_record& job, row_kind kind,
                      const std::vector<std::string>& values, std::string_view reason) {
  std::vector<std::string> row = values;
  row.emplace_back(reason);
  line_.clear();
  append_delimited(line_, row, delim_);
  w.add_result_row(job.batch_id, kind, line_);
}

void importer::process_row(const std::vector<std::string>& values, bool malformed,
                           store::batch_writer& w, job_record& job) {
  const auto fail = [&](std::string_view reason) {
    record(w, job, row_kind::failure, values, reason);
    ++job.rows_failed;
  };
  if (malformed || values.size() != columns_.size()) {
    fail(malformed ? "Malformed row" : "Invalid number of fields in row");
    return;
  }
  const std::string_view lookup_value =
      lookup_column_ ? std::string_view(values[*lookup_column_]) : std::string_view{};
  if (lookup_value.empty()) {
    std::string reason = "Value for lookup field '";
    reason += lookup_field_;
    reason += "' not found";
    fail(reason);
    return;
  }
  std::string warnings;
  std::optional<std::string_view> email;
  data_.clear();
  data_.push_back('{');
  bool first = true;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const schema_field& f = *columns_[i].field;
    std::string_view v = values[i];
    if (v.empty()) continue;  // a blank value does not overwrite
    const value_check c = check_value(f.type, f.length, v);
    if (!c.type_ok) {
      std::string reason = "Invalid data type in field ";
      reason += f.display_name;
      fail(reason);
      return;
    }
    if (!c.email_ok && i != lookup_column_) {
      if (!warnings.empty()) warnings += "; ";
      warnings += "Invalid email address";
    }
    if (c.too_long) {
      if (!warnings.empty()) warnings += "; ";
      warnings += "Value for field ";
      warnings += f.display_name;
      warnings += " truncated to ";
      warnings += std::to_string(f.length);
      warnings += " characters";
      v = v.substr(0, c.keep_bytes);
    }
    if (f.read_only) continue;  // id: a key, never a value to write
    if (f.rest_name == "email") email = v;
    if (!first) data_ += ",";
    first = false;
    append_json_string(data_, f.rest_name);
    data_ += ":";
    append_json_string(data_, v);
  }
  data_ += "}";
  std::int64_t lead_id = 0;
  if (const auto found = w.find_lead(lookup_field_, lookup_value)) {
    lead_id = *found;
    w.update_lead(lead_id, data_, email);
  } else if (lookup_field_ == "id") {
    fail("Lead not found");  // lookupField=id makes the job update-only
    return;
  } else {
    lead_id = w.insert_lead(data_, job.partition, email);
  }
  if (job.list_id && w.add_to_list(*job.list_id, lead_id)) ++job.list_members;
  ++job.leads_processed;
  if (!warnings.empty()) {
    record(w, job, row_kind::warning, values, warnings);
    ++job.rows_warned;
  }
}

}  // namespace mkbulk::sandbox
