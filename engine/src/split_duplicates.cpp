// --duplicates, the driver and the per-row hook: pass 1 runs the split pipeline keys-only
// (same kernel, parser and rejects, nothing written) to find the repeated lookup keys; pass 2
// is the split, whose rows with a repeated key go to spill files instead of the chunks. What
// happens to them after the input is split_duplicates_finish.cpp.
#include "split_duplicates.h"

#include <chrono>
#include <cstring>
#include <system_error>

#include "rejects_writer.h"
#include "split_run.h"

namespace mkbulk::engine::detail {
namespace {

constexpr std::string_view STDIN_SPOOL = ".mkbulk-stdin.spool";

std::filesystem::path work_dir_of(const split_options& o) {
  if (!o.work_dir.empty()) return o.work_dir;
  if (!o.out_dir.empty()) return o.out_dir;
  if (o.rejects_path.has_parent_path()) return o.rejects_path.parent_path();
  return ".";
}

// Copies the input (standard input for "-", or a pipe) to path; false with message on an I/O
// error.
bool spool_input(const std::string& input, const std::filesystem::path& path,
                 std::string& message) {
  std::FILE* in = input == "-" ? stdin : std::fopen(input.c_str(), "rb");
  if (in == nullptr) {
    message = "cannot open " + input;
    return false;
  }
  std::FILE* out = std::fopen(path.c_str(), "wb");
  if (out == nullptr) {
    message = "cannot create " + path.string() + " (the input is kept there to be read twice)";
    if (in != stdin) std::fclose(in);
    return false;
  }
  std::vector<char> buf(std::size_t{1} << 20);
  bool ok = true;
  for (;;) {
    const std::size_t n = std::fread(buf.data(), 1, buf.size(), in);
    if (n != 0 && std::fwrite(buf.data(), 1, n, out) != n) ok = false;
    if (n < buf.size() || !ok) break;
  }
  if (std::ferror(in) != 0) {
    message = "cannot read " + (input == "-" ? std::string("standard input") : input);
    ok = false;
  } else if (!ok) {
    message = "cannot write " + path.string();
  }
  if (in != stdin) std::fclose(in);
  if (std::fclose(out) != 0 && ok) {
    message = "cannot write " + path.string();
    ok = false;
  }
  return ok;
}

}  // namespace

std::string_view lookup_in_row(std::string_view row, std::size_t column, char delimiter,
                               std::string& scratch) noexcept {
  std::size_t pos = 0;
  for (std::size_t k = 0;; ++k) {
    if (pos < row.size() && row[pos] == '"') {  // quoted: "" inside stands for one quote
      std::size_t q = pos + 1;
      if (k == column) scratch.clear();
      for (;;) {
        const void* hit = std::memchr(row.data() + q, '"', row.size() - q);
        const std::size_t at = hit == nullptr ? row.size()
                                              : static_cast<std::size_t>(
                                                    static_cast<const char*>(hit) - row.data());
        if (k == column) scratch.append(row.data() + q, at - q);
        if (at + 1 < row.size() && row[at + 1] == '"') {
          if (k == column) scratch.push_back('"');
          q = at + 2;
          continue;
        }
        pos = at + 1;
        break;
      }
      if (k == column) return scratch;
      if (pos >= row.size()) return {};
      ++pos;  // the delimiter after the closing quote
      continue;
    }
    const void* hit = std::memchr(row.data() + pos, delimiter, row.size() - pos);
    const std::size_t end =
        hit == nullptr ? row.size()
                       : static_cast<std::size_t>(static_cast<const char*>(hit) - row.data());
    if (k == column) return row.substr(pos, end - pos);
    if (end >= row.size()) return {};
    pos = end + 1;
  }
}

void duplicate_pass::flush_pending() {
  if (!reserved_ && rows_seen_ >= SAMPLE_ROWS && input_bytes_ != 0) {
    // The whole input's rows at the sample's mean size, plus 1/16 for the estimate's error:
    // one allocation instead of a growth series (during which old and new tables coexist).
    const std::uint64_t rows = input_bytes_ / (bytes_seen_ / rows_seen_ + 1);
    table_.reserve(static_cast<std::size_t>(rows + rows / 16));
    reserved_ = true;
  }
  table_.observe_batch(std::span<const std::uint64_t>(pending_.data(), pending_size_));
  pending_size_ = 0;
}

bool duplicate_pass::start_divert(const std::filesystem::path& dir, std::size_t columns) {
  mode_ = mode::divert;
  summary.policy = std::string(to_string(policy_));
  table_ = table_.repeated_only();  // pass 2 probes the repeated keys only
  // Memory while a partition is merged: each held row's fields (strings) and bytes, plus its
  // raw record and source line for reject and allow.
  const std::uint64_t avg = rows_seen_ != 0 ? bytes_seen_ / rows_seen_ : 0;
  const std::uint64_t per_row = 2 * avg + 32 * columns + 64;
  const std::uint64_t need = table_.repeated_rows() * per_row;
  std::size_t n = static_cast<std::size_t>(need / DUPLICATE_PARTITION_BUDGET + 1);
  if (n > MAX_DUPLICATE_PARTITIONS) n = MAX_DUPLICATE_PARTITIONS;
  for (std::size_t p = 0; p < n; ++p) {
    paths_.push_back(dir / (".mkbulk-held." + std::to_string(p) + ".part"));
    std::FILE* f = std::fopen(paths_.back().c_str(), "w+b");
    if (f == nullptr) {
      error_ = "cannot create " + paths_.back().string() + " (rows with a repeated lookup key)";
      return false;
    }
    files_.push_back(f);
  }
  return true;
}

void duplicate_pass::spill(std::uint64_t key_hash, const held_row_header& h,
                           std::string_view out_row, std::string_view raw) {
  // Partition by the top bits of the hash (multiply-shift: any count, not only powers of 2).
  const std::size_t p =
      files_.size() == 1
          ? 0
          : static_cast<std::size_t>(((key_hash >> 32) * files_.size()) >> 32);
  std::FILE* f = files_[p];
  std::fwrite(&h, sizeof h, 1, f);
  // (never fwrite from an empty view's null data(): undefined even for 0 bytes)
  if (!out_row.empty()) std::fwrite(out_row.data(), 1, out_row.size(), f);
  if (!raw.empty()) std::fwrite(raw.data(), 1, raw.size(), f);
}

bool duplicate_pass::close_spills() {
  bool ok = true;
  for (std::size_t p = 0; p < files_.size(); ++p) {
    if (std::ferror(files_[p]) != 0) ok = false;
    if (std::fclose(files_[p]) != 0) ok = false;
    if (!ok && error_.empty()) error_ = "cannot write " + paths_[p].string();
  }
  files_.clear();
  return ok;
}

void duplicate_pass::remove_spills() noexcept {
  for (std::FILE* f : files_) std::fclose(f);
  files_.clear();
  std::error_code ec;
  for (const auto& p : paths_) std::filesystem::remove(p, ec);
  paths_.clear();
}

void split_run::count_key(std::uint64_t key_hash, std::size_t row_bytes) {
  dups_->observe(key_hash, row_bytes);
  ++result_.result.counts.rows_in;
}

bool split_run::hold_back(std::size_t rs, std::size_t end, bool raw, std::string_view key) {
  const auto* d = reinterpret_cast<const char*>(win_.data());
  const std::string_view row =
      raw ? std::string_view(d + rs, end - rs) : std::string_view(out_.data(), out_.size() - 1);
  // A caller's key (fast_record's field bounds on a row copied as it is: no quotes, the same
  // bytes the chunk gets) spares re-reading the row; otherwise the output row's own field.
  const std::uint64_t h = lookup_key_hash(
      key.data() != nullptr ? key : lookup_in_row(row, lookup_out_, out_delim_, dup_key_));
  split_counts& c = result_.result.counts;
  if (dups_->current() == duplicate_pass::mode::count) {
    count_key(h, row.size() + 1);
    return true;
  }
  if (!dups_->is_held(h)) return false;
  ++c.rows_in;
  if (checker_) checker_->commit(c);
  const bool keep_raw = dups_->policy() == duplicate_policy::reject ||
                        dups_->policy() == duplicate_policy::allow;
  std::string_view record(d + rs, end - rs);
  held_row_header hh;
  hh.line = line_;
  hh.offset = win_.base() + rs;
  hh.raw_total = record.size();
  record = keep_raw ? record.substr(0, REJECT_RECORD_KEEP) : std::string_view();
  hh.out_size = static_cast<std::uint32_t>(row.size());
  hh.raw_size = static_cast<std::uint32_t>(record.size());
  dups_->spill(h, hh, row, record);
  ++dups_->summary.rows_held_back;
  return true;
}

split_result run_split_deduplicated(const split_options& options, chunk_sink* sink,
                                    const progress_fn& progress) {
  const auto started = std::chrono::steady_clock::now();
  const auto failed = [&](split_status status, std::string message) {
    split_result r;
    r.status = status;
    r.message = std::move(message);
    r.result.input_path = options.input_path;
    return r;
  };
  const std::filesystem::path work = work_dir_of(options);
  std::error_code ec;
  std::filesystem::create_directories(work, ec);
  if (ec) return failed(split_status::io_error, "cannot create " + work.string() + ": " + ec.message());
  split_options first = options;
  std::filesystem::path spool;
  // Standard input and pipes cannot be read twice: pass 1 and 2 read a copy.
  if (options.input_path == "-" ||
      (std::filesystem::exists(options.input_path, ec) &&
       !std::filesystem::is_regular_file(options.input_path, ec))) {
    spool = work / STDIN_SPOOL;
    std::string message;
    if (!spool_input(options.input_path, spool, message)) {
      std::filesystem::remove(spool, ec);
      return failed(split_status::io_error, message);
    }
    first.input_path = spool.string();
  }
  struct spool_remover {
    std::filesystem::path path;
    ~spool_remover() {
      std::error_code e;
      if (!path.empty()) std::filesystem::remove(path, e);
    }
  } remove_spool{spool};

  duplicate_pass pass(*options.duplicates);
  const std::uintmax_t size = std::filesystem::file_size(first.input_path, ec);
  if (!ec) pass.set_input_bytes(size);
  split_options second = first;
  first.out_dir.clear();
  first.rejects_path.clear();
  first.max_rejects.reset();
  first.fsync_chunks = false;
  std::size_t columns = 0;
  // Each pass's progress says which pass it is (a progress bar shows pass 1 as such).
  const auto of_pass = [&progress](std::uint8_t n) -> progress_fn {
    if (!progress) return {};
    return [&progress, n](const split_progress& p) {
      split_progress q = p;
      q.pass = n;
      q.passes = 2;
      progress(q);
    };
  };
  const progress_fn keys_progress = of_pass(1);
  const progress_fn split_progress_fn = of_pass(2);
  {
    split_run one(first, nullptr, keys_progress);
    one.set_duplicates(&pass);
    split_result r = one.run();
    if (r.status != split_status::ok) {
      r.result.input_path = options.input_path;
      return r;
    }
    columns = r.result.columns.size();
  }
  pass.end_count();
  if (!options.out_dir.empty()) {  // a previous run's report would mix with this one's
    std::filesystem::remove(options.out_dir / "duplicates.csv", ec);
    std::filesystem::remove(options.out_dir / "duplicates.csv.part", ec);
  }
  split_run two(second, sink, split_progress_fn);
  two.set_input_name(options.input_path);
  if (pass.repeated_keys() != 0) {
    if (!pass.start_divert(work, columns)) return failed(split_status::io_error, pass.error());
    two.set_duplicates(&pass);
  }
  split_result r = two.run();
  r.result.duplicates.policy = std::string(to_string(*options.duplicates));
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return r;
}

}  // namespace mkbulk::engine::detail
