package dev.flotilla.controller.dispatch;

import dev.flotilla.controller.model.MaintenanceWindow;
import dev.flotilla.controller.model.RolloutStrategy;
import dev.flotilla.controller.model.WorkloadTemplate;
import java.util.List;
import java.util.Objects;

/**
 * One deployment's workload as it goes to a node: the deployment name (also the workload name), the
 * revision, its template, and how the node is to update to it.
 */
public record PlacedWorkload(
    String deployment, int revision, WorkloadTemplate template, NodeUpdatePolicy update) {
  public PlacedWorkload {
    Objects.requireNonNull(deployment, "deployment");
    Objects.requireNonNull(template, "template");
    Objects.requireNonNull(update, "update");
  }

  public PlacedWorkload(String deployment, int revision, WorkloadTemplate template) {
    this(deployment, revision, template, NodeUpdatePolicy.REPLACE);
  }

  /**
   * How one node moves to a new revision: the strategy's {@code onNode} and blue-green timings, and
   * the maintenance windows that apply to this node (already filtered by their node selectors).
   */
  public record NodeUpdatePolicy(
      RolloutStrategy.NodeUpdate mode,
      RolloutStrategy.BlueGreen blueGreen,
      List<MaintenanceWindow> windows) {
    /** Replace at any time: what the wire means when it says nothing. */
    public static final NodeUpdatePolicy REPLACE =
        new NodeUpdatePolicy(
            RolloutStrategy.NodeUpdate.REPLACE, RolloutStrategy.BlueGreen.DEFAULT, List.of());

    public NodeUpdatePolicy {
      Objects.requireNonNull(mode, "mode");
      Objects.requireNonNull(blueGreen, "blueGreen");
      windows = List.copyOf(windows);
    }
  }
}
