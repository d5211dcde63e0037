package dev.flotilla.controller.placement;

import dev.flotilla.controller.model.Deployment;
import dev.flotilla.controller.model.Node;
import dev.flotilla.profiles.ProfileCatalog;
import dev.flotilla.protocol.NodeId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything placement reads, taken at one moment: the scheduler is a pure function of it.
 *
 * @param nodes every enrolled node
 * @param deployments every deployment at its current revision
 * @param current for each node, the deployments its last desired state holds (what it runs or will
 *     run); placement keeps them where it can, so a recompute moves nothing needlessly
 * @param profiles the firmware profiles nodes name
 * @param now the time unreachable grace is measured against
 * @param unreachableGrace how long a replica waits on an unreachable node before it moves
 */
public record FleetSnapshot(
    List<Node> nodes,
    List<Deployment> deployments,
    Map<NodeId, Set<String>> current,
    ProfileCatalog profiles,
    Instant now,
    Duration unreachableGrace) {
  public FleetSnapshot {
    nodes = List.copyOf(nodes);
    deployments = List.copyOf(deployments);
    current = Map.copyOf(current);
    Objects.requireNonNull(profiles, "profiles");
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(unreachableGrace, "unreachableGrace");
  }
}
