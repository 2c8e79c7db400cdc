// Pre-flight flag parsing and schema loading for the CLI: reading --schema FILE, validating the
// value flags, and saving the schema text next to the chunks.
#include "preflight_flags.h"

#include <fstream>
#include <memory>
#include <sstream>

#include "commands.h"
#include "engine_flags.h"
#include "mkbulk/engine/preflight.h"

namespace mkbulk::cli {

std::size_t parse_preflight_flag(std::span<const std::string_view> args, std::size_t i,
                                 preflight_flags& f) {
  if (!args[i].starts_with("--")) return 0;
  const flag_arg arg = split_flag(args[i]);
  const std::string_view flag = arg.name;
  if (flag == "--decimal-comma" || flag == "--no-decimal-comma") {
    if (arg.has_inline) throw usage_error(std::string(flag) + " takes no value");
    f.decimal_comma = flag == "--decimal-comma";
    if (f.value_flag.empty()) f.value_flag = flag;
    return 1;
  }
  if (flag != "--schema" && flag != "--date-order" && flag != "--on-long-value") return 0;
  std::size_t used = 1;
  const std::string_view v = flag_value(arg, args, i, used);
  if (flag == "--schema") {
    if (v.empty()) throw usage_error("--schema wants a describe.json file or 'remote'");
    f.schema = std::string(v);
    return used;
  }
  if (f.value_flag.empty()) f.value_flag = flag;
  if (flag == "--date-order") {
    const auto o = engine::date_order_from_string(v);
    if (!o || v.empty()) {
      throw usage_error("--date-order wants mdy or dmy, not '" + std::string(v) + "'");
    }
    f.order = *o;
  } else {
    const auto p = engine::long_value_policy_from_string(v);
    if (!p) {
      throw usage_error("--on-long-value wants reject or truncate, not '" + std::string(v) +
                        "'");
    }
    f.on_long = *p;
  }
  return used;
}

void check_preflight_flags(const preflight_flags& f) {
  if (f.schema.empty() && !f.value_flag.empty()) {
    throw usage_error(f.value_flag +
                      " needs --schema FILE|remote (typed checks follow the lead schema)");
  }
}

void apply_schema_text(const preflight_flags& f, std::string_view text, std::string_view source,
                       engine::split_options& options) {
  auto p = std::make_shared<engine::preflight_options>();
  engine::schema_error err;
  if (!engine::parse_lead_schema_json(text, source, p->schema, err)) {
    throw usage_error("--schema: " + err.message);
  }
  p->decimal_comma = f.decimal_comma;
  p->values.order = f.order;
  p->values.on_long = f.on_long;
  options.preflight = std::move(p);
}

std::string apply_schema_file(const preflight_flags& f, engine::split_options& options) {
  if (f.schema.empty() || f.remote()) return {};
  std::ifstream in(f.schema, std::ios::binary);
  if (!in) throw usage_error("--schema: cannot read " + f.schema);
  std::ostringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  apply_schema_text(f, text, f.schema, options);
  return text;
}

bool save_schema(const std::filesystem::path& dir, std::string_view text, std::string& error) {
  const std::filesystem::path p = dir / "schema.json";
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out) {
    error = "cannot write " + p.string();
    return false;
  }
  return true;
}

std::string_view preflight_flags_help() noexcept {
  return "  --schema FILE|remote  typed checks against a lead schema (describe.json; remote:\n"
         "                        fetched from the instance by mkbulk run)\n"
         "  --decimal-comma       ',' is the decimal mark (default when the input is ';'-separated;\n"
         "                        --no-decimal-comma to turn it off)\n"
         "  --date-order mdy|dmy  how to read 03/04/2024 (default: rejected as ambiguous)\n"
         "  --on-long-value P     reject|truncate values longer than the field (default reject)\n";
}

}  // namespace mkbulk::cli
