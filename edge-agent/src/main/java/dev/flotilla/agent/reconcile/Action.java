package dev.flotilla.agent.reconcile;

import dev.flotilla.agent.model.ContainerInfo;
import dev.flotilla.agent.model.WorkloadSpec;
import java.util.Objects;

/** One step the executor carries out. Each is idempotent against the runtime. */
public sealed interface Action {
  /** The workload concerned. */
  String workload();

  /** Create a container for {@code spec} (whose hash is {@code specHash}) and start it. */
  record CreateAndStart(WorkloadSpec spec, String specHash) implements Action {
    public CreateAndStart {
      Objects.requireNonNull(spec);
      Objects.requireNonNull(specHash);
    }

    @Override
    public String workload() {
      return spec.name();
    }
  }

  /**
   * Start an existing container. {@code restart} is true when it ran before and stopped, which
   * counts against the restart back-off.
   */
  record Start(ContainerInfo container, WorkloadSpec spec, boolean restart, String why)
      implements Action {
    @Override
    public String workload() {
      return spec.name();
    }
  }

  /** Stop and start a running container that failed its health probe; counts against back-off. */
  record RestartUnhealthy(ContainerInfo container, WorkloadSpec spec) implements Action {
    @Override
    public String workload() {
      return spec.name();
    }
  }

  /** Remove a Flotilla container (no longer desired, replaced, or a duplicate). */
  record Remove(ContainerInfo container, String workload, String why) implements Action {}

  /** The workload has run long enough since its last failure: forget its back-off. */
  record ResetBackoff(String workload) implements Action {}
}
