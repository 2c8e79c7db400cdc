// The row engine of mkbulk-gen: draws each lead from the tables with xoshiro256** (seeded by
// splitmix64, so a seed gives the same bytes everywhere), quotes it minimally for the dialect
// and injects at most one defect per row. Options, truth and size parsing: gen_support.cpp.
#include "export_generator.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <string>

#include "lead_tables.h"

namespace mkbulk::gen {
namespace {

std::uint64_t splitmix64(std::uint64_t& state) noexcept {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }

void append_number(std::string& out, std::uint64_t n) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, r.ptr);
}

// Appends v quoted (RFC 4180: quotes doubled). The caller knows which values need it: the
// tables are free of delimiters, quotes and line ends, so only composed values are scanned.
void append_quoted(std::string& out, std::string_view v) {
  out += '"';
  std::size_t start = 0;
  for (std::size_t q = v.find('"'); q != std::string_view::npos; q = v.find('"', start)) {
    out.append(v, start, q + 1 - start);
    out += '"';
    start = q + 1;
  }
  out.append(v, start);
  out += '"';
}

constexpr std::string_view BARE_QUOTE_VALUES[] = {"O\"Neil", "Screen 27\" Buyer", "5\"9 Tall",
                                                  "Mc\"Donald"};
constexpr std::string_view JUNK_AFTER_QUOTE[] = {"x", " Ltd", "abc", "2"};

}  // namespace

export_generator::export_generator(const generator_options& options) : options_(options) {
  options_.validate();
  std::uint64_t s = options_.seed;
  for (auto& word : rng_) word = splitmix64(s);
  if (options_.defects.empty()) {
    for (std::size_t k = 0; k < DEFECT_KIND_COUNT; ++k) {
      kinds_.push_back(static_cast<defect_kind>(k));
    }
  } else {
    kinds_ = options_.defects;
  }
}

std::uint64_t export_generator::next_random() noexcept {  // xoshiro256**
  const std::uint64_t result = rotl(rng_[1] * 5, 7) * 9;
  const std::uint64_t t = rng_[1] << 17;
  rng_[2] ^= rng_[0];
  rng_[3] ^= rng_[1];
  rng_[1] ^= rng_[2];
  rng_[0] ^= rng_[3];
  rng_[2] ^= t;
  rng_[3] = rotl(rng_[3], 45);
  return result;
}

std::uint64_t export_generator::below(std::uint64_t n) noexcept {  // Lemire's multiply-shift
  __extension__ using u128 = unsigned __int128;
  return static_cast<std::uint64_t>((static_cast<u128>(next_random()) * n) >> 64);
}

bool export_generator::chance(double p) noexcept {
  return static_cast<double>(next_random() >> 11) * 0x1.0p-53 < p;
}

bool export_generator::done() const noexcept {
  if (!header_written_) return false;
  return options_.bytes != 0 ? bytes_ >= options_.bytes : rows_ >= options_.rows;
}

bool export_generator::fill(std::string& out, std::size_t min_bytes) {
  const std::size_t start = out.size();
  std::size_t counted = start;  // bytes_ covers out up to here
  const auto count = [&] {
    bytes_ += out.size() - counted;
    counted = out.size();
  };
  if (!header_written_) {
    write_header(out);
    count();
  }
  while (out.size() - start < min_bytes && !done()) {
    write_row(out);
    count();
  }
  return out.size() != start;
}

std::vector<typed_truth_entry> export_generator::take_typed_truth() {
  std::vector<typed_truth_entry> taken;
  taken.swap(typed_truth_);
  return taken;
}

void export_generator::inject_typed_defect() {
  static constexpr std::string_view NOT_NUMBERS[] = {"n/a", "12k", "approx. 5000", "TBD"};
  std::string_view problem;
  switch (below(4)) {
    case 0:
      values_[12] = pick(std::span<const std::string_view>(NOT_NUMBERS));
      problem = "invalid_number";
      break;
    case 1:
      edit(13) = "12.5";
      values_[13] = owned_[13];
      problem = "invalid_number";
      break;
    case 2: {
      std::string& e = edit(13);
      e.clear();
      e += std::to_string(2'147'483'648ull + below(1'000'000'000ull));
      values_[13] = e;
      problem = "number_out_of_range";
      break;
    }
    default: {
      // The domain loses its dots: "name@examplenet" has no top-level domain.
      std::string& e = edit(0);
      const std::size_t at = e.find('@');
      std::size_t dot = 0;
      while ((dot = e.find('.', at)) != std::string::npos) e.erase(dot, 1);
      values_[0] = e;
      problem = "invalid_email";
    }
  }
  typed_truth_.push_back({next_line_, problem});
}

