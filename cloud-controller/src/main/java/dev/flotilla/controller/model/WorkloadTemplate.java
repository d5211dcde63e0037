package dev.flotilla.controller.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What a deployment runs on every node it lands on: one container, as written in the manifest's
 * {@code spec.template}. Values are already validated and normalised (defaults filled in) by the
 * manifest reader; two templates that run the same thing are equal.
 *
 * @param image the image reference
 * @param command replaces the image's entrypoint; empty for the image's own
 * @param args arguments; empty for the image's own
 * @param env environment, sorted by name
 * @param ports published ports
 * @param volumes mounts
 * @param limits hard limits; zero fields mean no limit
 * @param requests what the workload needs to be placed; zero fields mean nothing requested
 * @param probe the health probe; null for none
 * @param restart the restart policy
 */
public record WorkloadTemplate(
    String image,
    List<String> command,
    List<String> args,
    SortedMap<String, String> env,
    List<Port> ports,
    List<Volume> volumes,
    Resources limits,
    Resources requests,
    @Nullable Probe probe,
    Restart restart) {

  public WorkloadTemplate {
    Objects.requireNonNull(image, "image");
    command = List.copyOf(command);
    args = List.copyOf(args);
    env = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(env));
    ports = List.copyOf(ports);
    volumes = List.copyOf(volumes);
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(requests, "requests");
    Objects.requireNonNull(restart, "restart");
  }

  /** A template running {@code image} with every other field at its default. */
  public static WorkloadTemplate ofImage(String image) {
    return new WorkloadTemplate(
        image,
        List.of(),
        List.of(),
        new TreeMap<>(Map.of()),
        List.of(),
        List.of(),
        Resources.NONE,
        Resources.NONE,
        null,
        Restart.DEFAULT);
  }

  /** The same template with another image. */
  public WorkloadTemplate withImage(String newImage) {
    return new WorkloadTemplate(
        newImage, command, args, env, ports, volumes, limits, requests, probe, restart);
  }

  /**
   * A published port.
   *
   * @param hostIp the host address; empty, {@code 0.0.0.0} or {@code ::} for all interfaces
   */
  public record Port(int containerPort, int hostPort, Transport transport, String hostIp) {
    public Port {
      Objects.requireNonNull(transport, "transport");
      Objects.requireNonNull(hostIp, "hostIp");
    }

    /**
     * Whether the two cannot both be published on one host: the same host port and transport on the
     * same address, or on all interfaces. The wire's {@code DesiredStateRules} apply the same test,
     * so what passes here passes there.
     */
    public boolean clashesWith(Port other) {
      return hostPort == other.hostPort
          && transport == other.transport
          && (hostIp.equals(other.hostIp) || allInterfaces() || other.allInterfaces());
    }

    private boolean allInterfaces() {
      return hostIp.isEmpty() || hostIp.equals("0.0.0.0") || hostIp.equals("::");
    }
  }

  /** The transport of a published port. */
  public enum Transport {
    TCP,
    UDP
  }

  /** A mount of a host path or named volume. */
  public record Volume(String source, String target, boolean readOnly) {
    public Volume {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(target, "target");
    }
  }

  /**
   * CPU in millicores and memory in bytes; zero means unset.
   *
   * @param cpuMillis 1000 is one core
   * @param memoryBytes bytes
   */
  public record Resources(int cpuMillis, long memoryBytes) {
    public static final Resources NONE = new Resources(0, 0);

    public Resources {
      if (cpuMillis < 0 || memoryBytes < 0) {
        throw new IllegalArgumentException("resources must not be negative");
      }
    }
  }

  /** How a probe checks the workload. */
  public enum ProbeKind {
    HTTP,
    TCP,
    EXEC
  }

  /**
   * A health probe.
   *
   * @param kind which check
   * @param port for HTTP and TCP; 0 for EXEC
   * @param path for HTTP (starts with {@code /}); empty otherwise
   * @param command for EXEC; empty otherwise
   */
  public record Probe(
      ProbeKind kind,
      int port,
      String path,
      List<String> command,
      int initialDelaySeconds,
      int periodSeconds,
      int timeoutSeconds,
      int failureThreshold) {
    public Probe {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(path, "path");
      command = List.copyOf(command);
    }
  }

  /** When a stopped container is started again. */
  public enum RestartMode {
    ALWAYS,
    ON_FAILURE,
    NEVER
  }

  /** The restart policy with its exponential back-off. */
  public record Restart(RestartMode mode, long initialBackoffMs, long maxBackoffMs) {
    public static final Restart DEFAULT = new Restart(RestartMode.ALWAYS, 1_000, 300_000);

    public Restart {
      Objects.requireNonNull(mode, "mode");
    }
  }
}
