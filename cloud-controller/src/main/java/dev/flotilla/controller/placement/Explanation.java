package dev.flotilla.controller.placement;

import dev.flotilla.protocol.NodeId;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Why one deployment runs where it runs: a decision for every node.
 *
 * @param replicas null for an every-node deployment
 * @param placed on how many nodes it is placed
 * @param nodes one decision per node, by node id
 */
public record Explanation(
    String deployment, @Nullable Integer replicas, int placed, List<NodeDecision> nodes) {
  public Explanation {
    Objects.requireNonNull(deployment, "deployment");
    nodes = List.copyOf(nodes);
  }

  /**
   * What placement decided for one node.
   *
   * @param placed whether the deployment is placed there
   * @param note for a placed node, how it was chosen ({@code kept}: it was there before; {@code
   *     chosen}: newly placed); empty otherwise
   * @param reasons for a node left out, every constraint it failed with the numbers; empty when
   *     placed
   */
  public record NodeDecision(NodeId node, boolean placed, String note, List<Reason> reasons) {
    public NodeDecision {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(note, "note");
      reasons = List.copyOf(reasons);
    }
  }

  /**
   * One failed constraint.
   *
   * @param constraint a stable name: {@code selector}, {@code cordoned}, {@code taint}, {@code
   *     profile}, {@code architecture}, {@code firmware}, {@code peripheral}, {@code cpu}, {@code
   *     memory}, {@code host-port}, {@code affinity}, {@code anti-affinity}, {@code spread}, {@code
   *     unreachable} or {@code replicas}
   * @param message the failure in words, with the numbers
   */
  public record Reason(String constraint, String message) {
    public Reason {
      Objects.requireNonNull(constraint, "constraint");
      Objects.requireNonNull(message, "message");
    }
  }
}
