#!/usr/bin/env bash
# Configures (once) and builds rwdgate in ./build. Used by test.sh and demo.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f build/CMakeCache.txt ]; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
# Two jobs: the machines this runs on have two cores and ample memory.
cmake --build build -j "${RWD_JOBS:-2}" 2>&1 | grep -E "error|warning|Error" || true
test -x build/gateway/rwdgate || { echo "build failed: see 'cmake --build build'" >&2; exit 1; }
echo "build: ok (build/gateway/rwdgate)"
