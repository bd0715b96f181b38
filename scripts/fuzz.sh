#!/usr/bin/env bash
# Builds the libFuzzer target (clang, ASan + UBSan on every rwdgate library)
# in its own build dir and runs it for SECONDS (default 60) on a corpus seeded
# from Debian's real DICOM test files. One process; run it under `nice -n 19`
# on shared machines.
#
#   scripts/fuzz.sh [SECONDS] [--no-build] [--build-dir DIR] [--seed-only] [--keep-going]
#
# --keep-going: fork mode (still one process at a time) that records a crash
# or out-of-memory input and goes on, for long unattended runs.
# --seed-only: corpus = seeds (a fresh copy each time; CI's 60 s run).
# Crashes are written to BUILD_DIR/fuzz-artifacts/ (crash-*, leak-*, timeout-*);
# the growing corpus is kept in BUILD_DIR/fuzz-corpus/ between runs.
set -euo pipefail
cd "$(dirname "$0")/.."
SRC="$(pwd)"
SECONDS_TO_RUN=60
BUILD_DIR="$SRC/build-fuzz"
BUILD=1
SEED_ONLY=0
KEEP_GOING=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) BUILD=0 ;;
    --build-dir) BUILD_DIR="$2"; shift ;;
    --seed-only) SEED_ONLY=1 ;;
    --keep-going) KEEP_GOING=(-fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1) ;;
    [0-9]*) SECONDS_TO_RUN="$1" ;;
    *) echo "usage: scripts/fuzz.sh [SECONDS] [--no-build] [--build-dir DIR] [--seed-only] [--keep-going]" >&2; exit 2 ;;
  esac
  shift
done

command -v clang++ >/dev/null || { echo "fuzz: clang++ missing (scripts/install-deps.sh --fuzz)" >&2; exit 2; }
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
if [ "$BUILD" = 1 ]; then
  if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
    cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
      -DRWD_FUZZ=ON -DBUILD_TESTING=OFF \
      -DCMAKE_CXX_FLAGS="$SAN -fsanitize=fuzzer-no-link" \
      -DCMAKE_EXE_LINKER_FLAGS="$SAN" >/dev/null
  fi
  cmake --build "$BUILD_DIR" -j "${RWD_JOBS:-1}" --target pipeline_fuzz
fi
BIN="$BUILD_DIR/tests/fuzz/pipeline_fuzz"
test -x "$BIN" || { echo "fuzz: $BIN not built" >&2; exit 1; }

# Seeds: real files from Debian packages (install-deps.sh), never patient data.
SEEDS="$BUILD_DIR/fuzz-seeds"
rm -rf "$SEEDS"; mkdir -p "$SEEDS"
i=0
while IFS= read -r -d '' f; do
  cp "$f" "$SEEDS/seed-$i"; i=$((i + 1))
done < <(find /usr/lib/python3/dist-packages/pydicom/data/test_files \
              /usr/share/octave/packages/dicom-0.5.1/imdata \
              /usr/lib/python3/dist-packages/nibabel/nicom/tests/data "$SRC/tests/fuzz/regressions" \
              -type f \( -name '*.dcm' -o -name 'DICOMDIR' -o -path '*dicomdirtests*' -o -path '*/regressions/*' \) ! -name README.md -size -600k -print0 2>/dev/null)
[ "$i" -gt 0 ] || { echo "fuzz: no seed files found (install-deps.sh installs them)" >&2; exit 1; }

ARTIFACTS="$BUILD_DIR/fuzz-artifacts"; mkdir -p "$ARTIFACTS"
if [ "$SEED_ONLY" = 1 ]; then
  CORPUS="$BUILD_DIR/fuzz-corpus-ci"; rm -rf "$CORPUS"
else
  CORPUS="$BUILD_DIR/fuzz-corpus"
fi
mkdir -p "$CORPUS"
echo "fuzz: $i seed files, ${SECONDS_TO_RUN}s, corpus $CORPUS, artifacts $ARTIFACTS"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:symbolize=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
exec "$BIN" "$CORPUS" "$SEEDS" -max_total_time="$SECONDS_TO_RUN" -timeout=30 -rss_limit_mb=2560 \
  -max_len=262144 -print_final_stats=1 -artifact_prefix="$ARTIFACTS/" ${KEEP_GOING[@]+"${KEEP_GOING[@]}"}
