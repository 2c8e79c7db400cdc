// The split's counts by reason (and what --duplicates did) as JSON objects, under the names rejects.csv uses: one writer for
// every place that shows them (the CLI's --json summary, the uploader's report.json). The
// manifest keeps its own layout (engine/src/manifest.cpp) but the same names.
#pragma once

#include <string>

#include "mkbulk/engine/manifest.h"

namespace mkbulk::engine {

// {"field_count_mismatch":n,...} with every reject_reason (zeros included), then the value
// problems (pre-flight's codes, "invalid_number", ...) that are not zero.
void append_reject_counts_json(std::string& out, const split_counts& c);

// {"invalid_email":n,...}: the values Marketo would import with a warning, non-zero ones only.
void append_predicted_warnings_json(std::string& out, const split_counts& c);

// {"policy":"merge","repeated_keys":n,"rows_held_back":n,"rows_merged":n,"rows_rejected":n,
//  "overwritten_values":n,"report":"duplicates.csv"}: what --duplicates did, as in the manifest.
void append_duplicate_summary_json(std::string& out, const duplicate_summary& d);

}  // namespace mkbulk::engine
