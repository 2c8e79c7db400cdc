// The input dialect and the header mapping: sniffing the delimiter from a sample, and turning
// the export's header names into Marketo REST field names (exact, case-insensitive, alias
// table, --map overrides; --drop-column / --drop-unknown), with the errors the user must fix.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "mkbulk/engine/manifest.h"
#include "mkbulk/engine/split.h"

namespace mkbulk::engine::detail {

// The delimiter (',', '\t' or ';') that splits the sample's first records most consistently
// (quote-aware); ',' when nothing splits it (a one-column file).
[[nodiscard]] char sniff_delimiter(const std::uint8_t* data, std::size_t len, bool eof,
                                   std::size_t start);

struct header_plan {
  std::vector<column_mapping> columns;  // kept, in output order
  std::vector<std::string> dropped;
  std::vector<std::string> unknown;  // neither mapped nor dropped
  std::size_t source_fields = 0;
  std::size_t lookup_index = 0;  // source index of the lookup field's column
  bool identity = false;         // every source column kept, in source order
  std::string header_line;       // as written to the chunks, without the LF
};

// Maps the header names. Returns false with a message for people on unknown, duplicate or empty
// names, a --map or --drop-column naming no column, or a missing lookup field. With
// keep_going, unknown columns are listed in plan.unknown instead (sniff shows them).
[[nodiscard]] bool plan_header(const std::vector<std::string>& names, const split_options& options,
                               char out_delimiter, bool keep_going, header_plan& plan,
                               std::string& message);

}  // namespace mkbulk::engine::detail
