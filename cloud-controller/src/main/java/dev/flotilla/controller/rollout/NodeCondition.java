package dev.flotilla.controller.rollout;

/** Where one targeted node stands in a rollout (see {@link RolloutEngine#classify}). */
public enum NodeCondition {
  /** Not released yet: it runs the revision the rollout started from. */
  PENDING,
  /** Released, not yet reporting the new revision running and healthy for the soak time. */
  UPDATING,
  /** Released, and its agent holds the update until a maintenance window opens. */
  WAITING,
  /** Released, and the new revision has been running and healthy for the soak time. */
  UPDATED,
  /**
   * Released, and the new revision crash-looped, failed, failed its probe or missed the deadline.
   */
  FAILED,
  /** Released but unreachable: it neither passes nor fails; it converges when it returns. */
  UNREACHABLE
}
