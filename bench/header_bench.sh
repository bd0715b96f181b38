#!/usr/bin/env bash
# header_bench.sh [N] [REPS] — header-only de-identification throughput of
# `rwdgate run` against a plain `cp -r` of the same files, and against
# gdcmanon (--dumb) and dcmodify doing comparable edits. See bench/README.md.
set -euo pipefail

N=${1:-2000}
REPS=${2:-5}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
WORK=${BENCH_OUT:-$ROOT/bench-out}/header
RWD=${RWDGATE:-$BUILD/gateway/rwdgate}   # RWDGATE=path: benchmark a saved binary
SYNTH=$BUILD/tests/fixtures/rwdgate-synth
PROFILE=$ROOT/profiles/basic.yaml
CORPUS=$WORK/corpus-$N
KEY=$WORK/bench.key      # one key for all rwdgate runs (created by the warm-up)
# Outputs go to tmpfs by default: this VM's root fs is ext4 *without a
# journal*, where creating files shortly (< 6 min) after deleting others makes
# every create scan past the recently deleted inodes (fs/ext4/ialloc.c
# recently_deleted) -- that costs cp -r 2-3x its own work and would swamp the
# comparison. BENCH_DST=DIR writes outputs under DIR instead (see README).
if [[ -z ${BENCH_DST:-} && -w /dev/shm ]]; then
  DSTROOT=$(mktemp -d /dev/shm/rwdgate-header-bench.XXXXXX); trap 'rm -rf "$DSTROOT"' EXIT
else
  DSTROOT=${BENCH_DST:-$WORK/out}; mkdir -p "$DSTROOT"; DSTROOT=$(cd "$DSTROOT" && pwd)
fi
DST=$DSTROOT/dst         # every tool writes here; deleted after each run

for t in gdcmanon dcmodify; do
  command -v "$t" >/dev/null || { echo "missing $t (apt-get install libgdcm-tools dcmtk)" >&2; exit 1; }
done

# ---- build (only when missing) and corpus (generated once per N) ----------
if [[ ! -x $RWD || ! -x $SYNTH ]]; then
  [[ -f $BUILD/CMakeCache.txt ]] || cmake -S "$ROOT" -B "$BUILD"
  make -C "$BUILD" -j2 rwdgate rwdgate-synth
fi
mkdir -p "$WORK"
if [[ $(find "$CORPUS" -type f 2>/dev/null | wc -l) -ne $N ]]; then
  rm -rf "$CORPUS"
  "$SYNTH" --bench --ct-slices "$N" --size 512 --out "$CORPUS" >/dev/null
fi
BYTES=$(find "$CORPUS" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')

# ---- the comparable edit set (same tags for gdcmanon and dcmodify) ---------
# replaced: PatientName, PatientID and the 4 instance UIDs; emptied: birth
# date, sex, accession, referring physician, study ID/date/time; removed:
# acquisition date/time. rwdgate does more (full PS3.15 basic profile, keyed
# UIDs and pseudonyms, provenance DB), so this is generous to the others.
REPLACE=(0010,0010=ANON 0010,0020=ANON01 0020,000d=2.25.1 0020,000e=2.25.2
         0008,0018=2.25.3 0020,0052=2.25.4)
EMPTY=(0010,0030 0010,0040 0008,0050 0008,0090 0020,0010 0008,0020 0008,0030)
REMOVE=(0008,0022 0008,0032)
GDCM_ARGS=() DCMOD_ARGS=()
for x in "${REPLACE[@]}"; do GDCM_ARGS+=(--replace "$x"); DCMOD_ARGS+=(-m "(${x%%=*})=${x#*=}"); done
for x in "${EMPTY[@]}";   do GDCM_ARGS+=(--empty "$x");   DCMOD_ARGS+=(-m "($x)="); done
for x in "${REMOVE[@]}";  do GDCM_ARGS+=(--remove "$x");  DCMOD_ARGS+=(-e "($x)"); done

# ---- the tools; each writes $DST from $CORPUS --------------------------------
run_cp()       { cp -r "$CORPUS" "$DST"; }
run_rwdgate()  { "$RWD" run --profile "$PROFILE" --input "$CORPUS" --output "$DST" \
                   --workdir "$DST.work" --key "$KEY" --quiet --json >"$WORK/rwdgate.json"; }
run_gdcmanon() { gdcmanon --continue --dumb -r -i "$CORPUS" -o "$DST" "${GDCM_ARGS[@]}"; }
# dcmodify edits in place: a cp -r (timed as dcmodify_cp) then the edit pass
# over the copy, one process (timed as dcmodify).
run_dcmodify_cp() { cp -r "$CORPUS" "$DST"; }
run_dcmodify() { find "$DST" -type f -print0 |
                   xargs -0 dcmodify -q -nb -ie -imt "${DCMOD_ARGS[@]}"; }

# time_it NAME: sync, run run_NAME, append "wall cpu" seconds to $WORK/t.NAME.
# bash's time keyword (like /usr/bin/time) counts user+sys of all children;
# CPU seconds hardly move when something else competes for the cores, wall does.
TIMEFORMAT='%3R %3U %3S'
time_it() {
  sync
  { time "run_$1" 2>&3; } 3>&2 2>"$WORK/time.last"   # the tool's stderr still shows
  awk '{printf "%.3f %.3f\n", $1, $2 + $3}' "$WORK/time.last" >>"$WORK/t.$1"
}
clean() { rm -rf "$DST" "$DST.work"; sync; }
check() {  # every tool must leave N files behind (untimed)
  local got; got=$(find "$DST" -type f | wc -l)
  [[ $got -eq $N ]] || { echo "warning: $1 wrote $got files, expected $N" >&2; }
}
one() {  # one tool, one measured run
  case $1 in
    dcmodify) time_it dcmodify_cp; time_it dcmodify ;;
    *)        time_it "$1" ;;
  esac
  check "$1"; clean
}

