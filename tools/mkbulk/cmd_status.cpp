// mkbulk status DIR: where a run stands, from its journal (and report.json when it finished).
// It makes no API call and needs no credentials.
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "commands.h"
#include "exit_codes.h"
#include "mkbulk/engine/manifest.h"
#include "mkbulk/upload/journal.h"
#include "mkbulk/upload/text_format.h"

namespace mkbulk::cli {

int cmd_status(std::span<const std::string_view> args) {
  bool json = false;
  std::string dir;
  for (const auto& s : args) {
    if (s == "--help" || s == "-h") {
      std::printf("usage: mkbulk status DIR [--json]\n\nShows where the run in DIR stands: "
                  "chunks written, jobs queued, finished and merged, and the report when done.\n");
      return 0;
    }
    if (s == "--json") json = true;
    else if (!s.empty() && s[0] == '-') throw usage_error("unknown option " + std::string(s));
    else dir = s;
  }
  if (dir.empty()) throw usage_error("expected: mkbulk status DIR");
  std::vector<upload::journal_entry> entries;
  std::string error;
  if (!upload::read_journal(dir, entries, error)) {
    std::fprintf(stderr, "mkbulk status: %s\n", error.c_str());
    return EXIT_IO;
  }
  engine::manifest m;
  engine::manifest_error merr;
  const bool have_manifest = engine::read_manifest(dir, m, merr);
  struct chunk_state {
    std::string phase = "written";
    std::uint64_t batch_id = 0;
    std::string status;
  };
  std::map<std::uint32_t, chunk_state> chunks;
  bool finished = false;
  std::string mode = "?";
  for (const auto& e : entries) {
    if (e.event == "run_started") {
      const auto p = e.line.find("\"mode\":\"");
      if (p != std::string::npos) mode = e.line.substr(p + 8, e.line.find('"', p + 8) - p - 8);
    } else if (e.event == "chunk_written") {
      chunks[e.chunk];
    } else if (e.event == "job_created") {
      chunks[e.chunk] = {"queued", e.batch_id, "Queued"};
    } else if (e.event == "job_finished") {
      chunks[e.chunk].phase = "finished";
      chunks[e.chunk].status = e.status;
    } else if (e.event == "results_merged") {
      chunks[e.chunk].phase = "merged";
    } else if (e.event == "run_finished") {
      finished = true;
    }
  }
  std::map<std::string, std::uint64_t> counts;
  for (const auto& [i, c] : chunks) ++counts[c.phase];
  const std::uint64_t total = have_manifest ? m.chunks.size() : chunks.size();
  if (json) {
    std::string d;
    std::string md;
    upload::append_json_string(d, dir);
    upload::append_json_string(md, mode);
    std::printf("{\"dir\":%s,\"mode\":%s,\"started\":%s,\"finished\":%s,"
                "\"split_complete\":%s,\"chunks\":%llu,\"written\":%llu,\"queued\":%llu,"
                "\"finished_jobs\":%llu,\"merged\":%llu}\n",
                d.c_str(), md.c_str(), entries.empty() ? "false" : "true",
                finished ? "true" : "false", have_manifest ? "true" : "false",
                static_cast<unsigned long long>(total),
                static_cast<unsigned long long>(counts["written"]),
                static_cast<unsigned long long>(counts["queued"]),
                static_cast<unsigned long long>(counts["finished"]),
                static_cast<unsigned long long>(counts["merged"]));
    return EXIT_CLEAN;
  }
  if (entries.empty()) {
    std::printf("%s: no run has started here (no journal)%s\n", dir.c_str(),
                have_manifest ? "; a split is ready: mkbulk upload DIR" : "");
    return EXIT_CLEAN;
  }
  std::printf("run: %s (%s)\n", dir.c_str(), mode.c_str());
  std::printf("split: %s, %llu chunks\n", have_manifest ? "complete" : "not complete",
              static_cast<unsigned long long>(total));
  std::printf("chunks: %llu waiting, %llu queued or importing, %llu finished, %llu merged\n",
              static_cast<unsigned long long>(counts["written"] +
                                              (total > chunks.size() ? total - chunks.size() : 0)),
              static_cast<unsigned long long>(counts["queued"]),
              static_cast<unsigned long long>(counts["finished"]),
              static_cast<unsigned long long>(counts["merged"]));
  for (const auto& [i, c] : chunks) {
    if (c.phase == "queued") {
      std::printf("  chunk %u: job %llu in Marketo's queue\n", i,
                  static_cast<unsigned long long>(c.batch_id));
    } else if (c.status == "Failed") {
      std::printf("  chunk %u: job %llu failed\n", i, static_cast<unsigned long long>(c.batch_id));
    }
  }
  if (finished) {
    std::ifstream in(std::filesystem::path(dir) / "report.json");
    std::stringstream ss;
    ss << in.rdbuf();
    std::printf("finished; report.json:\n%s", ss.str().c_str());
  } else {
    std::printf("not finished: mkbulk resume %s\n", dir.c_str());
  }
  return EXIT_CLEAN;
}

}  // namespace mkbulk::cli
