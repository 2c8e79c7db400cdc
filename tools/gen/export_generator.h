// mkbulk-gen's library: a deterministic, streaming generator of realistic CRM lead exports
// (CSV/TSV/SSV, optional BOM and CRLF, multi-line fields, many scripts) with injected defects
// and their ground truth. The program around it (main.cpp) only parses options and writes.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mkbulk::gen {

// The defects the generator can inject, one per defective row.
enum class defect_kind : std::uint8_t {
  field_count_mismatch,       // one field missing or one extra
  unterminated_quote,         // a field opens a quote that never closes on its line
  bytes_after_closing_quote,  // "abc"x
  invalid_utf8,               // a lone lead byte, 0xFF, an overlong or cut sequence, a surrogate
  nul_byte,                   // a NUL byte inside a field
  empty_lookup_field,         // an empty e-mail address
  bare_quote,                 // a literal " inside an unquoted field: kept, not rejected
  // Not drawn by --defect-rate (--duplicate-rate injects it): the row repeats the lookup
  // e-mail of an earlier row, in another case and/or with surrounding spaces.
  duplicate_key,
};
// The kinds a row's defect is drawn from (--defects); duplicate_key comes after them.
inline constexpr std::size_t DEFECT_KIND_COUNT = 7;

[[nodiscard]] std::string_view to_string(defect_kind k) noexcept;
[[nodiscard]] std::optional<defect_kind> defect_kind_from_string(std::string_view s) noexcept;
// The engine's reject_reason code for a record with this defect, or "none" (bare_quote).
[[nodiscard]] std::string_view expected_reason(defect_kind k) noexcept;

// The export's header line (without line end), in the columns every row has.
inline constexpr std::string_view HEADER_FIELDS[] = {
    "Email Address", "First Name",  "Last Name",      "Company Name",  "Job Title",
    "Phone Number",  "Street",      "City",           "State",         "Zip Code",
    "Country",       "Lead Source", "Annual Revenue", "Num Employees", "Comments"};
inline constexpr std::size_t FIELD_COUNT = 15;

struct generator_options {
  std::uint64_t seed = 1;
  // Exactly one of rows and bytes is non-zero. rows: that many data rows (header not
  // counted). bytes: rows are added while the output is shorter than this, so the output is
  // at least this long and ends with a whole row.
  std::uint64_t rows = 0;
  std::uint64_t bytes = 0;
  char delimiter = ',';  // ',' (csv), '\t' (tsv) or ';' (ssv)
  bool bom = false;
  bool crlf = false;                 // CRLF line ends, also inside multi-line fields
  bool quote_all = false;            // quote every field, as Salesforce does
  double multiline_rate = 0.05;      // share of rows whose Comments span several lines
  double defect_rate = 0;            // share of rows with one defect
  std::vector<defect_kind> defects;  // the kinds to draw from; empty means all
  // Pre-flight (issue 5): share of rows (among those without a defect above) with one value
  // that only typed checks against the lead schema catch: a non-number in Annual Revenue, a
  // fraction or a value past 2^31 in Num Employees, a lookup e-mail without a top-level domain.
  // 0 (the default) draws nothing, so the output is the same bytes as without the option.
  double typed_defect_rate = 0;
  // Duplicate lookup keys (issue 5): share of rows (among those with no defect above) that
  // repeat the e-mail of an earlier row, in another case and/or with surrounding spaces, some
  // with empty values in other columns (the rest are drawn anew, so they differ). The earlier
  // row is drawn from a bounded reservoir of earlier clean rows' e-mails. 0 (the default)
  // draws nothing: the output is the same bytes as without the option.
  double duplicate_rate = 0;

  // Throws std::invalid_argument with a message for people when the options make no sense.
  void validate() const;
};

// One injected defect. source_line is the 1-based physical line on which the defective record
// starts (the header is line 1; every line end inside a quoted field counts).
struct truth_entry {
  std::uint64_t source_line = 0;
  defect_kind kind = defect_kind::field_count_mismatch;
  std::uint64_t first_line = 0;  // duplicate_key: the line of the key's first row; else 0
  friend bool operator==(const truth_entry&, const truth_entry&) = default;
};

// One injected typed defect: the row splits as it is without a schema, and with the standard
// schema it is rejected with `problem` (a value_problem code: invalid_number,
// number_out_of_range, invalid_email).
struct typed_truth_entry {
  std::uint64_t source_line = 0;
  std::string_view problem;
  friend bool operator==(const typed_truth_entry&, const typed_truth_entry&) = default;
};

