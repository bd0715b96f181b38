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

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
# Wall and CPU seconds (user + sys, children included) of a command: "wall cpu".
TIMEFORMAT='%R %U %S'
timed() {
  local t
  t=$( { time "$@" >/dev/null 2>&1; } 2>&1 )
  read -r w u s <<<"$t"
  echo "$w $(echo "$u + $s" | bc)"
}
shards_at_once() {  # S W: S shards of W workers each, at once
  local i
  for ((i = 0; i < $1; i++)); do
    "$RWD" run --quiet --profile "$PROFILE" --plan "$DST/plan" --shard "$i" --output "$DST/out" \
      --workdir "$DST/work" --key "$KEY" --workers "$2" &
  done
  wait
}
# One sharded run with S shards of W workers: "plan_wall run_wall run_cpu merge_wall".
sharded() {
  local p x m
  rm -rf "$DST/out" "$DST/work" "$DST/plan"
  p=$(timed "$RWD" plan --input "$CORPUS" --shards "$1" --out "$DST/plan" --workdir "$DST/work" --key "$KEY")
  x=$(timed shards_at_once "$1" "$2")
  m=$(timed "$RWD" merge --workdir "$DST/work" --key "$KEY")
  echo "${p% *} $x ${m% *}"
}
single() {  # "wall cpu"
  rm -rf "$DST/out" "$DST/work"
  timed "$RWD" run --quiet --profile "$PROFILE" --input "$CORPUS" --output "$DST/out" --workdir "$DST/work" \
    --key "$KEY" --workers 2
}

single >/dev/null  # warm-up; makes the key
declare -A R
for ((r = 0; r < REPS; r++)); do
  read -r w c <<<"$(single)"; R[sw]+="$w"$'\n'; R[sc]+="$c"$'\n'
  for s in 1 2; do
    read -r p x xc m <<<"$(sharded "$s" $((2 / s)))"
    R[p$s]+="$p"$'\n'; R[x$s]+="$x"$'\n'; R[c$s]+="$xc"$'\n'; R[m$s]+="$m"$'\n'
  done
done
med() { printf '%s' "${R[$1]}" | median; }
printf '%s files, %s cores, medians of %s, load average at the end: %s\n' "$FILES" "$(nproc)" "$REPS" \
  "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-26s %8s %8s %8s %8s %9s\n' "" plan run merge total "run CPU-s"
printf '%-26s %8s %8.2f %8s %8.2f %9.2f\n' "rwdgate run, 2 workers" - "$(med sw)" - "$(med sw)" "$(med sc)"
for s in 1 2; do
  p=$(med p$s) x=$(med x$s) m=$(med m$s)
  printf '%-26s %8.2f %8.2f %8.2f %8.2f %9.2f\n' "$s shard(s) x $((2 / s)) worker(s)" "$p" "$x" "$m" \
    "$(echo "$p + $x + $m" | bc)" "$(med c$s)"
done
echo "per core: $(echo "$FILES / $(med c2)" | bc) objects per CPU-second (2 shards);" \
  "wall: $(echo "$FILES / $(med x2)" | bc) objects/s on $(nproc) cores"
