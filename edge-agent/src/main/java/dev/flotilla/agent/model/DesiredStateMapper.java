package dev.flotilla.agent.model;

import dev.flotilla.protocol.DesiredStateRules;
import dev.flotilla.protocol.MaintenanceWindows;
import dev.flotilla.protocol.v1.DesiredState;
import dev.flotilla.protocol.v1.HealthProbe;
import dev.flotilla.protocol.v1.PortMapping;
import dev.flotilla.protocol.v1.RestartPolicy;
import dev.flotilla.protocol.v1.UpdatePolicy;
import dev.flotilla.protocol.v1.Workload;
import java.time.Duration;
import java.util.Optional;

/**
 * Maps a verified wire {@link DesiredState} to the agent's domain, applying the documented
 * defaults. The only place in the agent core that reads desired-state protobuf types. Pure.
 */
public final class DesiredStateMapper {
  static final Duration DEFAULT_PERIOD = Duration.ofSeconds(10);
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
  static final int DEFAULT_FAILURE_THRESHOLD = 3;

  private DesiredStateMapper() {}

  public static NodeDesired toDomain(DesiredState state) {
    return new NodeDesired(
        state.getGeneration(),
        state.getWorkloadsList().stream().map(DesiredStateMapper::workload).toList());
  }

  static WorkloadSpec workload(Workload w) {
    return new WorkloadSpec(
        w.getName(),
        w.getImage(),
        w.getRevision(),
        w.getCommandList(),
        w.getArgsList(),
        w.getEnvMap(),
        w.getPortsList().stream().map(DesiredStateMapper::port).toList(),
        w.getVolumesList().stream()
            .map(v -> new WorkloadSpec.VolumeSpec(v.getSource(), v.getTarget(), v.getReadOnly()))
            .toList(),
        w.hasLimits() ? w.getLimits().getCpuMillis() : 0,
        w.hasLimits() ? w.getLimits().getMemoryBytes() : 0,
        w.hasHealth() ? Optional.of(probe(w.getHealth())) : Optional.empty(),
        w.hasRestartPolicy() ? restart(w.getRestartPolicy()) : RestartSpec.DEFAULT,
        w.hasUpdate() ? update(w.getUpdate()) : UpdateSpec.DEFAULT);
  }

  private static UpdateSpec update(UpdatePolicy u) {
    UpdateSpec.Mode mode =
        u.getMode() == UpdatePolicy.Mode.BLUE_GREEN
            ? UpdateSpec.Mode.BLUE_GREEN
            : UpdateSpec.Mode.REPLACE;
    long giveUp =
        u.getGiveUpAfterSeconds() == 0
            ? DesiredStateRules.DEFAULT_GIVE_UP_AFTER_SECONDS
            : Integer.toUnsignedLong(u.getGiveUpAfterSeconds());
    return new UpdateSpec(
        mode,
        Duration.ofSeconds(Integer.toUnsignedLong(u.getSwitchAfterSeconds())),
        Duration.ofSeconds(giveUp),
        MaintenanceWindows.fromWire(u.getWindowsList()));
  }

  private static WorkloadSpec.PortSpec port(PortMapping p) {
    int host = p.getHostPort() == 0 ? p.getContainerPort() : p.getHostPort();
    return new WorkloadSpec.PortSpec(
        p.getContainerPort(), host, p.getTransport() == PortMapping.Transport.UDP, p.getHostIp());
  }

  private static ProbeSpec probe(HealthProbe h) {
    ProbeSpec.Check check =
        switch (h.getCheckCase()) {
          case HTTP ->
              new ProbeSpec.Http(
                  h.getHttp().getPort(),
                  h.getHttp().getPath().isEmpty() ? "/" : h.getHttp().getPath());
          case TCP -> new ProbeSpec.Tcp(h.getTcp().getPort());
          case EXEC -> new ProbeSpec.Exec(h.getExec().getCommandList());
          case CHECK_NOT_SET ->
              throw new IllegalArgumentException("health probe without a check passed the rules");
        };
    return new ProbeSpec(
        check,
        Duration.ofSeconds(h.getInitialDelaySeconds()),
        h.getPeriodSeconds() == 0 ? DEFAULT_PERIOD : Duration.ofSeconds(h.getPeriodSeconds()),
        h.getTimeoutSeconds() == 0 ? DEFAULT_TIMEOUT : Duration.ofSeconds(h.getTimeoutSeconds()),
        h.getFailureThreshold() == 0 ? DEFAULT_FAILURE_THRESHOLD : h.getFailureThreshold());
  }

  private static RestartSpec restart(RestartPolicy r) {
    RestartSpec.Mode mode =
        switch (r.getMode()) {
          case ON_FAILURE -> RestartSpec.Mode.ON_FAILURE;
          case NEVER -> RestartSpec.Mode.NEVER;
          default -> RestartSpec.Mode.ALWAYS;
        };
    long initial =
        r.getInitialBackoffMs() == 0
            ? DesiredStateRules.DEFAULT_INITIAL_BACKOFF_MS
            : Integer.toUnsignedLong(r.getInitialBackoffMs());
    long max =
        r.getMaxBackoffMs() == 0
            ? DesiredStateRules.DEFAULT_MAX_BACKOFF_MS
            : Integer.toUnsignedLong(r.getMaxBackoffMs());
    return new RestartSpec(mode, Duration.ofMillis(initial), Duration.ofMillis(max));
  }
}
