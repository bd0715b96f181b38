-- rwdgate provenance store, schema version 1.
-- Documented column by column in db/SCHEMA.md. Never edit this file once
-- released: add 002_....sql instead. No BEGIN/COMMIT here: the migration
-- runner applies the file in its own transaction.
--
-- No clear-text PHI: original identifiers appear only as HMAC-SHA256 hex
-- digests computed by the caller: the CHECKs below refuse anything but 64
-- lowercase hex digits (ltrim(x, hex digits) = '' is a fast "all hex" test).
-- Timestamps are ISO-8601 UTC with milliseconds: 2024-05-01T09:30:00.000Z.

-- One execution of the gateway.
CREATE TABLE runs (
  id             INTEGER PRIMARY KEY,
  started_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  ended_at       TEXT,
  status         TEXT NOT NULL DEFAULT 'running'
                 CHECK (status IN ('running', 'completed', 'failed', 'interrupted')),
  profile_name   TEXT NOT NULL,
  profile_sha256 TEXT NOT NULL,
  tool_version   TEXT NOT NULL,
  arguments      TEXT NOT NULL DEFAULT '[]'
                 CHECK (json_valid(arguments) AND json_type(arguments) = 'array'),
  input_dir      TEXT,
  output_dir     TEXT,
  summary        TEXT CHECK (summary IS NULL OR json_valid(summary)),
  CHECK ((status = 'running') = (ended_at IS NULL))
);

-- One input file and what became of it. Append-only.
CREATE TABLE objects (
  id              INTEGER PRIMARY KEY,
  run_id          INTEGER NOT NULL REFERENCES runs (id),
  source_path     TEXT NOT NULL,
  size_in         INTEGER NOT NULL CHECK (size_in >= 0),
  sha256_in       TEXT CHECK (sha256_in IS NULL
                              OR (length(sha256_in) = 64 AND ltrim(sha256_in, '0123456789abcdef') = '')),
  sha256_out      TEXT CHECK (sha256_out IS NULL
                              OR (length(sha256_out) = 64 AND ltrim(sha256_out, '0123456789abcdef') = '')),
  size_out        INTEGER CHECK (size_out IS NULL OR size_out >= 0),
  sop_class_uid   TEXT,
  modality        TEXT,
  hmac_patient_id TEXT CHECK (hmac_patient_id IS NULL
                              OR (length(hmac_patient_id) = 64 AND ltrim(hmac_patient_id, '0123456789abcdef') = '')),
  hmac_study_uid  TEXT CHECK (hmac_study_uid IS NULL
                              OR (length(hmac_study_uid) = 64 AND ltrim(hmac_study_uid, '0123456789abcdef') = '')),
  hmac_series_uid TEXT CHECK (hmac_series_uid IS NULL
                              OR (length(hmac_series_uid) = 64 AND ltrim(hmac_series_uid, '0123456789abcdef') = '')),
  hmac_sop_uid    TEXT CHECK (hmac_sop_uid IS NULL
                              OR (length(hmac_sop_uid) = 64 AND ltrim(hmac_sop_uid, '0123456789abcdef') = '')),
  new_study_uid   TEXT,
  new_series_uid  TEXT,
  new_sop_uid     TEXT,
  state           TEXT NOT NULL CHECK (state IN ('released', 'quarantined', 'rejected')),
  reason_code     TEXT,
  reason          TEXT,
  output_path     TEXT,
  stage           TEXT NOT NULL,
  processed_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX objects_run_state ON objects (run_id, state);
CREATE INDEX objects_sha256_in ON objects (sha256_in);
CREATE INDEX objects_hmac_sop_uid ON objects (hmac_sop_uid);

-- What a stage noticed about an object. Append-only.
CREATE TABLE findings (
  id        INTEGER PRIMARY KEY,
  object_id INTEGER NOT NULL REFERENCES objects (id),
  stage     TEXT NOT NULL,
  kind      TEXT NOT NULL,
  detail    TEXT CHECK (detail IS NULL OR json_valid(detail))
);
CREATE INDEX findings_object ON findings (object_id);

-- Series-level quality checks (filled by the QC stage in a later version).
CREATE TABLE series_checks (
  id              INTEGER PRIMARY KEY,
  run_id          INTEGER NOT NULL REFERENCES runs (id),
  hmac_series_uid TEXT NOT NULL CHECK (length(hmac_series_uid) = 64
                                       AND ltrim(hmac_series_uid, '0123456789abcdef') = ''),
  check_name      TEXT NOT NULL,
  value           REAL,
  threshold       REAL,
  verdict         TEXT NOT NULL
);
CREATE INDEX series_checks_run_series ON series_checks (run_id, hmac_series_uid);

-- Named sets of released objects (used in a later version).
CREATE TABLE cohorts (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  run_id     INTEGER REFERENCES runs (id)
);
CREATE TABLE cohort_members (
  cohort_id INTEGER NOT NULL REFERENCES cohorts (id),
  object_id INTEGER NOT NULL REFERENCES objects (id),
  PRIMARY KEY (cohort_id, object_id)
) WITHOUT ROWID;
CREATE INDEX cohort_members_object ON cohort_members (object_id);

-- Audit trail: objects and findings are append-only; runs are never deleted,
-- only their outcome (status, ended_at, summary) is written once, when the
-- run ends, and an ended run takes no new objects. These guard against mistakes, not against someone with write
-- access to the file (DROP TRIGGER is always possible).
CREATE TRIGGER objects_no_update BEFORE UPDATE ON objects
BEGIN SELECT RAISE(ABORT, 'objects is append-only (audit trail): UPDATE refused'); END;
CREATE TRIGGER objects_no_delete BEFORE DELETE ON objects
BEGIN SELECT RAISE(ABORT, 'objects is append-only (audit trail): DELETE refused'); END;
CREATE TRIGGER findings_no_update BEFORE UPDATE ON findings
BEGIN SELECT RAISE(ABORT, 'findings is append-only (audit trail): UPDATE refused'); END;
CREATE TRIGGER findings_no_delete BEFORE DELETE ON findings
BEGIN SELECT RAISE(ABORT, 'findings is append-only (audit trail): DELETE refused'); END;
CREATE TRIGGER objects_run_open BEFORE INSERT ON objects
WHEN (SELECT status FROM runs WHERE id = NEW.run_id) <> 'running'
BEGIN SELECT RAISE(ABORT, 'objects: the run has ended; no new objects'); END;
CREATE TRIGGER runs_no_delete BEFORE DELETE ON runs
BEGIN SELECT RAISE(ABORT, 'runs are kept (audit trail): DELETE refused'); END;
CREATE TRIGGER runs_fixed_columns
BEFORE UPDATE OF id, started_at, profile_name, profile_sha256, tool_version,
                 arguments, input_dir, output_dir ON runs
BEGIN SELECT RAISE(ABORT, 'runs: only status, ended_at and summary may change'); END;
CREATE TRIGGER runs_final BEFORE UPDATE ON runs WHEN OLD.status <> 'running'
BEGIN SELECT RAISE(ABORT, 'runs: a run that has ended is final'); END;
