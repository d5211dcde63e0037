package dev.flotilla.protocol;

import dev.flotilla.protocol.ProtocolException.Reason;
import dev.flotilla.protocol.v1.DesiredState;
import dev.flotilla.protocol.v1.HealthProbe;
import dev.flotilla.protocol.v1.PortMapping;
import dev.flotilla.protocol.v1.RestartPolicy;
import dev.flotilla.protocol.v1.VolumeMount;
import dev.flotilla.protocol.v1.Workload;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The content rules a desired state must meet before an agent applies it. The controller checks the
 * same rules before it signs, so a refusal here means a bug or an old controller; either way the
 * agent keeps its last good state. Each refusal names the field, e.g. {@code
 * workloads[1].ports[0].container_port}. Pure.
 */
public final class DesiredStateRules {
  private DesiredStateRules() {}

  /**
   * @throws ProtocolException {@link Reason#INVALID_FIELD} naming the first field at fault
   */
  public static void check(DesiredState state) throws ProtocolException {
    if (state.getGeneration() == 0) {
      throw invalid("generation", "must be 1 or more, was 0");
    }
    Set<String> names = new HashSet<>();
    Set<String> hostPorts = new HashSet<>();
    for (int i = 0; i < state.getWorkloadsCount(); i++) {
      Workload w = state.getWorkloads(i);
      String at = "workloads[" + i + "]";
      if (!DnsLabel.isValid(w.getName())) {
        throw invalid(at + ".name", "'" + w.getName() + "' is invalid: " + DnsLabel.RULE);
      }
      if (!names.add(w.getName())) {
        throw invalid(at + ".name", "'" + w.getName() + "' is used by an earlier workload");
      }
      if (w.getImage().isBlank() || w.getImage().chars().anyMatch(Character::isWhitespace)) {
        throw invalid(at + ".image", "must be a non-empty image reference without spaces");
      }
      for (Map.Entry<String, String> env : w.getEnvMap().entrySet()) {
        if (env.getKey().isEmpty() || env.getKey().contains("=")) {
          throw invalid(at + ".env", "key '" + env.getKey() + "' must be non-empty without '='");
        }
      }
      for (int p = 0; p < w.getPortsCount(); p++) {
        checkPort(w.getPorts(p), at + ".ports[" + p + "]", hostPorts);
      }
      for (int v = 0; v < w.getVolumesCount(); v++) {
        checkVolume(w.getVolumes(v), at + ".volumes[" + v + "]");
      }
      if (w.hasHealth()) {
        checkProbe(w.getHealth(), at + ".health");
      }
      if (w.hasRestartPolicy()) {
        checkRestart(w.getRestartPolicy(), at + ".restart_policy");
      }
    }
  }

  private static void checkPort(PortMapping port, String at, Set<String> hostPorts)
      throws ProtocolException {
    int container = port.getContainerPort();
    if (container < 1 || container > 65535) {
      throw invalid(at + ".container_port", "must be 1..65535, was " + container);
    }
    int host = port.getHostPort() == 0 ? container : port.getHostPort();
    if (host > 65535) {
      throw invalid(at + ".host_port", "must be 0..65535, was " + port.getHostPort());
    }
    String transport = port.getTransport() == PortMapping.Transport.UDP ? "udp" : "tcp";
    if (!hostPorts.add(port.getHostIp() + ":" + host + "/" + transport)) {
      throw invalid(
          at + ".host_port", host + "/" + transport + " is already published by this node");
    }
  }

  private static void checkVolume(VolumeMount volume, String at) throws ProtocolException {
    if (volume.getSource().isBlank()) {
      throw invalid(at + ".source", "must be a host path or a volume name");
    }
    if (!volume.getTarget().startsWith("/")) {
      throw invalid(at + ".target", "must be an absolute path, was '" + volume.getTarget() + "'");
    }
  }

  private static void checkProbe(HealthProbe probe, String at) throws ProtocolException {
    switch (probe.getCheckCase()) {
      case HTTP -> {
        int port = probe.getHttp().getPort();
        if (port < 1 || port > 65535) {
          throw invalid(at + ".http.port", "must be 1..65535, was " + port);
        }
      }
      case TCP -> {
        int port = probe.getTcp().getPort();
        if (port < 1 || port > 65535) {
          throw invalid(at + ".tcp.port", "must be 1..65535, was " + port);
        }
      }
      case EXEC -> {
        if (probe.getExec().getCommandCount() == 0) {
          throw invalid(at + ".exec.command", "must name the command to run");
        }
      }
      case CHECK_NOT_SET -> throw invalid(at, "must set one of http, tcp or exec");
    }
  }

  private static void checkRestart(RestartPolicy policy, String at) throws ProtocolException {
    if (policy.getMode() == RestartPolicy.Mode.UNRECOGNIZED) {
      throw invalid(at + ".mode", "is not a known restart mode");
    }
    long initial = Integer.toUnsignedLong(policy.getInitialBackoffMs());
    long max = Integer.toUnsignedLong(policy.getMaxBackoffMs());
    if (initial != 0 && max != 0 && max < initial) {
      throw invalid(
          at + ".max_backoff_ms", "must not be below initial_backoff_ms (" + initial + ")");
    }
  }

  private static ProtocolException invalid(String field, String rule) {
    return new ProtocolException(Reason.INVALID_FIELD, "desired state: " + field + " " + rule);
  }
}
