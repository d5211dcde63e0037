package dev.flotilla.agent.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One workload the node must run, as the agent's domain sees it (mapped from the wire's {@code
 * Workload} in {@code DesiredStateMapper}). Immutable.
 *
 * @param name unique on the node, a DNS label
 * @param image image reference
 * @param revision the deployment revision it comes from (reported back, opaque)
 * @param command entrypoint override; empty: the image's
 * @param args cmd override; empty: the image's
 * @param env environment variables
 * @param ports published ports
 * @param volumes mounts
 * @param cpuMillis CPU limit in thousandths of a core; 0: none
 * @param memoryBytes memory limit; 0: none
 * @param probe health probe, if any
 * @param restart restart policy, with defaults already applied
 * @param update how a new revision replaces a running one (not part of {@link SpecHash})
 */
public record WorkloadSpec(
    String name,
    String image,
    String revision,
    List<String> command,
    List<String> args,
    Map<String, String> env,
    List<PortSpec> ports,
    List<VolumeSpec> volumes,
    long cpuMillis,
    long memoryBytes,
    Optional<ProbeSpec> probe,
    RestartSpec restart,
    UpdateSpec update) {

  /** A workload with the default update policy: replace, at any time. */
  public WorkloadSpec(
      String name,
      String image,
      String revision,
      List<String> command,
      List<String> args,
      Map<String, String> env,
      List<PortSpec> ports,
      List<VolumeSpec> volumes,
      long cpuMillis,
      long memoryBytes,
      Optional<ProbeSpec> probe,
      RestartSpec restart) {
    this(
        name,
        image,
        revision,
        command,
        args,
        env,
        ports,
        volumes,
        cpuMillis,
        memoryBytes,
        probe,
        restart,
        UpdateSpec.DEFAULT);
  }

  public WorkloadSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(revision, "revision");
    command = List.copyOf(command);
    args = List.copyOf(args);
    env = Map.copyOf(env);
    ports = List.copyOf(ports);
    volumes = List.copyOf(volumes);
    Objects.requireNonNull(probe, "probe");
    Objects.requireNonNull(restart, "restart");
    Objects.requireNonNull(update, "update");
  }

  /** This workload with another update policy. */
  public WorkloadSpec withUpdate(UpdateSpec value) {
    return new WorkloadSpec(
        name,
        image,
        revision,
        command,
        args,
        env,
        ports,
        volumes,
        cpuMillis,
        memoryBytes,
        probe,
        restart,
        value);
  }

  /** This workload at another revision (for tests and messages; the spec hash does not change). */
  public WorkloadSpec withRevision(String value) {
    return new WorkloadSpec(
        name,
        image,
        value,
        command,
        args,
        env,
        ports,
        volumes,
        cpuMillis,
        memoryBytes,
        probe,
        restart,
        update);
  }

  /**
   * @param containerPort port inside the container
   * @param hostPort port on the node
   * @param udp true for UDP, false for TCP
   * @param hostIp address to bind; empty: all interfaces
   */
  public record PortSpec(int containerPort, int hostPort, boolean udp, String hostIp) {
    public PortSpec {
      Objects.requireNonNull(hostIp, "hostIp");
    }
  }

  /**
   * @param source absolute host path, or a named volume
   * @param target absolute path in the container
   * @param readOnly mount read-only
   */
  public record VolumeSpec(String source, String target, boolean readOnly) {
    public VolumeSpec {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(target, "target");
    }
  }
}
