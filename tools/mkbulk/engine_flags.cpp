// Engine flag parsing: one table of names, values checked here so that the engine only ever
// sees well-formed options.
#include "engine_flags.h"

#include <charconv>
#include <cstdlib>
#include <string>

#include "commands.h"
#include "exit_codes.h"

namespace mkbulk::cli {
namespace {

std::uint64_t parse_count(std::string_view flag, std::string_view v) {
  std::uint64_t n = 0;
  const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc{} || ptr != v.data() + v.size()) {
    throw usage_error(std::string(flag) + " wants a whole number, not '" + std::string(v) + "'");
  }
  return n;
}

std::string parse_format(std::string_view flag, std::string_view v) {
  if (v != "csv" && v != "tsv" && v != "ssv") {
    throw usage_error(std::string(flag) + " wants csv, tsv or ssv, not '" + std::string(v) + "'");
  }
  return std::string(v);
}

}  // namespace

flag_arg split_flag(std::string_view arg) noexcept {
  if (const auto eq = arg.find('='); eq != std::string_view::npos) {
    return {arg.substr(0, eq), arg.substr(eq + 1), true};
  }
  return {arg, {}, false};
}

std::string_view flag_value(const flag_arg& flag, std::span<const std::string_view> args,
                            std::size_t i, std::size_t& used) {
  if (flag.has_inline) {
    used = 1;
    return flag.inline_value;
  }
  if (i + 1 >= args.size()) throw usage_error(std::string(flag.name) + " needs a value");
  used = 2;
  return args[i + 1];
}

std::size_t parse_engine_flag(std::span<const std::string_view> args, std::size_t i,
                              engine::split_options& o) {
  if (!args[i].starts_with("--")) return 0;
  const flag_arg arg = split_flag(args[i]);
  const std::string_view flag = arg.name;
  static constexpr std::string_view SWITCHES[] = {"--drop-unknown", "--trim"};
  for (const auto s : SWITCHES) {
    if (flag != s) continue;
    if (arg.has_inline) throw usage_error(std::string(flag) + " takes no value");
    if (flag == "--drop-unknown") o.drop_unknown = true;
    if (flag == "--trim") o.trim = true;
    return 1;
  }
  static constexpr std::string_view VALUED[] = {
      "--max-bytes",   "--format",      "--delimiter", "--out-format", "--lookup-field",
      "--map",         "--drop-column", "--max-rejects", "--threads",  "--block-bytes",
      "--kernel",      "--duplicates"};
  bool known = false;
  for (const auto s : VALUED) known = known || flag == s;
  if (!known) return 0;
  std::size_t used = 1;
  const std::string_view v = flag_value(arg, args, i, used);
  if (flag == "--max-bytes") {
    o.max_bytes = parse_count(flag, v);
    if (o.max_bytes == 0) throw usage_error("--max-bytes must be more than 0");
  } else if (flag == "--format") {
    o.delimiter = engine::delimiter_of_format(parse_format(flag, v));
  } else if (flag == "--delimiter") {
    if (v == "," || v == "comma") {
      o.delimiter = ',';
    } else if (v == "\t" || v == "tab" || v == "\\t") {
      o.delimiter = '\t';
    } else if (v == ";" || v == "semicolon") {
      o.delimiter = ';';
    } else {
      throw usage_error("--delimiter wants ',', 'tab' or ';', not '" + std::string(v) + "'");
    }
  } else if (flag == "--out-format") {
    o.out_format = parse_format(flag, v);
  } else if (flag == "--lookup-field") {
    if (v.empty()) throw usage_error("--lookup-field needs a field name");
    o.lookup_field = std::string(v);
  } else if (flag == "--map") {
    const auto eq = v.rfind('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 == v.size()) {
      throw usage_error("--map wants SOURCE=FIELD (e.g. --map 'Notes=comments'), not '" +
                        std::string(v) + "'");
    }
    o.map.emplace_back(std::string(v.substr(0, eq)), std::string(v.substr(eq + 1)));
  } else if (flag == "--drop-column") {
    o.drop_columns.emplace_back(v);
  } else if (flag == "--max-rejects") {
    o.max_rejects = parse_count(flag, v);
  } else if (flag == "--threads") {
    o.threads = static_cast<unsigned>(parse_count(flag, v));
  } else if (flag == "--block-bytes") {
    o.block_bytes = static_cast<std::size_t>(parse_count(flag, v));
  } else if (flag == "--kernel") {
    o.kernel = std::string(v);
  } else if (flag == "--duplicates") {
    if (v == "off") {  // the engine's "not looked for": no pass 1, no hold-back
      o.duplicates.reset();
    } else {
      o.duplicates = engine::duplicate_policy_from_string(v);
      if (!o.duplicates) {
        throw usage_error(
            "--duplicates wants merge, keep-last, keep-first, reject, allow or off, not '" +
            std::string(v) + "'");
      }
    }
  }
  return used;
}

engine::split_options cli_split_options() {
  engine::split_options o;
  o.duplicates = engine::duplicate_policy::merge;
  return o;
}

void apply_engine_environment(engine::split_options& options) {
  if (!options.kernel.empty()) return;
  if (const char* k = std::getenv("MKBULK_FORCE_KERNEL"); k != nullptr && *k != '\0') {
    options.kernel = k;
  }
}

std::string_view engine_flags_help() noexcept {
  return "  --max-bytes N         chunk budget in bytes, header included (default 9990000)\n"
         "  --format F            input dialect csv|tsv|ssv (default: sniffed)\n"
         "  --delimiter C         input delimiter ',', 'tab' or ';' (default: sniffed)\n"
         "  --out-format F        chunk dialect csv|tsv|ssv (default csv)\n"
         "  --lookup-field F      Marketo lookup field; rows where it is empty are rejected "
         "(default email)\n"
         "  --map SOURCE=FIELD    map a header name to a Marketo field (repeatable)\n"
         "  --drop-unknown        drop columns that map to no Marketo field\n"
         "  --drop-column NAME    drop a column (repeatable)\n"
         "  --trim                trim spaces and tabs around values\n"
         "  --max-rejects N       stop (exit 65) once more than N rows are rejected\n"
         "  --threads N           1 = one thread; 2 = a read-ahead thread; 3 or more = also a writer\n"
         "                        thread (default: what the machine has)\n"
         "  --kernel NAME         force a scan kernel (also MKBULK_FORCE_KERNEL)\n"
         "  --duplicates P        rows sharing a lookup key (case and spaces aside): merge\n"
         "                        (default; later non-empty values win), keep-last, keep-first,\n"
         "                        reject, allow (kept together in one chunk), or off (no\n"
         "                        key pass: faster, but rows sharing a key may land in chunks\n"
         "                        imported at the same time and race); see duplicates.csv\n";
}

int exit_code_of(const engine::split_result& r) noexcept {
  switch (r.status) {
    case engine::split_status::ok:
      return r.result.counts.rows_rejected != 0 ? EXIT_ROWS_REJECTED : EXIT_CLEAN;
    case engine::split_status::bad_header:
    case engine::split_status::bad_dialect:
    case engine::split_status::too_many_rejects:
      return EXIT_DATA;
    case engine::split_status::io_error:
      return EXIT_IO;
  }
  return EXIT_SOFTWARE;
}

}  // namespace mkbulk::cli
