// The read-ahead thread's share of the parsing: each block's whole records listed for the
// parser to take as they are (typed_verdicts below), and with pre-flight the verdict on a
// record's typed values (typed_record_verdict), shared by the parsing thread
// (split_preflight.cpp) and the read-ahead thread, so that the parser copies the records listed
// without checking their values again. Each thread has a record_checker of its own.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory_resource>
#include <optional>
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

// The delimiters typed_record_verdict asks checker for in a record of n_fields fields (those
// around each typed column, and the last one before checked_end), and those in more (below
// n_fields - 1), in increasing order, then a sentinel that no delimiter index reaches: a walk
// over a record's delimiter bits notes just their positions.
std::vector<std::uint32_t> asked_delimiters(const record_checker* checker, std::size_t n_fields,
                                            std::initializer_list<std::size_t> more);

// A record's next count delimiters, its delimiters nd.. (bits: their bits, bit 0 at position
// pos0): the position of each one asked for (next: into asked_delimiters' list, moved past
// them) noted in at, by delimiter index.
[[gnu::always_inline]] inline void note_asked(const std::uint32_t*& next, std::size_t nd,
                                              std::size_t count, std::size_t pos0,
                                              std::uint64_t bits, bool bmi2, std::size_t* at) {
  for (; *next < nd + count; ++next) at[*next] = pos0 + select_bit(bits, *next - nd, bmi2);
}

// The read-ahead thread's side: the records that lie wholly in a block and have the header's
// number of fields, with pre-flight only those whose typed values are all kept, listed with
// their lookup field's bounds and what their bytes hold (kept_record). The parser takes such a
// record as it is found here when it reaches its start outside quotes, its own state then
// being the reader's (split_run::take_listed); with pre-flight it takes a verdict only for a
// record of its own with the same start and end that it found well formed (plain RFC 4180):
// the kernel's delimiter bits are then the same for both (same bytes, outside quotes at the
// start).
class typed_verdicts {
 public:
  // With pre-flight: the checker's arguments as the parsing thread's (split_preflight.cpp;
  // options must outlive this: the checker points into its schema), the header's number of
  // fields and the lookup field's column.
  typed_verdicts(const preflight_options& options, const std::vector<std::string>& columns,
                 std::string_view lookup_field, char delimiter, std::size_t n_fields,
                 std::size_t lookup)
      : checker_(std::in_place, options, columns, lookup_field, delimiter),
        delimiter_(delimiter),
        n_fields_(n_fields),
        lookup_(lookup),
        bmi2_(have_bmi2()) {
    plan_needed();
  }
  // Without: the records only.
  typed_verdicts(char delimiter, std::size_t n_fields, std::size_t lookup)
      : delimiter_(delimiter), n_fields_(n_fields), lookup_(lookup), bmi2_(have_bmi2()) {
    plan_needed();
  }
  // A new block: no record open.
  void begin() noexcept;
  // d: the block's len bytes; masks: its scan kernel masks, from the quote states the reader
  // chose (block_index.h), for the 64-byte blocks [first, last), each pass right after the
  // kernel's (its bytes still in the cache) and after the passes before it; switched: the
  // reader's state was chosen afresh and flipped at first (no record is listed across it).
  // Appends to kept in increasing order.
  void build(const std::uint8_t* d, std::size_t len, const block_masks* masks,
             std::size_t first, std::size_t last, bool switched,
             std::pmr::vector<kept_record>& kept);

 private:
  // needed_ and at_: the delimiters asked for (the lookup field's; with pre-flight, the
  // checks'); their positions in a listed record are noted by note_needed.
  void plan_needed();
  // build's loop (without and with a schema: walk<false>, walk<true>), in build's file: GCC
  // keeps the clones local to it.
  template <bool Typed>
  void walk(const std::uint8_t* d, std::size_t len, const block_masks* masks, std::size_t first,
            std::size_t last, std::pmr::vector<kept_record>& kept);
  MKBULK_BIT_LOOP_CLONES void walk_plain(const std::uint8_t* d, std::size_t len,
                                         const block_masks* masks, std::size_t first,
                                         std::size_t last, std::pmr::vector<kept_record>& kept);
  MKBULK_BIT_LOOP_CLONES void walk_typed(const std::uint8_t* d, std::size_t len,
                                         const block_masks* masks, std::size_t first,
                                         std::size_t last, std::pmr::vector<kept_record>& kept);
  // A listed record with quotes, [rs, p): RECORD_QUOTES_REGULAR and its inner line count set
  // in flags when its quotes are regular (quoted_fields.h).
  void quotes_checked(const char* text, const block_masks* masks, std::size_t rs, std::size_t p,
                      std::uint32_t& flags) const;
  // The positions of the delimiters asked for (needed_) in the record from rs, which has the
  // header's field count: at_[j] for each asked j, in one walk over its delimiter bits.
  [[gnu::always_inline]] inline void note_needed(const block_masks* masks, std::size_t rs);

  std::optional<record_checker> checker_;
  char delimiter_;
  std::size_t n_fields_;
  std::size_t lookup_;
  bool bmi2_;
  std::vector<std::uint32_t> needed_;  // delimiter indexes, increasing, then a sentinel
  std::vector<std::size_t> at_;        // by delimiter index: its position (needed ones only)
  std::string value_;
  std::size_t rs_ = ~std::size_t{0};  // the open record's start: none before a line end
  // walk's running counts of delimiter and inner line end bits, and of quote and special
  // byte bits (two 32-bit counts a word): before the next 64 bytes it walks, and before the
  // open record. From 0 with each block (begin()).
  std::uint64_t counts_[2] = {0, 0};
  std::uint64_t open_counts_[2] = {0, 0};
};

}  // namespace mkbulk::engine::detail
