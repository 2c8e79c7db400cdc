#!/usr/bin/env bash
# How fast mkbulk-sandbox ingests when unthrottled, so that an uploader benchmark can show the
# sandbox is not its bottleneck. For each of RUNS fresh sandboxes (file store in WAL mode):
#   1. creates/s of ~7.8 MB jobs: 4 back-to-back creates (upload + store), timed by curl;
#   2. rows/s inserted: those 4 jobs (120,000 new leads each) from first submit to last finish,
#      read from /sandbox/stats; then rows/s updated: the same 4 files again (every row an upsert
#      that finds its lead);
#   3. creates/s of 1-row jobs: 80 creates in one curl process (keep-alive), i.e. per-request
#      overhead (below the 100 calls / 20 s limit; 1016 answers counted as answered).
# Shared, busy machines make wall-clock rates noisy, so the sandbox's own CPU time (utime+stime
# from /proc) is reported too: rows per CPU-second is what it could do on an idle core.
# Prints each run and the medians. Usage: bench/sandbox_throughput.sh [BUILD_DIR] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
runs=${2:-3}
bin=$build/tools/sandbox/mkbulk-sandbox
# shellcheck source=bench/bench_build.sh
source bench/bench_build.sh
bench_up_to_date "$build" mkbulk-sandbox
[ -x "$bin" ] || { echo "no $bin: build the mkbulk-sandbox target first" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/mkbulk-sandbox-bench.XXXXXX")
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

jobs=4
rows=120000
for j in $(seq 1 $jobs); do
  awk -v n=$rows -v j="$j" 'BEGIN {
    print "email,firstName,lastName,company,leadScore,city"
    for (i = 0; i < n; i++)
      printf "u%d.%d@example.com,First%d,Last%d,Company %d,%d,City %d\n", j, i, i, i, i % 1000, i % 100, i % 50
  }' >"$work/job$j.csv"
done
echo "job file: $(wc -c <"$work/job1.csv" | tr -d ' ') bytes, $rows rows; $jobs jobs per pass"
printf 'email\nsmall@example.com\n' >"$work/small.csv"

start_sandbox() {
  rm -f "$work"/sb.db*
  "$bin" --port 0 --db "$work/sb.db" >"$work/out" 2>"$work/err" &
  pid=$!
  for _ in $(seq 100); do [ -s "$work/out" ] && break; sleep 0.05; done
  base=$(head -n 1 "$work/out")
  token=$(curl -s "$base/identity/oauth/token?grant_type=client_credentials&client_id=mkbulk-sandbox&client_secret=mkbulk-sandbox-secret" |
    grep -o '"access_token":"[^"]*"' | cut -d'"' -f4)
  # The token goes to curl through a header file, not argv.
  printf 'Authorization: Bearer %s\n' "$token" >"$work/auth"
}
cpu_seconds() { awk '{ printf "%.2f\n", ($14 + $15) / 100 }' "/proc/$pid/stat"; }
stop_sandbox() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=; }

# Submits the job files; prints the summed curl time.
submit_all() {
  local total=0 t
  for j in $(seq 1 $jobs); do
    t=$(curl -s -o "$work/resp" -w '%{time_total}' -H @"$work/auth" -H 'Expect:' \
      -F format=csv -F "file=@$work/job$j.csv" "$base/bulk/v1/leads.json")
    grep -q '"Queued"' "$work/resp" || { echo "create failed: $(cat "$work/resp")" >&2; exit 1; }
    total=$(awk -v a="$total" -v b="$t" 'BEGIN { print a + b }')
  done
  echo "$total"
}

# Waits until the jobs with ids > $1 are Complete; prints rows/s over submit..finish.
ingest_rate() {
  local after=$1 stats
  for _ in $(seq 6000); do
    stats=$(curl -s "$base/sandbox/stats")
    local done_n
    done_n=$(echo "$stats" | grep -o '"batchId":[0-9]*[^}]*"status":"Complete"' |
      awk -F'[:,]' -v a="$after" '$2 > a' | wc -l)
    [ "$done_n" -ge $jobs ] && break
    sleep 0.05
  done
  echo "$stats" | grep -o '{"batchId":[0-9]*,"submitted_at":[0-9.]*,"started_at":[0-9.]*,"finished_at":[0-9.]*,"rows":[0-9]*' |
    awk -F'[:,]' -v a="$after" '$2 > a { if (min == "" || $4 < min) min = $4; if ($8 > max) max = $8; rows += $10 }
      END { printf "%.0f\n", rows / (max - min) }'
}

small_creates() {
  local args=() n=80
  for i in $(seq 1 $n); do
    [ "$i" -gt 1 ] && args+=(--next)
    args+=(-s -H @"$work/auth" -F format=csv -F "file=@$work/small.csv" "$base/bulk/v1/leads.json")
  done
  local t0 t1
  t0=$(date +%s.%N)
  curl "${args[@]}" >"$work/small.out"
  t1=$(date +%s.%N)
  local answered
  answered=$(grep -o '"requestId"' "$work/small.out" | wc -l)
  awk -v n="$answered" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f\n", n / (b - a) }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

: >"$work/c_big"; : >"$work/r_ins"; : >"$work/r_upd"; : >"$work/c_small"; : >"$work/r_cpu"
for r in $(seq 1 "$runs"); do
  start_sandbox
  c0=$(cpu_seconds)
  t=$(submit_all)
  cb=$(awk -v n=$jobs -v t="$t" 'BEGIN { printf "%.1f\n", n / t }')
  ins=$(ingest_rate 0)
  c1=$(cpu_seconds)
  cpu=$(awk -v a="$c0" -v b="$c1" -v r=$((jobs * rows)) 'BEGIN { printf "%.0f\n", r / (b - a) }')
  submit_all >/dev/null
  upd=$(ingest_rate $jobs)
  stop_sandbox
  start_sandbox
  cs=$(small_creates)
  stop_sandbox
  echo "run $r: creates/s (7.8 MB files) $cb, rows/s inserted $ins, rows/s updated $upd, creates/s (1-row files) $cs, rows inserted per sandbox CPU-second (creates included) $cpu"
  echo "$cb" >>"$work/c_big"; echo "$ins" >>"$work/r_ins"; echo "$upd" >>"$work/r_upd"; echo "$cs" >>"$work/c_small"; echo "$cpu" >>"$work/r_cpu"
done
echo "median of $runs: creates/s (7.8 MB files) $(median <"$work/c_big"), rows/s inserted $(median <"$work/r_ins"), rows/s updated $(median <"$work/r_upd"), creates/s (1-row files) $(median <"$work/c_small"), rows inserted per sandbox CPU-second $(median <"$work/r_cpu")"
echo "load average during the runs: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