# ---- run -------------------------------------------------------------------
TOOLS=(cp rwdgate gdcmanon dcmodify)
clean; rm -f "$WORK"/t.*
echo "header_bench: $N files, $(awk -v b="$BYTES" 'BEGIN{printf "%.1f", b/1e6}') MB, $REPS reps, $(nproc) cores, rwdgate --workers default"
fstype() { df --output=fstype "$1" | tail -1; }
echo "input: $CORPUS ($(fstype "$CORPUS")); outputs: $DST ($(fstype "$DSTROOT")); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "warm-up (untimed): reads the corpus into the page cache, creates the key"
for t in "${TOOLS[@]}"; do one "$t"; done; rm -f "$WORK"/t.*
res=$(find "$CORPUS" -type f -print0 | xargs -0 fincore -nb -o RES | awk '{s+=$1} END {print s}')
echo "page cache: WARM -- $(awk -v r="$res" -v b="$BYTES" 'BEGIN {p = 100*r/b; printf "%.0f", (p > 100 ? 100 : p)}')% of the input" \
     "is resident and every run reads it from RAM; outputs: sync before each run and after deleting" \
     "them (untimed), so no run pays for another's writeback; a run's own writeback is not timed either"
for ((r = 1; r <= REPS; r++)); do
  order=("${TOOLS[@]}")                                      # odd reps: forward,
  (( r % 2 == 0 )) && order=(dcmodify gdcmanon rwdgate cp)   # even: reversed (cancels drift)
  echo "rep $r/$REPS: ${order[*]}"
  for t in "${order[@]}"; do one "$t"; done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg) (anything else running on the $(nproc) cores skews the numbers)"
echo "last rwdgate run:" $(grep -o '"\(released\|quarantined\|rejected\)":[0-9]*' "$WORK/rwdgate.json")

# ---- report ----------------------------------------------------------------
median() {  # median NAME COLUMN (1 = wall, 2 = cpu)
  cut -d' ' -f"$2" "$WORK/t.$1" | sort -n |
    awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'
}
CP=$(median cp 1) CPCPU=$(median cp 2)
row() {  # label wall cpu
  awk -v l="$1" -v s="$2" -v c="$3" -v n="$N" -v b="$BYTES" -v cp="$CP" -v cpc="$CPCPU" \
    'BEGIN {printf "%-22s %7.3f %8.0f %7.0f %7.2fx %8.3f %7.2fx\n", l, s, n/s, b/1e6/s, s/cp, c, c/cpc}'
}
sum() { awk -v a="$(median "$1" "$3")" -v b="$(median "$2" "$3")" 'BEGIN {print a + b}'; }
echo
printf '%-22s %7s %8s %7s %8s %8s %8s\n' tool "wall s" "files/s" "MB/s" "vs cp" "cpu s" "vs cp"
row "cp -r" "$CP" "$CPCPU"
row "rwdgate run" "$(median rwdgate 1)" "$(median rwdgate 2)"
row "gdcmanon --dumb" "$(median gdcmanon 1)" "$(median gdcmanon 2)"
row "dcmodify (edit only)" "$(median dcmodify 1)" "$(median dcmodify 2)"
row "dcmodify (cp + edit)" "$(sum dcmodify_cp dcmodify 1)" "$(sum dcmodify_cp dcmodify 2)"
echo "(medians of $REPS runs; cpu = user+sys; wall of every run:" \
  $(for t in cp rwdgate gdcmanon dcmodify; do echo "$t=[$(cut -d' ' -f1 "$WORK/t.$t" | paste -sd' ')]"; done) ")"
echo
awk -v s="$(median rwdgate 1)" -v cp="$CP" -v c="$(median rwdgate 2)" -v cpc="$CPCPU" \
  'BEGIN {printf "rwdgate/cp = %.2fx (target <= 1.3x; cpu %.2fx)\n", s/cp, c/cpc}'
