// What a run produced, for people and programs: the per-chunk result files (failures and
// warnings tied to source lines), their merge into failures.csv, warnings.csv and retry.csv,
// and report.json with the totals. Every file is written atomically (temp, fsync, rename).
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "mkbulk/engine/manifest.h"
#include "mkbulk/upload/marketo_client.h"
#include "mkbulk/upload/result_matcher.h"

namespace mkbulk::upload {

struct failed_job {
  std::uint32_t chunk = 0;
  std::uint64_t batch_id = 0;
  std::string message;
};

struct run_report {
  std::uint64_t rows_in = 0;
  std::uint64_t rows_rejected = 0;   // rejected locally by the split (rejects.csv)
  std::uint64_t rows_merged = 0;     // folded into another row of the same key (--duplicates)
  std::uint64_t rows_submitted = 0;  // in chunks whose jobs finished
  std::uint64_t rows_imported = 0;
  std::uint64_t rows_failed = 0;     // failed rows, failed jobs' rows included
  std::uint64_t rows_warned = 0;     // imported with a warning (counted in imported too)
  std::uint64_t rows_untied = 0;     // result rows that matched no source line
  std::uint64_t rows_unaccounted = 0;  // |in - (rejected + merged + imported + failed)|
  std::uint64_t chunks = 0;
  std::uint64_t jobs = 0;            // jobs created, resubmissions included
  std::uint64_t jobs_failed = 0;
  std::vector<failed_job> failed_jobs;
  std::array<std::uint64_t, ENDPOINT_COUNT> api_calls{};  // every session of the run
  double split_seconds = 0;
  double upload_seconds = 0;
  double merge_seconds = 0;
  double total_seconds = 0;
  double first_submit_seconds = -1;  // from the session's start to the first create sent
  double first_job_seconds = -1;     // ... to the first job acknowledged (batchId journaled)
  // The local side of the account, from the manifest: the split's counts by reason and what
  // --duplicates did (report.json's "local").
  engine::split_counts local;
  engine::duplicate_summary duplicates;
};

// Fills the local side (rows_in, rows_rejected, rows_merged, local, duplicates) from the
// manifest.
void set_local_counts(run_report& r, const engine::manifest& m);
// rows_unaccounted from the other row counts: every row in is imported, failed in Marketo,
// rejected locally or merged into another row; what is left is unaccounted.
void settle_accounting(run_report& r);

[[nodiscard]] std::string to_json(const run_report& r);

// Writes text to dir/name atomically. False with error on failure.
[[nodiscard]] bool write_file_atomic(const std::filesystem::path& dir, const std::string& name,
                                     const std::string& text, std::string& error);

// results/NNNNNN.failures.csv or .warnings.csv: "source_line,reason,<chunk columns>" (CSV).
[[nodiscard]] std::string chunk_result_name(std::uint32_t chunk, bool failures);
[[nodiscard]] bool write_chunk_results(const std::filesystem::path& run_dir,
                                       std::uint32_t chunk, bool failures,
                                       const std::vector<std::string>& header,
                                       const std::vector<matched_row>& rows,
                                       std::string& error);

// Merges every chunk's result files into failures.csv, warnings.csv (sorted by source line)
// and retry.csv (the failed rows, tied ones only, under the input's column names, in the
// input's delimiter), then writes report.json.
[[nodiscard]] bool write_outputs(const std::filesystem::path& run_dir, const engine::manifest& m,
                                 const run_report& r, std::string& error);

}  // namespace mkbulk::upload
