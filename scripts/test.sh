#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test with ctest.
#
#   scripts/test.sh [--asan] [CTEST ARGS...]
#
# --asan: the whole suite built in ./build-asan with AddressSanitizer and
# UndefinedBehaviorSanitizer (gcc; -fno-sanitize-recover: any report fails
# the test that caused it). Slower: about 2-3x the normal build and run.
set -euo pipefail
cd "$(dirname "$0")/.."
ASAN=0
if [ "${1:-}" = "--asan" ]; then ASAN=1; shift; fi
bash scripts/install-deps.sh
if [ "$ASAN" = 0 ]; then
  bash scripts/build.sh
  cd build
  ctest --output-on-failure -j 2 "$@"
  exit
fi

SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
# build-asan is configured once, with the sanitizers, and never shares objects
# with ./build: a cache configured otherwise would silently test nothing.
if [ -f build-asan/CMakeCache.txt ] && ! grep -q -- "-fsanitize=address" build-asan/CMakeCache.txt; then
  echo "asan: build-asan was configured without the sanitizers; remove it and rerun" >&2
  exit 1
fi
if [ ! -f build-asan/CMakeCache.txt ]; then
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS="$SAN" -DCMAKE_EXE_LINKER_FLAGS="$SAN" -DCMAKE_SHARED_LINKER_FLAGS="$SAN" >/dev/null
fi
cmake --build build-asan -j "${RWD_JOBS:-2}" 2>&1 | grep -E "error|Error" || true
test -x build-asan/gateway/rwdgate || { echo "asan build failed: see 'cmake --build build-asan'" >&2; exit 1; }
# Leaks are reported too; DCMTK's and Tesseract's one-time globals are not ours.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1"
export LSAN_OPTIONS="suppressions=$(pwd)/scripts/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
# Suites left out under the sanitizers, as a ctest -E regex, each with why:
# (none: every suite runs; see the README for the times measured).
ASAN_EXCLUDE=""
cd build-asan
ctest --output-on-failure -j 2 --timeout 1500 ${ASAN_EXCLUDE:+-E "$ASAN_EXCLUDE"} "$@"
