# shellcheck shell=bash
# Sourced by the benchmark scripts: the build they time is brought up to date with its sources
# first, so that a run never times a binary older than the code it is said to measure (an
# experiment taken back in the sources but not rebuilt, say: it happened).
#   bench_up_to_date BUILD TARGET...: when BUILD is a CMake build directory, builds TARGETs in
#   it (cmake --build's output on stderr); any other directory (a copied binary kept as a
#   baseline, BASE_BUILD) is left as it is.
bench_up_to_date() {
  local build=$1
  shift
  [[ -f "$build/CMakeCache.txt" ]] || return 0
  echo "bringing $build up to date ($*) ..." >&2
  cmake --build "$build" --target "$@" >&2
}
