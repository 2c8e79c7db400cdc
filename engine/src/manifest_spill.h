// Line runs kept out of memory: the split writes the line runs of finished chunks to a spill
// file (raw pairs of 64-bit integers, in chunk order) once they pass a budget, so memory stays
// the same at 1 and at 4 GiB; manifest.json is then assembled from memory plus that file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "mkbulk/engine/manifest.h"

namespace mkbulk::engine::detail {

// counts[i]: how many runs of chunk i (0-based, chunk order) are in the file, 0 when the
// chunk's runs stayed in its chunk_info. An empty path: nothing was spilled.
struct spilled_line_runs {
  std::filesystem::path path;
  std::vector<std::uint64_t> counts;
};

// write_manifest, with the runs of the chunks that spill names read back from its file.
[[nodiscard]] bool write_manifest_spilled(const std::filesystem::path& dir, const manifest& m,
                                          const spilled_line_runs& spill, manifest_error& err);

}  // namespace mkbulk::engine::detail
