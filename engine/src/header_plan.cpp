// Delimiter sniffing and header mapping. Both run once per input, on the header and a sample.
#include "header_plan.h"

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include "careful_parser.h"
#include "mkbulk/engine/lead_schema.h"
#include "record_encoder.h"

namespace mkbulk::engine::detail {
namespace {

constexpr std::size_t SNIFF_RECORDS = 50;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string join_quoted(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i) out += ", ";
    out += "'" + names[i] + "'";
  }
  return out;
}

}  // namespace

char sniff_delimiter(const std::uint8_t* data, std::size_t len, bool eof, std::size_t start) {
  static constexpr std::array<char, 3> CANDIDATES = {',', '\t', ';'};
  careful_record rec;
  char best = ',';
  std::size_t best_score = 0;
  for (const char d : CANDIDATES) {
    std::size_t p = start;
    std::size_t header_fields = 0;
    std::size_t consistent = 0;
    std::size_t records = 0;
    while (p < len && records < SNIFF_RECORDS) {
      careful_parse(data, len, eof, p, static_cast<std::uint8_t>(d), len - p, rec);
      if (rec.status != parse_status::done) break;
      if (records == 0) {
        header_fields = rec.fields.size();
      } else if (rec.fields.size() == header_fields) {
        ++consistent;
      }
      ++records;
      if (rec.next <= p) break;
      p = rec.next;
    }
    if (header_fields < 2) continue;
    // Consistent records first, then the number of fields, so that a comma inside a
    // semicolon-separated file's values does not win.
    const std::size_t score = (consistent + 1) * 1000 + header_fields;
    if (score > best_score) {
      best_score = score;
      best = d;
    }
  }
  return best;
}

bool plan_header(const std::vector<std::string>& names, const split_options& options,
                 char out_delimiter, bool keep_going, header_plan& plan, std::string& message) {
  plan = header_plan{};
  plan.source_fields = names.size();
  std::vector<std::string> empty_at;
  std::set<std::string> seen;
  std::vector<std::string> dups;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (trim_blanks(names[i]).empty()) empty_at.push_back(std::to_string(i + 1));
    if (!seen.insert(names[i]).second) dups.push_back(names[i]);
  }
  if (!empty_at.empty()) {
    message = "the header has empty column names (column " + [&] {
      std::string s;
      for (std::size_t i = 0; i < empty_at.size(); ++i) s += (i ? ", " : "") + empty_at[i];
      return s;
    }() + "); name every column in the header line";
    return false;
  }
  if (!dups.empty()) {
    message = "the header names these columns twice: " + join_quoted(dups) +
              "; rename one of each, or drop one with --drop-column";
    return false;
  }
  for (const auto& [from, to] : options.map) {
    if (!seen.contains(from)) {
      message = "--map '" + from + "=" + to + "': the header has no column named '" + from + "'";
      return false;
    }
    if (to.empty()) {
      message = "--map '" + from + "=': the field name is empty";
      return false;
    }
  }
  for (const auto& d : options.drop_columns) {
    if (!seen.contains(d)) {
      message = "--drop-column '" + d + "': the header has no column named '" + d + "'";
      return false;
    }
  }
  const auto fields = standard_lead_fields();
  std::map<std::string, std::uint32_t> used;  // field -> source index
  std::vector<std::string> twice;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string& name = names[i];
    if (std::find(options.drop_columns.begin(), options.drop_columns.end(), name) !=
        options.drop_columns.end()) {
      plan.dropped.push_back(name);
      continue;
    }
    std::string field;
    for (const auto& [from, to] : options.map) {
      if (from == name) field = to;
    }
    if (field.empty()) {
      const std::string trimmed(trim_blanks(name));
      for (const auto& f : fields) {
        if (f.rest_name == trimmed) field = f.rest_name;
      }
      if (field.empty()) {
        for (const auto& f : fields) {
          if (lower(f.rest_name) == lower(trimmed)) field = f.rest_name;
        }
      }
      if (field.empty()) {
        if (const auto a = alias_for(trimmed)) field = *a;
      }
    }
    if (field.empty()) {
      if (options.drop_unknown) {
        plan.dropped.push_back(name);
      } else {
        plan.unknown.push_back(name);
      }
      continue;
    }
    const auto idx = static_cast<std::uint32_t>(i);
    if (const auto it = used.find(field); it != used.end()) {
      twice.push_back("'" + names[it->second] + "' and '" + name + "' both map to '" + field +
                      "'");
    }
    used.emplace(field, idx);
    plan.columns.push_back(column_mapping{name, field, idx});
  }
  if (!plan.unknown.empty() && !keep_going) {
    message = "unknown columns: " + join_quoted(plan.unknown) +
              ". Map each to a Marketo field with --map 'NAME=field', drop it with "
              "--drop-column NAME, or drop all unknown columns with --drop-unknown";
    return false;
  }
  if (!twice.empty()) {
    message = "two columns map to the same field: ";
    for (std::size_t i = 0; i < twice.size(); ++i) message += (i ? "; " : "") + twice[i];
    message += ". Drop one with --drop-column or map it elsewhere with --map";
    return false;
  }
  if (plan.columns.empty() && !keep_going) {
    message = "no column is left to send after dropping";
    return false;
  }
  bool found_lookup = false;
  for (const auto& c : plan.columns) {
    if (c.field == options.lookup_field) {
      plan.lookup_index = c.source_index;
      found_lookup = true;
    }
  }
  if (!found_lookup && !keep_going) {
    message = "no column maps to the lookup field '" + options.lookup_field +
              "'; map one with --map 'NAME=" + options.lookup_field +
              "' or choose another with --lookup-field";
    return false;
  }
  plan.identity = plan.columns.size() == names.size();
  for (std::size_t i = 0; i < plan.columns.size(); ++i) {
    if (i) plan.header_line.push_back(out_delimiter);
    append_minimal_quoted(plan.header_line, plan.columns[i].field, out_delimiter);
  }
  return true;
}

}  // namespace mkbulk::engine::detail
