// --duplicates after the input: each spill partition of held-back rows read back (the output
// rows parsed with record_reader), grouped and resolved by duplicate_merger, and what the
// policy keeps written to the chunks after all other rows; rejects to rejects.csv; every key
// with more than one row reported in duplicates.csv (written as .part, then renamed).
#include <cstdio>
#include <string>
#include <system_error>
#include <unordered_map>
#include <vector>

#include "mkbulk/engine/record_reader.h"
#include "record_encoder.h"
#include "split_duplicates.h"
#include "split_run.h"

namespace mkbulk::engine::detail {
namespace {

constexpr std::string_view REPORT_NAME = "duplicates.csv";
constexpr std::size_t LINES_IN_MESSAGE = 8;

struct held_source {
  std::uint64_t offset = 0;
  std::uint64_t total = 0;
  std::string raw;
};

// "lines 2, 7, 9" (the first few, then "and N more").
std::string lines_text(const std::vector<std::uint64_t>& lines) {
  std::string s = lines.size() == 1 ? "line " : "lines ";
  for (std::size_t i = 0; i < lines.size() && i < LINES_IN_MESSAGE; ++i) {
    if (i) s += ", ";
    s += std::to_string(lines[i]);
  }
  if (lines.size() > LINES_IN_MESSAGE) {
    s += " and " + std::to_string(lines.size() - LINES_IN_MESSAGE) + " more";
  }
  return s;
}

// One report line: key,action,kept_line,source_lines,overwritten_values.
void report_line(std::string& out, const duplicate_group& g, std::string_view action,
                 bool kept) {
  out.clear();
  append_minimal_quoted(out, g.key, ',');
  out.push_back(',');
  out += action;
  out.push_back(',');
  if (kept && !g.row_lines.empty()) out += std::to_string(g.row_lines.front());
  out.push_back(',');
  for (std::size_t i = 0; i < g.source_lines.size(); ++i) {
    if (i) out.push_back(' ');
    out += std::to_string(g.source_lines[i]);
  }
  out.push_back(',');
  out += std::to_string(g.overwritten_values);
  out.push_back('\n');
}

}  // namespace

bool split_run::finish_duplicates() {
  duplicate_pass& dp = *dups_;
  if (dp.current() != duplicate_pass::mode::divert) return true;
  if (!dp.close_spills()) return fail(split_status::io_error, dp.error());
  const duplicate_policy policy = dp.policy();
  duplicate_summary& sum = dp.summary;
  split_counts& counts = result_.result.counts;
  const bool keep_raw = policy == duplicate_policy::reject || policy == duplicate_policy::allow;

  std::filesystem::path report_dir = opt_.out_dir;
  if (report_dir.empty() && opt_.rejects_path.has_parent_path()) {
    report_dir = opt_.rejects_path.parent_path();
  } else if (report_dir.empty() && !opt_.rejects_path.empty()) {
    report_dir = ".";
  }
  const std::filesystem::path report_path =
      report_dir.empty() ? std::filesystem::path() : report_dir / REPORT_NAME;
  const std::filesystem::path report_part =
      report_dir.empty() ? std::filesystem::path() : report_dir / "duplicates.csv.part";
  std::FILE* report = nullptr;
  if (!report_path.empty()) {
    report = std::fopen(report_part.c_str(), "wb");
    if (report == nullptr) return fail(split_status::io_error, "cannot create " + report_part.string());
    std::fputs("key,action,kept_line,source_lines,overwritten_values\n", report);
  }

  std::string text;
  const auto encode = [&](const std::vector<std::string>& fields) {
    text.clear();
    for (std::size_t k = 0; k < fields.size(); ++k) {
      if (k) text.push_back(out_delim_);
      append_minimal_quoted(text, fields[k], out_delim_);
    }
    text.push_back('\n');
  };
  std::unordered_map<std::uint64_t, held_source> sources;
  const auto reject_line = [&](std::uint64_t line, reject_reason why, const std::string& message,
                               std::string_view shown) {
    ++counts.rows_rejected;
    ++counts.reject_counts[static_cast<std::size_t>(why)];
    ++sum.rows_rejected;
    if (!have_rejects_) return;
    const auto it = sources.find(line);
    if (it != sources.end()) {
      rejects_.add(line, it->second.offset, why, message, it->second.raw, it->second.total);
    } else {
      rejects_.add(line, 0, why, message, shown, shown.size());
    }
  };
  if (policy == duplicate_policy::allow) writer_->end_chunk();  // held-back rows only from here

  std::vector<std::string> fields;
  std::string out_row;
  std::string line_text;
  bool io_ok = true;
  for (std::size_t p = 0; p < dp.partitions() && io_ok; ++p) {
    duplicate_merger merger(policy, lookup_out_);
    sources.clear();
    std::FILE* in = std::fopen(dp.spill_path(p).c_str(), "rb");
    if (in == nullptr) {
      io_ok = false;
      break;
    }
    held_row_header h;
    while (std::fread(&h, sizeof h, 1, in) == 1) {
      out_row.resize(h.out_size);
      held_source src{h.offset, h.raw_total, std::string(h.raw_size, '\0')};
      if (std::fread(out_row.data(), 1, out_row.size(), in) != out_row.size() ||
          std::fread(src.raw.data(), 1, src.raw.size(), in) != src.raw.size()) {
        io_ok = false;
        break;
      }
      record_reader reader(out_row, out_delim_);
      fields.clear();
      if (!reader.next(fields)) fields.assign(1, std::string());  // an empty single-column row
      merger.add(std::span<const std::string>(fields), h.line);
      if (keep_raw) sources.emplace(h.line, std::move(src));
    }
    std::fclose(in);
    if (!io_ok) break;
    for (const duplicate_group& g : merger.finish()) {
      const std::size_t n = g.source_lines.size();
      if (n == 1) {  // a hash collision: the row goes out as it came
        encode(g.rows.front());
        writer_->begin_row(g.row_lines.front(), text.size());
        writer_->append(text.data(), text.size());
        continue;
      }
      ++sum.repeated_keys;
      const std::string_view action = to_string(policy);
      bool kept = false;
      if (policy == duplicate_policy::reject) {
        const std::string why = "the lookup key '" + g.key + "' occurs on " + std::to_string(n) +
                                " rows (" + lines_text(g.source_lines) +
                                "); --duplicates reject keeps none of them";
        for (const std::uint64_t line : g.source_lines) {
          reject_line(line, reject_reason::duplicate_lookup_key, why, {});
        }
      } else if (policy == duplicate_policy::allow) {
        // All rows of the key in one chunk: a fresh one unless they fit in the open one.
        std::uint64_t total = 0;
        for (const auto& row : g.rows) {
          encode(row);
          total += text.size();
        }
        if (total > writer_->room()) writer_->end_chunk();
        std::uint64_t used = 0;
        for (std::size_t i = 0; i < g.rows.size(); ++i) {
          encode(g.rows[i]);
          used += text.size();
          if (used > max_row_bytes_) {
            reject_line(g.row_lines[i], reject_reason::duplicate_key_group_too_big,
                        "the " + std::to_string(n) + " rows of lookup key '" + g.key +
                            "' need " + std::to_string(total) + " bytes, more than one chunk (" +
                            std::to_string(max_row_bytes_) +
                            " bytes after the header); --duplicates allow keeps a key's rows in "
                            "one chunk, so the rows that do not fit are rejected. Raise "
                            "--max-bytes or use --duplicates merge",
                        {});
            continue;
          }
          writer_->begin_row(g.row_lines[i], text.size());
          writer_->append(text.data(), text.size());
        }
      } else {  // merge, keep-first, keep-last: one row stands for all
        encode(g.rows.front());
        if (text.size() > max_row_bytes_) {
          const std::string why = "the merged row of " + lines_text(g.source_lines) + " needs " +
                                  std::to_string(text.size()) + " bytes; a chunk of " +
                                  std::to_string(opt_.max_bytes) + " bytes holds " +
                                  std::to_string(max_row_bytes_) +
                                  " after the header (the record shown is the merged row)";
          text.pop_back();
          for (const std::uint64_t line : g.source_lines) {
            reject_line(line, reject_reason::record_too_large, why, text);
          }
        } else {
          writer_->begin_row(g.row_lines.front(), text.size());
          writer_->append(text.data(), text.size());
          kept = true;
          sum.rows_merged += n - 1;
          counts.rows_merged += n - 1;
          sum.overwritten_values += g.overwritten_values;
        }
      }
      if (report != nullptr) {
        report_line(line_text, g, action, kept);
        if (std::fwrite(line_text.data(), 1, line_text.size(), report) != line_text.size()) {
          io_ok = false;
        }
      }
    }
  }
  dp.remove_spills();
  if (report != nullptr) {
    const bool closed = std::fclose(report) == 0;
    std::error_code ec;
    if (!io_ok || !closed) {
      std::filesystem::remove(report_part, ec);
      return fail(split_status::io_error,
                  "cannot write " + report_part.string() + " or read back the held-back rows");
    }
    if (sum.repeated_keys == 0) {
      std::filesystem::remove(report_part, ec);
    } else {
      std::filesystem::rename(report_part, report_path, ec);
      if (ec) return fail(split_status::io_error, "cannot rename " + report_part.string());
      sum.report = std::string(REPORT_NAME);
    }
  } else if (!io_ok) {
    return fail(split_status::io_error, "cannot read back the held-back rows");
  }
  result_.result.duplicates = sum;
  if (opt_.max_rejects && counts.rows_rejected > *opt_.max_rejects) {
    return fail(split_status::too_many_rejects,
                "more than " + std::to_string(*opt_.max_rejects) +
                    " rows rejected (--max-rejects), counting rows with a repeated lookup key; "
                    "see the rejects report for why");
  }
  return true;
}

}  // namespace mkbulk::engine::detail
