// One run of the split pipeline: the state shared by its setup (options, input, dialect,
// header, output directory: split_setup.cpp) and its hot loop (scan + record parsing:
// split_pipeline.cpp). Internal to the engine; the public face is split.h.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <string>
#include <vector>

#include "careful_parser.h"
#include "chunk_writer.h"
#include "header_plan.h"
#include "typed_verdicts.h"
#include "input_window.h"
#include "mkbulk/engine/scan_kernel.h"
#include "mkbulk/engine/split.h"
#include "preflight_checker.h"
#include "rejects_writer.h"

namespace mkbulk::engine::detail {

// The read block: 1 MiB measured faster than 256 and 512 KiB (fewer hand-overs between threads).
inline constexpr std::size_t DEFAULT_BLOCK_BYTES = std::size_t{1} << 20;
inline constexpr std::size_t SNIFF_BYTES = 64 * 1024;
inline constexpr std::size_t WINDOW_BLOCKS = 1024;  // 64 KiB of input per kernel call

class duplicate_pass;  // split_duplicates.h

class split_run {
 public:
  split_run(const split_options& options, chunk_sink* sink, const progress_fn& progress);
  split_result run();
  // --duplicates (split_duplicates.cpp): the pass whose hold_back() sees every row to chunk
  // (null: none), and the input's name for the manifest when the run reads a spooled copy.
  void set_duplicates(duplicate_pass* pass) noexcept { dups_ = pass; }
  void set_input_name(std::string name) { input_name_ = std::move(name); }
  // Setup only (sniff): dialect and header, no output.
  sniff_result sniff();

 private:
  enum class step : std::uint8_t { ok, more, restart, finished, stop };
  struct scan_result {
    step what;
    std::size_t rs;
  };

  // split_setup.cpp
  bool fail(split_status status, std::string message);
  bool check_options();
  bool read_header(bool keep_going);
  bool prepare_output();
  void fill_manifest();

