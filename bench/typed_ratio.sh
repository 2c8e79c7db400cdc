#!/usr/bin/env bash
# Issue 5's pre-flight benchmark: `mkbulk split --duplicates off` on the same generated 1 GiB
# export (page cache) without and with `--schema describe.json`, for `--threads 1` and the
# default threads, timed by hyperfine in RUNS rounds of one run of every command each (after one
# warm-up round; each round in a shuffled order: bench_export.sh says why), so that a load that
# drifts on the shared machine slows every command alike;
# prints the medians and the typed/plain throughput ratios (goal: >= 0.80): the ratio of the
# medians, and the median, min and max of the per-round ratios (the spread). describe.json comes
# from a mkbulk-sandbox started here (token and GET /rest/v1/leads/describe.json by curl; the
# client secret travels in curl's config on stdin, never in argv) and is kept in the work
# directory. Writes nothing in the repository.
#
#   bench/typed_ratio.sh [BUILD_DIR]     (default: build/release, else the first build/* with
#                                         mkbulk, mkbulk-gen and mkbulk-sandbox)
#   env: RUNS (rounds, default 5), WORK (default /tmp/mkbulk-typed-ratio), SIZE (default 1G),
#        MKBULK_SANDBOX_CLIENT_ID / MKBULK_SANDBOX_CLIENT_SECRET (optional: the sandbox's
#        credentials; unset, a random secret is made for this run),
#        BASE_BUILD (optional: a second build dir whose mkbulk is timed in the same run, plain
#        and typed, default threads, for before/after figures in the same conditions)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-}
if [[ -z "$build" ]]; then
  for d in "$repo/build/release" "$repo"/build/*; do
    if [[ -x "$d/tools/mkbulk/mkbulk" && -x "$d/tools/gen/mkbulk-gen" &&
          -x "$d/tools/sandbox/mkbulk-sandbox" ]]; then build=$d; break; fi
  done
fi
mkbulk="$build/tools/mkbulk/mkbulk"
gen="$build/tools/gen/mkbulk-gen"
sandbox="$build/tools/sandbox/mkbulk-sandbox"
# shellcheck source=bench/bench_build.sh
source "$repo/bench/bench_build.sh"
bench_up_to_date "$build" mkbulk mkbulk-gen mkbulk-sandbox
[[ -x "$mkbulk" && -x "$gen" && -x "$sandbox" ]] ||
  { echo "build mkbulk, mkbulk-gen and mkbulk-sandbox first (looked in '$build')" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "hyperfine is needed" >&2; exit 2; }
command -v curl >/dev/null || { echo "curl is needed" >&2; exit 2; }
base_mkbulk=
if [[ -n "${BASE_BUILD:-}" ]]; then
  base_mkbulk="$BASE_BUILD/tools/mkbulk/mkbulk"
  [[ -x "$base_mkbulk" ]] || { echo "no mkbulk in BASE_BUILD '$BASE_BUILD'" >&2; exit 2; }
fi

runs=${RUNS:-5}
work=${WORK:-/tmp/mkbulk-typed-ratio}
size=${SIZE:-1G}
mkdir -p "$work"
# shellcheck source=bench/bench_export.sh
source "$repo/bench/bench_export.sh"
bench_export "$gen" "$work" "$size"  # the side-by-side script's export

# describe.json from the sandbox (its standard lead schema).
schema="$work/describe.json"
if [[ ! -s "$schema" ]]; then
  export MKBULK_SANDBOX_CLIENT_ID=${MKBULK_SANDBOX_CLIENT_ID:-mkbulk-typed-ratio}
  if [[ -z "${MKBULK_SANDBOX_CLIENT_SECRET:-}" ]]; then
    MKBULK_SANDBOX_CLIENT_SECRET=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
    export MKBULK_SANDBOX_CLIENT_SECRET
  fi
  fifo="$work/sandbox.url"
  rm -f "$fifo"
  mkfifo "$fifo"
  "$sandbox" --port 0 >"$fifo" 2>"$work/sandbox.err" &
  sandbox_pid=$!
  stop_sandbox() { kill "$sandbox_pid" 2>/dev/null || true; wait "$sandbox_pid" 2>/dev/null || true; }
  trap stop_sandbox EXIT
  exec 3<"$fifo"
  read -r -t 20 base_url <&3 || { echo "mkbulk-sandbox printed no URL (see $work/sandbox.err)" >&2; exit 1; }
  rm -f "$fifo"
  # curl reads its options from stdin (-K -): printf is a shell builtin, so the secret and the
  # token appear in no process's argv; the form values are URL-encoded by curl.
  token_json=$(printf 'url = "%s/identity/oauth/token"\ndata = "grant_type=client_credentials"\ndata-urlencode = "client_id=%s"\ndata-urlencode = "client_secret=%s"\n' \
    "$base_url" "$MKBULK_SANDBOX_CLIENT_ID" "$MKBULK_SANDBOX_CLIENT_SECRET" | curl -sS --fail -K -)
  token=$(printf '%s' "$token_json" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
  printf 'url = "%s/rest/v1/leads/describe.json"\nheader = "Authorization: Bearer %s"\n' \
    "$base_url" "$token" | curl -sS --fail -K - -o "$schema.tmp"
  unset token token_json
  python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["success"], d' "$schema.tmp"
  mv "$schema.tmp" "$schema"
  exec 3<&-
  stop_sandbox
  trap - EXIT
fi

bytes=$(stat -L -c %s "$input")
# Into the page cache (twice: the second read checks it stayed there).
cat "$input" > /dev/null
cat "$input" > /dev/null

echo "input: $input ($bytes bytes), schema: $schema, $(nproc) cores, rounds: $runs, mkbulk: $mkbulk" >&2
split_cmd() {  # mkbulk, output name, extra arguments
  echo "'$1' split '$input' --out-dir '$work/out/$2' --duplicates off ${*:3}"
}
cmds=(-n "plain, 1 thread" "$(split_cmd "$mkbulk" p1 --threads 1)"
      -n "typed, 1 thread" "$(split_cmd "$mkbulk" t1 --threads 1 --schema "'$schema'")"
      -n "plain" "$(split_cmd "$mkbulk" p)"
      -n "typed" "$(split_cmd "$mkbulk" t --schema "'$schema'")")
if [[ -n "$base_mkbulk" ]]; then
  cmds+=(-n "base plain" "$(split_cmd "$base_mkbulk" bp)"
         -n "base typed" "$(split_cmd "$base_mkbulk" bt --schema "'$schema'")")
fi
bench_rounds "$work" "$runs" "${cmds[@]}"
rm -rf "$work/out"

python3 - "$bytes" "$work"/hyperfine-round-*.json <<'PY'
import json, statistics, sys
size = int(sys.argv[1])
rounds = [{r["command"]: r for r in json.load(open(f))["results"]} for f in sys.argv[2:]]
names = list(rounds[0])
def med(xs):
    return statistics.median(xs)
print(f"{len(rounds)} rounds; per command: median, min, max wall seconds, GB/s of the median, "
      f"median user and sys seconds")
print(f"{'command':<20}{'median s':>10}{'min s':>8}{'max s':>8}{'GB/s':>8}{'user s':>8}{'sys s':>7}")
wall = {n: [r[n]["mean"] for r in rounds] for n in names}
for n in names:
    w = wall[n]
    user = med([r[n]["user"] for r in rounds])
    system = med([r[n]["system"] for r in rounds])
    print(f"{n:<20}{med(w):>10.3f}{min(w):>8.3f}{max(w):>8.3f}{size / med(w) / 1e9:>8.2f}"
          f"{user:>8.2f}{system:>7.2f}")
for plain, typed, what in (("plain, 1 thread", "typed, 1 thread", "--threads 1"),
                           ("plain", "typed", "default threads"),
                           ("base plain", "base typed", "base, default threads")):
    if plain in wall and typed in wall:
        # Throughput ratio = time ratio inverted; the goal is >= 0.80.
        per_round = [p / t for p, t in zip(wall[plain], wall[typed])]
        print(f"typed/plain throughput, {what}: {med(wall[plain]) / med(wall[typed]):.3f} "
              f"(medians); per round: median {med(per_round):.3f}, min {min(per_round):.3f}, "
              f"max {max(per_round):.3f}")
PY
