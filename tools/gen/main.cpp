// mkbulk-gen: writes a realistic CRM lead export, optionally with injected defects and their
// ground truth. Parses the command line, streams the library's output to a file or stdout.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "export_generator.h"

namespace {

constexpr std::string_view USAGE =
    "usage: mkbulk-gen [--seed N] (--rows N | --bytes SIZE) [--format csv|tsv|ssv] [--bom]\n"
    "                  [--crlf] [--quote-all] [--multiline-rate R] [--defect-rate R]\n"
    "                  [--defects kind,kind,...] [--truth FILE] [--out FILE]\n"
    "                  [--typed-defect-rate R] [--typed-truth FILE] [--duplicate-rate R]\n"
    "\n"
    "Writes a lead export with a header line and N rows (or rows until SIZE bytes), the same\n"
    "bytes for the same options and seed. SIZE takes binary units: 100K, 100M, 1G, 4G\n"
    "(K = 1024). Defect kinds: field_count_mismatch, unterminated_quote,\n"
    "bytes_after_closing_quote, invalid_utf8, nul_byte, empty_lookup_field, bare_quote\n"
    "(default: all, at --defect-rate, default 0). --truth writes source_line,kind,\n"
    "expected_reason for every defect. --out defaults to stdout.\n"
    "--typed-defect-rate R puts, in that share of the other rows, one value that only a\n"
    "lead schema check catches (mkbulk --schema): a non-number revenue, a fractional or\n"
    "too large employee count, an e-mail without a top-level domain; --typed-truth writes\n"
    "source_line,with_schema,without_schema for each.\n"
    "--duplicate-rate R makes that share of the clean rows repeat the e-mail of an earlier\n"
    "row (another case, surrounding spaces, other or empty values elsewhere); --truth then\n"
    "lists each as duplicate_key with a fourth column, first_line: the key's first row.\n";

std::uint64_t parse_count(std::string_view flag, std::string_view v) {
  std::uint64_t n = 0;
  const std::string s(v);
  char* end = nullptr;
  errno = 0;
  n = std::strtoull(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0' || errno != 0 || s[0] == '-') {
    throw std::invalid_argument(std::string(flag) + " wants a whole number, not '" + s + "'");
  }
  return n;
}

double parse_rate(std::string_view flag, std::string_view v) {
  const std::string s(v);
  char* end = nullptr;
  const double r = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0') {
    throw std::invalid_argument(std::string(flag) + " wants a number from 0 to 1, not '" + s + "'");
  }
  return r;
}

struct cli {
  mkbulk::gen::generator_options options;
  std::string truth_path;
  std::string typed_truth_path;
  std::string out_path;
};

cli parse_args(int argc, char** argv) {
  cli c;
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view a = args[i];
    const auto value = [&]() -> std::string_view {
      if (i + 1 >= args.size()) throw std::invalid_argument(std::string(a) + " needs a value");
      return args[++i];
    };
    if (a == "--help" || a == "-h") {
      std::fwrite(USAGE.data(), 1, USAGE.size(), stdout);
      std::exit(0);
    } else if (a == "--seed") {
      c.options.seed = parse_count(a, value());
    } else if (a == "--rows") {
      c.options.rows = parse_count(a, value());
    } else if (a == "--bytes") {
      c.options.bytes = mkbulk::gen::parse_size(value());
    } else if (a == "--format") {
      const std::string_view f = value();
      if (f == "csv") {
        c.options.delimiter = ',';
      } else if (f == "tsv") {
        c.options.delimiter = '\t';
      } else if (f == "ssv") {
        c.options.delimiter = ';';
      } else {
        throw std::invalid_argument("--format is csv, tsv or ssv, not '" + std::string(f) + "'");
      }
    } else if (a == "--bom") {
      c.options.bom = true;
    } else if (a == "--crlf") {
      c.options.crlf = true;
    } else if (a == "--quote-all") {
      c.options.quote_all = true;
    } else if (a == "--multiline-rate") {
      c.options.multiline_rate = parse_rate(a, value());
    } else if (a == "--defect-rate") {
      c.options.defect_rate = parse_rate(a, value());
    } else if (a == "--defects") {
      std::string_view list = value();
      while (!list.empty()) {
        const std::size_t comma = list.find(',');
        const std::string_view name = list.substr(0, comma);
        const auto kind = mkbulk::gen::defect_kind_from_string(name);
        if (!kind) throw std::invalid_argument("unknown defect kind '" + std::string(name) + "'");
        c.options.defects.push_back(*kind);
        list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
      }
    } else if (a == "--typed-defect-rate") {
      c.options.typed_defect_rate = parse_rate(a, value());
    } else if (a == "--duplicate-rate") {
      c.options.duplicate_rate = parse_rate(a, value());
    } else if (a == "--typed-truth") {
      c.typed_truth_path = value();
    } else if (a == "--truth") {
      c.truth_path = value();
    } else if (a == "--out") {
      c.out_path = value();
    } else {
      throw std::invalid_argument("unknown option '" + std::string(a) + "'");
    }
  }
  c.options.validate();
  return c;
}

