#!/usr/bin/env bash
# pixels_bench.sh [N] [M] [REPS] — burned-in text cleaning throughput of
# `rwdgate run` (2 workers = the cores of the dev VM):
#   ct    N CT slices 512x512 without text: header-only profile (basic.yaml
#         with pixels.screen: off, no pixel decoding), basic.yaml as shipped
#         (pixels.screen: on: every frame decoded and searched by the fast
#         detector, no OCR; target >= 1,000 slices/s on 2 cores) and
#         redact-phi (every slice decoded, searched, candidates read)
#   us    M ultrasound images with the patient's name burned in (RGB 320x240,
#         rwdgate-synth --ultrasound): redact-all-text and redact-phi (OCR)
#   mixed the N CT slices plus 2 % ultrasound images with text, redact-phi:
#         the issue's target, >= 500 images/s on 2 cores
# Prints images/s (median of REPS runs) and CPU seconds per image.
set -euo pipefail

N=${1:-1000}
M=${2:-100}
REPS=${3:-3}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
WORK=${BENCH_OUT:-$ROOT/bench-out}/pixels
RWD=${RWDGATE:-$BUILD/gateway/rwdgate}
SYNTH=$BUILD/tests/fixtures/rwdgate-synth
KEY=$WORK/bench.key
# Outputs on tmpfs when there is one (see header_bench.sh: this VM's ext4
# without a journal makes file creation after deletions slow).
if [[ -z ${BENCH_DST:-} && -w /dev/shm ]]; then
  DSTROOT=$(mktemp -d --tmpdir=/dev/shm); trap 'rm -rf "$DSTROOT"' EXIT
else
  DSTROOT=${BENCH_DST:-$WORK/out}; mkdir -p "$DSTROOT"
fi

if [[ ! -x $RWD || ! -x $SYNTH ]]; then
  [[ -f $BUILD/CMakeCache.txt ]] || cmake -S "$ROOT" -B "$BUILD"
  make -C "$BUILD" -j2 rwdgate rwdgate-synth
fi
mkdir -p "$WORK"

# ---- corpora (generated once per size) ---------------------------------------
CT=$WORK/ct-$N US=$WORK/us-$M MIXED=$WORK/mixed-$N
if [[ $(find "$CT" -type f 2>/dev/null | wc -l) -ne $N ]]; then
  rm -rf "$CT"
  "$SYNTH" --bench --ct-slices "$N" --size 512 --out "$CT" >/dev/null
fi
if [[ $(find "$US" -type f 2>/dev/null | wc -l) -ne $M ]]; then
  rm -rf "$US" "$US.tmp"
  # rwdgate-synth writes one ultrasound image (series SER003) per export:
  # M exports with different seeds (different patients and UIDs), the rest
  # of each dropped.
  for ((i = 1; i <= M; i++)); do
    "$SYNTH" --patients 1 --ct-slices 1 --mr-slices 0 --ultrasound --no-bad-files --seed "$i" --out "$US.tmp" >/dev/null
    f=$(find "$US.tmp" -path '*/SER003/*' -type f | head -1)
    mkdir -p "$US/$i"; mv "$f" "$US/$i/US.dcm"; rm -rf "$US.tmp"
  done
fi
US_MIX=$(( (N * 2 + 97) / 98 ))  # 2 % of the mixed corpus
if [[ $(find "$MIXED" -type f 2>/dev/null | wc -l) -ne $((N + US_MIX)) ]]; then
  rm -rf "$MIXED"; mkdir -p "$MIXED"
  cp -r "$CT/." "$MIXED/"
  find "$US" -type f | sort | head -n "$US_MIX" | while read -r f; do
    mkdir -p "$MIXED/us/$(dirname "${f#"$US"/}")"; cp "$f" "$MIXED/us/${f#"$US"/}"; done
fi

# ---- profiles ------------------------------------------------------------------
for mode in redact-phi redact-all-text; do
  printf 'name: bench-%s\nbase: ps3.15\noptions: {clean_pixel_data: true}\npixels: {burned_in: %s}\n' \
    "$mode" "$mode" >"$WORK/$mode.yaml"
done
sed 's/screen: on/screen: off/' "$ROOT/profiles/basic.yaml" >"$WORK/basic-noscreen.yaml"
profile() { case $1 in basic) echo "$ROOT/profiles/basic.yaml" ;; *) echo "$WORK/$1.yaml" ;; esac; }

