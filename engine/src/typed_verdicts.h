// Pre-flight's verdict on a record's typed values, shared by the parsing thread
// (split_preflight.cpp) and the read-ahead thread, which gives it ahead for the records of each
// block it indexes (typed_verdicts below), so that the parser copies those records without
// checking their values again. Each thread has a record_checker of its own.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "block_index.h"
#include "mkbulk/engine/scan_kernel.h"
#include "preflight_checker.h"
#include "record_encoder.h"

namespace mkbulk::engine::detail {

// The typed values of the record [rs, end) of d (n_fields fields; at(j): the position of its
// delimiter j; asked once for the long-record test, then in increasing order) checked with
// checker: the worst verdict of them in
// verdict, stopping at a reject. False when the record is too long for this shortcut (a long
// value may lie in a checked string column: every field needs its check then).
template <class At>
bool typed_record_verdict(const char* d, std::size_t rs, std::size_t end, std::size_t n_fields,
                          record_checker& checker, At&& at, std::string& value,
                          value_verdict& verdict) {
  if (const std::size_t short_bytes = checker.short_record_bytes(); end - rs > short_bytes) {
    // Long: fine still when the long values lie in the unchecked columns after the checked
    // ones (a multi-line comment, say).
    const std::size_t c = checker.checked_end();
    if (c >= n_fields) return false;
    if (c > 0 && at(c - 1) - rs > short_bytes) return false;
  }
  checker.begin_record();
  value_verdict worst = value_verdict::keep;
  for (const record_checker::typed_column& c : checker.typed_columns()) {
    const std::size_t t = c.column;
    const std::size_t b = t == 0 ? rs : at(t - 1) + 1;
    const std::size_t e = t + 1 < n_fields ? at(t) : end;
    if (b == e) continue;  // an empty value is always kept
    std::string_view v;
    if (d[b] == '"') {
      field_value(reinterpret_cast<const std::uint8_t*>(d), field_span{b + 1, e - 1, true}, value);
      v = value;
    } else {
      v = std::string_view(d + b, e - b);
    }
    const value_verdict x = checker.check_typed(c, v);
    if (x == value_verdict::reject) {
      worst = x;
      break;
    }
    if (x != value_verdict::keep) worst = value_verdict::rewritten;
  }
  verdict = worst;
  return true;
}

// The read-ahead thread's side: the records that lie wholly in a block and have the header's
// number of fields, with the kept verdict. The parser takes a verdict only for a record of its
// own with the same start and end that it found well formed (plain RFC 4180): the kernel's
// delimiter bits are then the same for both (same bytes, outside quotes at the start).
class typed_verdicts {
 public:
  // The checker's arguments as the parsing thread's (split_preflight.cpp; options must outlive
  // this: the checker points into its schema), and the header's number of fields.
  typed_verdicts(const preflight_options& options, const std::vector<std::string>& columns,
                 std::string_view lookup_field, char delimiter, std::size_t n_fields)
      : checker_(options, columns, lookup_field, delimiter),
        n_fields_(n_fields),
        kept_delims_(std::min(checker_.checked_end(), n_fields == 0 ? 0 : n_fields - 1)),
        bmi2_(have_bmi2()) {}
  // d: the block's len bytes; masks: its scan kernel masks, from the quote states the reader
  // chose (block_index.h), chosen afresh and flipped at the blocks in switches (no record is
  // listed across one). Appends to kept in increasing order.
  void build(const std::uint8_t* d, std::size_t len, const block_masks* masks,
             const std::vector<std::size_t>& switches, std::vector<kept_record>& kept);

 private:
  // The open record's blocks of delimiter bits up to its delimiter kept_delims_ (as the
  // parser's split_run::delim_block), from which a typed value's bounds are picked.
  struct delim_block {
    std::size_t pos0;
    std::uint64_t bits;
    std::size_t first;  // the record's delimiter count before the block
    std::size_t last;   // ... and after it
  };
  // build's loop, in build's file: GCC keeps the clones local to it.
  MKBULK_POPCNT_CLONES void walk(const std::uint8_t* d, std::size_t len, const block_masks* masks,
                                 const std::vector<std::size_t>& switches,
                                 std::vector<kept_record>& kept);

  record_checker checker_;
  std::size_t n_fields_;
  std::size_t kept_delims_;
  bool bmi2_;
  std::vector<delim_block> blocks_;
  std::string value_;
};

}  // namespace mkbulk::engine::detail
