package dev.flotilla.agent.model;

import java.util.List;
import java.util.Optional;

/**
 * The verified desired state of this node, in domain terms.
 *
 * @param generation the controller's generation number
 * @param workloads what must run; names are unique
 */
public record NodeDesired(long generation, List<WorkloadSpec> workloads) {
  public NodeDesired {
    workloads = List.copyOf(workloads);
  }

  public Optional<WorkloadSpec> workload(String name) {
    return workloads.stream().filter(w -> w.name().equals(name)).findFirst();
  }
}
