package dev.flotilla.controller.model;

import dev.flotilla.protocol.NodeId;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * An enrolled node as stored.
 *
 * @param taints keep deployments that do not tolerate them away (placement)
 * @param lastSeenAt when a status or presence last arrived; null when never
 * @param desiredGeneration the generation last dispatched to it; 0 when none
 * @param observedGeneration the generation it last reported applied
 */
public record Node(
    NodeId id,
    String profile,
    SortedMap<String, String> labels,
    boolean cordoned,
    List<Taint> taints,
    Instant enrolledAt,
    NodeState state,
    Instant stateSince,
    Presence presence,
    @Nullable Instant lastSeenAt,
    String agentVersion,
    long desiredGeneration,
    long observedGeneration,
    Usage usage) {
  public Node {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(profile, "profile");
    labels = Collections.unmodifiableSortedMap(new TreeMap<>(labels));
    taints = List.copyOf(taints);
    Objects.requireNonNull(enrolledAt, "enrolledAt");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(stateSince, "stateSince");
    Objects.requireNonNull(presence, "presence");
    Objects.requireNonNull(agentVersion, "agentVersion");
    Objects.requireNonNull(usage, "usage");
  }

  /** Resource use the node last reported; zeros when unknown. */
  public record Usage(long cpuMillis, long memoryBytes, long memoryLimitBytes, long diskFreeBytes) {
    public static final Usage UNKNOWN = new Usage(0, 0, 0, 0);
  }
}
