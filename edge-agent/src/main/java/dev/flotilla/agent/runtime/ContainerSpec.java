package dev.flotilla.agent.runtime;

import dev.flotilla.agent.model.WorkloadSpec.PortSpec;
import dev.flotilla.agent.model.WorkloadSpec.VolumeSpec;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything needed to create one container.
 *
 * @param name container name
 * @param image image reference (must be present locally; create never pulls)
 * @param command entrypoint override; empty: the image's
 * @param args cmd override; empty: the image's
 * @param env environment
 * @param ports published ports
 * @param volumes bind mounts (absolute source) or named volumes
 * @param cpuMillis CPU limit in thousandths of a core; 0: none
 * @param memoryBytes memory limit in bytes; 0: none
 * @param labels labels to set
 */
public record ContainerSpec(
    String name,
    String image,
    List<String> command,
    List<String> args,
    Map<String, String> env,
    List<PortSpec> ports,
    List<VolumeSpec> volumes,
    long cpuMillis,
    long memoryBytes,
    Map<String, String> labels) {
  public ContainerSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(image, "image");
    command = List.copyOf(command);
    args = List.copyOf(args);
    env = Map.copyOf(env);
    ports = List.copyOf(ports);
    volumes = List.copyOf(volumes);
    labels = Map.copyOf(labels);
  }
}
