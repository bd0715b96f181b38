#!/usr/bin/env bash
# incremental_bench.sh [N] [SIZE] — the nightly case: `rwdgate run
# --incremental` over an N-file export, then again with nothing new, then
# with --incremental=verify (re-hashes every skipped input), then with 5 %
# added. Prints the wall times and the ratio to the first run. See bench/README.md.
set -euo pipefail

N=${1:-2000}
SIZE=${2:-256}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
RWD=${RWDGATE:-$BUILD/gateway/rwdgate}
SYNTH=$BUILD/tests/fixtures/rwdgate-synth
WORK=$(mktemp -d --tmpdir="${BENCH_OUT:-/tmp}")
trap 'rm -rf "$WORK"' EXIT

"$SYNTH" --out "$WORK/in" --bench --ct-slices "$N" --size "$SIZE" >/dev/null
run() {  # prints: seconds files skipped
  local t0 t1 out
  t0=$(date +%s.%N)
  out=$("$RWD" run --json --quiet --profile "$ROOT/profiles/basic.yaml" --input "$WORK/in" --output "$WORK/out" \
        --workdir "$WORK/work" "$@")
  t1=$(date +%s.%N)
  python3 -c 'import json,sys; j=json.loads(sys.argv[1]); print("%.3f %d %d" % (float(sys.argv[3])-float(sys.argv[2]), j["files"], j["skipped_unchanged"]))' \
    "$out" "$t0" "$t1"
}
read -r first f1 _ < <(run --incremental)
read -r again f2 s2 < <(run --incremental)
read -r verify f3 s3 < <(run --incremental=verify)
"$SYNTH" --out "$WORK/in/added" --bench --ct-slices $((N / 20)) --size "$SIZE" --seed 2 >/dev/null
read -r added f4 s4 < <(run --incremental)
ratio() { python3 -c 'import sys; print("%.1f %%" % (100 * float(sys.argv[1]) / float(sys.argv[2])))' "$1" "$first"; }
echo "incremental_bench: N=$N ${SIZE}x${SIZE} (nproc $(nproc), load $(cut -d' ' -f1 /proc/loadavg))"
echo "  first run:            ${first} s  ($f1 files)"
echo "  nothing new:          ${again} s  ($f2 processed, $s2 skipped)  $(ratio "$again") of the first"
echo "  nothing new, verify:  ${verify} s  ($f3 processed, $s3 skipped)  $(ratio "$verify")"
echo "  $((N / 20)) added:            ${added} s  ($f4 processed, $s4 skipped)  $(ratio "$added")"
