// manifest.json: writing (hand-written JSON, temp file + rename) and reading (simdjson DOM),
// in the layout engine/README.md documents. Version 1.
#include "mkbulk/engine/manifest.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <system_error>

#include "manifest_spill.h"
#include "mkbulk/engine/json_text.h"
#include "mkbulk/engine/value_checks.h"

namespace mkbulk::engine {
namespace {

constexpr std::string_view FORMAT_NAME = "mkbulk-manifest";
constexpr std::uint64_t VERSION = 1;

void add_key(std::string& out, std::string_view key) {
  append_json_string(out, key);
  out.push_back(':');
}
void add_str(std::string& out, std::string_view key, std::string_view value) {
  add_key(out, key);
  append_json_string(out, value);
}
void add_num(std::string& out, std::string_view key, std::uint64_t value) {
  add_key(out, key);
  out += std::to_string(value);
}

static_assert(VALUE_PROBLEM_COUNT == VALUE_PROBLEM_SLOTS);

// Pre-flight's counts by value_problem: inside reject_counts (", code: n" for each non-zero
// one), or as a "predicted_warnings" object of its own. Nothing when all are zero.
bool add_value_counts(std::string& o,
                      const std::array<std::uint64_t, VALUE_PROBLEM_SLOTS>& counts,
                      bool inside) {
  bool any = false;
  for (std::size_t k = 1; k < VALUE_PROBLEM_SLOTS; ++k) {
    if (counts[k] == 0) continue;
    if (inside || any) {
      o += ", ";
    } else {
      o += "\"predicted_warnings\": {";
    }
    any = true;
    add_num(o, to_string(static_cast<value_problem>(k)), counts[k]);
  }
  if (any && !inside) o += "}";
  return any;
}

// The optional pre-flight counts back (absent keys are zero).
bool read_value_counts(simdjson::dom::object summary, simdjson::dom::object rc, split_counts& s,
                       manifest_error& err) {
  simdjson::dom::object warn;
  const bool have_warn = !summary["predicted_warnings"].get_object().get(warn);
  for (std::size_t k = 1; k < VALUE_PROBLEM_SLOTS; ++k) {
    const std::string_view key = to_string(static_cast<value_problem>(k));
    std::uint64_t n = 0;
    if (!rc[key].get_uint64().get(n)) s.value_reject_counts[k] = n;
    if (have_warn && !warn[key].get_uint64().get(n)) s.predicted_warnings[k] = n;
  }
  if (summary["predicted_warnings"].error() == simdjson::SUCCESS && !have_warn) {
    err.message = "manifest.json: summary.predicted_warnings is not an object";
    return false;
  }
  return true;
}

// "duplicates": {...} when the duplicate pass ran and held back at least one row.
void add_duplicates(std::string& o, const duplicate_summary& d) {
  if (d.policy.empty() || d.rows_held_back == 0) return;
  o += ",\n  \"duplicates\": {";
  add_str(o, "policy", d.policy);
  o += ", ";
  add_num(o, "repeated_keys", d.repeated_keys);
  o += ", ";
  add_num(o, "rows_held_back", d.rows_held_back);
  o += ", ";
  add_num(o, "rows_merged", d.rows_merged);
  o += ", ";
  add_num(o, "rows_rejected", d.rows_rejected);
  o += ", ";
  add_num(o, "overwritten_values", d.overwritten_values);
  o += ", ";
  add_str(o, "report", d.report);
  o += "}";
}

std::string hex32(std::uint32_t v) {
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", v);
  return buf;
}

// Writes the manifest's JSON through flush, in pieces of about 64 KiB: the chunk list can be
// megabytes (line runs), and memory must not grow with it twice. runs_of(i) gives chunk i's
// line runs (from its chunk_info, or read back from a spill file).
template <class Runs, class Flush>
void to_json(const manifest& m, Runs&& runs_of, Flush&& flush) {
  std::string o;
  o.reserve(1 << 17);
  o += "{\n  ";
  add_str(o, "format", FORMAT_NAME);
  o += ", ";
  add_num(o, "version", VERSION);
  o += ",\n  \"input\": {";
  add_str(o, "path", m.input_path);
  o += ", ";
  add_num(o, "bytes", m.input_bytes);
  o += "},\n  \"dialect\": {";
  add_str(o, "format", m.format);
  o += ", ";
  add_str(o, "delimiter", std::string_view(&m.delimiter, 1));
  o += ", \"bom\": ";
  o += m.bom ? "true" : "false";
  o += ", ";
  add_str(o, "line_endings", m.line_endings);
  o += "},\n  ";
  add_str(o, "out_format", m.out_format);
  o += ",\n  ";
  add_str(o, "lookup_field", m.lookup_field);
  o += ",\n  ";
  add_num(o, "max_bytes", m.max_bytes);
  o += ",\n  \"header\": {\n    \"columns\": [";
  for (std::size_t i = 0; i < m.columns.size(); ++i) {
    o += i ? ",\n      {" : "\n      {";
    add_str(o, "source", m.columns[i].source);
    o += ", ";
    add_str(o, "field", m.columns[i].field);
    o += ", ";
    add_num(o, "source_index", m.columns[i].source_index);
    o += "}";
  }
  o += "],\n    \"dropped\": [";
  for (std::size_t i = 0; i < m.dropped.size(); ++i) {
    if (i) o += ", ";
    append_json_string(o, m.dropped[i]);
  }
  o += "],\n    ";
  add_str(o, "line", m.header_line);
  o += "\n  },\n  \"chunks\": [";
  for (std::size_t i = 0; i < m.chunks.size(); ++i) {
    const chunk_info& c = m.chunks[i];
    o += i ? ",\n    {" : "\n    {";
    add_num(o, "index", c.index);
    o += ", ";
    add_str(o, "file", c.file);
    o += ", ";
    add_num(o, "bytes", c.bytes);
    o += ", ";
    add_num(o, "rows", c.rows);
    o += ", ";
    add_str(o, "crc32c", hex32(c.crc32c));
    o += ", ";
    add_num(o, "first_line", c.first_line);
    o += ", ";
    add_num(o, "last_line", c.last_line);
    o += ",\n     \"line_runs\": [";
    const std::vector<line_run>& runs = runs_of(i);
    // "[first, count], ..." formatted 128 runs at a time into a local buffer, appended at once:
    // a large export has hundreds of thousands of runs.
    constexpr std::size_t RUNS_PER_PIECE = 128;
    constexpr std::size_t RUN_BYTES = 48;  // ", [" + 20 digits + ", " + 20 digits + "]" = 46
    char piece[RUNS_PER_PIECE * RUN_BYTES];
    for (std::size_t k = 0; k < runs.size();) {
      char* at = piece;
      for (const std::size_t stop = std::min(runs.size(), k + RUNS_PER_PIECE); k < stop; ++k) {
        if (k) {
          *at++ = ',';
          *at++ = ' ';
        }
        *at++ = '[';
        at = std::to_chars(at, at + 20, runs[k].first).ptr;
        *at++ = ',';
        *at++ = ' ';
        at = std::to_chars(at, at + 20, runs[k].count).ptr;
        *at++ = ']';
      }
      o.append(piece, static_cast<std::size_t>(at - piece));
      if (o.size() >= (1 << 16)) {
        flush(o);
        o.clear();
      }
    }
    o += "]}";
    if (o.size() >= (1 << 16)) {
      flush(o);
      o.clear();
    }
  }
  o += "],\n  \"summary\": {";
  const split_counts& s = m.counts;
  add_num(o, "rows_in", s.rows_in);
  o += ", ";
  add_num(o, "rows_chunked", s.rows_chunked);
  o += ", ";
  add_num(o, "rows_rejected", s.rows_rejected);
  o += ", ";
  add_num(o, "rows_merged", s.rows_merged);
  o += ",\n              \"reject_counts\": {";
  for (std::size_t r = 0; r < REJECT_REASON_COUNT; ++r) {
    if (r) o += ", ";
    add_num(o, to_string(static_cast<reject_reason>(r)), s.reject_counts[r]);
  }
  add_value_counts(o, s.value_reject_counts, true);
  o += "},\n              ";
  if (add_value_counts(o, s.predicted_warnings, false)) o += ",\n              ";
  add_num(o, "bare_quotes", s.bare_quotes);
  o += ", ";
  add_num(o, "bytes_in", s.bytes_in);
  o += ", ";
  add_num(o, "bytes_out", s.bytes_out);
  o += "}";
  add_duplicates(o, m.duplicates);
  o += "\n}\n";
  flush(o);
}

// Reading: every lookup goes through one of these, which name the missing or mistyped key.
struct json_reader {
  std::string where;
  manifest_error& err;

