#!/usr/bin/env bash
# mkbulk split side by side with the tools that bound it, in one run on one machine: on a
# generated 1 GiB messy export (mkbulk-gen: BOM, CRLF, quoted delimiters, doubled quotes,
# multi-line notes, 0.1% defects) that is in the page cache, times `cat > file`, `cp`,
# GNU `split -C 10000000` and `mkbulk split`, all writing to the same disk (the work directory),
# with hyperfine in interleaved rounds; prints the medians and each tool's time relative to
# split -C (and the spread of that ratio per round, the rounds each mkbulk command won and a
# sign test of them); then the peak RSS of mkbulk split at 1 GiB (file) and 4 GiB (the file four
# times through standard input).
# `mkbulk split --duplicates off` is the like-for-like comparison with split -C (one pass, no
# lookup-key grouping); plain `mkbulk split` runs the default `--duplicates merge` (two passes)
# and is timed beside it so the cost of the duplicate pass shows in the same run.
# Writes nothing in the repository; the export stays in the work directory for the next run.
#
#   bench/split_side_by_side.sh [BUILD_DIR]     (default: build/release, else the first build/*
#                                                with both programs)
#   env: RUNS (default 5), WORK (default /tmp/mkbulk-side-by-side), SIZE (default 1G),
#        BASE_BUILD (optional: a second build dir whose mkbulk runs in the same hyperfine run as
#        "mkbulk split (base)", for before/after figures in the same conditions; BASE_ARGS:
#        extra arguments for it, e.g. BASE_ARGS="--duplicates off")
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-}
if [[ -z "$build" ]]; then
  for d in "$repo/build/release" "$repo"/build/*; do
    if [[ -x "$d/tools/mkbulk/mkbulk" && -x "$d/tools/gen/mkbulk-gen" ]]; then build=$d; break; fi
  done
fi
mkbulk="$build/tools/mkbulk/mkbulk"
gen="$build/tools/gen/mkbulk-gen"
# shellcheck source=bench/bench_build.sh
source "$repo/bench/bench_build.sh"
bench_up_to_date "$build" mkbulk mkbulk-gen
[[ -x "$mkbulk" && -x "$gen" ]] || { echo "build mkbulk and mkbulk-gen first (looked in '$build')" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "hyperfine is needed" >&2; exit 2; }

runs=${RUNS:-5}
work=${WORK:-/tmp/mkbulk-side-by-side}
size=${SIZE:-1G}
mkdir -p "$work"
# shellcheck source=bench/bench_export.sh
source "$repo/bench/bench_export.sh"
bench_export "$gen" "$work" "$size"
base_cmd=()
if [[ -n "${BASE_BUILD:-}" ]]; then
  base_mkbulk="$BASE_BUILD/tools/mkbulk/mkbulk"
  [[ -x "$base_mkbulk" ]] || { echo "no mkbulk in BASE_BUILD '$BASE_BUILD'" >&2; exit 2; }
  base_cmd=(-n "mkbulk split (base)" "'$base_mkbulk' split '$input' --out-dir '$work/out/base' ${BASE_ARGS:-}")
fi
bytes=$(stat -L -c %s "$input")
# Into the page cache (twice: the second read checks it stayed there).
cat "$input" > /dev/null
cat "$input" > /dev/null

echo "input: $input ($bytes bytes), $(nproc) cores, runs: $runs, mkbulk: $mkbulk" >&2
cmds=(-n "cat > file" "cat '$input' > '$work/out/cat.csv'"
      -n "cp" "cp '$input' '$work/out/cp.csv'"
      -n "split -C 10000000" "split -C 10000000 '$input' '$work/out/x'"
      -n "mkbulk split --duplicates off" "'$mkbulk' split '$input' --out-dir '$work/out/mk' --duplicates off"
      -n "mkbulk split" "'$mkbulk' split '$input' --out-dir '$work/out/mkd'"
      "${base_cmd[@]}")
bench_rounds "$work" "$runs" "${cmds[@]}"

python3 - "$bytes" "$work"/hyperfine-round-*.json <<'PY'
import json, math, statistics, sys
size = int(sys.argv[1])
rounds = [{r["command"]: r for r in json.load(open(f))["results"]} for f in sys.argv[2:]]
names = ["cat > file", "cp", "split -C 10000000", "mkbulk split --duplicates off",
         "mkbulk split", "mkbulk split (base)"]
names = [n for n in names if n in rounds[0]]
med = statistics.median
wall = {n: [r[n]["mean"] for r in rounds] for n in names}
base = med(wall["split -C 10000000"])
print(f"{len(rounds)} rounds; medians")
print(f"{'command':<32}{'median s':>10}{'GB/s':>8}{'x split -C time':>18}")
for n in names:
    m = med(wall[n])
    print(f"{n:<32}{m:>10.3f}{size / m / 1e9:>8.2f}{m / base:>18.2f}")
for n in ("mkbulk split --duplicates off", "mkbulk split", "mkbulk split (base)"):
    if n in wall:
        mk = med(wall[n])
        per_round = [s / t for s, t in zip(wall["split -C 10000000"], wall[n])]
        user = med([r[n]["user"] for r in rounds])
        system = med([r[n]["system"] for r in rounds])
        print(f"{n} throughput relative to split -C: {base / mk:.2f} (>= 1.00 means at least "
              f"as fast; per round: median {med(per_round):.2f}, min {min(per_round):.2f}, "
              f"max {max(per_round):.2f}); CPU per run: {user:.2f} s user, {system:.2f} s sys")
        # Rounds won (a tie counts as lost) and the one-sided sign test's p: the chance of as
        # many wins or more if each round were a coin toss. Pool the rounds of several runs
        # (hyperfine-round-*.json of each) the same way to judge them together.
        wins = sum(t < s for s, t in zip(wall["split -C 10000000"], wall[n]))
        k = len(per_round)
        p = sum(math.comb(k, j) for j in range(wins, k + 1)) / 2 ** k
        print(f"  faster than split -C in {wins} of {k} rounds (one-sided sign test p = {p:.3g})")
PY

echo "peak RSS of mkbulk split --duplicates off (and of the default merge at 1 GiB):"
rm -rf "$work/out"
/usr/bin/time -o "$work/rss.txt" -f "  1 GiB file:  %M KiB  (%e s)" \
  "$mkbulk" split "$input" --out-dir "$work/out/rss1" --duplicates off >/dev/null 2>&1 || true
cat "$work/rss.txt"
rm -rf "$work/out"
/usr/bin/time -o "$work/rss.txt" -f "  1 GiB file, --duplicates merge:  %M KiB  (%e s)" \
  "$mkbulk" split "$input" --out-dir "$work/out/rss1m" >/dev/null 2>&1 || true
cat "$work/rss.txt"
rm -rf "$work/out"
# ru_maxrss of bash's children: the largest process of the pipeline, which is mkbulk.
/usr/bin/time -o "$work/rss.txt" -f "  4 GiB stdin: %M KiB  (%e s)" bash -c \
  "cat '$input' '$input' '$input' '$input' | '$mkbulk' split - --out-dir '$work/out/rss4' --duplicates off >/dev/null 2>&1" || true
cat "$work/rss.txt"
rm -rf "$work/out" "$work/rss.txt"
