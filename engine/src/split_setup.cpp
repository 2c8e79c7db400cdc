// The split run's setup and wrap-up: option checks, kernel choice, reading the sample and the
// header, sniffing the dialect, mapping the header, preparing the output directory, and the
// manifest at the end. The hot loop is in split_pipeline.cpp.
#include <algorithm>
#include <string_view>
#include <system_error>
#include <thread>

#include "mkbulk/engine/scan_dispatch.h"
#include "preflight_checker.h"
#include "record_encoder.h"
#include "split_duplicates.h"
#include "split_run.h"

namespace mkbulk::engine {
namespace detail {
namespace {

constexpr std::size_t MIN_LIMIT = std::size_t{1} << 20;
constexpr std::size_t MAX_LIMIT = std::size_t{16} << 20;

std::string format_of(char d) {
  if (d == '\t') return "tsv";
  if (d == ';') return "ssv";
  return "csv";
}

// A name the chunk writer gives: six digits, ".csv", ".tsv" or ".ssv", maybe ".part".
bool is_chunk_file_name(std::string_view name) noexcept {
  if (name.size() > 5 && name.substr(name.size() - 5) == ".part") name.remove_suffix(5);
  if (name.size() != 10 || name[6] != '.') return false;
  for (std::size_t i = 0; i < 6; ++i) {
    if (name[i] < '0' || name[i] > '9') return false;
  }
  const std::string_view ext = name.substr(7);
  return ext == "csv" || ext == "tsv" || ext == "ssv";
}

}  // namespace

split_run::split_run(const split_options& options, chunk_sink* sink, const progress_fn& progress)
    : opt_(options), sink_(sink), progress_(progress), started_(std::chrono::steady_clock::now()) {}

bool split_run::fail(split_status status, std::string message) {
  result_.status = status;
  result_.message = std::move(message);
  return false;
}

bool split_run::check_options() {
  if (opt_.out_format != "csv" && opt_.out_format != "tsv" && opt_.out_format != "ssv") {
    return fail(split_status::bad_dialect,
                "unknown output format '" + opt_.out_format + "'; use csv, tsv or ssv");
  }
  if (opt_.delimiter && *opt_.delimiter != ',' && *opt_.delimiter != '\t' &&
      *opt_.delimiter != ';') {
    return fail(split_status::bad_dialect, "the delimiter must be ',', tab or ';'");
  }
  if (opt_.lookup_field.empty()) {
    return fail(split_status::bad_dialect, "the lookup field name is empty");
  }
  const scan_kernel_info* k =
      opt_.kernel.empty() ? &best_scan_kernel() : find_scan_kernel(opt_.kernel);
  if (k == nullptr) {
    std::string names;
    for (const auto& s : supported_scan_kernels()) names += (names.empty() ? "" : ", ") + std::string(s.name);
    return fail(split_status::bad_dialect, "scan kernel '" + opt_.kernel +
                                               "' is unknown or not supported by this CPU; "
                                               "this CPU runs: " + names);
  }
  kernel_ = k->fn;
  utf8_valid_ = k->utf8;
  result_.kernel = k->name;
  if (opt_.block_bytes != 0) block_ = std::max<std::size_t>(opt_.block_bytes, 64);
  threads_ = opt_.threads != 0 ? opt_.threads : std::thread::hardware_concurrency();
  limit_ = static_cast<std::size_t>(
      std::clamp<std::uint64_t>(opt_.max_bytes, MIN_LIMIT, MAX_LIMIT));
  out_delim_ = delimiter_of_format(opt_.out_format);
  return true;
}

bool split_run::read_header(bool keep_going) {
  if (!win_.open(opt_.input_path, limit_ + block_, block_, threads_ >= 2)) {
    return fail(split_status::io_error, win_.error());
  }
  while (!win_.eof() && win_.size() < SNIFF_BYTES) {
    if (!win_.read_some()) return fail(split_status::io_error, win_.error());
  }
  const std::uint8_t* d = win_.data();
  std::size_t start = 0;
  if (win_.size() >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF) {
    bom_ = true;
    start = 3;
  }
  if (win_.eof() && win_.size() == start) {
    return fail(split_status::bad_dialect,
                std::string("the input is empty") + (bom_ ? " (a byte order mark and nothing else)" : "") +
                    "; expected a header line and rows");
  }
  delim_ = static_cast<std::uint8_t>(opt_.delimiter ? *opt_.delimiter
                                                     : sniff_delimiter(d, win_.size(), win_.eof(), start));
  for (;;) {
    careful_parse(win_.data(), win_.size(), win_.eof(), start, delim_, limit_, rec_);
    if (rec_.status == parse_status::done) break;
    if (rec_.status == parse_status::overflow) {
      return fail(split_status::bad_header,
                  "the header line is longer than " + std::to_string(limit_) +
                      " bytes; is this a delimited text file?");
    }
    if (!win_.read_some()) return fail(split_status::io_error, win_.error());
  }
  if (rec_.defect) {
    return fail(split_status::bad_header,
                "line 1 (the header): " + std::string(to_string(*rec_.defect)) + " in column " +
                    std::to_string(rec_.defect_field + 1) + "; fix the header line");
  }
  std::string why;
  reject_reason ignored{};
  if (check_bytes(start, rec_.end, why, ignored)) {
    return fail(split_status::bad_header, "line 1 (the header): " + why);
  }
  std::vector<std::string> names;
  for (const field_span& f : rec_.fields) {
    field_value(win_.data(), f, value_);
    names.push_back(value_);
  }
  header_next_ = rec_.next;
  line_ = 1 + rec_.inner_lines + (rec_.eol == line_end::none ? 0 : 1);
  count_eol(rec_.eol);
  if (!plan_header(names, opt_, out_delim_, keep_going, plan_, why)) {
    return fail(split_status::bad_header, "line 1 (the header): " + why);
  }
  n_fields_ = plan_.source_fields;
  lookup_ = plan_.lookup_index;
  for (std::size_t k = 0; k < plan_.columns.size(); ++k) {
    if (plan_.columns[k].source_index == lookup_) lookup_out_ = k;
  }
  fast_copy_ = plan_.identity && out_delim_ == static_cast<char>(delim_) && !opt_.trim;
  if (opt_.preflight) setup_preflight();
  // Without pre-flight the read-ahead thread lists the records too (balanced: while it is
  // ahead of the parser, input_window::run_reader).
  if (fast_copy_ && threads_ >= 2 && n_fields_ > 0 && !checker_) {
    verdicts_ = make_verdicts();
  }
  // scan_fast takes the blocks indexed ahead (and the records listed ahead)
  if (fast_copy_) win_.set_indexer(delim_, kernel_, n_fields_, verdicts_.get(), opt_.ahead);
  const std::uint64_t header_bytes = plan_.header_line.size() + 1;
  if (!keep_going && opt_.max_bytes <= header_bytes) {
    return fail(split_status::bad_header, "--max-bytes " + std::to_string(opt_.max_bytes) +
                                              " leaves no room for rows after the " +
                                              std::to_string(header_bytes) + "-byte header");
  }
  max_row_bytes_ = opt_.max_bytes > header_bytes ? opt_.max_bytes - header_bytes : 0;
  return true;
}

bool split_run::prepare_output() {
  std::error_code ec;
  std::filesystem::path rejects_path = opt_.rejects_path;
  if (!opt_.out_dir.empty()) {
    std::filesystem::create_directories(opt_.out_dir / "chunks", ec);
    if (ec) {
      return fail(split_status::io_error,
                  "cannot create " + (opt_.out_dir / "chunks").string() + ": " + ec.message());
    }
    // A previous run's output would mix with this one's: remove the files the engine names.
    std::filesystem::remove(opt_.out_dir / "manifest.json", ec);
    for (const auto& e : std::filesystem::directory_iterator(opt_.out_dir / "chunks", ec)) {
      if (is_chunk_file_name(e.path().filename().string())) {
        std::filesystem::remove(e.path(), ec);
      }
    }
    if (rejects_path.empty()) rejects_path = opt_.out_dir / "rejects.csv";
  }
  if (!rejects_path.empty()) {
    if (!rejects_.open(rejects_path)) return fail(split_status::io_error, rejects_.error());
    have_rejects_ = true;
  }
  chunk_writer_options w;
  w.out_dir = opt_.out_dir;
  w.extension = opt_.out_format;
  w.header = plan_.header_line + "\n";
  w.max_bytes = opt_.max_bytes;
  w.threaded = threads_ >= 3;  // a writer thread only with a third core (split_run.h)
  w.fsync_chunks = opt_.fsync_chunks;
  w.sink = sink_;
  writer_ = std::make_unique<chunk_writer>(std::move(w));
  return true;
}

void split_run::fill_manifest() {
  manifest& m = result_.result;
  m.input_path = input_name_.empty() ? opt_.input_path : input_name_;
  m.input_bytes = win_.bytes_read();
  m.format = format_of(static_cast<char>(delim_));
  m.delimiter = static_cast<char>(delim_);
  m.bom = bom_;
  const std::size_t kinds = static_cast<std::size_t>(eols_[1] != 0) +
                            static_cast<std::size_t>(eols_[2] != 0) +
                            static_cast<std::size_t>(eols_[3] != 0);
  m.line_endings = kinds == 0   ? "none"
                   : kinds > 1  ? "mixed"
                   : eols_[1]   ? "lf"
                   : eols_[2]   ? "crlf"
                                : "cr";
  m.out_format = opt_.out_format;
  m.lookup_field = opt_.lookup_field;
  m.max_bytes = opt_.max_bytes;
  m.columns = plan_.columns;
  m.dropped = plan_.dropped;
  m.header_line = plan_.header_line;
  m.counts.bytes_in = win_.bytes_read();
  m.counts.rows_chunked = writer_ ? writer_->rows() : 0;
  m.counts.bytes_out = 0;
  for (const chunk_info& c : m.chunks) m.counts.bytes_out += c.bytes;
}

split_result split_run::run() {
  const auto finish = [this] {
    result_.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    return std::move(result_);
  };
  if (!check_options() || !read_header(false) || !prepare_output()) {
    if (writer_) writer_->abandon();
    fill_manifest();
    return finish();
  }
  const bool looped = main_loop() && (dups_ == nullptr || finish_duplicates());
  std::string err;
  if (!looped) {
    writer_->abandon();
    (void)rejects_.close();
    fill_manifest();
    return finish();
  }
  if (!writer_->finish(result_.result.chunks, err)) {
    (void)rejects_.close();
    fail(split_status::io_error, err);
    fill_manifest();
    return finish();
  }
  if (!rejects_.close()) {
    fail(split_status::io_error, rejects_.error());
    fill_manifest();
    return finish();
  }
  report_progress(true);
  fill_manifest();
  if (!opt_.out_dir.empty()) {
    manifest_error me;
    if (!write_manifest_spilled(opt_.out_dir, result_.result, writer_->spill(), me)) {
      fail(split_status::io_error, me.message);
    }
    writer_->remove_spill();
  }
  return finish();
}

sniff_result split_run::sniff() {
  sniff_result out;
  if (check_options() && read_header(true)) {
    fill_manifest();
    out.unknown_columns = plan_.unknown;
  }
  out.status = result_.status;
  out.message = result_.message;
  out.result = std::move(result_.result);
  return out;
}

}  // namespace detail

split_result run_split(const split_options& options, chunk_sink* sink,
                       const progress_fn& progress) {
  if (options.duplicates) return detail::run_split_deduplicated(options, sink, progress);
  detail::split_run run(options, sink, progress);
  return run.run();
}

sniff_result sniff_input(const split_options& options) {
  const progress_fn none;
  detail::split_run run(options, nullptr, none);
  return run.sniff();
}

}  // namespace mkbulk::engine