// The typed truth file: header "source_line,with_schema,without_schema"; without_schema is
// always "none" (the row is chunked).
[[nodiscard]] std::string_view typed_truth_csv_header() noexcept;
void append_typed_truth_csv(std::string& out, const typed_truth_entry& e);

// Streams the export: call fill() until it returns false. Memory stays constant whatever the
// size: the caller drains the truth with take_truth() as it goes.
class export_generator {
 public:
  explicit export_generator(const generator_options& options);  // validates (may throw)

  // Appends whole rows (the BOM and header first) to out until at least min_bytes have been
  // appended or the export is complete. Returns false when nothing was left to append.
  bool fill(std::string& out, std::size_t min_bytes);

  // The defects injected since the last call, in file order.
  [[nodiscard]] std::vector<truth_entry> take_truth();
  // The typed defects injected since the last call, in file order.
  [[nodiscard]] std::vector<typed_truth_entry> take_typed_truth();

  [[nodiscard]] bool done() const noexcept;
  [[nodiscard]] std::uint64_t rows_written() const noexcept { return rows_; }
  [[nodiscard]] std::uint64_t bytes_written() const noexcept { return bytes_; }

 private:
  std::uint64_t next_random() noexcept;
  std::uint64_t below(std::uint64_t n) noexcept;  // uniform in [0, n)
  bool chance(double p) noexcept;
  template <class T>
  const T& pick(std::span<const T> table) noexcept {
    return table[below(table.size())];
  }
  void write_header(std::string& out);
  void make_values(bool plain);      // fills values_ for a clean row; plain: nothing needs quoting
  std::string& edit(std::size_t i);  // values_[i] copied to owned_[i], for changing
  void write_row(std::string& out);
  void inject_typed_defect();
  [[nodiscard]] bool repeat_earlier_key();  // --duplicate-rate: this row repeats a key
  void remember_key();                      // offers this row's e-mail to the reservoir

  generator_options options_;
  std::uint64_t rng_[4]{};       // xoshiro256** state
  std::uint64_t rows_ = 0;       // data rows written
  std::uint64_t bytes_ = 0;      // bytes written, BOM and header included
  std::uint64_t next_line_ = 1;  // physical line the next record starts on
  bool header_written_ = false;
  bool plain_next_ = false;  // the previous row left a quote open: write this one plain
  std::vector<truth_entry> truth_;
  std::vector<typed_truth_entry> typed_truth_;
  std::vector<defect_kind> kinds_;            // the kinds to draw from
  std::string_view values_[FIELD_COUNT + 1];  // the row being built (one spare: extra field)
  std::string owned_[FIELD_COUNT + 1];        // storage of the composed values_
  bool must_quote_[FIELD_COUNT + 1]{};        // values_[i] holds a delimiter, quote or line end
  std::uint64_t line_breaks_ = 0;             // line ends inside values_ (multi-line Comments)
  // --duplicate-rate: a uniform sample (reservoir sampling, at most DUPLICATE_RESERVOIR) of
  // the e-mails of earlier clean rows, with their source lines; memory stays bounded.
  struct earlier_key {
    std::string email;
    std::uint64_t line = 0;
  };
  std::vector<earlier_key> reservoir_;
  std::uint64_t keys_offered_ = 0;
};

// How many earlier e-mails --duplicate-rate keeps to repeat (about 50 bytes each).
inline constexpr std::size_t DUPLICATE_RESERVOIR = 4096;

// The whole export in memory (tests and benchmarks); truth, if given, receives the defects.
[[nodiscard]] std::string generate_export(const generator_options& options,
                                          std::vector<truth_entry>* truth = nullptr);

// The truth file: header "source_line,kind,expected_reason" and one line per defect, LF ends.
// with_first_line (mkbulk-gen writes it when --duplicate-rate is given): a fourth column,
// first_line, the line of the key's first row for duplicate_key and empty for the others.
[[nodiscard]] std::string_view truth_csv_header(bool with_first_line = false) noexcept;
void append_truth_csv(std::string& out, const truth_entry& e, bool with_first_line = false);

// "4096", "100K", "100M", "1G", "4GiB": binary units (K = 1024). Throws std::invalid_argument.
[[nodiscard]] std::uint64_t parse_size(std::string_view text);

}  // namespace mkbulk::gen
