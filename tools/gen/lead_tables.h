// The vocabulary of generated leads: names in many scripts, companies, titles, places, and
// comment fragments. Data only; export_generator.cpp decides how to combine and quote them.
#pragma once

#include <span>
#include <string_view>

namespace mkbulk::gen::tables {

// A name as shown, and the ASCII slug the e-mail address is built from.
struct name_entry {
  std::string_view display;
  std::string_view slug;
};

struct place_entry {
  std::string_view city;
  std::string_view state;
  std::string_view country;
  std::string_view zip_format;  // '9' is replaced by a random digit
};

std::span<const name_entry> first_names() noexcept;
std::span<const name_entry> last_names() noexcept;
std::span<const std::string_view> company_stems() noexcept;
std::span<const std::string_view> company_suffixes() noexcept;  // after "<delim> "
std::span<const std::string_view> job_titles() noexcept;
std::span<const std::string_view> quoted_titles() noexcept;  // contain one "..." pair
std::span<const std::string_view> street_names() noexcept;
std::span<const place_entry> places() noexcept;
std::span<const std::string_view> lead_sources() noexcept;
std::span<const std::string_view> email_domains() noexcept;
std::span<const std::string_view> comment_lines() noexcept;  // no quotes, delimiters or newlines
std::span<const std::string_view> emoji() noexcept;
// Invalid UTF-8 snippets: a lone lead byte, a stray 0xFF, an overlong '/', a cut 3-byte
// sequence, an encoded surrogate.
std::span<const std::string_view> invalid_utf8() noexcept;

}  // namespace mkbulk::gen::tables
