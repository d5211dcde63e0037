package dev.flotilla.controller.model;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One workload as a node last reported it.
 *
 * @param state the agent's workload state name (RUNNING, CRASH_LOOP, ...)
 * @param health NO_PROBE, HEALTHY, UNHEALTHY or UNKNOWN
 * @param since when it entered that state; null when not reported
 */
public record WorkloadObservation(
    String name,
    String revision,
    String state,
    String health,
    long restartCount,
    String message,
    @Nullable Instant since) {
  public WorkloadObservation {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(revision, "revision");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(health, "health");
    Objects.requireNonNull(message, "message");
  }

  /** Running, and healthy or without a probe. */
  public boolean ok() {
    return state.equals("RUNNING") && (health.equals("HEALTHY") || health.equals("NO_PROBE"));
  }
}
