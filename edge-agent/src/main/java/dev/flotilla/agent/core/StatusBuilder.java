package dev.flotilla.agent.core;

import dev.flotilla.agent.health.ProbeTracker;
import dev.flotilla.agent.model.ContainerInfo;
import dev.flotilla.agent.model.Labels;
import dev.flotilla.agent.model.NodeDesired;
import dev.flotilla.agent.model.SpecHash;
import dev.flotilla.agent.model.WorkloadSpec;
import dev.flotilla.agent.store.AgentStore.RestartState;
import dev.flotilla.protocol.ProtocolVersions;
import dev.flotilla.protocol.Timestamps;
import dev.flotilla.protocol.v1.NodeStatus;
import dev.flotilla.protocol.v1.WorkloadStatus;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds the FULL status of the node from what the reconcile pass saw, without sequence number or
 * timestamp (those are stamped when it is sent, so that "did it change?" is a plain equality).
 * Pure.
 */
final class StatusBuilder {
  /** Failures in a row after which a workload that is not running counts as crash-looping. */
  static final int CRASH_LOOP_AFTER = 3;

  private StatusBuilder() {}

  static NodeStatus full(
      String node,
      long appliedGeneration,
      Optional<NodeDesired> desired,
      List<ContainerInfo> containers,
      Map<String, RestartState> restarts,
      Map<String, ProbeTracker.Health> verdicts,
      Set<String> pullingImages) {
    NodeStatus.Builder status =
        NodeStatus.newBuilder()
            .setVersion(ProtocolVersions.current())
            .setNodeId(node)
            .setObservedGeneration(appliedGeneration)
            .setKind(NodeStatus.Kind.FULL);
    for (WorkloadSpec spec : desired.map(NodeDesired::workloads).orElse(List.of())) {
      String hash = SpecHash.of(spec);
      Optional<ContainerInfo> container =
          containers.stream()
              .filter(c -> c.workload().filter(spec.name()::equals).isPresent())
              .min(
                  Comparator.comparing(
                          (ContainerInfo c) -> !c.specHash().filter(hash::equals).isPresent())
                      .thenComparing(c -> c.state() != ContainerInfo.State.RUNNING));
      RestartState restart = restarts.get(spec.name());
      int failures = restart == null ? 0 : restart.failures();
      WorkloadStatus.Builder w =
          WorkloadStatus.newBuilder().setName(spec.name()).setRestartCount(failures);
      if (container.isEmpty()) {
        w.setRevision(spec.revision())
            .setState(
                pullingImages.contains(spec.image())
                    ? WorkloadStatus.State.PULLING
                    : WorkloadStatus.State.PENDING)
            .setMessage(
                pullingImages.contains(spec.image())
                    ? "pulling " + spec.image()
                    : "waiting for its container to be created");
      } else {
        ContainerInfo c = container.get();
        boolean current = c.specHash().filter(hash::equals).isPresent();
        w.setRevision(current ? spec.revision() : c.labels().getOrDefault(Labels.REVISION, ""))
            .setState(state(c, failures));
        if (!current) {
          w.setMessage("being replaced: its spec changed");
        } else if (c.state() == ContainerInfo.State.EXITED) {
          w.setMessage("exited with code " + c.exitCode());
        }
        c.startedAt().ifPresent(t -> w.setSince(Timestamps.of(t)));
      }
      w.setHealth(health(spec, verdicts.get(spec.name()), container));
      status.addWorkloads(w);
    }
    return status.build();
  }

  private static WorkloadStatus.State state(ContainerInfo c, int failures) {
    return switch (c.state()) {
      case RUNNING -> WorkloadStatus.State.RUNNING;
      case CREATED -> WorkloadStatus.State.STARTING;
      case EXITED ->
          failures >= CRASH_LOOP_AFTER
              ? WorkloadStatus.State.CRASH_LOOP
              : c.exitCode() == 0 ? WorkloadStatus.State.EXITED : WorkloadStatus.State.FAILED;
      case PAUSED, STOPPING -> WorkloadStatus.State.STOPPED;
      case UNKNOWN -> WorkloadStatus.State.STATE_UNSPECIFIED;
    };
  }

  private static WorkloadStatus.Health health(
      WorkloadSpec spec, ProbeTracker.Health verdict, Optional<ContainerInfo> container) {
    if (spec.probe().isEmpty()) {
      return WorkloadStatus.Health.NO_PROBE;
    }
    if (verdict == null
        || container.map(c -> c.state() != ContainerInfo.State.RUNNING).orElse(true)) {
      return WorkloadStatus.Health.UNKNOWN;
    }
    return switch (verdict) {
      case HEALTHY -> WorkloadStatus.Health.HEALTHY;
      case UNHEALTHY -> WorkloadStatus.Health.UNHEALTHY;
      case UNKNOWN -> WorkloadStatus.Health.UNKNOWN;
    };
  }
}