bool export_generator::repeat_earlier_key() {
  if (!chance(options_.duplicate_rate) || reservoir_.empty()) return false;
  const earlier_key& k = reservoir_[below(reservoir_.size())];
  std::string& e = edit(0);
  e = k.email;
  const auto upper = [](char& c) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  };
  const auto lead_space = [&e] {  // (not e.insert(0, " "): GCC 12's -Wrestrict misfires)
    std::string t(1, ' ');
    t += e;
    e.swap(t);
  };
  // Another spelling of the same key: Marketo matches e-mails without regard to case, and the
  // engine trims them. Each variant differs from the (lower-case) original.
  switch (below(4)) {
    case 0:
      for (char& c : e) upper(c);
      break;
    case 1:
      upper(e[0]);
      if (e[0] == k.email[0]) lead_space();  // (no letter to raise: a space instead)
      break;
    case 2: {
      const std::uint64_t where = below(3);  // leading, trailing or both
      if (where != 1) lead_space();
      if (where != 0) e += "  ";
      break;
    }
    default:
      for (std::size_t i = e.find('@'); i < e.size(); ++i) upper(e[i]);
      e += ' ';
  }
  values_[0] = e;
  // Some repeats leave columns empty (merge keeps the earlier value there); the others carry
  // freshly drawn, different values (the later non-empty value wins).
  if (chance(0.4)) {
    for (int n = 0; n < 3; ++n) {
      const std::size_t i = 1 + below(13);  // not the e-mail, not the multi-line Comments
      values_[i] = {};
      must_quote_[i] = false;
    }
  }
  truth_.push_back({next_line_, defect_kind::duplicate_key, k.line});
  return true;
}

void export_generator::remember_key() {
  // Reservoir sampling (Vitter's algorithm R): every clean row so far is equally likely kept.
  ++keys_offered_;
  if (reservoir_.size() < DUPLICATE_RESERVOIR) {
    reservoir_.push_back({std::string(values_[0]), next_line_});
    return;
  }
  const std::uint64_t slot = below(keys_offered_);
  if (slot < DUPLICATE_RESERVOIR) reservoir_[slot] = {std::string(values_[0]), next_line_};
}

std::vector<truth_entry> export_generator::take_truth() {
  std::vector<truth_entry> taken;
  taken.swap(truth_);
  return taken;
}

void export_generator::write_header(std::string& out) {
  if (options_.bom) out += "\xEF\xBB\xBF";
  for (std::size_t i = 0; i < FIELD_COUNT; ++i) {
    if (i != 0) out += options_.delimiter;
    if (options_.quote_all) {
      append_quoted(out, HEADER_FIELDS[i]);
    } else {
      out += HEADER_FIELDS[i];
    }
  }
  out += options_.crlf ? "\r\n" : "\n";
  header_written_ = true;
  next_line_ = 2;
}

