# shellcheck shell=bash
# Sourced by the benchmark scripts: the generated messy export they share (mkbulk-gen: BOM,
# CRLF, quoted delimiters, doubled quotes, multi-line notes, 0.1% defects), made once per work
# directory and size. Sets input to its path.
#   bench_export GEN WORK SIZE
bench_export() {
  input="$2/export-$3.csv"
  if [[ ! -s "$input" ]]; then
    echo "generating $input ..." >&2
    "$1" --seed 1 --bytes "$3" --bom --crlf --multiline-rate 0.05 --defect-rate 0.001 \
      --out "$input.tmp"
    mv "$input.tmp" "$input"
  fi
}
