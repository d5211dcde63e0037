-- Schema version 1 of the edge agent's store. Applied once, in one transaction, by
-- SchemaMigrations; never edit it after release: add a new step instead.

-- The last verified desired state: one row at most.
CREATE TABLE desired_state (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  generation  INTEGER NOT NULL,
  -- The SignedDesiredState bytes exactly as received, to verify again after a restart.
  signed_wire BLOB    NOT NULL,
  saved_at_ms INTEGER NOT NULL
);

-- Restart back-off, one row per workload that has one.
CREATE TABLE restart_state (
  workload      TEXT    NOT NULL PRIMARY KEY,
  failures      INTEGER NOT NULL,
  -- Epoch milliseconds, rounded up so that the agent never restarts early.
  not_before_ms INTEGER NOT NULL
) WITHOUT ROWID;

-- The last status the agent reported (encoded NodeStatus): one row at most.
CREATE TABLE last_status (
  id     INTEGER PRIMARY KEY CHECK (id = 1),
  status BLOB    NOT NULL
);

-- Counters, one row. outbox_events and outbox_bytes mirror COUNT(*) and SUM(size_bytes) of
-- the outbox and are kept in step with it in the same transactions, so that the bound is
-- checked without scanning up to 100,000 rows on every append.
CREATE TABLE counters (
  id                   INTEGER PRIMARY KEY CHECK (id = 1),
  next_event_sequence  INTEGER NOT NULL CHECK (next_event_sequence >= 1),
  next_status_sequence INTEGER NOT NULL CHECK (next_status_sequence >= 1),
  dropped_events       INTEGER NOT NULL CHECK (dropped_events >= 0),
  outbox_events        INTEGER NOT NULL CHECK (outbox_events >= 0),
  outbox_bytes         INTEGER NOT NULL CHECK (outbox_bytes >= 0)
);
INSERT INTO counters (id, next_event_sequence, next_status_sequence, dropped_events,
                      outbox_events, outbox_bytes)
VALUES (1, 1, 1, 0, 0, 0);

-- Events waiting for the controller. The sequence comes from counters.next_event_sequence,
-- never from SQLite's rowid allocation, so that it is never reused even when the outbox has
-- been emptied.
CREATE TABLE outbox (
  sequence   INTEGER PRIMARY KEY,
  -- The instant as google.protobuf.Timestamp has it: nothing is lost on the way to the wire.
  at_seconds INTEGER NOT NULL,
  at_nanos   INTEGER NOT NULL CHECK (at_nanos BETWEEN 0 AND 999999999),
  severity   TEXT    NOT NULL CHECK (severity IN ('INFO', 'WARNING', 'ERROR')),
  type       TEXT    NOT NULL,
  workload   TEXT    NOT NULL,
  generation INTEGER NOT NULL,
  message    TEXT    NOT NULL,
  -- AttributeCodec format 1.
  attributes BLOB    NOT NULL,
  -- What the row counts against the outbox's byte bound; see SqliteAgentStore.storedSize.
  size_bytes INTEGER NOT NULL CHECK (size_bytes > 0)
);
