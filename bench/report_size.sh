#!/usr/bin/env bash
# Size of the cohort report against the number of series: a synthetic export
# of P patients (2 series each: CT and MR, 2 slices, 128x128), de-identified
# with profiles/basic.yaml; prints series, report bytes and bytes per series,
# and the extrapolation to 5,000 series (budget: 20 MB). Also times
# `rwdgate report` (rebuild from the database).
# Usage: bench/report_size.sh [PATIENTS]   (default 300 -> 600 series, 96 px thumbnails)
set -euo pipefail
cd "$(dirname "$0")/.."
patients=${1:-300}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
build/tests/fixtures/rwdgate-synth --out "$tmp/export" --patients "$patients" --ct-slices 2 --mr-slices 2 --size 128 --no-bad-files >/dev/null
build/gateway/rwdgate run --profile profiles/basic.yaml --input "$tmp/export" --output "$tmp/cohort" --workdir "$tmp/work" --quiet --json >"$tmp/summary.json"
report=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["report"])' "$tmp/summary.json")
series=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["series"])' "$tmp/summary.json")
bytes=$(stat -c %s "$report")
start=$(date +%s.%N)
/usr/bin/time -f %M -o "$tmp/rss" build/gateway/rwdgate report --workdir "$tmp/work" >/dev/null
end=$(date +%s.%N)
python3 - "$series" "$bytes" "$start" "$end" "$(cat "$tmp/rss")" <<'PY'
import sys
series, size, t0, t1, rss = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
print(f"series {series}  report {size} bytes  {size/series:.0f} bytes/series  "
      f"5,000 series (96 px thumbnails above 500 series): ~{size/series*5000/1e6:.1f} MB  "
      f"rebuild {t1-t0:.1f} s, peak RSS {rss/1024:.0f} MB")
PY
