#!/usr/bin/env bash
# shellcheck disable=SC2046,SC2054  # intended: splitting $(stats ...); tags like 0010,0010
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
# RWDGATE_REF=path: a second binary (e.g. before a change) measured in the same
# run as tools ref and ref_noscreen (add them to BENCH_TOOLS).
REF=${RWDGATE_REF:-}
SYNTH=$BUILD/tests/fixtures/rwdgate-synth
PROFILE=$ROOT/profiles/basic.yaml
# basic.yaml screens pixels for burned-in text (pixels.screen: on); the
# same profile with screening off is the header-only path itself.
PROFILE_NOSCREEN=$WORK/basic-noscreen.yaml
CORPUS=$WORK/corpus-$N
KEY=$WORK/bench.key      # one key for all rwdgate runs (created by the warm-up)
# Outputs go to tmpfs by default: this VM's root fs is ext4 *without a
# journal*, where creating files shortly (< 6 min) after deleting others makes
# every create scan past the recently deleted inodes (fs/ext4/ialloc.c
# recently_deleted) -- that costs cp -r 2-3x its own work and would swamp the
# comparison. BENCH_DST=DIR writes outputs under DIR instead (see README).
if [[ -z ${BENCH_DST:-} && -w /dev/shm ]]; then
  DSTROOT=$(mktemp -d --tmpdir=/dev/shm); trap 'rm -rf "$DSTROOT"' EXIT
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
sed 's/screen: on/screen: off/' "$PROFILE" >"$PROFILE_NOSCREEN"
grep -q 'screen: off' "$PROFILE_NOSCREEN" || { echo "cannot turn screening off in $PROFILE" >&2; exit 1; }
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
run_rwdgate_noscreen() { "$RWD" run --profile "$PROFILE_NOSCREEN" --input "$CORPUS" --output "$DST" \
                   --workdir "$DST.work" --key "$KEY" --quiet --json >"$WORK/rwdgate_noscreen.json"; }
run_ref()      { "$REF" run --profile "$PROFILE" --input "$CORPUS" --output "$DST" \
                   --workdir "$DST.work" --key "$KEY" --quiet --json >"$WORK/ref.json"; }
run_ref_noscreen() { "$REF" run --profile "$PROFILE_NOSCREEN" --input "$CORPUS" --output "$DST" \
                   --workdir "$DST.work" --key "$KEY" --quiet --json >"$WORK/ref_noscreen.json"; }
run_gdcmanon() { gdcmanon --continue --dumb -r -i "$CORPUS" -o "$DST" "${GDCM_ARGS[@]}"; }
# dcmodify edits in place: a cp -r (timed as dcmodify_cp) then the edit pass
# over the copy, one process (timed as dcmodify).
run_dcmodify_cp() { cp -r "$CORPUS" "$DST"; }
run_dcmodify() { find "$DST" -type f -print0 |
                   xargs -0 dcmodify -q -nb -ie -imt "${DCMOD_ARGS[@]}"; }

