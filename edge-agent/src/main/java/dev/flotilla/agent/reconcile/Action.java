package dev.flotilla.agent.reconcile;

import dev.flotilla.agent.model.ContainerInfo;
import dev.flotilla.agent.model.WorkloadSpec;
import java.util.List;
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

  /**
   * BLUE_GREEN: create a container for {@code spec} (hash {@code specHash}) and start it beside
   * {@code old}, which keeps running. Records when the blue-green update began (once per spec
   * hash), so that the give-up time survives a restart of the agent.
   */
  record CreateBeside(WorkloadSpec spec, String specHash, ContainerInfo old) implements Action {
    public CreateBeside {
      Objects.requireNonNull(spec);
      Objects.requireNonNull(specHash);
      Objects.requireNonNull(old);
    }

    @Override
    public String workload() {
      return spec.name();
    }
  }

  /**
   * BLUE_GREEN: start the new revision's container again after it exited before the switch. Counts
   * against the blue-green update's own failures and back-off, not the workload's (those belong to
   * the old container, which keeps running).
   */
  record RestartCandidate(ContainerInfo container, WorkloadSpec spec, String specHash, String why)
      implements Action {
    @Override
    public String workload() {
      return spec.name();
    }
  }

  /**
   * BLUE_GREEN: the new revision's container has been healthy long enough: remove the old
   * containers and forget the update (and the workload's back-off, which was the old one's).
   */
  record Switch(WorkloadSpec spec, ContainerInfo candidate, List<ContainerInfo> old)
      implements Action {
    public Switch {
      old = List.copyOf(old);
    }

    @Override
    public String workload() {
      return spec.name();
    }
  }

  /**
   * BLUE_GREEN: give up on the new revision. First remember durably that {@code specHash} was given
   * up ({@code reason} says why), then remove its containers; the old container keeps running.
   */
  record FallBack(WorkloadSpec spec, String specHash, List<ContainerInfo> candidates, String reason)
      implements Action {
    public FallBack {
      candidates = List.copyOf(candidates);
    }

    @Override
    public String workload() {
      return spec.name();
    }
  }

  /** Forget the workload's blue-green state: the update ended or the desired spec moved on. */
  record ForgetBlueGreen(String workload, String why) implements Action {}
}
