package dev.flotilla.controller.model;

/**
 * Where a node stands, as the controller sees it.
 *
 * <pre>
 *   PENDING ──first presence/status──▶ READY ⇄ NOT_READY
 *                                        │ ▲        │ ▲
 *          presence OFFLINE or stale ───▼ │ ◀──────▼ │ presence ONLINE or a status
 *                                     UNREACHABLE
 * </pre>
 *
 * A node is never dropped for being away: it stays {@code UNREACHABLE} until it returns or an
 * operator deletes it.
 */
public enum NodeState {
  /** Enrolled, never heard from. */
  PENDING,
  /** Reachable; has applied its desired generation and every workload runs and is healthy. */
  READY,
  /** Reachable, but still converging or with a workload not running or not healthy. */
  NOT_READY,
  /** Its presence is OFFLINE or nothing has come from it for longer than the stale limit. */
  UNREACHABLE
}