# ---- runs ------------------------------------------------------------------------
TIMEFORMAT='%3R %3U %3S'
# run CORPUS PROFILE: one timed run; appends "wall cpu files released" to $WORK/t.<label>
run() {
  local label=$1 corpus=$2 prof=$3 dst=$DSTROOT/dst
  rm -rf "$dst" "$dst.work"; sync
  { time "$RWD" run --profile "$(profile "$prof")" --input "$corpus" --output "$dst" --workdir "$dst.work" \
      --key "$KEY" --quiet --json >"$WORK/last.json" 2>"$WORK/last.err"; } 2>"$WORK/time.last"
  local files released
  files=$(grep -o '"files":[0-9]*' "$WORK/last.json" | cut -d: -f2)
  released=$(grep -o '"released":[0-9]*' "$WORK/last.json" | cut -d: -f2)
  awk -v f="$files" -v r="$released" '{print $1, $2 + $3, f, r}' "$WORK/time.last" >>"$WORK/t.$label"
  rm -rf "$dst" "$dst.work"
}
median() { cut -d' ' -f"$2" "$WORK/t.$1" | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
report() {  # label description
  local wall cpu files released
  wall=$(median "$1" 1); cpu=$(median "$1" 2)
  files=$(tail -1 "$WORK/t.$1" | cut -d' ' -f3); released=$(tail -1 "$WORK/t.$1" | cut -d' ' -f4)
  awk -v l="$2" -v w="$wall" -v c="$cpu" -v f="$files" -v r="$released" \
    'BEGIN {printf "%-46s %6d %8.2f %9.1f %9.2f %9d\n", l, f, w, f / w, 1000 * c / f, r}'
}

echo "pixels_bench: $N CT slices 512x512 (no text), $M ultrasound images with text, $REPS reps," \
     "$(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$RWD" run --profile "$(profile basic)" --input "$CT" --output "$DSTROOT/warm" --workdir "$DSTROOT/warm.work" \
  --key "$KEY" --quiet --json >/dev/null 2>&1 || true   # warm-up: page cache, key
rm -rf "$DSTROOT/warm" "$DSTROOT/warm.work"
rm -f "$WORK"/t.*
for ((r = 1; r <= REPS; r++)); do
  run ct_header "$CT" basic-noscreen
  run ct_basic "$CT" basic
  run ct_phi "$CT" redact-phi
  run mixed_phi "$MIXED" redact-phi
  run us_all "$US" redact-all-text
  run us_phi "$US" redact-phi
done

echo
printf '%-46s %6s %8s %9s %9s %9s\n' run files wall-s images/s cpu-ms/img released
report ct_header "CT, header only (basic, pixels.screen: off)"
report ct_basic  "CT, screening only (basic.yaml, screen: on)"
report ct_phi    "CT, pixels searched (redact-phi)"
report mixed_phi "CT + 2 % US with text (redact-phi)"
report us_all    "US with text (redact-all-text)"
report us_phi    "US with text (redact-phi, OCR)"
echo
awk -v a="$(median ct_header 1)" -v b="$(median ct_basic 1)" -v ca="$(median ct_header 2)" -v cb="$(median ct_basic 2)" \
  -v n="$N" 'BEGIN {printf "CT: screening every slice costs %.2fx the header-only wall time (+%.2f ms CPU per slice); %.0f slices/s (target >= 1000)\n",
                    b / a, 1000 * (cb - ca) / n, n / b}'
awk -v a="$(median ct_header 1)" -v b="$(median ct_phi 1)" -v ca="$(median ct_header 2)" -v cb="$(median ct_phi 2)" \
  -v n="$N" 'BEGIN {printf "CT: searching every slice costs %.2fx the header-only wall time (+%.2f ms CPU per slice)\n",
                    b / a, 1000 * (cb - ca) / n}'
awk -v w="$(median mixed_phi 1)" -v f="$(tail -1 "$WORK/t.mixed_phi" | cut -d' ' -f3)" \
  'BEGIN {printf "mixed: %.0f images/s (target >= 500 on 2 cores)\n", f / w}'
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg) (anything else running skews the numbers)"
