-- Schema version 2: blue-green updates, one row per workload that has one in progress or that
-- the node gave up on. Applied once by SchemaMigrations; never edit it after release.
CREATE TABLE blue_green (
  workload        TEXT    NOT NULL PRIMARY KEY,
  -- The new revision's spec hash: the row is about this spec only.
  spec_hash       TEXT    NOT NULL,
  revision        TEXT    NOT NULL,
  -- When the new container was first created beside the old one (epoch ms); the give-up
  -- clock runs from here.
  started_at_ms   INTEGER NOT NULL,
  -- Exits of the new container so far, and when it may be restarted next (rounded up).
  failures        INTEGER NOT NULL CHECK (failures >= 0),
  not_before_ms   INTEGER NOT NULL,
  -- Set when the node fell back: this spec hash is not tried again while the old one runs.
  abandoned_at_ms INTEGER,
  reason          TEXT    NOT NULL
) WITHOUT ROWID;