  bool fail(const std::string& key, const char* what) {
    err.message = "manifest.json: " + where + key + " " + what;
    return false;
  }
  bool get(simdjson::dom::object o, const char* key, std::uint64_t& v) {
    if (o[key].get_uint64().get(v)) return fail(key, "missing or not an unsigned integer");
    return true;
  }
  bool get(simdjson::dom::object o, const char* key, std::string& v) {
    std::string_view sv;
    if (o[key].get_string().get(sv)) return fail(key, "missing or not a string");
    v.assign(sv);
    return true;
  }
  bool get(simdjson::dom::object o, const char* key, bool& v) {
    if (o[key].get_bool().get(v)) return fail(key, "missing or not a boolean");
    return true;
  }
  bool get(simdjson::dom::object o, const char* key, simdjson::dom::object& v) {
    if (o[key].get_object().get(v)) return fail(key, "missing or not an object");
    return true;
  }
  bool get(simdjson::dom::object o, const char* key, simdjson::dom::array& v) {
    if (o[key].get_array().get(v)) return fail(key, "missing or not an array");
    return true;
  }
};

bool parse_chunk(simdjson::dom::element e, std::size_t i, chunk_info& c, manifest_error& err) {
  json_reader r{"chunks[" + std::to_string(i) + "].", err};
  simdjson::dom::object o;
  if (e.get_object().get(o)) return r.fail("", "is not an object");
  std::uint64_t index = 0;
  std::string crc;
  simdjson::dom::array runs;
  if (!r.get(o, "index", index) || !r.get(o, "file", c.file) || !r.get(o, "bytes", c.bytes) ||
      !r.get(o, "rows", c.rows) || !r.get(o, "crc32c", crc) ||
      !r.get(o, "first_line", c.first_line) || !r.get(o, "last_line", c.last_line) ||
      !r.get(o, "line_runs", runs)) {
    return false;
  }
  c.index = static_cast<std::uint32_t>(index);
  char* end = nullptr;
  c.crc32c = static_cast<std::uint32_t>(std::strtoul(crc.c_str(), &end, 16));
  if (crc.size() != 8 || end != crc.c_str() + 8) return r.fail("crc32c", "is not 8 hex digits");
  for (simdjson::dom::element run : runs) {
    simdjson::dom::array pair;
    line_run lr;
    if (run.get_array().get(pair) || pair.size() != 2 || pair.at(0).get_uint64().get(lr.first) ||
        pair.at(1).get_uint64().get(lr.count)) {
      return r.fail("line_runs", "holds an entry that is not [first, count]");
    }
    c.line_runs.push_back(lr);
  }
  return true;
}

}  // namespace

char delimiter_of_format(std::string_view format) noexcept {
  if (format == "tsv") return '\t';
  if (format == "ssv") return ';';
  return ',';
}

std::uint64_t chunk_info::source_line_of_row(std::uint64_t k) const noexcept {
  if (k >= rows) return 0;
  for (const line_run& r : line_runs) {
    if (k < r.count) return r.first + k;
    k -= r.count;
  }
  return 0;
}

namespace {
template <class Runs>
bool write_manifest_with(const std::filesystem::path& dir, const manifest& m, Runs&& runs_of,
                         manifest_error& err) {
  const std::filesystem::path final_path = dir / "manifest.json";
  const std::filesystem::path tmp_path = dir / "manifest.json.tmp";
  std::FILE* f = std::fopen(tmp_path.c_str(), "wb");
  if (f == nullptr) {
    err.message = "cannot create " + tmp_path.string();
    return false;
  }
  bool written = true;
  to_json(m, runs_of, [&](const std::string& piece) {
    written = written && std::fwrite(piece.data(), 1, piece.size(), f) == piece.size();
  });
  const bool closed = std::fclose(f) == 0;
  if (!err.message.empty() || !written || !closed) {
    if (err.message.empty()) err.message = "cannot write " + tmp_path.string();
    std::error_code ec;
    std::filesystem::remove(tmp_path, ec);
    return false;
  }
  std::error_code ec;
  std::filesystem::rename(tmp_path, final_path, ec);
  if (ec) {
    err.message = "cannot rename " + tmp_path.string() + ": " + ec.message();
    return false;
  }
  return true;
}
}  // namespace

bool write_manifest(const std::filesystem::path& dir, const manifest& m, manifest_error& err) {
  err.message.clear();
  return write_manifest_with(
      dir, m, [&m](std::size_t i) -> const std::vector<line_run>& { return m.chunks[i].line_runs; },
      err);
}

bool detail::write_manifest_spilled(const std::filesystem::path& dir, const manifest& m,
                                    const spilled_line_runs& spill, manifest_error& err) {
  err.message.clear();
  if (spill.path.empty()) return write_manifest(dir, m, err);
  std::FILE* in = std::fopen(spill.path.c_str(), "rb");
  if (in == nullptr) {
    err.message = "cannot read " + spill.path.string();
    return false;
  }
  std::vector<line_run> scratch;
  std::vector<std::uint64_t> raw;
  const auto runs_of = [&](std::size_t i) -> const std::vector<line_run>& {
    const std::uint64_t n = i < spill.counts.size() ? spill.counts[i] : 0;
    if (n == 0) return m.chunks[i].line_runs;
    scratch.clear();
    raw.resize(static_cast<std::size_t>(2 * n));
    if (std::fread(raw.data(), sizeof(std::uint64_t), raw.size(), in) != raw.size()) {
      if (err.message.empty()) err.message = "cannot read " + spill.path.string() + ": short file";
      return scratch;
    }
    for (std::size_t k = 0; k < raw.size(); k += 2) scratch.push_back(line_run{raw[k], raw[k + 1]});
    return scratch;
  };
  const bool ok = write_manifest_with(dir, m, runs_of, err);
  std::fclose(in);
  return ok;
}

bool read_manifest(const std::filesystem::path& dir, manifest& m, manifest_error& err) {
  const std::filesystem::path path = dir / "manifest.json";
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (const auto e = parser.load(path.string()).get(doc); e) {
    err.message = path.string() + ": " + simdjson::error_message(e);
    return false;
  }
  m = manifest{};
  json_reader r{"", err};
  simdjson::dom::object root, input, dialect, header, summary, rc;
  simdjson::dom::array columns, dropped, chunks;
  std::string format, delimiter;
  std::uint64_t version = 0;
  if (doc.get_object().get(root)) return r.fail("", "is not a JSON object");
  if (!r.get(root, "format", format) || !r.get(root, "version", version)) return false;
  if (format != FORMAT_NAME || version != VERSION) {
    err.message = "manifest.json: format " + format + " version " + std::to_string(version) +
                  " is not mkbulk-manifest version 1";
    return false;
  }
  if (!r.get(root, "input", input) || !r.get(input, "path", m.input_path) ||
      !r.get(input, "bytes", m.input_bytes) || !r.get(root, "dialect", dialect) ||
      !r.get(dialect, "format", m.format) || !r.get(dialect, "delimiter", delimiter) ||
      !r.get(dialect, "bom", m.bom) || !r.get(dialect, "line_endings", m.line_endings) ||
      !r.get(root, "out_format", m.out_format) ||
      !r.get(root, "lookup_field", m.lookup_field) || !r.get(root, "max_bytes", m.max_bytes) ||
      !r.get(root, "header", header) || !r.get(header, "columns", columns) ||
      !r.get(header, "dropped", dropped) || !r.get(header, "line", m.header_line) ||
      !r.get(root, "chunks", chunks) || !r.get(root, "summary", summary)) {
    return false;
  }
  if (delimiter.size() != 1) return r.fail("dialect.delimiter", "is not one character");
  m.delimiter = delimiter[0];
  std::size_t i = 0;
  for (simdjson::dom::element e : columns) {
    json_reader cr{"header.columns[" + std::to_string(i++) + "].", err};
    simdjson::dom::object o;
    column_mapping c;
    std::uint64_t idx = 0;
    if (e.get_object().get(o)) return cr.fail("", "is not an object");
    if (!cr.get(o, "source", c.source) || !cr.get(o, "field", c.field) ||
        !cr.get(o, "source_index", idx)) {
      return false;
    }
    c.source_index = static_cast<std::uint32_t>(idx);
    m.columns.push_back(std::move(c));
  }
  for (simdjson::dom::element e : dropped) {
    std::string_view sv;
    if (e.get_string().get(sv)) return r.fail("header.dropped", "holds a non-string");
    m.dropped.emplace_back(sv);
  }
  i = 0;
  for (simdjson::dom::element e : chunks) {
    chunk_info c;
    if (!parse_chunk(e, i++, c, err)) return false;
    m.chunks.push_back(std::move(c));
  }
  json_reader sr{"summary.", err};
  split_counts& s = m.counts;
  if (!sr.get(summary, "rows_in", s.rows_in) || !sr.get(summary, "rows_chunked", s.rows_chunked) ||
      !sr.get(summary, "rows_rejected", s.rows_rejected) ||
      !sr.get(summary, "reject_counts", rc) || !sr.get(summary, "bare_quotes", s.bare_quotes) ||
      !sr.get(summary, "bytes_in", s.bytes_in) || !sr.get(summary, "bytes_out", s.bytes_out)) {
    return false;
  }
  // Optional (absent in manifests written before --duplicates): zero.
  if (summary["rows_merged"].error() == simdjson::SUCCESS &&
      !sr.get(summary, "rows_merged", s.rows_merged)) {
    return false;
  }
  json_reader rr{"summary.reject_counts.", err};
  for (std::size_t k = 0; k < REJECT_REASON_COUNT; ++k) {
    const std::string key(to_string(static_cast<reject_reason>(k)));
    if (k >= REJECT_REASON_COUNT_V1 && rc[key].error() != simdjson::SUCCESS) continue;
    if (!rr.get(rc, key.c_str(), s.reject_counts[k])) return false;
  }
  if (!read_value_counts(summary, rc, s, err)) return false;
  if (root["duplicates"].error() != simdjson::SUCCESS) return true;
  simdjson::dom::object dup;
  json_reader dr{"duplicates.", err};
  duplicate_summary& d = m.duplicates;
  return r.get(root, "duplicates", dup) && dr.get(dup, "policy", d.policy) &&
         dr.get(dup, "repeated_keys", d.repeated_keys) &&
         dr.get(dup, "rows_held_back", d.rows_held_back) &&
         dr.get(dup, "rows_merged", d.rows_merged) &&
         dr.get(dup, "rows_rejected", d.rows_rejected) &&
         dr.get(dup, "overwritten_values", d.overwritten_values) &&
         dr.get(dup, "report", d.report);
}

}  // namespace mkbulk::engine
