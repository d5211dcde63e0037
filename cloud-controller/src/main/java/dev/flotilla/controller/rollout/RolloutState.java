package dev.flotilla.controller.rollout;

/**
 * Where a rollout stands. {@link #PROGRESSING} and {@link #PAUSED} are active (at most one per
 * deployment); the others are final.
 */
public enum RolloutState {
  /** Releasing nodes and waiting on their health gates; may be in a timed pause. */
  PROGRESSING,
  /** Held until an operator resumes, promotes, aborts or undoes it. */
  PAUSED,
  /** Every targeted node has the new revision; it is now the deployment's stable revision. */
  SUCCEEDED,
  /** Stopped by a health gate: every node went back to the revision the rollout started from. */
  ROLLED_BACK,
  /** Stopped by an operator: every node went back to the revision the rollout started from. */
  ABORTED,
  /** A newer revision (or an undo) replaced it before it finished. */
  SUPERSEDED;

  public boolean active() {
    return this == PROGRESSING || this == PAUSED;
  }
}
