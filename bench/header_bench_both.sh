#!/usr/bin/env bash
# header_bench_both.sh [N] [REPS] — header_bench.sh with the outputs on tmpfs,
# then on the work disk (ext4 here), one after the other in one run: the
# same-run ratios to cp -r and to gdcmanon are what to compare.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
echo "=== outputs on tmpfs ==="
BENCH_DST= bash "$HERE/header_bench.sh" "$@"
echo
echo "=== outputs on the work disk ==="
BENCH_DST=${BENCH_DISK:-$HERE/../bench-out/header/out} bash "$HERE/header_bench.sh" "$@"
