#!/usr/bin/env bash
# shard_bench.sh [REPS] — scaling of a sharded run (README "Sharded runs on a
# cluster") on this machine: wall time of the 2,000-slice benchmark as one
# shard (2 workers) and as two shards at once (1 worker each), plan and
# merge timed apart, medians of REPS. See bench/README.md.
set -euo pipefail

REPS=${1:-3}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
WORK=${BENCH_OUT:-$ROOT/bench-out}/shard
RWD=${RWDGATE:-$BUILD/gateway/rwdgate}
SYNTH=$BUILD/tests/fixtures/rwdgate-synth
PROFILE=$ROOT/profiles/basic.yaml
# 2,000 CT slices of 512x512 as in header_bench.sh, but in 5 studies (4
# patients, patient 1 with a follow-up) so that there is something to shard.
CORPUS=$WORK/corpus-2000
KEY=$WORK/bench.key
if [[ -z ${BENCH_DST:-} && -w /dev/shm ]]; then
  DST=$(mktemp -d --tmpdir=/dev/shm); trap 'rm -rf "$DST"' EXIT
else
  DST=${BENCH_DST:-$WORK/out}; mkdir -p "$DST"
fi

if [[ ! -x $RWD || ! -x $SYNTH ]]; then
  [[ -f $BUILD/CMakeCache.txt ]] || cmake -S "$ROOT" -B "$BUILD"
  make -C "$BUILD" -j2 rwdgate rwdgate-synth
fi
mkdir -p "$WORK"
if [[ $(find "$CORPUS" -name '*.dcm' 2>/dev/null | wc -l) -ne 2000 ]]; then
  rm -rf "$CORPUS"
  "$SYNTH" --patients 4 --ct-slices 400 --mr-slices 0 --size 512 --no-bad-files --out "$CORPUS" >/dev/null
fi
FILES=$(find "$CORPUS" -type f | wc -l)
cat "$CORPUS"/*/*/*/* > /dev/null  # warm the page cache

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
# One sharded run with S shards of W workers: prints "plan run merge" seconds.
sharded() {
  local s=$1 w=$2 t0 t1 t2 t3 i
  rm -rf "$DST/out" "$DST/work" "$DST/plan"
  t0=$(now)
  "$RWD" plan --input "$CORPUS" --shards "$s" --out "$DST/plan" --workdir "$DST/work" --key "$KEY" >/dev/null
  t1=$(now)
  for ((i = 0; i < s; i++)); do
    "$RWD" run --quiet --profile "$PROFILE" --plan "$DST/plan" --shard "$i" --output "$DST/out" \
      --workdir "$DST/work" --key "$KEY" --workers "$w" &
  done
  wait
  t2=$(now)
  "$RWD" merge --workdir "$DST/work" --key "$KEY" >/dev/null
  t3=$(now)
  echo "$(echo "$t1 - $t0" | bc) $(echo "$t2 - $t1" | bc) $(echo "$t3 - $t2" | bc)"
}
single() {
  local t0
  rm -rf "$DST/out" "$DST/work"
  t0=$(now)
  "$RWD" run --quiet --profile "$PROFILE" --input "$CORPUS" --output "$DST/out" --workdir "$DST/work" --key "$KEY" --workers 2
  echo "$(echo "$(now) - $t0" | bc)"
}

single >/dev/null  # warm-up; makes the key
declare -A R
for ((r = 0; r < REPS; r++)); do
  R[single]+="$(single)"$'\n'
  read -r p x m <<<"$(sharded 1 2)"; R[p1]+="$p"$'\n'; R[x1]+="$x"$'\n'; R[m1]+="$m"$'\n'
  read -r p x m <<<"$(sharded 2 1)"; R[p2]+="$p"$'\n'; R[x2]+="$x"$'\n'; R[m2]+="$m"$'\n'
done
med() { printf '%s' "${R[$1]}" | median; }
printf '%s files, %s cores, medians of %s\n' "$FILES" "$(nproc)" "$REPS"
printf '%-28s %8s %8s %8s %8s\n' "" plan run merge total
printf '%-28s %8s %8.2f %8s %8.2f\n' "rwdgate run (2 workers)" - "$(med single)" - "$(med single)"
for s in 1 2; do
  p=$(med p$s) x=$(med x$s) m=$(med m$s)
  printf '%-28s %8.2f %8.2f %8.2f %8.2f\n' "$s shard(s) x $((2 / s)) worker(s)" "$p" "$x" "$m" "$(echo "$p + $x + $m" | bc)"
done
x2=$(med x2)
echo "throughput of the shard phase, 2 shards: $(echo "$FILES / $x2" | bc) objects/s on $(nproc) cores =" \
  "$(echo "$FILES / $x2 / $(nproc)" | bc) objects/s per core"
