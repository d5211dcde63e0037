package dev.flotilla.controller.model;

import dev.flotilla.controller.fleet.LabelSelector;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A deployment at its target revision, as dispatch and placement read it.
 *
 * @param revision the revision the deployment is going to (or runs, when no rollout is active); a
 *     rollout in progress keeps nodes it has not released yet on the revision it started from
 * @param template that revision's workload template
 * @param placement where it may run beyond the selector
 * @param strategy how a new revision reaches the nodes
 * @param windows when nodes may replace a running revision
 * @param createdAt orders deployments on a node: the older one wins a conflict
 */
public record Deployment(
    String name,
    int revision,
    LabelSelector selector,
    WorkloadTemplate template,
    PlacementSpec placement,
    RolloutStrategy strategy,
    List<MaintenanceWindow> windows,
    Instant createdAt) {
  public Deployment {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(selector, "selector");
    Objects.requireNonNull(template, "template");
    Objects.requireNonNull(placement, "placement");
    Objects.requireNonNull(strategy, "strategy");
    windows = List.copyOf(windows);
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
