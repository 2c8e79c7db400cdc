#!/usr/bin/env bash
# The uploader benchmark (issue 4): `mkbulk run` against mkbulk-sandbox set to a scaled-down
# realistic row rate, then /sandbox/stats read back. Reports, with the commands that made them:
#   - queue busy time against the ideal two-slot schedule of the same jobs (goal >= 95%),
#   - time from start to the first job submitted (goal < 1 s), on a separate 1 GiB input
#     (BENCH_FIRST_JOB_BYTES, 0 to skip): `mkbulk run` is started, the journal watched for the
#     first job_created, then the run is interrupted (Ctrl-C: it stops at once, resumable),
#   - API calls per chunk,
#   - side by side: the same chunks uploaded one job at a time (submit, poll until done, next:
#     the usual client pattern, here `mkbulk upload --max-queued 1`), as a ratio of wall times.
# Usage: bench/upload_schedule.sh [BUILD_DIR]   (default build/release)
# Knobs (environment): BENCH_BYTES (20M), BENCH_MAX_BYTES chunk budget (1000000: ~5,800 rows),
# BENCH_RPS rows/s per job (1000: a chunk imports in ~6 s; the sandbox must not be CPU-bound
# or two slots are not twice one), BENCH_POLL_MIN/MAX seconds (0.5/3, scaled down like the row
# rate), BENCH_DIR (/tmp/mkbulk-bench-upload), BENCH_SERIAL=0 to skip the one-at-a-time run,
# BENCH_RUN_ARGS extra arguments for both `mkbulk run`s (e.g. "--duplicates off": the default
# merge reads the whole input once for its keys before the first chunk, which delays the first
# job on a big input by that pass).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
mkbulk=$build/tools/mkbulk/mkbulk
sandbox=$build/tools/sandbox/mkbulk-sandbox
gen=$build/tools/gen/mkbulk-gen
# shellcheck source=bench/bench_build.sh
source bench/bench_build.sh
bench_up_to_date "$build" mkbulk mkbulk-sandbox mkbulk-gen
for b in "$mkbulk" "$sandbox" "$gen"; do
  [ -x "$b" ] || { echo "missing $b: build the mkbulk, mkbulk-sandbox and mkbulk-gen targets" >&2; exit 1; }
done
bytes=${BENCH_BYTES:-20M}
max_bytes=${BENCH_MAX_BYTES:-1000000}
rps=${BENCH_RPS:-1000}
poll_min=${BENCH_POLL_MIN:-0.5}
poll_max=${BENCH_POLL_MAX:-3}
work=${BENCH_DIR:-/tmp/mkbulk-bench-upload}
rm -rf "$work" && mkdir -p "$work"
export MKBULK_CLIENT_ID=mkbulk-sandbox MKBULK_CLIENT_SECRET=mkbulk-sandbox-secret
unset MKBULK_BASE_URL

"$gen" --seed 42 --bytes "$bytes" --out "$work/in.csv"
echo "input: $(stat -c %s "$work/in.csv") bytes ($bytes), chunks <= $max_bytes bytes, sandbox $rps rows/s per job, poll $poll_min-$poll_max s"

sandbox_pid=
start_sandbox() {  # $1: name
  "$sandbox" --port 0 --db "$work/$1.db" --rows-per-second "$rps" >"$work/$1.sb.out" 2>"$work/$1.sb.err" &
  sandbox_pid=$!
  for _ in $(seq 100); do [ -s "$work/$1.sb.out" ] && break; sleep 0.05; done
  base_url=$(head -n 1 "$work/$1.sb.out")
}
stop_sandbox() { kill "$sandbox_pid" 2>/dev/null || true; wait "$sandbox_pid" 2>/dev/null || true; }
trap stop_sandbox EXIT

# 1. The pipeline: split and upload at once.
start_sandbox pipeline
s0=$(date +%s.%N)
"$mkbulk" run "$work/in.csv" --out-dir "$work/run" --base-url "$base_url" --max-bytes "$max_bytes" \
  --poll-min "$poll_min" --poll-max "$poll_max" ${BENCH_RUN_ARGS:-} --json >"$work/run.json" 2>"$work/run.err" || true
s1=$(date +%s.%N)
curl -s "$base_url/sandbox/stats" >"$work/pipeline.stats.json"
stop_sandbox