  // split_pipeline.cpp
  bool main_loop();
  scan_result scan(std::size_t rs);
  MKBULK_BIT_LOOP_CLONES scan_result scan_fast(std::size_t rs);  // block_index.h
  step fast_record(std::size_t rs, std::size_t p, line_end eol, std::size_t nd,
                   std::size_t lk_b, std::size_t lk_e, bool has_special);
  // scan_fast's records listed ahead by the read-ahead thread (typed_verdicts.h), from rs on
  // as long as one starts where the last ended: each where scan_fast's quoted_record or
  // fast_record would send it (with quotes, to regular_quoted_record or the careful parser by
  // the reader's test of them). rs moves past them (on restart: to where to resume).
  step take_listed(std::size_t& rs);
  // take_listed's lane for the listed records that need no decision of the parser's (with
  // fast_copy_; with pre-flight the lists hold only records whose typed values are kept):
  // from the cursor's record on while each starts where the last ended, its line end is known,
  // its quotes regular, its bytes checked clean, its lookup value not empty and it fits a
  // chunk: each copied as it is. With a duplicate pass, a record whose lookup value is not
  // quoted gets hold_back()'s answer for its key: counted in pass 1, copied in pass 2 unless
  // the key repeats (then it stops there, for hold_back). Called with the cursor on the record
  // at rs; returns the listed record at rs where it stops (the cursor on it), null when none
  // starts there.
  const kept_record* take_plain(const block_index& ix, std::size_t& rs, std::ptrdiff_t shift);
  // The record the read-ahead thread listed (typed_verdicts.h) that starts at window position
  // at, in the index of the window's newest block, or null; shift as win_.index() gives it.
  // One cursor for every caller (scan_fast, take_listed, kept_ahead): they ask in increasing
  // order.
  const kept_record* listed_at(std::size_t at, std::ptrdiff_t& shift);
  // listed_at's two halves: the index of the window's newest block when it lists records
  // (its list read from the start when the block is new), and the record of ix listed at
  // window position at.
  const block_index* listed_block(std::ptrdiff_t& shift);
  const kept_record* listed_in(const block_index& ix, std::size_t at, std::ptrdiff_t shift);
  // The line end at window position p (a CR or LF byte outside quotes): its kind and where
  // the next record starts. False when p is a CR in the window's last byte and more input may
  // follow (its LF may come next).
  bool line_end_at(std::size_t p, line_end& eol, std::size_t& next) const noexcept {
    const std::uint8_t* d = win_.data();
    eol = line_end::lf;
    next = p + 1;
    if (d[p] != '\r') return true;
    eol = line_end::cr;
    if (p + 1 >= win_.size()) return win_.eof();
    if (d[p + 1] == '\n') {
      next = p + 2;
      eol = line_end::crlf;
    }
    return true;
  }
  step careful_record_at(std::size_t rs, std::size_t& resume);
  step quoted_record(std::size_t rs, std::size_t p, line_end eol, std::size_t nd,
                     std::size_t lk_b, std::size_t lk_e, bool has_special, bool inner_eol,
                     std::size_t& resume);
  // quoted_record's record once its quotes are found regular (quoted_fields.h: by
  // quoted_record, or by the read-ahead thread for a record it listed), inner_lines line ends
  // inside its values.
  step regular_quoted_record(std::size_t rs, std::size_t p, line_end eol, std::size_t nd,
                             std::size_t lk_b, std::size_t lk_e, bool has_special,
                             std::uint64_t inner_lines, std::size_t& resume);
  step skip_record(std::size_t rs, std::size_t& resume);
  step accept(std::size_t rs, std::size_t end, std::span<const field_span> spans, bool raw,
              line_end eol);
  // A row whose size bytes from rs are already its output (with an LF for its line end eol),
  // counted and written as they are: the rows of the fast paths and accept()'s raw ones.
  void write_raw_row(std::size_t rs, std::size_t size, line_end eol) {
    const auto* d = reinterpret_cast<const char*>(win_.data());
    ++result_.result.counts.rows_in;
    writer_->begin_row(line_, size);
    if (eol == line_end::lf) {
      writer_->append_input(d + rs, size);
    } else {
      writer_->append_line(d + rs, size - 1);
    }
  }
  step reject(std::size_t rs, std::size_t end, reject_reason why, const std::string& message);
  step reject_raw(std::uint64_t offset, std::string_view raw, std::uint64_t total,
                  reject_reason why, const std::string& message);
  // After a row was counted as rejected: stops the run past --max-rejects.
  step after_reject();
  bool check_bytes(std::size_t rs, std::size_t end, std::string& message, reject_reason& why);
  // split_preflight.cpp
  void setup_preflight();
  // A record list for this run (typed_verdicts.h): with pre-flight, with a record checker of
  // its own; for the read-ahead thread (verdicts_) and for the parser's own lists.
  [[nodiscard]] std::unique_ptr<typed_verdicts> make_verdicts() const;
  step reject_value(std::size_t rs, std::size_t end);
  void record_spans(std::size_t rs, std::size_t end);
  bool typed_spans(std::size_t rs, std::size_t end);
  bool typed_keeps(std::size_t rs, std::size_t end);
  // The read-ahead thread found the record [rs, end) with every typed value kept (the caller
  // found it plain RFC 4180).
  bool kept_ahead(std::size_t rs, std::size_t end);
  void walk_spans(std::size_t rs, std::size_t end);
  bool mask_spans(std::size_t rs, std::size_t end);
  value_verdict check_raw(std::span<const field_span> spans);
  // split_duplicates.cpp: diverts a row to chunk (its output bytes: [rs, end) when raw, else
  // out_) when the duplicate pass takes it; true when taken (counted, not written). key: the
  // lookup value as the row holds it, when the caller knows it (else read from the row). After
  // the input: the held-back rows back into chunks, rejects and duplicates.csv.
  bool hold_back(std::size_t rs, std::size_t end, bool raw, std::string_view key = {});
  // Pass 1's count of a row to chunk: its key's hash, its bytes with the line end.
  void count_key(std::uint64_t key_hash, std::size_t row_bytes);
  bool finish_duplicates();
  void count_eol(line_end e) noexcept { ++eols_[static_cast<std::size_t>(e)]; }
  void report_progress(bool force);

