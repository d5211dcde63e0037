-- Rollouts: how a deployment's new revision reaches its nodes. Portable between SQLite and
-- PostgreSQL like V1 (epoch milliseconds in BIGINT, no AUTOINCREMENT/SERIAL).
--
-- From this version on deployments.revision is the deployment's TARGET revision. Nodes an active
-- rollout has not released yet stay on its from_revision (the stable revision); with no active
-- rollout every node runs deployments.revision.

-- Ids handed out from a counter row rather than MAX(id) + 1: a rollout id is never reused, even
-- after the deployment holding the newest rollout was deleted (a late step computed for the old
-- rollout must not match a new one), and the row lock serialises allocation on PostgreSQL too.
CREATE TABLE id_counters (
  name        VARCHAR(63) NOT NULL PRIMARY KEY,
  next_value  BIGINT      NOT NULL
);
INSERT INTO id_counters (name, next_value) VALUES ('rollouts', 1);

-- One row per rollout, active or finished. At most one is active (PROGRESSING or PAUSED) per
-- deployment; every change bumps version, and changes are compare-and-set on it.
CREATE TABLE rollouts (
  id                 BIGINT        NOT NULL PRIMARY KEY,   -- from id_counters 'rollouts'
  deployment         VARCHAR(63)   NOT NULL REFERENCES deployments (name) ON DELETE CASCADE,
  from_revision      INTEGER       NOT NULL,   -- what unreleased nodes run, and go back to
  to_revision        INTEGER       NOT NULL,   -- the revision it brings
  state              VARCHAR(16)   NOT NULL,   -- PROGRESSING | PAUSED | SUCCEEDED | ROLLED_BACK
                                               -- | ABORTED | SUPERSEDED
  step               INTEGER       NOT NULL,   -- canary step or wave, from 0
  step_started_at    BIGINT        NOT NULL,
  paused_until       BIGINT,                   -- a timed pause; NULL: none
  pause_reason       VARCHAR(1024) NOT NULL,   -- why it is PAUSED; '' otherwise
  accepted_failures  INTEGER       NOT NULL,   -- failed nodes an operator accepted by resuming
  override_windows   BOOLEAN       NOT NULL,   -- nodes update outside maintenance windows
  cause              VARCHAR(16)   NOT NULL,   -- apply | undo
  message            VARCHAR(1024) NOT NULL,   -- the last thing that happened to it
  created_at         BIGINT        NOT NULL,
  updated_at         BIGINT        NOT NULL,
  finished_at        BIGINT,                   -- NULL while active
  version            BIGINT        NOT NULL
);
CREATE INDEX rollouts_by_deployment ON rollouts (deployment, id);
-- The active rollouts only: keeps "at most one active per deployment" true in the database and
-- lets the engine find every active rollout without reading finished ones.
CREATE UNIQUE INDEX rollouts_active ON rollouts (deployment)
  WHERE state IN ('PROGRESSING', 'PAUSED');

-- The nodes a rollout released its revision to, and those it counted failed (sticky for the
-- rollout). node_id is deliberately not a reference to nodes: a deleted node stays in the record.
CREATE TABLE rollout_nodes (
  rollout_id   BIGINT        NOT NULL REFERENCES rollouts (id) ON DELETE CASCADE,
  node_id      VARCHAR(63)   NOT NULL,
  released_at  BIGINT        NOT NULL,
  failed_at    BIGINT,                   -- NULL: not failed
  failure      VARCHAR(1024) NOT NULL,   -- why it failed; '' while it has not
  PRIMARY KEY (rollout_id, node_id)
);

-- A rollout reads every node's observation of one workload per step.
CREATE INDEX node_workloads_by_name ON node_workloads (name);
