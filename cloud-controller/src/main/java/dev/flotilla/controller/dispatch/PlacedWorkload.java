package dev.flotilla.controller.dispatch;

import dev.flotilla.controller.model.WorkloadTemplate;
import java.util.Objects;

/**
 * One deployment's workload as it goes to a node: the deployment name (also the workload name), the
 * revision and its template.
 */
public record PlacedWorkload(String deployment, int revision, WorkloadTemplate template) {
  public PlacedWorkload {
    Objects.requireNonNull(deployment, "deployment");
    Objects.requireNonNull(template, "template");
  }
}
