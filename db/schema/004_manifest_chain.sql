-- rwdgate provenance store, schema version 4: the release manifest's chain
-- value in the objects rows (issue 13), so that an edited row shows.
--
-- A released object's row records the line of the release folder's signed
-- manifest.jsonl that lists it: its line number, its chain value and the time
-- written there. `rwdgate verify DIR --workdir W` recomputes each row's line
-- from the row (output path, SHA-256, size, new UIDs, run, profile) and
-- compares it with that line of the signed manifest: a row edited after the
-- release no longer matches its line, and its line cannot be re-signed
-- without the site's signing key.
ALTER TABLE objects ADD COLUMN manifest_seq INTEGER CHECK (manifest_seq IS NULL OR manifest_seq > 0);
ALTER TABLE objects ADD COLUMN manifest_chain TEXT
  CHECK (manifest_chain IS NULL OR (length(manifest_chain) = 64 AND ltrim(manifest_chain, '0123456789abcdef') = ''));
ALTER TABLE objects ADD COLUMN manifest_time TEXT
  CHECK (manifest_time IS NULL OR manifest_time GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z');
-- Released rows not yet in a manifest (a run killed between the rename into
-- the output and the manifest): the next run to the same folder lists them.
CREATE INDEX objects_unmanifested ON objects (id) WHERE state = 'released' AND manifest_chain IS NULL;

-- Besides the staged row's one change (002), a released row may take its
-- manifest line once, every other column unchanged.
DROP TRIGGER objects_no_update;
CREATE TRIGGER objects_no_update BEFORE UPDATE ON objects
WHEN NOT ((OLD.state = 'staged' AND NEW.state IN ('staged', 'released', 'quarantined', 'rejected')
           AND NEW.id = OLD.id AND NEW.run_id = OLD.run_id AND NEW.source_path IS OLD.source_path
           AND NEW.size_in IS OLD.size_in AND NEW.sha256_in IS OLD.sha256_in
           AND NEW.hmac_sop_uid IS OLD.hmac_sop_uid AND NEW.new_sop_uid IS OLD.new_sop_uid
           AND NEW.new_series_uid IS OLD.new_series_uid AND NEW.new_study_uid IS OLD.new_study_uid
           AND NEW.processed_at IS OLD.processed_at
           AND NEW.manifest_seq IS NULL AND NEW.manifest_chain IS NULL AND NEW.manifest_time IS NULL)
       OR (OLD.state = 'released' AND OLD.manifest_chain IS NULL
           AND NEW.manifest_seq IS NOT NULL AND NEW.manifest_chain IS NOT NULL AND NEW.manifest_time IS NOT NULL
           AND NEW.id = OLD.id AND NEW.run_id = OLD.run_id AND NEW.source_path IS OLD.source_path
           AND NEW.size_in IS OLD.size_in AND NEW.sha256_in IS OLD.sha256_in AND NEW.sha256_out IS OLD.sha256_out
           AND NEW.size_out IS OLD.size_out AND NEW.sop_class_uid IS OLD.sop_class_uid
           AND NEW.modality IS OLD.modality AND NEW.hmac_patient_id IS OLD.hmac_patient_id
           AND NEW.hmac_study_uid IS OLD.hmac_study_uid AND NEW.hmac_series_uid IS OLD.hmac_series_uid
           AND NEW.hmac_sop_uid IS OLD.hmac_sop_uid AND NEW.new_study_uid IS OLD.new_study_uid
           AND NEW.new_series_uid IS OLD.new_series_uid AND NEW.new_sop_uid IS OLD.new_sop_uid
           AND NEW.state IS OLD.state AND NEW.reason_code IS OLD.reason_code AND NEW.reason IS OLD.reason
           AND NEW.output_path IS OLD.output_path AND NEW.stage IS OLD.stage
           AND NEW.processed_at IS OLD.processed_at AND NEW.staging_path IS OLD.staging_path
           AND NEW.patient IS OLD.patient AND NEW.source_sealed IS OLD.source_sealed AND NEW.facts IS OLD.facts
           AND NEW.released_at IS OLD.released_at AND NEW.series_id IS OLD.series_id
           AND NEW.mtime_ns IS OLD.mtime_ns))
BEGIN SELECT RAISE(ABORT, 'objects is append-only (audit trail): only a staged row may change (its output, when a series stage rewrote it, and once its final state), and a released row once (its manifest line)'); END;