  const split_options& opt_;
  chunk_sink* sink_;
  const progress_fn& progress_;
  split_result result_;
  std::chrono::steady_clock::time_point started_;

  scan_kernel_fn kernel_ = nullptr;
  utf8_check_fn utf8_valid_ = &utf8_valid_scalar;  // the kernel's instruction set's
  std::size_t block_ = DEFAULT_BLOCK_BYTES;
  // 2 or more: a read-ahead thread (read(2) and stage 1); 3 or more: also a writer thread. On
  // two cores the writer thread measured a net loss (its segments cross cores, and three
  // threads contend for two), so the parser writes the chunks itself there.
  unsigned threads_ = 1;
  std::size_t limit_ = 0;  // the largest record kept in the window (bigger: skipped)
  // The records (with pre-flight, the typed verdicts) the read-ahead thread lists ahead
  // (typed_verdicts.h); before win_, so that it outlives the thread.
  std::unique_ptr<typed_verdicts> verdicts_;
  // With fast_copy_: the parser's own, for the blocks the reader did not list (listing them
  // and taking the list costs less than scan_fast's walk of their records).
  std::unique_ptr<typed_verdicts> own_verdicts_;
  const block_index* listed_index_ = nullptr;  // listed_at()'s block and place in its list
  std::size_t listed_cursor_ = 0;
  input_window win_;
  std::uint8_t delim_ = ',';
  char out_delim_ = ',';
  bool bom_ = false;
  std::size_t header_next_ = 0;
  header_plan plan_;
  std::size_t n_fields_ = 0;
  std::size_t lookup_ = 0;
  bool fast_copy_ = false;
  std::uint64_t max_row_bytes_ = 0;  // max_bytes minus the header line

  duplicate_pass* dups_ = nullptr;
  std::string input_name_;
  std::size_t lookup_out_ = 0;  // the lookup field's position among the output columns
  std::string dup_key_;
  std::unique_ptr<record_checker> checker_;  // pre-flight; null without a schema
  std::size_t partial_rs_ = NO_POS;  // typed_spans() checked [rs, end); spans_ not filled in
  std::size_t partial_end_ = 0;
  value_verdict typed_verdict_ = value_verdict::keep;  // the typed values' verdict of that record
  std::unique_ptr<chunk_writer> writer_;
  rejects_writer rejects_;
  bool have_rejects_ = false;

  std::uint64_t line_ = 1;
  std::uint64_t eols_[4] = {0, 0, 0, 0};
  std::uint64_t next_progress_ = 0;
  bool window_moved_ = false;
  // Window positions below which the bytes are known clean (no NUL, valid UTF-8) or known to
  // hold a bad byte somewhere (records there are checked one by one).
  std::size_t clean_until_ = 0;
  std::size_t dirty_until_ = 0;
  bool too_many_ = false;

  std::vector<block_masks> masks_;  // scan_fast's own kernel passes (no index)
  // While scan_fast hands a record that lies wholly in its current kernel window to
  // quoted_record or fast_record: that window's masks and the window position of its first
  // block (quoted_record walks its quote bits, pre-flight its delimiter bits).
  const block_masks* quote_masks_ = nullptr;
  std::size_t quote_base_ = 0;
  std::vector<std::size_t> delims_;
  // Pre-flight with fast_copy_ (the loop is scan_fast): the delimiters the typed checks ask
  // for (asked_delimiters, typed_verdicts.h: increasing, then a sentinel; just the sentinel
  // without a schema), whose positions in the current record scan_fast notes in asked_at_ (by
  // delimiter index) as it counts them.
  std::vector<std::uint32_t> asked_{~std::uint32_t{0}};
  std::vector<std::size_t> asked_at_;
  std::vector<field_span> spans_;
  careful_record rec_;
  careful_record trial_;
  std::string out_;
  std::string value_;
  std::string message_;
};

}  // namespace mkbulk::engine::detail
