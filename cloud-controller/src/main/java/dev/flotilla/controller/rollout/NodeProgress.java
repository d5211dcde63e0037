package dev.flotilla.controller.rollout;

import dev.flotilla.controller.model.NodeState;
import dev.flotilla.controller.model.WorkloadObservation;
import dev.flotilla.protocol.NodeId;
import java.time.Instant;
import java.util.Objects;
import java.util.SortedMap;
import org.jspecify.annotations.Nullable;

/**
 * What the engine knows of one node a rollout targets (one the deployment is placed on).
 *
 * @param labels the node's labels (waves group by one of them)
 * @param state the node's liveness; {@link NodeState#UNREACHABLE} neither passes nor fails a step
 * @param stateSince when it entered that state: a node back from unreachable gets a fresh progress
 *     deadline from then
 * @param released null while the rollout has not released the new revision to it
 * @param observed what the node last reported of the deployment's workload; null when nothing
 */
public record NodeProgress(
    NodeId node,
    SortedMap<String, String> labels,
    NodeState state,
    Instant stateSince,
    @Nullable ReleasedNode released,
    @Nullable WorkloadObservation observed) {
  public NodeProgress {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(labels, "labels");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(stateSince, "stateSince");
  }
}
