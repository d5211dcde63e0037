-- Flotilla controller store, version 1.
-- Portable between SQLite (default) and PostgreSQL: no AUTOINCREMENT/SERIAL, times are epoch
-- milliseconds in BIGINT, JSON documents in TEXT, booleans as BOOLEAN, upserts as
-- INSERT ... ON CONFLICT.

-- Enrolled nodes: identity, labels, credentials, liveness and the last observed status.
CREATE TABLE nodes (
  id                  VARCHAR(63)  NOT NULL PRIMARY KEY,
  profile             VARCHAR(128) NOT NULL,
  labels              TEXT         NOT NULL,       -- JSON object, keys sorted
  cordoned            BOOLEAN      NOT NULL,
  credential_hash     VARCHAR(128) NOT NULL,       -- SHA-256 of the MQTT password, hex
  enrolled_at         BIGINT       NOT NULL,
  state               VARCHAR(16)  NOT NULL,       -- PENDING | READY | NOT_READY | UNREACHABLE
  state_since         BIGINT       NOT NULL,
  presence            VARCHAR(16)  NOT NULL,       -- UNKNOWN | ONLINE | OFFLINE
  presence_at         BIGINT       NOT NULL,
  last_seen_at        BIGINT,                      -- last status or presence received; NULL: never
  agent_version       VARCHAR(64)  NOT NULL,
  boot_id             VARCHAR(64)  NOT NULL,
  status_sequence     BIGINT       NOT NULL,       -- highest status sequence stored (dedup)
  observed_generation BIGINT       NOT NULL,
  cpu_millis          BIGINT       NOT NULL,
  memory_bytes        BIGINT       NOT NULL,
  memory_limit_bytes  BIGINT       NOT NULL,
  disk_free_bytes     BIGINT       NOT NULL
);

-- What each node was last sent: its generation, the content hash that decides whether a new
-- generation is needed, and the signed message, kept until the broker acknowledged it.
CREATE TABLE node_desired (
  node_id       VARCHAR(63)  NOT NULL PRIMARY KEY REFERENCES nodes (id) ON DELETE CASCADE,
  generation    BIGINT       NOT NULL,
  content_hash  VARCHAR(64)  NOT NULL,
  revisions     TEXT         NOT NULL,   -- JSON object: deployment name -> revision
  signed        TEXT         NOT NULL,   -- Base64 of the SignedDesiredState
  published     BOOLEAN      NOT NULL,
  issued_at     BIGINT       NOT NULL
);

-- The workloads a node reported in its last full status.
CREATE TABLE node_workloads (
  node_id        VARCHAR(63)   NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
  name           VARCHAR(63)   NOT NULL,
  revision       VARCHAR(64)   NOT NULL,
  state          VARCHAR(16)   NOT NULL,
  health         VARCHAR(16)   NOT NULL,
  restart_count  BIGINT        NOT NULL,
  message        VARCHAR(1024) NOT NULL,
  since          BIGINT,
  PRIMARY KEY (node_id, name)
);

CREATE TABLE deployments (
  name        VARCHAR(63) NOT NULL PRIMARY KEY,
  revision    INTEGER     NOT NULL,   -- the current revision
  manifest    TEXT        NOT NULL,   -- canonical manifest, JSON
  created_at  BIGINT      NOT NULL,
  updated_at  BIGINT      NOT NULL
);

-- Every workload template a deployment has had; immutable once written.
CREATE TABLE revisions (
  deployment     VARCHAR(63) NOT NULL REFERENCES deployments (name) ON DELETE CASCADE,
  revision       INTEGER     NOT NULL,
  template_hash  VARCHAR(64) NOT NULL,
  manifest       TEXT        NOT NULL,
  created_at     BIGINT      NOT NULL,
  PRIMARY KEY (deployment, revision)
);

-- Events from nodes (node_id, sequence as the node numbered them) and from the controller
-- (node_id '' with the controller's own numbering). ingest_order is the order they were stored.
CREATE TABLE events (
  node_id      VARCHAR(63)   NOT NULL,
  sequence     BIGINT        NOT NULL,
  ingest_order BIGINT        NOT NULL,
  at           BIGINT        NOT NULL,
  received_at  BIGINT        NOT NULL,
  severity     VARCHAR(16)   NOT NULL,
  type         VARCHAR(128)  NOT NULL,
  workload     VARCHAR(63)   NOT NULL,
  generation   BIGINT        NOT NULL,
  message      VARCHAR(2048) NOT NULL,
  attributes   TEXT          NOT NULL,   -- JSON object
  PRIMARY KEY (node_id, sequence)
);
CREATE UNIQUE INDEX events_by_order ON events (ingest_order);
CREATE INDEX events_by_workload ON events (workload, ingest_order);
CREATE INDEX events_by_node ON events (node_id, ingest_order);

-- API tokens (role ADMIN or VIEWER) and bootstrap tokens for enrollment; only hashes are kept.
CREATE TABLE api_tokens (
  id          VARCHAR(32)  NOT NULL PRIMARY KEY,
  token_hash  VARCHAR(64)  NOT NULL UNIQUE,
  role        VARCHAR(16)  NOT NULL,
  description VARCHAR(256) NOT NULL,
  created_at  BIGINT       NOT NULL,
  expires_at  BIGINT
);

CREATE TABLE enrollment_tokens (
  id          VARCHAR(32)  NOT NULL PRIMARY KEY,
  token_hash  VARCHAR(64)  NOT NULL UNIQUE,
  description VARCHAR(256) NOT NULL,
  max_uses    INTEGER      NOT NULL,
  uses        INTEGER      NOT NULL,
  created_at  BIGINT       NOT NULL,
  expires_at  BIGINT       NOT NULL
);
