package dev.flotilla.controller.rollout;

import dev.flotilla.protocol.NodeId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A change to store for one rollout, made by the engine's step or by an operator's command. Applied
 * in one transaction, only if the rollout's version is still the one it was computed from.
 *
 * @param release nodes to release the new revision to now (released at the update's time)
 * @param failures nodes newly counted failed, with why
 * @param finishedAt set when {@code state} is final. A rollout finishing as {@link
 *     RolloutState#ROLLED_BACK} or {@link RolloutState#ABORTED} also sets its deployment's revision
 *     back to {@code fromRevision} (if it is still {@code toRevision}), so every node goes back
 */
public record RolloutUpdate(
    RolloutState state,
    int step,
    Instant stepStartedAt,
    @Nullable Instant pausedUntil,
    String pauseReason,
    int acceptedFailures,
    boolean overrideWindows,
    String message,
    @Nullable Instant finishedAt,
    List<NodeId> release,
    Map<NodeId, String> failures) {
  public RolloutUpdate {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(stepStartedAt, "stepStartedAt");
    Objects.requireNonNull(pauseReason, "pauseReason");
    Objects.requireNonNull(message, "message");
    release = List.copyOf(release);
    failures = Map.copyOf(failures);
  }

  /** The same rollout with nothing changed: the starting point of an update. */
  public static RolloutUpdate of(RolloutRecord r) {
    return new RolloutUpdate(
        r.state(),
        r.step(),
        r.stepStartedAt(),
        r.pausedUntil(),
        r.pauseReason(),
        r.acceptedFailures(),
        r.overrideWindows(),
        r.message(),
        r.finishedAt(),
        List.of(),
        Map.of());
  }
}