serial_wall=
if [ "${BENCH_SERIAL:-1}" = 1 ]; then
  # 2. One job at a time over the same chunks (the split is already done: only upload time).
  mkdir -p "$work/serial"
  cp -r "$work/run/chunks" "$work/run/manifest.json" "$work/serial/"
  start_sandbox serial
  u0=$(date +%s.%N)
  "$mkbulk" upload "$work/serial" --base-url "$base_url" --max-queued 1 \
    --poll-min "$poll_min" --poll-max "$poll_max" --json >"$work/serial.json" 2>"$work/serial.err" || true
  u1=$(date +%s.%N)
  serial_wall=$(python3 -c "print($u1 - $u0)")
  stop_sandbox
fi

first_job=
if [ "${BENCH_FIRST_JOB_BYTES:-1G}" != 0 ]; then
  # 3. Time to the first job on a big input: launch, watch the journal, interrupt.
  "$gen" --seed 7 --bytes "${BENCH_FIRST_JOB_BYTES:-1G}" --out "$work/big.csv"
  sync
  start_sandbox big
  f0=$(date +%s.%N)
  "$mkbulk" run "$work/big.csv" --out-dir "$work/big" --base-url "$base_url" \
    --poll-min "$poll_min" --poll-max "$poll_max" ${BENCH_RUN_ARGS:-} >/dev/null 2>"$work/big.err" &
  run_pid=$!
  until grep -q '"job_created"' "$work/big/journal.jsonl" 2>/dev/null; do sleep 0.005; done
  f1=$(date +%s.%N)
  kill -INT "$run_pid"; wait "$run_pid" || true
  stop_sandbox
  first_job=$(python3 -c "print($f1 - $f0)")
  rm -f "$work/big.csv"
fi

python3 - "$work" "$(python3 -c "print($s1 - $s0)")" "${serial_wall:-0}" "${first_job:-0}" <<'PY'
import json, sys
work, wall, serial_wall, first_job = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
stats = json.load(open(f"{work}/pipeline.stats.json"))
report = json.load(open(f"{work}/run.json"))
jobs = sorted(stats["jobs"], key=lambda j: j["submitted_at"])
assert report["rows"]["unaccounted"] == 0, "unaccounted rows: the benchmark refuses to time a wrong result"
assert all(j["status"] == "Complete" for j in jobs), "a job did not complete"
# The ideal two-slot schedule of the same jobs: all of them ready when the first is submitted,
# each started as soon as a slot is free, in order, taking what the sandbox took (rows / rate).
slots = [jobs[0]["submitted_at"]] * 2
for j in jobs:
    d = j["finished_at"] - j["started_at"]
    s = min(range(2), key=lambda i: slots[i])
    slots[s] += d
ideal_end = max(slots)
first_sub = jobs[0]["submitted_at"]
actual_end = max(j["finished_at"] for j in jobs)
busy = sum(j["finished_at"] - j["started_at"] for j in jobs)
chunks = report["chunks"]
calls = report["api_calls"]["total"]
span = actual_end - first_sub
print(f"slot utilisation from first submit to last finish: "
      f"{100 * (2 * stats['two_slots_busy_seconds'] + stats['one_slot_busy_seconds']) / (2 * span):.1f}%")
print(f"jobs: {len(jobs)}, chunks: {chunks}, rows imported: {report['rows']['imported']}, failed: {report['rows']['failed']}")
print(f"queue busy vs ideal two-slot schedule: {100 * (ideal_end - first_sub) / (actual_end - first_sub):.1f}% "
      f"(ideal {ideal_end - first_sub:.2f} s, actual {actual_end - first_sub:.2f} s from first submit; "
      f"two slots busy {stats['two_slots_busy_seconds']:.2f} s, one slot {stats['one_slot_busy_seconds']:.2f} s)")
print(f"time to the first job ({report['rows']['in']} rows): first create sent after "
      f"{report['seconds']['first_submit']:.3f} s, acknowledged after {report['seconds']['first_job']:.3f} s "
      f"(mkbulk's clock, from the session's start)")
if first_job > 0:
    print(f"time from launch to the first job_created in the journal, 1 GiB input: {first_job:.3f} s")
print(f"API calls per chunk: {calls / chunks:.2f} ({json.dumps(report['api_calls'])})")
print(f"pipeline wall time (split + upload + merge): {wall:.2f} s")
if serial_wall > 0:
    serial = json.load(open(f"{work}/serial.json"))
    assert serial["rows"]["imported"] == report["rows"]["imported"], "serial run imported different rows"
    print(f"one-job-at-a-time upload wall time: {serial_wall:.2f} s; ratio serial / mkbulk run: {serial_wall / wall:.2f}x")
PY
