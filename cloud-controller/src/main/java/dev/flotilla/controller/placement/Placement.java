package dev.flotilla.controller.placement;

import dev.flotilla.controller.model.Deployment;
import dev.flotilla.protocol.NodeId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Where every deployment runs, as {@link Scheduler#place} decided it.
 *
 * @param byNode for every node, the deployments placed on it in placement order (the ones others
 *     depend on first, then the older first); nodes with nothing placed map to an empty list
 * @param placedCount for every deployment, on how many nodes it is placed
 * @param wanted for every deployment, how many nodes it asked for: its replicas, or for an
 *     every-node deployment the nodes its selector matches
 * @param nextChangeAt the earliest time this placement changes by itself (an unreachable node's
 *     grace running out, when its replicas move); null when nothing is waiting on the clock
 */
public record Placement(
    Map<NodeId, List<Deployment>> byNode,
    Map<String, Integer> placedCount,
    Map<String, Integer> wanted,
    @Nullable Instant nextChangeAt) {
  public Placement {
    byNode = Map.copyOf(byNode);
    placedCount = Map.copyOf(placedCount);
    wanted = Map.copyOf(wanted);
  }

  /** The deployments on {@code node}, empty when none (or no such node). */
  public List<Deployment> on(NodeId node) {
    return byNode.getOrDefault(node, List.of());
  }
}
