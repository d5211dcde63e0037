package dev.flotilla.controller.model;

import dev.flotilla.profiles.Architecture;
import dev.flotilla.profiles.FirmwareVersion;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Where a deployment may run beyond its node selector: the manifest's {@code spec.placement}, with
 * defaults filled in. {@link #EVERY_NODE} (no section) places it on every node the selector matches
 * that has room for it.
 *
 * @param replicas null places on every matching node (the daemon-set case); a number places that
 *     many copies over the matching nodes
 * @param architectures the node's profile must have one of these; empty allows any
 * @param minFirmwareVersion the node's profile firmware must be at least this; null for any
 * @param peripherals peripheral name (as in profiles: {@code gpu}, {@code serial}, {@code camera},
 *     ...) to the number the workload needs
 * @param tolerations taints this deployment may run despite
 * @param affinity deployments it must run beside (same node, or same topology value)
 * @param antiAffinity deployments it must keep away from (same node, or same topology value)
 * @param spread at most so many nodes per value of a topology label
 */
public record PlacementSpec(
    @Nullable Integer replicas,
    SortedSet<Architecture> architectures,
    @Nullable FirmwareVersion minFirmwareVersion,
    SortedMap<String, Integer> peripherals,
    List<Toleration> tolerations,
    List<DeploymentAffinity> affinity,
    List<DeploymentAffinity> antiAffinity,
    List<Spread> spread) {

  public static final PlacementSpec EVERY_NODE =
      new PlacementSpec(
          null, new TreeSet<>(), null, new TreeMap<>(), List.of(), List.of(), List.of(), List.of());

  public PlacementSpec {
    if (replicas != null && replicas < 1) {
      throw new IllegalArgumentException("replicas must be at least 1");
    }
    architectures = Collections.unmodifiableSortedSet(new TreeSet<>(architectures));
    peripherals = Collections.unmodifiableSortedMap(new TreeMap<>(peripherals));
    tolerations = List.copyOf(tolerations);
    affinity = List.copyOf(affinity);
    antiAffinity = List.copyOf(antiAffinity);
    spread = List.copyOf(spread);
  }

  /** Whether this places on every matching node rather than a number of replicas. */
  public boolean everyNode() {
    return replicas == null;
  }

  /**
   * A rule about another deployment.
   *
   * @param deployment the other deployment's name
   * @param topologyKey null: the same node; a label key such as {@code site}: the same value of
   *     that label
   */
  public record DeploymentAffinity(String deployment, @Nullable String topologyKey) {
    public DeploymentAffinity {
      Objects.requireNonNull(deployment, "deployment");
    }
  }

  /**
   * At most {@code maxPerValue} nodes with the same value of the label {@code topologyKey} run this
   * deployment; nodes without the label are left out, as Kubernetes does for topology spread.
   */
  public record Spread(String topologyKey, int maxPerValue) {
    public Spread {
      Objects.requireNonNull(topologyKey, "topologyKey");
      if (maxPerValue < 1) {
        throw new IllegalArgumentException("maxPerValue must be at least 1");
      }
    }
  }
}
