-- rwdgate provenance store, schema version 3: remote release targets, the
-- nightly incremental run and cohort selection (issue 12).

-- Which key a run used: its fingerprint (SHA-256 of the key bytes, hex), so
-- an incremental run trusts only results obtained with the same key.
ALTER TABLE runs ADD COLUMN key_fingerprint TEXT;
-- The release target of a run: a folder path or a URL without credentials.
ALTER TABLE runs ADD COLUMN release_target TEXT;

-- The modification time of an input (ns since the epoch), so an incremental
-- run can trust (path, size, mtime) without re-reading the file.
ALTER TABLE objects ADD COLUMN mtime_ns INTEGER;

-- Objects a remote release target (C-STORE, STOW-RS) confirmed. A series
-- stays 'releasing' until every released object of it is here; the next
-- start sends only the others (an object is never sent again once the peer
-- said success). A folder target needs no row: the rename is the record.
CREATE TABLE deliveries (
  object_id     INTEGER PRIMARY KEY REFERENCES objects (id),
  series_id     INTEGER NOT NULL REFERENCES series (id),
  target        TEXT NOT NULL,  -- URL without credentials
  delivered_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX deliveries_series ON deliveries (series_id);
CREATE INDEX objects_source ON objects (source_path);
