#!/usr/bin/env bash
# memory_bench.sh [SMALL_PATIENTS] [LARGE_PATIENTS] — peak RSS of `rwdgate run`
# (the whole run: object phase, series phase, qc.json, report, manifests)
# on two synthetic exports ten times apart: P patients x (10 CT + 10 MR
# slices, 64x64), default 100 and 1,000 patients = 2,010 and 20,010 files
# (200 and 2,000 series). Prints both peaks, the ratio (target <= 1.2) and
# the peak of `rwdgate report` rebuilding the report from the database.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
SMALL=${1:-100}
LARGE=${2:-1000}
WORK=${BENCH_OUT:-$ROOT/bench-out}/memory
mkdir -p "$WORK"
declare -A run report files
for p in "$SMALL" "$LARGE"; do
  in=$WORK/in-$p
  if [[ ! -d $in ]]; then
    "$BUILD/tests/fixtures/rwdgate-synth" --out "$in" --patients "$p" --ct-slices 10 --mr-slices 10 --size 64 --no-bad-files >/dev/null
  fi
  files[$p]=$(find "$in" -type f | wc -l)
  rm -rf "$WORK/out-$p" "$WORK/work-$p"
  /usr/bin/time -f %M -o "$WORK/rss-run-$p" "$BUILD/gateway/rwdgate" run --profile "$ROOT/profiles/basic.yaml" \
    --input "$in" --output "$WORK/out-$p" --workdir "$WORK/work-$p" --quiet
  /usr/bin/time -f %M -o "$WORK/rss-report-$p" "$BUILD/gateway/rwdgate" report --workdir "$WORK/work-$p" >/dev/null
  run[$p]=$(cat "$WORK/rss-run-$p")
  report[$p]=$(cat "$WORK/rss-report-$p")
  rm -rf "$WORK/out-$p" "$WORK/work-$p"
done
awk -v fs="${files[$SMALL]}" -v fl="${files[$LARGE]}" -v rs="${run[$SMALL]}" -v rl="${run[$LARGE]}" \
    -v ps="${report[$SMALL]}" -v pl="${report[$LARGE]}" 'BEGIN {
  printf "%-22s %12s %12s %8s\n", "peak RSS (MB)", fs " files", fl " files", "ratio"
  printf "%-22s %12.1f %12.1f %7.2fx\n", "rwdgate run", rs / 1024, rl / 1024, rl / rs
  printf "%-22s %12.1f %12.1f %7.2fx\n", "rwdgate report", ps / 1024, pl / 1024, pl / ps
  printf "target: run ratio <= 1.20x (%s)\n", rl / rs <= 1.2 ? "met" : "NOT met"
}'
