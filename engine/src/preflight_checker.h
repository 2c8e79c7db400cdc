// Pre-flight inside the split: the per-record checker the pipeline calls once per output value
// when a schema is set (split_preflight.cpp holds the hooks). It owns the column-to-field plan,
// the resolved value options and the reused output string; the checks are value_checks.h's.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mkbulk/engine/manifest.h"
#include "mkbulk/engine/preflight.h"
#include "mkbulk/engine/value_checks.h"
#include "value_checks_internal.h"

namespace mkbulk::engine::detail {

// The index of the r-th lowest set bit of b (r below b's popcount): how split_preflight.cpp
// finds a typed field's bounding delimiter in a block of delimiter bits. select_bit_bmi2: one
// pdep, only on x86-64 CPUs where have_bmi2() (inline assembly, so that it inlines into code
// built without -mbmi2: no global -march); select_bit_loop: the r lowest bits cleared first.
[[nodiscard]] inline unsigned select_bit_loop(std::uint64_t b, std::size_t r) noexcept {
  for (; r != 0; --r) b &= b - 1;
  return static_cast<unsigned>(__builtin_ctzll(b));  // b != 0: no zero test (std::countr_zero's)
}
#if defined(__x86_64__)
[[nodiscard]] inline unsigned select_bit_bmi2(std::uint64_t b, std::size_t r) noexcept {
  // pdep scatters the low bits of 1 << r onto the set bits of b: only the r-th one stays.
  std::uint64_t m = 0;
  asm("pdepq %[mask], %[src], %[out]"
      : [out] "=r"(m)
      : [src] "r"(std::uint64_t{1} << r), [mask] "r"(b));
  return static_cast<unsigned>(__builtin_ctzll(m));  // m != 0
}
#else
[[nodiscard]] inline unsigned select_bit_bmi2(std::uint64_t b, std::size_t r) noexcept {
  return select_bit_loop(b, r);
}
#endif
[[nodiscard]] bool have_bmi2() noexcept;

// select_bit_bmi2 when bmi2 (have_bmi2(), looked up once by the caller), else select_bit_loop.
[[nodiscard]] inline unsigned select_bit(std::uint64_t b, std::size_t r,
                                         [[maybe_unused]] bool bmi2) noexcept {
#if defined(__x86_64__)
  if (bmi2) return select_bit_bmi2(b, r);
#endif
  return select_bit_loop(b, r);
}

class record_checker {
 public:
  record_checker(const preflight_options& options, const std::vector<std::string>& columns,
                 std::string_view lookup_field, char input_delimiter);

  // Starts a record: forgets the warnings of the previous one.
  void begin_record() noexcept { pending_.clear(); }
  // Checks output column k's value; on reject, issue() and column() say why. The value to
  // write is written(verdict, in) (valid until the next check).
  [[nodiscard]] value_verdict check(std::size_t k, std::string_view in) {
    const lead_field* f = plan_.fields[k];
    if (f == nullptr) return value_verdict::keep;
    // Most values are strings that fit (no more bytes than the field's length, so no more
    // code points either) or typed values already in normal form: check_value's answer is
    // keep, found without building anything.
    if (value_checks_detail::kept_as_is(f->type, f->length, in, values_.decimal_comma)) {
      return value_verdict::keep;
    }
    return check_slow(k, *f, in);
  }
  // A typed column with what its keep test needs, next to each other (no walk through the
  // plan and the schema per value).
  struct typed_column {
    std::size_t column;
    field_type type;
    std::uint32_t length;
  };
  // check(c.column, in) for a typed column's non-empty value.
  [[nodiscard]] value_verdict check_typed(const typed_column& c, std::string_view in) {
    if (value_checks_detail::kept_as_is(c.type, c.length, in, values_.decimal_comma)) {
      return value_verdict::keep;
    }
    return check_slow(c.column, *plan_.fields[c.column], in);
  }
  [[nodiscard]] std::string_view written(value_verdict v, std::string_view in) const noexcept {
    return value_to_write(v, in, out_);
  }
  [[nodiscard]] const value_issue& issue() const noexcept { return issue_; }
  // Column k keeps every value of at most this many bytes (unchecked columns: all values;
  // string-like fields: their length, in bytes; other types: none, -1 meaning nothing).
  [[nodiscard]] std::size_t keeps_any_value_up_to(std::size_t k) const noexcept {
    return keep_up_to_[k];
  }
  // A record of at most this many bytes has every string-like value fitting its field: only
  // the typed columns need their values.
  [[nodiscard]] std::size_t short_record_bytes() const noexcept { return short_record_; }
  // The typed columns (those that need a value even in a short record), in order; and one
  // past the last of them (0 when there is none).
  [[nodiscard]] std::span<const typed_column> typed_columns() const noexcept {
    return typed_columns_;
  }
  [[nodiscard]] std::size_t typed_end() const noexcept {
    return typed_columns_.empty() ? 0 : typed_columns_.back().column + 1;
  }
  // One past the last column that may need a check (typed, or a string with a length; 0 when
  // there is none): a record whose columns before it take at most short_record_bytes() has
  // only its typed values to check, however long the columns after it are.
  [[nodiscard]] std::size_t checked_end() const noexcept { return checked_end_; }
  // The record went to a chunk: its warnings count.
  void commit(split_counts& counts) noexcept {
    if (!pending_.empty()) count_pending(counts);  // most records have no warning
  }

  [[nodiscard]] const preflight_plan& plan() const noexcept { return plan_; }

 private:
  preflight_plan plan_;
  value_check_options values_;
  std::string out_;
  value_issue issue_;
  std::vector<value_problem> pending_;  // warnings of the current record
  [[nodiscard]] value_verdict check_slow(std::size_t k, const lead_field& f, std::string_view in);
  void count_pending(split_counts& counts) noexcept;

  std::vector<std::size_t> keep_up_to_;
  std::vector<typed_column> typed_columns_;
  std::size_t short_record_ = ~std::size_t{0};
  std::size_t checked_end_ = 0;
};

}  // namespace mkbulk::engine::detail
