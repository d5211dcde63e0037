package dev.flotilla.agent.model;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A container as the runtime reports it.
 *
 * @param id the runtime's container id
 * @param name the container name
 * @param image the image reference it was created from
 * @param labels all labels; Flotilla's are {@link Labels#WORKLOAD}, {@link Labels#REVISION}, {@link
 *     Labels#SPEC_HASH}
 * @param state lifecycle state
 * @param exitCode the last exit code, meaningful when {@code state} is EXITED
 * @param startedAt when it last started, if it has
 * @param finishedAt when it last stopped, if it has
 */
public record ContainerInfo(
    String id,
    String name,
    String image,
    Map<String, String> labels,
    State state,
    int exitCode,
    Optional<Instant> startedAt,
    Optional<Instant> finishedAt) {

  public enum State {
    CREATED,
    RUNNING,
    PAUSED,
    STOPPING,
    EXITED,
    UNKNOWN
  }

  public ContainerInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(image, "image");
    labels = Map.copyOf(labels);
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(finishedAt, "finishedAt");
  }

  /** The workload this container belongs to, when Flotilla made it. */
  public Optional<String> workload() {
    return Optional.ofNullable(labels.get(Labels.WORKLOAD));
  }

  public Optional<String> specHash() {
    return Optional.ofNullable(labels.get(Labels.SPEC_HASH));
  }
}
