package dev.flotilla.agent.core;

import dev.flotilla.agent.health.ProbeVerdict;
import dev.flotilla.agent.model.ContainerInfo;
import dev.flotilla.agent.model.Labels;
import dev.flotilla.agent.model.NodeDesired;
import dev.flotilla.agent.model.SpecHash;
import dev.flotilla.agent.model.WorkloadSpec;
import dev.flotilla.agent.reconcile.Planner;
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
 *
 * <p>A workload whose update the planner holds or stages ({@link Planner.Update}) reports the new
 * revision: WAITING (outside its maintenance windows; health is the old container's), SWITCHING
 * (blue-green, both containers; health is the new one's; PULLING while the new image is pulled) or
 * FAILED (blue-green given up; health is the old container's, which keeps running). Any other
 * workload reports the container that best stands for it.
 */
final class StatusBuilder {
  /** Failures in a row after which a workload that is not running counts as crash-looping. */
  static final int CRASH_LOOP_AFTER = 3;

  private StatusBuilder() {}

  /**
   * @param verdicts probe verdicts by container id
   * @param updates the planner's updates by workload
   */
  static NodeStatus full(
      String node,
      long appliedGeneration,
      Optional<NodeDesired> desired,
      List<ContainerInfo> containers,
      Map<String, RestartState> restarts,
      Map<String, ProbeVerdict> verdicts,
      Set<String> pullingImages,
      Map<String, Planner.Update> updates) {
    NodeStatus.Builder status =
        NodeStatus.newBuilder()
            .setVersion(ProtocolVersions.current())
            .setNodeId(node)
            .setObservedGeneration(appliedGeneration)
            .setKind(NodeStatus.Kind.FULL);
    for (WorkloadSpec spec : desired.map(NodeDesired::workloads).orElse(List.of())) {
      RestartState restart = restarts.get(spec.name());
      int failures = restart == null ? 0 : restart.failures();
      WorkloadStatus.Builder w =
          WorkloadStatus.newBuilder().setName(spec.name()).setRestartCount(failures);
      Planner.Update update = updates.get(spec.name());
      if (update != null) {
        update(w, spec, update, verdicts, pullingImages);
        status.addWorkloads(w);
        continue;
      }
      String hash = SpecHash.of(spec);
      Optional<ContainerInfo> container =
          containers.stream()
              .filter(c -> c.workload().filter(spec.name()::equals).isPresent())
              .min(
                  Comparator.comparing(
                          (ContainerInfo c) -> !c.specHash().filter(hash::equals).isPresent())
                      .thenComparing(c -> c.state() != ContainerInfo.State.RUNNING));
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
      w.setHealth(health(spec, container, verdicts));
      status.addWorkloads(w);
    }
    return status.build();
  }

  private static void update(
      WorkloadStatus.Builder w,
      WorkloadSpec spec,
      Planner.Update update,
      Map<String, ProbeVerdict> verdicts,
      Set<String> pullingImages) {
    w.setRevision(update.revision()).setMessage(update.message());
    switch (update) {
      case Planner.Update.Waiting waiting -> {
        w.setState(WorkloadStatus.State.WAITING)
            .setHealth(health(spec, Optional.of(waiting.old()), verdicts));
        waiting.old().startedAt().ifPresent(t -> w.setSince(Timestamps.of(t)));
      }
      case Planner.Update.Switching switching -> {
        w.setRestartCount(switching.failures())
            .setHealth(health(spec, switching.candidate(), verdicts));
        if (switching.candidate().isEmpty() && pullingImages.contains(spec.image())) {
          w.setState(WorkloadStatus.State.PULLING)
              .setMessage(
                  "blue-green: pulling "
                      + spec.image()
                      + "; revision "
                      + Planner.revisionOf(switching.old())
                      + " keeps running");
        } else {
          w.setState(WorkloadStatus.State.SWITCHING);
        }
        switching
            .candidate()
            .flatMap(ContainerInfo::startedAt)
            .ifPresent(t -> w.setSince(Timestamps.of(t)));
      }
      case Planner.Update.FellBack fellBack ->
          w.setState(WorkloadStatus.State.FAILED)
              .setHealth(health(spec, Optional.of(fellBack.old()), verdicts))
              .setSince(Timestamps.of(fellBack.at()));
    }
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
      WorkloadSpec spec, Optional<ContainerInfo> container, Map<String, ProbeVerdict> verdicts) {
    if (spec.probe().isEmpty()) {
      return WorkloadStatus.Health.NO_PROBE;
    }
    if (container.isEmpty() || container.get().state() != ContainerInfo.State.RUNNING) {
      return WorkloadStatus.Health.UNKNOWN;
    }
    ProbeVerdict verdict = verdicts.get(container.get().id());
    if (verdict == null) {
      return WorkloadStatus.Health.UNKNOWN;
    }
    return switch (verdict.health()) {
      case HEALTHY -> WorkloadStatus.Health.HEALTHY;
      case UNHEALTHY -> WorkloadStatus.Health.UNHEALTHY;
      case UNKNOWN -> WorkloadStatus.Health.UNKNOWN;
    };
  }
}
