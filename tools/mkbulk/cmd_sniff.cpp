// mkbulk sniff: the dialect and the header mapping split would use, read from the input's
// first bytes; exits 65 when the header cannot be used as it is (unknown or bad names).
#include <cstdio>
#include <string>

#include "commands.h"
#include "engine_flags.h"
#include "exit_codes.h"

namespace mkbulk::cli {

int cmd_sniff(std::span<const std::string_view> args) {
  engine::split_options o;
  bool have_input = false;
  for (std::size_t i = 0; i < args.size();) {
    const std::string_view a = args[i];
    if (a == "--help" || a == "-h") {
      std::printf("usage: mkbulk sniff INPUT [options]\nShows the dialect and header mapping "
                  "that split would use.\n\noptions:\n%.*s",
                  static_cast<int>(engine_flags_help().size()), engine_flags_help().data());
      return EXIT_CLEAN;
    }
    if (const std::size_t used = parse_engine_flag(args, i, o); used != 0) {
      i += used;
      continue;
    }
    if (a.starts_with("-") && a != "-") throw usage_error("unknown option '" + std::string(a) + "'");
    if (have_input) throw usage_error("one INPUT only; '" + std::string(a) + "' is a second one");
    o.input_path = std::string(a);
    have_input = true;
    ++i;
  }
  if (!have_input) throw usage_error("INPUT is missing (a file, or '-' for standard input)");
  apply_engine_environment(o);
  const engine::sniff_result s = engine::sniff_input(o);
  if (s.status != engine::split_status::ok) {
    std::fprintf(stderr, "mkbulk sniff: %s\n", s.message.c_str());
    return s.status == engine::split_status::io_error ? EXIT_IO : EXIT_DATA;
  }
  const engine::manifest& m = s.result;
  const std::string delim = m.delimiter == '\t' ? "tab" : std::string(1, m.delimiter);
  std::printf("format: %s (delimiter '%s')\nbom: %s\nheader line end: %s\n", m.format.c_str(),
              delim.c_str(), m.bom ? "yes" : "no", m.line_endings.c_str());
  std::printf("columns:\n");
  for (const auto& c : m.columns) {
    std::printf("  %-30s -> %s\n", c.source.c_str(), c.field.c_str());
  }
  for (const auto& d : m.dropped) std::printf("  %-30s    (dropped)\n", d.c_str());
  for (const auto& u : s.unknown_columns) std::printf("  %-30s    (unknown)\n", u.c_str());
  std::printf("chunk header: %s\n", m.header_line.c_str());
  if (!s.unknown_columns.empty()) {
    std::fprintf(stderr,
                 "mkbulk sniff: %zu unknown column(s): map each with --map 'NAME=field', drop it "
                 "with --drop-column NAME, or use --drop-unknown\n",
                 s.unknown_columns.size());
    return EXIT_DATA;
  }
  bool lookup = false;
  for (const auto& c : m.columns) lookup = lookup || c.field == o.lookup_field;
  if (!lookup) {
    std::fprintf(stderr, "mkbulk sniff: no column maps to the lookup field '%s'\n",
                 o.lookup_field.c_str());
    return EXIT_DATA;
  }
  return EXIT_CLEAN;
}

}  // namespace mkbulk::cli
