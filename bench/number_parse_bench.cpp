// Number parsing for pre-flight: fast_float against strtod and std::from_chars (libstdc++ 12 has
// the double overload) on a realistic mix of export values (amounts with cents, counts, ratios,
// the odd exponent). Every parser must give the very same doubles before anything is timed.
#include <benchmark/benchmark.h>

#include <fast_float/fast_float.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

namespace {

// The values, each NUL-terminated for strtod, as [begin, end) spans for the others.
struct number_corpus {
  std::string text;
  std::vector<std::pair<std::size_t, std::size_t>> spans;  // offset, length
  std::vector<double> expected;                            // strtod's reading
  std::size_t value_bytes = 0;
};

number_corpus make_corpus(bool decimal_comma) {
  number_corpus c;
  std::mt19937_64 rng(2024);
  char buf[64];
  constexpr std::size_t COUNT = 100'000;
  for (std::size_t i = 0; i < COUNT; ++i) {
    const unsigned kind = static_cast<unsigned>(rng() % 10);
    int n = 0;
    if (kind < 4) {  // currency: 1234.56, up to ten million, a few negative
      const long long cents = static_cast<long long>(rng() % 1'000'000'000ULL);
      n = std::snprintf(buf, sizeof buf, "%s%lld.%02lld", kind == 0 ? "-" : "", cents / 100,
                        cents % 100);
    } else if (kind < 7) {  // counts: employees, scores
      n = std::snprintf(buf, sizeof buf, "%llu", static_cast<unsigned long long>(rng() % 250'000));
    } else if (kind < 9) {  // ratios and measures with more digits
      n = std::snprintf(buf, sizeof buf, "%.6f",
                        static_cast<double>(rng() % 100'000'000) / 1'000'000.0);
    } else {  // the odd exponent form a spreadsheet writes
      n = std::snprintf(buf, sizeof buf, "%.3e",
                        static_cast<double>(rng() % 1'000'000) * 1e3);
    }
    std::string v(buf, static_cast<std::size_t>(n));
    const double want = std::strtod(v.c_str(), nullptr);
    if (decimal_comma) {
      for (char& ch : v) {
        if (ch == '.') ch = ',';
      }
    }
    c.spans.emplace_back(c.text.size(), v.size());
    c.value_bytes += v.size();
    c.text += v;
    c.text.push_back('\0');
    c.expected.push_back(want);
  }
  return c;
}

const number_corpus& corpus() {
  static const number_corpus c = make_corpus(false);
  return c;
}

const number_corpus& comma_corpus() {
  static const number_corpus c = make_corpus(true);
  return c;
}

template <typename Parse>
bool all_equal(const number_corpus& c, Parse parse) {
  for (std::size_t i = 0; i < c.spans.size(); ++i) {
    const char* b = c.text.data() + c.spans[i].first;
    double v = 0;
    if (!parse(b, b + c.spans[i].second, v) || v != c.expected[i]) return false;
  }
  return true;
}

template <typename Parse>
void run(benchmark::State& state, const number_corpus& c, Parse parse) {
  if (!all_equal(c, parse)) {
    state.SkipWithError("wrong answer: a value differs from strtod's");
    return;
  }
  for (auto _ : state) {
    double sum = 0;
    for (const auto& [offset, length] : c.spans) {
      const char* b = c.text.data() + offset;
      double v = 0;
      parse(b, b + length, v);
      sum += v;
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(c.value_bytes));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(c.spans.size()));
}

bool parse_fast_float(const char* b, const char* e, double& v) {
  const auto r = fast_float::from_chars(b, e, v);
  return r.ec == std::errc() && r.ptr == e;
}

bool parse_fast_float_comma(const char* b, const char* e, double& v) {
  const fast_float::parse_options po{fast_float::chars_format::general, ','};
  const auto r = fast_float::from_chars_advanced(b, e, v, po);
  return r.ec == std::errc() && r.ptr == e;
}

bool parse_strtod(const char* b, const char* e, double& v) {
  char* end = nullptr;
  v = std::strtod(b, &end);  // b is NUL-terminated at e
  return end == e;
}

bool parse_from_chars(const char* b, const char* e, double& v) {
  const auto r = std::from_chars(b, e, v);
  return r.ec == std::errc() && r.ptr == e;
}

void BM_fast_float(benchmark::State& state) { run(state, corpus(), parse_fast_float); }
void BM_fast_float_decimal_comma(benchmark::State& state) {
  run(state, comma_corpus(), parse_fast_float_comma);
}
void BM_strtod(benchmark::State& state) { run(state, corpus(), parse_strtod); }
void BM_std_from_chars(benchmark::State& state) { run(state, corpus(), parse_from_chars); }

BENCHMARK(BM_fast_float);
BENCHMARK(BM_fast_float_decimal_comma);
BENCHMARK(BM_strtod);
BENCHMARK(BM_std_from_chars);

}  // namespace

BENCHMARK_MAIN();
