// The duplicate lookup-key table (pass 1) and merger (pass 2). The table keeps 63 bits of each
// key's hash and one "seen again" bit in a single 8-byte slot; the merger works on exact folded
// keys, so a hash collision can never merge two different people.
#include "mkbulk/engine/duplicate_keys.h"

#include <sys/mman.h>

#include <array>
#include <cstdlib>
#include <functional>
#include <new>
#include <utility>

namespace mkbulk::engine {
namespace {

constexpr std::uint64_t REPEATED_BIT = std::uint64_t{1} << 63;
constexpr std::uint64_t HASH_BITS = REPEATED_BIT - 1;

constexpr std::array<std::string_view, 5> POLICY_NAMES = {
    "merge", "keep-last", "keep-first", "reject", "allow",
};

[[nodiscard]] std::string_view trim_blanks(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

[[nodiscard]] char fold_char(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// The slot value of a hash: its low 63 bits, never 0 (0 marks an empty slot).
[[nodiscard]] std::uint64_t stored_of(std::uint64_t h) noexcept {
  const std::uint64_t s = h & HASH_BITS;
  return s == 0 ? 1 : s;
}

// Maps a 63-bit value onto [0, n) by multiply-high (Lemire's fastrange): no division, and any
// n, so that the table can grow by half rather than double.
[[nodiscard]] std::size_t range_of(std::uint64_t stored, std::size_t n) noexcept {
  __extension__ using u128 = unsigned __int128;
  return static_cast<std::size_t>((static_cast<u128>(stored << 1) * n) >> 64);
}

}  // namespace

std::string_view to_string(duplicate_policy p) noexcept {
  return POLICY_NAMES[static_cast<std::size_t>(p)];
}

std::optional<duplicate_policy> duplicate_policy_from_string(std::string_view s) noexcept {
  for (std::size_t i = 0; i < POLICY_NAMES.size(); ++i) {
    if (POLICY_NAMES[i] == s) return static_cast<duplicate_policy>(i);
  }
  return std::nullopt;
}

std::string fold_lookup_key(std::string_view key) {
  const std::string_view t = trim_blanks(key);
  std::string out(t.size(), '\0');
  for (std::size_t i = 0; i < t.size(); ++i) out[i] = fold_char(t[i]);
  return out;
}

std::uint64_t lookup_key_hash(std::string_view key) noexcept {
  const std::string_view t = trim_blanks(key);
  std::array<char, 512> buf;
  if (t.size() > buf.size()) return std::hash<std::string>{}(fold_lookup_key(key));
  for (std::size_t i = 0; i < t.size(); ++i) buf[i] = fold_char(t[i]);
  // libstdc++'s string hash is 64-bit MurmurHash2 (64A): well mixed in every bit.
  return std::hash<std::string_view>{}(std::string_view(buf.data(), t.size()));
}

// ---- duplicate_key_table ----

void duplicate_key_table::free_slots::operator()(std::uint64_t* p) const noexcept {
  if (mapped_bytes != 0) {
    ::munmap(p, mapped_bytes);
  } else {
    std::free(p);
  }
}

namespace {

constexpr std::size_t HUGE_PAGE = std::size_t{2} << 20;

// Zeroed slots. A table of 2 MiB or more is an anonymous mapping (zero pages from the kernel,
// no memset), a whole number of 2 MiB pages and advised as huge: its first touches, random by
// nature, then fault 2 MiB at a time instead of 4 KiB (profiled: page faults were most of the
// table's cost on a 256 MiB export).
std::pair<std::uint64_t*, std::size_t> allocate_slots(std::size_t n) {
  const std::size_t bytes = n * sizeof(std::uint64_t);
  if (bytes >= HUGE_PAGE) {
    const std::size_t mapped = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    void* m = ::mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m != MAP_FAILED) {
#if defined(MADV_HUGEPAGE)
      (void)::madvise(m, mapped, MADV_HUGEPAGE);  // advice only: without it, small pages
#endif
      return {static_cast<std::uint64_t*>(m), mapped};
    }
  }
  auto* p = static_cast<std::uint64_t*>(std::calloc(n, sizeof(std::uint64_t)));
  if (p == nullptr) throw std::bad_alloc();
  return {p, 0};
}

}  // namespace

std::size_t duplicate_key_table::find_slot(std::uint64_t stored) const noexcept {
  const std::size_t n = capacity_;
  std::size_t i = range_of(stored, n);
  while (slots_[i] != 0 && (slots_[i] & HASH_BITS) != stored) {
    if (++i == n) i = 0;
  }
  return i;
}

void duplicate_key_table::grow(std::size_t capacity) {
  // Not a zero-filled vector: the pages would be written twice (that memset was 5% of a
  // split with --duplicates).
  slot_array old = std::move(slots_);
  const std::size_t old_capacity = capacity_;
  const auto [p, mapped] = allocate_slots(capacity);
  slots_ = slot_array(p, free_slots{mapped});
  capacity_ = capacity;
  for (std::size_t k = 0; k < old_capacity; ++k) {
    if (old[k] != 0) slots_[find_slot(old[k] & HASH_BITS)] = old[k];
  }
}

void duplicate_key_table::reserve(std::size_t n) {
  const std::size_t needed = n + n / 4 + 1;  // keeps the load at or under 80%
  if (needed > capacity_) grow(needed);
}

bool duplicate_key_table::observe(std::uint64_t key_hash) {
  // Grow by half at 80% load: the load stays within [53%, 80%], 10 to 15 bytes a key.
  if ((size_ + 1) * 5 > capacity_ * 4) {
    grow(capacity_ < 16 ? 16 : capacity_ + capacity_ / 2);
  }
  const std::uint64_t stored = stored_of(key_hash);
  std::uint64_t& slot = slots_[find_slot(stored)];
  if (slot == 0) {
    slot = stored;
    ++size_;
    return false;
  }
  if ((slot & REPEATED_BIT) == 0) {
    slot |= REPEATED_BIT;
    ++repeated_keys_;
    ++repeated_rows_;  // the first row of the key, now known to repeat
  }
  ++repeated_rows_;
  return true;
}

bool duplicate_key_table::is_repeated(std::uint64_t key_hash) const noexcept {
  if (capacity_ == 0) return false;
  return (slots_[find_slot(stored_of(key_hash))] & REPEATED_BIT) != 0;
}

void duplicate_key_table::observe_batch(std::span<const std::uint64_t> key_hashes) {
  // Grow first, so that the prefetched slots are the ones observe() then uses.
  const std::size_t after = size_ + key_hashes.size();
  if (after * 5 > capacity_ * 4) {
    std::size_t capacity = capacity_ < 16 ? 16 : capacity_ + capacity_ / 2;
    while (after * 5 > capacity * 4) capacity += capacity / 2;
    grow(capacity);
  }
  const std::size_t n = capacity_;
  for (const std::uint64_t h : key_hashes) __builtin_prefetch(&slots_[range_of(stored_of(h), n)]);
  for (const std::uint64_t h : key_hashes) observe(h);
}

duplicate_key_table duplicate_key_table::repeated_only() const {
  duplicate_key_table t;
  t.reserve(repeated_keys_);
  for (std::size_t k = 0; k < capacity_; ++k) {
    const std::uint64_t s = slots_[k];
    if ((s & REPEATED_BIT) == 0) continue;
    t.slots_[t.find_slot(s & HASH_BITS)] = s;
    ++t.size_;
  }
  t.repeated_keys_ = repeated_keys_;
  t.repeated_rows_ = repeated_rows_;
  return t;
}

// ---- duplicate_merger ----

template <typename Field>
void duplicate_merger::add_row(std::span<const Field> fields, std::uint64_t source_line) {
  const std::string_view key_value =
      key_column_ < fields.size() ? std::string_view(fields[key_column_]) : std::string_view();
  std::string key = fold_lookup_key(key_value);
  auto [it, inserted] = index_.try_emplace(key, groups_.size());
  if (inserted) {
    duplicate_group& g = groups_.emplace_back();
    g.key = std::move(key);
    g.source_lines.push_back(source_line);
    g.rows.emplace_back(fields.begin(), fields.end());
    g.row_lines.push_back(source_line);
    return;
  }
  duplicate_group& g = groups_[it->second];
  g.source_lines.push_back(source_line);
  switch (policy_) {
    case duplicate_policy::keep_first:
    case duplicate_policy::reject:
      break;  // the first row stays (reject drops it in finish, now that the key repeats)
    case duplicate_policy::keep_last:
      g.rows.front().assign(fields.begin(), fields.end());
      g.row_lines.front() = source_line;
      break;
    case duplicate_policy::allow:
      g.rows.emplace_back(fields.begin(), fields.end());
      g.row_lines.push_back(source_line);
      break;
    case duplicate_policy::merge: {
      // Later non-empty values win; the row keeps the first line as its place in line_runs.
      std::vector<std::string>& merged = g.rows.front();
      if (merged.size() < fields.size()) merged.resize(fields.size());
      for (std::size_t i = 0; i < fields.size(); ++i) {
        const std::string_view v(fields[i]);
        if (v.empty() || v == merged[i]) continue;
        if (!merged[i].empty() && i != key_column_) ++g.overwritten_values;
        merged[i].assign(v);
      }
      break;
    }
  }
}

void duplicate_merger::add(std::span<const std::string_view> fields, std::uint64_t source_line) {
  add_row(fields, source_line);
}

void duplicate_merger::add(std::span<const std::string> fields, std::uint64_t source_line) {
  add_row(fields, source_line);
}

std::vector<duplicate_group> duplicate_merger::finish() {
  std::vector<duplicate_group> out = std::move(groups_);
  groups_.clear();
  index_.clear();
  if (policy_ == duplicate_policy::reject) {
    for (auto& g : out) {
      if (g.source_lines.size() > 1) {
        g.rows.clear();
        g.row_lines.clear();
      }
    }
  }
  return out;
}

}  // namespace mkbulk::engine
