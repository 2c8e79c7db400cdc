// The generator's small print: defect names and their expected reject reasons, option checks,
// the truth file's format, SIZE parsing and the whole-export-in-memory helper.
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string>

#include "export_generator.h"

namespace mkbulk::gen {
namespace {

constexpr std::array<std::string_view, DEFECT_KIND_COUNT + 1> KIND_NAMES = {
    "field_count_mismatch", "unterminated_quote", "bytes_after_closing_quote",
    "invalid_utf8",         "nul_byte",           "empty_lookup_field",
    "bare_quote",           "duplicate_key",
};

}  // namespace

std::string_view to_string(defect_kind k) noexcept {
  return KIND_NAMES[static_cast<std::size_t>(k)];
}

std::optional<defect_kind> defect_kind_from_string(std::string_view s) noexcept {
  for (std::size_t i = 0; i < KIND_NAMES.size(); ++i) {
    if (KIND_NAMES[i] == s) return static_cast<defect_kind>(i);
  }
  return std::nullopt;
}

std::string_view expected_reason(defect_kind k) noexcept {
  // Every rejecting kind is named after the engine's reject_reason code. A duplicate key is
  // rejected with that code only under --duplicates reject; merge (the default) folds the row
  // into its key's first row instead.
  if (k == defect_kind::duplicate_key) return "duplicate_lookup_key";
  return k == defect_kind::bare_quote ? std::string_view("none") : to_string(k);
}

void generator_options::validate() const {
  if ((rows == 0) == (bytes == 0)) {
    throw std::invalid_argument("give exactly one of --rows N or --bytes SIZE, greater than 0");
  }
  if (delimiter != ',' && delimiter != '\t' && delimiter != ';') {
    throw std::invalid_argument("the delimiter must be ',' (csv), tab (tsv) or ';' (ssv)");
  }
  const auto is_rate = [](double r) { return std::isfinite(r) && r >= 0 && r <= 1; };
  if (!is_rate(multiline_rate)) {
    throw std::invalid_argument("--multiline-rate must be a number from 0 to 1");
  }
  if (!is_rate(defect_rate)) {
    throw std::invalid_argument("--defect-rate must be a number from 0 to 1");
  }
  if (!is_rate(typed_defect_rate)) {
    throw std::invalid_argument("--typed-defect-rate must be a number from 0 to 1");
  }
  if (!is_rate(duplicate_rate)) {
    throw std::invalid_argument("--duplicate-rate must be a number from 0 to 1");
  }
  for (const defect_kind k : defects) {
    if (static_cast<std::size_t>(k) >= DEFECT_KIND_COUNT) {
      throw std::invalid_argument("duplicate_key is not a --defects kind: use --duplicate-rate");
    }
  }
}

std::string generate_export(const generator_options& options, std::vector<truth_entry>* truth) {
  export_generator gen(options);
  std::string out;
  if (options.bytes != 0) out.reserve(options.bytes + 4096);
  while (gen.fill(out, std::size_t{1} << 20)) {
    if (truth != nullptr) {
      for (const truth_entry& e : gen.take_truth()) truth->push_back(e);
    }
  }
  return out;
}

std::string_view typed_truth_csv_header() noexcept {
  return "source_line,with_schema,without_schema\n";
}

void append_typed_truth_csv(std::string& out, const typed_truth_entry& e) {
  out += std::to_string(e.source_line);
  out += ',';
  out += e.problem;
  out += ",none\n";
}

std::string_view truth_csv_header(bool with_first_line) noexcept {
  return with_first_line ? "source_line,kind,expected_reason,first_line\n"
                         : "source_line,kind,expected_reason\n";
}

void append_truth_csv(std::string& out, const truth_entry& e, bool with_first_line) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, e.source_line);
  out.append(buf, r.ptr);
  out.append(",").append(to_string(e.kind)).append(",").append(expected_reason(e.kind));
  if (with_first_line) {
    out += ',';
    if (e.first_line != 0) out += std::to_string(e.first_line);
  }
  out += '\n';
}

std::uint64_t parse_size(std::string_view text) {
  const std::string shown(text);
  std::uint64_t value = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), value);
  if (r.ec != std::errc() || r.ptr == text.data()) {
    throw std::invalid_argument("not a size: '" + shown + "' (try 4096, 100M, 1G)");
  }
  std::string unit(r.ptr, text.data() + text.size());
  for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (unit.ends_with("IB")) unit.resize(unit.size() - 2);
  if (unit.ends_with("B") && unit.size() == 2) unit.resize(1);
  unsigned shift = 0;
  if (unit.empty() || unit == "B") {
    shift = 0;
  } else if (unit == "K") {
    shift = 10;
  } else if (unit == "M") {
    shift = 20;
  } else if (unit == "G") {
    shift = 30;
  } else if (unit == "T") {
    shift = 40;
  } else {
    throw std::invalid_argument("unknown size unit in '" + shown +
                                "' (K, M, G, T: powers of 1024)");
  }
  if (shift != 0 && value > (~std::uint64_t{0} >> shift)) {
    throw std::invalid_argument("size too large: '" + shown + "'");
  }
  return value << shift;
}

}  // namespace mkbulk::gen
