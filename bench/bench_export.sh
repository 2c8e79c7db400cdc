# shellcheck shell=bash
# Sourced by the benchmark scripts: the generated messy export they share (mkbulk-gen: BOM,
# CRLF, quoted delimiters, doubled quotes, multi-line notes, 0.1% defects), made once per work
# directory and size (bench_export), and the interleaved rounds they time (bench_rounds).
#   bench_export GEN WORK SIZE: sets input to its path
bench_export() {
  input="$2/export-$3.csv"
  if [[ ! -s "$input" ]]; then
    echo "generating $input ..." >&2
    "$1" --seed 1 --bytes "$3" --bom --crlf --multiline-rate 0.05 --defect-rate 0.001 \
      --out "$input.tmp"
    mv "$input.tmp" "$input"
  fi
}

# bench_rounds WORK RUNS -n NAME COMMAND [-n NAME COMMAND ...]: a warm-up round, then RUNS rounds
# of one run of every command each, by hyperfine, into WORK/hyperfine-round-N.json (the output
# directory WORK/out emptied and synced before each run). Each round runs the commands in an
# order of its own (shuffled, the same for a given round number on every run of the script): a
# load that drifts on a shared machine slows every command alike, and on the VMs where this was
# written a 1 GiB write is much slower in the kernel (fresh pages for the page cache: twice the
# system time) after some commands than after others, which a fixed or merely rotated order
# pins on the same commands. mkbulk exits 1 when rows were rejected (the export has defects):
# -i keeps hyperfine going.
bench_rounds() {
  local work=$1 runs=$2
  shift 2
  local cmds=("$@")
  local ncmds=$((${#cmds[@]} / 3)) round k i t json order idx
  rm -f "$work"/hyperfine-round-*.json
  for ((round = 0; round <= runs; ++round)); do
    json="$work/hyperfine-round-$round.json"
    [[ $round -eq 0 ]] && json="$work/hyperfine-warmup.json"  # not counted
    echo "round $round of $runs" >&2
    idx=()
    for ((k = 0; k < ncmds; ++k)); do idx+=("$k"); done
    RANDOM=$((round + 1))  # a shuffle of its own for each round, reproducible
    for ((k = ncmds - 1; k > 0; --k)); do
      i=$((RANDOM % (k + 1)))
      t=${idx[k]}
      idx[k]=${idx[i]}
      idx[i]=$t
    done
    order=()
    for k in "${idx[@]}"; do order+=("${cmds[@]:k*3:3}"); done
    hyperfine --runs 1 -i --style basic --export-json "$json" \
      --prepare "rm -rf '$work/out' && mkdir -p '$work/out' && sync" "${order[@]}" >/dev/null
  done
  rm -f "$work/hyperfine-warmup.json"
}
