package dev.flotilla.simulator.scenario;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Which nodes of the fleet a fault step hits: those that match every label and one of the profiles,
 * then, with {@code share} or {@code count}, that many of them, picked deterministically.
 *
 * @param labels every one must match; empty: any labels. Sorted by key.
 * @param profiles the node's profile must be one of them; empty: any profile
 * @param share nullable: the fraction of the matching nodes to pick, above 0 and at most 1
 * @param count nullable: the number of the matching nodes to pick, at least 1 (all of them when
 *     fewer match); at most one of {@code share} and {@code count} is set, neither: every matching
 *     node
 */
public record NodeSelector(
    Map<String, String> labels,
    List<String> profiles,
    @Nullable Double share,
    @Nullable Integer count) {

  /** Every node of the fleet. */
  public static final NodeSelector ALL = new NodeSelector(Map.of(), List.of(), null, null);

  public NodeSelector {
    labels = Collections.unmodifiableMap(new TreeMap<>(labels));
    profiles = List.copyOf(profiles);
    if (share != null && count != null) {
      throw new IllegalArgumentException("set share or count, not both");
    }
    if (share != null && !(share > 0 && share <= 1)) {
      throw new IllegalArgumentException("share must be above 0 and at most 1, got " + share);
    }
    if (count != null && count < 1) {
      throw new IllegalArgumentException("count must be at least 1, got " + count);
    }
  }

  /** Whether {@code node} has every label and one of the profiles (before share and count). */
  public boolean matches(NodeSpec node) {
    if (!profiles.isEmpty() && !profiles.contains(node.profile())) {
      return false;
    }
    for (Map.Entry<String, String> e : labels.entrySet()) {
      if (!e.getValue().equals(node.labels().get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /**
   * The ids of the selected nodes, in fleet order. Pure and deterministic: with a share or count,
   * the matching nodes are ranked by a stable hash of their id and {@code seed} (the same on every
   * JVM) and the first ones are taken, so the same fleet and seed always give the same nodes, and
   * with equal seeds a smaller share of the same matching nodes is part of a larger one.
   *
   * <p>A share takes {@code round(share × matching)} nodes, but at least one when any node matches:
   * a fault aimed at a share of a small fleet should not silently hit nothing.
   *
   * @param fleet every node of the fleet ({@link FleetSpec#allNodes()})
   * @param seed the fleet's seed ({@link FleetSpec#seed()}), or a value derived from it
   * @return ids of matching nodes; empty when none match
   */
  public List<String> select(List<NodeSpec> fleet, long seed) {
    List<NodeSpec> matching = new ArrayList<>();
    for (NodeSpec node : fleet) {
      if (matches(node)) {
        matching.add(node);
      }
    }
    int n = matching.size();
    if (share != null) {
      n = matching.isEmpty() ? 0 : (int) Math.max(1, Math.min(n, Math.round(share * n)));
    } else if (count != null) {
      n = Math.min(count, n);
    }
    if (n == matching.size()) {
      return matching.stream().map(NodeSpec::id).toList();
    }
    Set<String> picked =
        matching.stream()
            .sorted(
                Comparator.comparingLong((NodeSpec node) -> rank(node.id(), seed))
                    .thenComparing(NodeSpec::id))
            .limit(n)
            .map(NodeSpec::id)
            .collect(Collectors.toCollection(HashSet::new));
    return matching.stream().map(NodeSpec::id).filter(picked::contains).toList();
  }

  /**
   * One line for a timeline: {@code all nodes}, {@code 10% of nodes}, {@code 3 nodes with
   * district=d02 of profile raspberry-pi-4}.
   */
  public String describe() {
    StringBuilder out = new StringBuilder();
    if (share != null) {
      out.append(Shares.format(share)).append(" of nodes");
    } else if (count != null) {
      out.append(count).append(count == 1 ? " node" : " nodes");
    } else {
      out.append(labels.isEmpty() && profiles.isEmpty() ? "all nodes" : "nodes");
    }
    if (!labels.isEmpty()) {
      out.append(" with ")
          .append(
              labels.entrySet().stream()
                  .map(e -> e.getKey() + "=" + e.getValue())
                  .collect(Collectors.joining(",")));
    }
    if (!profiles.isEmpty()) {
      out.append(profiles.size() == 1 ? " of profile " : " of profiles ")
          .append(String.join(", ", profiles));
    }
    return out.toString();
  }

  /**
   * A stable 64-bit rank of {@code id} under {@code seed}: FNV-1a over the id's UTF-8 bytes, mixed
   * with the seed by the SplitMix64 finaliser. Unlike {@code Object.hashCode}, it is fixed by this
   * code alone, so scenarios pick the same nodes everywhere.
   */
  static long rank(String id, long seed) {
    long h = 0xcbf29ce484222325L;
    for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    long z = h ^ (seed * 0x9e3779b97f4a7c15L);
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** {@link #rank} of a text alone: how a name (an image's) varies a seed. */
  static long hash(String text) {
    return rank(Objects.requireNonNull(text, "text"), 0);
  }
}
