package dev.flotilla.controller.model;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The pure rule that turns what the controller knows of a node into its {@link NodeState}. */
public final class NodeStates {
  private NodeStates() {}

  /**
   * @param lastSeenAt when anything last arrived from the node; null when never
   * @param staleAfter how long silence may last before the node counts as unreachable
   */
  public static NodeState derive(
      Presence presence,
      @Nullable Instant lastSeenAt,
      Instant now,
      Duration staleAfter,
      long desiredGeneration,
      long observedGeneration,
      List<WorkloadObservation> workloads) {
    if (lastSeenAt == null && presence == Presence.UNKNOWN) {
      return NodeState.PENDING;
    }
    if (presence == Presence.OFFLINE) {
      return NodeState.UNREACHABLE;
    }
    if (lastSeenAt == null || lastSeenAt.plus(staleAfter).isBefore(now)) {
      return NodeState.UNREACHABLE;
    }
    if (observedGeneration < desiredGeneration) {
      return NodeState.NOT_READY;
    }
    for (WorkloadObservation w : workloads) {
      if (!w.ok()) {
        return NodeState.NOT_READY;
      }
    }
    return NodeState.READY;
  }
}
