package dev.flotilla.controller.model;

import dev.flotilla.controller.fleet.LabelSelector;
import java.time.Instant;
import java.util.Objects;

/**
 * A deployment at its current revision, as dispatch and placement read it.
 *
 * @param placement where it may run beyond the selector
 * @param createdAt orders deployments on a node: the older one wins a conflict
 */
public record Deployment(
    String name,
    int revision,
    LabelSelector selector,
    WorkloadTemplate template,
    PlacementSpec placement,
    Instant createdAt) {
  public Deployment {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(selector, "selector");
    Objects.requireNonNull(template, "template");
    Objects.requireNonNull(placement, "placement");
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