# time_it NAME: sync, run run_NAME, append "wall cpu other" seconds to $WORK/t.NAME.
# bash's time keyword (like /usr/bin/time) counts user+sys of all children;
# CPU seconds hardly move when something else competes for the cores, wall does.
# "other" = CPU seconds the rest of the machine used meanwhile (/proc/stat).
TIMEFORMAT='%3R %3U %3S'
busy() { awk '/^cpu / {print ($2 + $3 + $4 + $7 + $8 + $9) / 100}' /proc/stat; }
time_it() {
  sync
  local b0; b0=$(busy)
  { time "run_$1" 2>&3; } 3>&2 2>"$WORK/time.last"   # the tool's stderr still shows
  awk -v b0="$b0" -v b1="$(busy)" '{c = $2 + $3; o = b1 - b0 - c; printf "%.3f %.3f %.2f\n", $1, c, (o > 0 ? o : 0)}' \
    "$WORK/time.last" >>"$WORK/t.$1"
}
clean() { rm -rf "$DST" "$DST.work"; sync; }
check() {  # every tool must leave N files behind (untimed)
  local got; got=$(find "$DST" -type f ! -name 'manifest.*' | wc -l)   # rwdgate adds its signed manifest
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
# BENCH_TOOLS="cp rwdgate gdcmanon" runs a subset (cp and gdcmanon are needed for the ratios).
read -r -a TOOLS <<<"${BENCH_TOOLS:-cp rwdgate rwdgate_noscreen gdcmanon dcmodify}"
has() { [[ " ${TOOLS[*]} " == *" $1 "* ]]; }
has cp && has gdcmanon || { echo "BENCH_TOOLS must include cp and gdcmanon" >&2; exit 1; }
{ has ref || has ref_noscreen; } && [[ ! -x $REF ]] && { echo "tools ref*: set RWDGATE_REF to a binary" >&2; exit 1; }
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
  order=("${TOOLS[@]}")                              # odd reps: forward,
  if (( r % 2 == 0 )); then                          # even: reversed (cancels drift)
    order=(); for ((i = ${#TOOLS[@]} - 1; i >= 0; i--)); do order+=("${TOOLS[i]}"); done
  fi
  echo "rep $r/$REPS: ${order[*]}"
  for t in "${order[@]}"; do one "$t"; done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg) (anything else running on the $(nproc) cores skews the numbers)"
echo "last rwdgate run:" $(grep -o '"\(released\|quarantined\|rejected\)":[0-9]*' "$WORK/rwdgate.json")

# ---- report ----------------------------------------------------------------
median() {  # median NAME COLUMN (1 = wall, 2 = cpu, 3 = other)
  cut -d' ' -f"$2" "$WORK/t.$1" | sort -n |
    awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'
}
best() { cut -d' ' -f1 "$WORK/t.$1" | sort -n | head -1; }   # fastest wall
stats() { echo "$(median "$1" 1) $(best "$1") $(median "$1" 2) $(median "$1" 3)"; }
if has dcmodify; then
  paste -d' ' "$WORK/t.dcmodify_cp" "$WORK/t.dcmodify" |
    awk '{print $1 + $4, $2 + $5, $3 + $6}' >"$WORK/t.dcmodify_total"
fi
read -r CP CPBEST CPCPU _ <<<"$(stats cp)"
read -r GD GDBEST GDCPU _ <<<"$(stats gdcmanon)"
row() {  # label median-wall best-wall cpu other
  awk -v l="$1" -v s="$2" -v m="$3" -v c="$4" -v o="$5" -v n="$N" -v b="$BYTES" \
      -v cp="$CP" -v cpm="$CPBEST" -v cpc="$CPCPU" -v gd="$GD" 'BEGIN {
    printf "%-21s %6.3f %7.0f %6.0f %6.2fx %6.2fx | %6.3f %6.2fx | %6.3f %6.2fx | %5.2f\n",
           l, s, n/s, b/1e6/s, s/cp, s/gd, m, m/cpm, c, c/cpc, o}'
}
echo
echo "                     ---- median wall ----------------- | -- best wall - | -- cpu (u+s) - | other"
printf '%-21s %6s %7s %6s %7s %7s | %6s %7s | %6s %7s | %5s\n' \
  tool s files/s MB/s "vs cp" "vs gdcm" s "vs cp" s "vs cp" cpu-s
row "cp -r"                $(stats cp)
has rwdgate && row "rwdgate run (basic)" $(stats rwdgate)
has rwdgate_noscreen && row "rwdgate, screen off" $(stats rwdgate_noscreen)
has ref && row "ref (basic)" $(stats ref)
has ref_noscreen && row "ref, screen off" $(stats ref_noscreen)
row "gdcmanon --dumb"      $(stats gdcmanon)
if has dcmodify; then
  row "dcmodify (edit only)" $(stats dcmodify)
  row "dcmodify (cp + edit)" $(stats dcmodify_total)
fi
echo "$REPS runs each. best = fastest run. cpu = user+sys of the tool. other = median CPU seconds" \
     "other processes used during the tool's runs: well above 0 means something competed for the" \
     "$(nproc) cores and the wall times are skewed (best is then the fairer number)."
echo "wall of every run:" $(for t in "${TOOLS[@]}"; do echo "$t=[$(cut -d' ' -f1 "$WORK/t.$t" | paste -sd' ')]"; done)
echo
for t in rwdgate rwdgate_noscreen ref ref_noscreen; do
  has $t || continue
  read -r RW RWBEST RWCPU _ <<<"$(stats $t)"
  awk -v t="$t" -v s="$RW" -v cp="$CP" -v m="$RWBEST" -v cpm="$CPBEST" -v c="$RWCPU" -v cpc="$CPCPU" \
      -v gd="$GD" -v gdm="$GDBEST" -v fs="$(fstype "$DSTROOT")" \
    'BEGIN {printf "outputs on %s: %s/cp = %.2fx (target <= 1.8x; best runs %.2fx; cpu %.2fx); %s/gdcmanon = %.2fx (target <= 0.7x; best runs %.2fx)\n", fs, t, s/cp, m/cpm, c/cpc, t, s/gd, m/gdm}'
done