void write_all(std::FILE* f, const std::string& data, const std::string& name) {
  if (std::fwrite(data.data(), 1, data.size(), f) != data.size()) {
    throw std::runtime_error("cannot write " + name + ": " + std::strerror(errno));
  }
}

int run(const cli& c) {
  std::FILE* out = stdout;
  const std::string out_name = c.out_path.empty() ? "stdout" : c.out_path;
  if (!c.out_path.empty()) {
    out = std::fopen(c.out_path.c_str(), "wb");
    if (out == nullptr)
      throw std::runtime_error("cannot create " + c.out_path + ": " + std::strerror(errno));
  }
  std::FILE* truth = nullptr;
  if (!c.truth_path.empty()) {
    truth = std::fopen(c.truth_path.c_str(), "wb");
    if (truth == nullptr) {
      throw std::runtime_error("cannot create " + c.truth_path + ": " + std::strerror(errno));
    }
  }
  std::FILE* typed = nullptr;
  if (!c.typed_truth_path.empty()) {
    typed = std::fopen(c.typed_truth_path.c_str(), "wb");
    if (typed == nullptr) {
      throw std::runtime_error("cannot create " + c.typed_truth_path + ": " +
                               std::strerror(errno));
    }
  }
  std::string typed_buf(mkbulk::gen::typed_truth_csv_header());
  mkbulk::gen::export_generator gen(c.options);
  std::string buf;
  const bool with_first_line = c.options.duplicate_rate > 0;
  std::string truth_buf(mkbulk::gen::truth_csv_header(with_first_line));
  buf.reserve(std::size_t{5} << 20);
  while (true) {
    buf.clear();
    if (!gen.fill(buf, std::size_t{4} << 20)) break;
    write_all(out, buf, out_name);
    if (truth != nullptr) {
      for (const auto& e : gen.take_truth()) {
        mkbulk::gen::append_truth_csv(truth_buf, e, with_first_line);
      }
      write_all(truth, truth_buf, c.truth_path);
      truth_buf.clear();
    }
    if (typed != nullptr) {
      for (const auto& e : gen.take_typed_truth()) mkbulk::gen::append_typed_truth_csv(typed_buf, e);
      write_all(typed, typed_buf, c.typed_truth_path);
      typed_buf.clear();
    }
  }
  if (typed != nullptr) {
    write_all(typed, typed_buf, c.typed_truth_path);
    if (std::fclose(typed) != 0) throw std::runtime_error("cannot write " + c.typed_truth_path);
  }
  if (truth != nullptr) {
    write_all(truth, truth_buf, c.truth_path);
    if (std::fclose(truth) != 0) throw std::runtime_error("cannot write " + c.truth_path);
  }
  if (std::fflush(out) != 0 || (out != stdout && std::fclose(out) != 0)) {
    throw std::runtime_error("cannot write " + out_name + ": " + std::strerror(errno));
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(parse_args(argc, argv));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mkbulk-gen: %s\n", e.what());
    std::fprintf(stderr, "Run mkbulk-gen --help for the options.\n");
    return 2;
  }
}
