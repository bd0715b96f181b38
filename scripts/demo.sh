#!/usr/bin/env bash
# The whole pipeline on a small synthetic PACS export: installs what is
# missing, builds, writes the export, de-identifies it, and says where the
# cohort, the database and the summary are.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh

demo=demo-out
rm -rf "$demo/export" "$demo/cohort" "$demo/cohort-research"
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
echo "== 4. The same export with profiles/research.yaml: dates shifted per patient, free text cleaned,"
echo "==    burned-in text found, read (Tesseract) and redacted where it is PHI"
build/gateway/rwdgate run --profile profiles/research.yaml --input "$demo/export" \
  --output "$demo/cohort-research" --workdir "$demo/work" --quiet --json > "$demo/summary-research.json"
sqlite3 -column -header "$demo/work/rwdgate.db" "
  SELECT o.source_path AS image, f.kind, json_extract(f.detail, '$.action') AS action,
         json_extract(f.detail, '$.reason') AS why, json_extract(f.detail, '$.box') AS box
  FROM findings f JOIN objects o ON o.id = f.object_id
  WHERE o.run_id = (SELECT max(id) FROM runs) AND f.stage = 'pixels' AND f.kind != 'pixels_cleaned';"
python3 -c "import json,sys; s=json.load(open(sys.argv[1])); print('  released', s['released'], 'quarantined', s['quarantined'], 'rejected', s['rejected'], '| burned-in text:', s['pixel_regions_redacted'], 'region(s) redacted in', s['pixel_images_redacted'], 'image(s)')" "$demo/summary-research.json"

echo
echo "== Where things are"
echo "  cohort (released, de-identified):  $demo/cohort/<patient>/<study>/<series>/<instance>.dcm"
echo "  research cohort (research.yaml):   $demo/cohort-research/"
echo "  provenance database:               $demo/work/rwdgate.db   (tables: see db/SCHEMA.md)"
echo "  quarantine (originals, 0700):      $demo/work/quarantine/"
echo "  project key (0600, keep it safe):  $demo/work/project.key"
echo "  run summary (JSON):                $demo/summary.json"
echo "  cohort report (open in a browser): $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["report"])' "$demo/summary-research.json")"
echo "  manifest (one row per instance):   next to the report: manifest.csv, manifest.json"
echo "  look at a released file:           dcmdump \$(find $demo/cohort -name '*.dcm' | head -1)"
