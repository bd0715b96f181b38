#!/usr/bin/env bash
# The whole pipeline on a small synthetic PACS export: installs what is
# missing, builds, writes the export, de-identifies it, and says where the
# cohort, the database and the summary are.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh

demo=demo-out
rm -rf "$demo/export" "$demo/cohort"
mkdir -p "$demo"
echo
echo "== 1. A synthetic PACS export (made-up patients; PHI in headers, nested sequences, private tags)"
build/tests/fixtures/rwdgate-synth --out "$demo/export" --patients 3 --ultrasound --dicomdir

echo
echo "== 2. rwdgate run --profile profiles/basic.yaml"
set +e
build/gateway/rwdgate run --profile profiles/basic.yaml --input "$demo/export" \
  --output "$demo/cohort" --workdir "$demo/work" --json > "$demo/summary.json"
status=$?
set -e
echo "(exit code $status; 0 = run completed)"
[ "$status" -eq 0 ] || exit "$status"

echo
echo "== 3. What happened to every file (from the provenance database)"
sqlite3 -column -header "$demo/work/rwdgate.db" "
  SELECT state, count(*) AS files FROM objects
  WHERE run_id = (SELECT max(id) FROM runs) GROUP BY state ORDER BY state;"
echo
echo "Not released, and why:"
sqlite3 -column -header "$demo/work/rwdgate.db" "
  SELECT state, reason_code, source_path, reason FROM objects
  WHERE run_id = (SELECT max(id) FROM runs) AND state != 'released' ORDER BY state, source_path;"

echo
echo "== Where things are"
echo "  cohort (released, de-identified):  $demo/cohort/<patient>/<study>/<series>/<instance>.dcm"
echo "  provenance database:               $demo/work/rwdgate.db   (tables: see db/SCHEMA.md)"
echo "  quarantine (originals, 0700):      $demo/work/quarantine/"
echo "  project key (0600, keep it safe):  $demo/work/project.key"
echo "  run summary (JSON):                $demo/summary.json"
echo "  look at a released file:           dcmdump \$(find $demo/cohort -name '*.dcm' | head -1)"
