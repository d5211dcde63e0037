package dev.flotilla.controller.rollout;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One rollout as stored: the durable half of the state machine. The nodes it released are kept
 * beside it ({@link ReleasedNode}); the strategy is the deployment's, read live.
 *
 * @param id increasing over the whole controller, never reused
 * @param fromRevision what the targeted nodes ran when it started (and go back to if it stops)
 * @param toRevision the revision it brings
 * @param step the current canary step or wave, from 0; always 0 for rolling and all-at-once
 * @param stepStartedAt when the current step began
 * @param pausedUntil a timed pause: nothing more is released before it; null when none
 * @param pauseReason why it is {@link RolloutState#PAUSED}; empty otherwise
 * @param acceptedFailures failed nodes an operator accepted by resuming; the error threshold counts
 *     only failures beyond them
 * @param overrideWindows an operator's emergency override: nodes update outside maintenance windows
 * @param cause {@code apply} (a new template) or {@code undo}
 * @param message the last thing that happened to it, for people
 * @param finishedAt when it reached a final state; null while active
 * @param version bumped by every stored change; changes are compare-and-set on it, so a step is
 *     never taken twice
 */
public record RolloutRecord(
    long id,
    String deployment,
    int fromRevision,
    int toRevision,
    RolloutState state,
    int step,
    Instant stepStartedAt,
    @Nullable Instant pausedUntil,
    String pauseReason,
    int acceptedFailures,
    boolean overrideWindows,
    String cause,
    String message,
    Instant createdAt,
    Instant updatedAt,
    @Nullable Instant finishedAt,
    long version) {
  public RolloutRecord {
    Objects.requireNonNull(deployment, "deployment");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(stepStartedAt, "stepStartedAt");
    Objects.requireNonNull(pauseReason, "pauseReason");
    Objects.requireNonNull(cause, "cause");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }

  /** This rollout as storing {@code u} at {@code at} leaves it (the next version). */
  public RolloutRecord after(RolloutUpdate u, Instant at) {
    return new RolloutRecord(
        id,
        deployment,
        fromRevision,
        toRevision,
        u.state(),
        u.step(),
        u.stepStartedAt(),
        u.pausedUntil(),
        u.pauseReason(),
        u.acceptedFailures(),
        u.overrideWindows(),
        cause,
        u.message(),
        createdAt,
        at,
        u.finishedAt(),
        version + 1);
  }
}
