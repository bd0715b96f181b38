-- rwdgate provenance store, schema version 2: the series phase (DESIGN.md
-- "The pipeline"). An object that passes the object stages is written to the
-- staging area and recorded as 'staged' before anything of it can appear in
-- the output; when its series has passed the series stages, the row becomes
-- 'released' (or 'quarantined', or 'rejected' when the run that staged it
-- was interrupted and the object was redone by a later run) in the
-- transaction that records the series' release. That one change of a
-- staged row is the only UPDATE objects allows.

-- One series of one run, as the series phase saw it.
CREATE TABLE series (
  id              INTEGER PRIMARY KEY,
  run_id          INTEGER NOT NULL REFERENCES runs (id),
  new_study_uid   TEXT NOT NULL,
  new_series_uid  TEXT NOT NULL,
  patient         TEXT,              -- the pseudonym (folder name in the output)
  modality        TEXT,
  state           TEXT NOT NULL CHECK (state IN ('releasing', 'released', 'quarantined')),
  objects         INTEGER NOT NULL CHECK (objects >= 0),   -- staged objects of the series
  released        INTEGER NOT NULL CHECK (released >= 0),  -- of them released
  reason_code     TEXT,
  reason          TEXT,
  geometry        TEXT CHECK (geometry IS NULL OR json_valid(geometry)),
  qc              TEXT CHECK (qc IS NULL OR json_valid(qc)),        -- {"verdict", "flags"} of the QC stage
  deface          TEXT CHECK (deface IS NULL OR json_valid(deface)), -- the defacing verdict and gate figures
  decided_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (run_id, new_study_uid, new_series_uid)
);
CREATE INDEX series_state ON series (state) WHERE state = 'releasing';

ALTER TABLE objects ADD COLUMN staging_path TEXT;  -- where the object was staged
ALTER TABLE objects ADD COLUMN patient TEXT;       -- the pseudonym (output folder)
ALTER TABLE objects ADD COLUMN source_sealed TEXT; -- the source path sealed with the key (--record-paths hmac)
ALTER TABLE objects ADD COLUMN facts TEXT CHECK (facts IS NULL OR json_valid(facts));  -- geometry for series stages
ALTER TABLE objects ADD COLUMN released_at TEXT;   -- when the row left 'staged'
ALTER TABLE objects ADD COLUMN series_id INTEGER REFERENCES series (id);
CREATE INDEX objects_run_series ON objects (run_id, new_study_uid, new_series_uid) WHERE state = 'staged';
CREATE INDEX objects_series ON objects (series_id) WHERE series_id IS NOT NULL;


ALTER TABLE series_checks ADD COLUMN new_series_uid TEXT;
ALTER TABLE series_checks ADD COLUMN series_id INTEGER REFERENCES series (id);

DROP TRIGGER objects_no_update;
CREATE TRIGGER objects_no_update BEFORE UPDATE ON objects
WHEN NOT (OLD.state = 'staged' AND NEW.state IN ('staged', 'released', 'quarantined', 'rejected')
          AND NEW.id = OLD.id AND NEW.run_id = OLD.run_id AND NEW.source_path IS OLD.source_path
          AND NEW.size_in IS OLD.size_in AND NEW.sha256_in IS OLD.sha256_in
          AND NEW.hmac_sop_uid IS OLD.hmac_sop_uid AND NEW.new_sop_uid IS OLD.new_sop_uid
          AND NEW.new_series_uid IS OLD.new_series_uid AND NEW.new_study_uid IS OLD.new_study_uid
          AND NEW.processed_at IS OLD.processed_at)
BEGIN SELECT RAISE(ABORT, 'objects is append-only (audit trail): only a staged row may change (its output, when a series stage rewrote it, and once its final state)'); END;

-- Last: 'staged' joins the allowed states. SQLite cannot ALTER a CHECK; the
-- documented way for a change that accepts every existing row is to edit the
-- stored table definition (lang_altertable.html, "other kinds of changes").
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, 'CHECK (state IN (''released'', ''quarantined'', ''rejected''))',
                          'CHECK (state IN (''staged'', ''released'', ''quarantined'', ''rejected''))')
 WHERE type = 'table' AND name = 'objects';
PRAGMA writable_schema = RESET;