void export_generator::make_values(bool plain) {
  const std::string_view line_end = options_.crlf ? "\r\n" : "\n";
  for (auto& v : values_) v = {};
  for (auto& q : must_quote_) q = false;
  line_breaks_ = 0;
  const auto& first = pick(tables::first_names());
  const auto& last = pick(tables::last_names());
  const std::uint64_t row_number = rows_ + 1;

  // Composed values are built in owned_ and viewed from values_; table values are only viewed.
  const auto compose = [this](std::size_t i) -> std::string& {
    owned_[i].clear();
    return owned_[i];
  };

  // E-mail: unique by construction (slugs are letters only, the row number ends the local part).
  std::string& email = compose(0);
  email.append(first.slug).append(".").append(last.slug);
  append_number(email, row_number);
  email.append("@").append(pick(tables::email_domains()));
  values_[0] = email;
  values_[1] = first.display;
  values_[2] = last.display;

  values_[3] = pick(tables::company_stems());
  if (!plain && chance(0.3)) {  // "Acme, Inc.": the delimiter inside a value forces quoting
    std::string& company = compose(3);
    company.append(values_[3]).append(1, options_.delimiter).append(" ");
    company.append(pick(tables::company_suffixes()));
    values_[3] = company;
    must_quote_[3] = true;
  }
  if (!plain && chance(0.08)) {
    values_[4] = pick(tables::quoted_titles());
    must_quote_[4] = true;
  } else {
    values_[4] = pick(tables::job_titles());
  }

  std::string& phone = compose(5);
  switch (below(5)) {
    case 0:
      break;  // no phone
    case 1:
      phone.append("+44 20 7946 ");
      append_number(phone, 1000 + below(9000));
      break;
    case 2:
      append_number(phone, 200 + below(800));
      phone += '.';
      append_number(phone, 200 + below(800));
      phone += '.';
      append_number(phone, 1000 + below(9000));
      break;
    default:
      phone.append("+1 (");
      append_number(phone, 200 + below(800));
      phone += ") 555-";
      append_number(phone, 1000 + below(9000));
  }
  values_[5] = phone;

  std::string& street = compose(6);
  append_number(street, 1 + below(9999));
  street.append(" ").append(pick(tables::street_names()));
  if (!plain && chance(0.1)) {
    street.append(1, options_.delimiter).append(" Suite ");
    append_number(street, 100 + below(900));
    must_quote_[6] = true;
  }
  values_[6] = street;

  const auto& place = pick(tables::places());
  values_[7] = place.city;
  values_[8] = place.state;
  std::string& zip = compose(9);
  for (const char c : place.zip_format) {
    zip += c == '9' ? static_cast<char>('0' + below(10)) : c;
  }
  values_[9] = zip;
  values_[10] = place.country;
  values_[11] = pick(tables::lead_sources());

  if (!chance(0.1)) {
    std::string& revenue = compose(12);
    append_number(revenue, 10'000 + below(5'000'000'000ull));
    if (chance(0.3)) revenue += ".50";
    values_[12] = revenue;
  }
  if (!chance(0.1)) {
    std::string& employees = compose(13);
    append_number(employees, 1 + below(200'000));
    values_[13] = employees;
  }

  if (!plain && chance(options_.multiline_rate)) {
    std::string& comments = compose(14);
    const std::uint64_t lines = 2 + below(3);
    for (std::uint64_t i = 0; i < lines; ++i) {
      if (i != 0) comments += line_end;
      comments += pick(tables::comment_lines());
    }
    values_[14] = comments;
    line_breaks_ = lines - 1;
    must_quote_[14] = true;
  } else if (chance(0.4)) {
    values_[14] = pick(tables::comment_lines());
    if (!plain && chance(0.1)) {
      std::string& comments = compose(14);
      comments.append(values_[14]).append(" ").append(pick(tables::emoji()));
      values_[14] = comments;
    }
  }
}

std::string& export_generator::edit(std::size_t i) {
  std::string& s = owned_[i];
  if (values_[i].data() != s.data()) s.assign(values_[i]);
  return s;
}

void export_generator::write_row(std::string& out) {
  const bool plain = plain_next_;
  plain_next_ = false;
  std::optional<defect_kind> defect;
  if (!plain && options_.defect_rate > 0 && chance(options_.defect_rate)) {
    defect = kinds_[below(kinds_.size())];
  }
  const bool needs_plain = defect == defect_kind::unterminated_quote;
  make_values(plain || needs_plain);

  std::size_t n_fields = FIELD_COUNT;
  std::size_t raw_from = FIELD_COUNT + 1;  // fields from here on are written as they are
  std::size_t raw_only = FIELD_COUNT + 1;  // this one field is written as it is
  if (defect) {
    switch (*defect) {
      case defect_kind::field_count_mismatch:
        if (chance(0.5)) {
          n_fields = FIELD_COUNT - 1;  // Comments missing (its line breaks go with it)
          line_breaks_ = 0;
        } else {
          n_fields = FIELD_COUNT + 1;
          values_[FIELD_COUNT] = "extra";
        }
        break;
      case defect_kind::unterminated_quote: {
        // A quote opens and the rest of the line never closes it: every later value on the
        // line is plain, and so is the whole next row, so the only plausible record start
        // after this one is the next line.
        static constexpr std::size_t CANDIDATES[] = {3, 4, 6, 14};
        const std::size_t f = CANDIDATES[below(4)];
        // Never an empty value: a lone quote before a delimiter or line end could close an
        // earlier unterminated quote and make the two lines one valid record. Followed by text,
        // any such closing is followed by bytes, which no valid reading allows.
        if (values_[f].empty()) values_[f] = pick(tables::comment_lines());
        edit(f).insert(0, 1, '"');
        values_[f] = owned_[f];
        raw_from = f;
        plain_next_ = true;
        break;
      }
      case defect_kind::bytes_after_closing_quote: {
        // "Acme"x: the company (cut before any delimiter) closed, then more bytes.
        std::string& company = edit(3);
        company.resize(std::min(company.size(), company.find(options_.delimiter)));
        company.insert(0, 1, '"');
        company.append(1, '"').append(pick(std::span<const std::string_view>(JUNK_AFTER_QUOTE)));
        values_[3] = company;
        raw_only = 3;
        break;
      }
      case defect_kind::invalid_utf8:
        edit(1).append(pick(tables::invalid_utf8())).append("z");
        values_[1] = owned_[1];
        break;
      case defect_kind::nul_byte:
        edit(2).append(1, '\0').append("x");
        values_[2] = owned_[2];
        break;
      case defect_kind::empty_lookup_field:
        values_[0] = {};
        break;
      case defect_kind::bare_quote:
        values_[2] = pick(std::span<const std::string_view>(BARE_QUOTE_VALUES));
        raw_only = 2;
        break;
      case defect_kind::duplicate_key:
        break;  // never drawn here (validate() keeps it out of kinds_)
    }
    truth_.push_back({next_line_, *defect});
  } else if (options_.typed_defect_rate > 0 && chance(options_.typed_defect_rate)) {
    inject_typed_defect();
  } else if (options_.duplicate_rate > 0 && !repeat_earlier_key()) {
    remember_key();  // a clean row with a key of its own: one a later row may repeat
  }

  for (std::size_t i = 0; i < n_fields; ++i) {
    if (i != 0) out += options_.delimiter;
    if (i >= raw_from || i == raw_only || !(must_quote_[i] || (options_.quote_all && !plain))) {
      out += values_[i];
    } else {
      append_quoted(out, values_[i]);
    }
  }
  out += options_.crlf ? "\r\n" : "\n";
  next_line_ += 1 + line_breaks_;
  ++rows_;
}

}  // namespace mkbulk::gen
