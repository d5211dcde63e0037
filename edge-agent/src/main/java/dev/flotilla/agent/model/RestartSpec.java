package dev.flotilla.agent.model;

import java.time.Duration;
import java.util.Objects;

/**
 * When and how fast a workload is restarted.
 *
 * @param mode always, on failure (non-zero exit or unhealthy), or never
 * @param initialBackoff the wait before the first restart
 * @param maxBackoff the ceiling of the doubling back-off
 */
public record RestartSpec(Mode mode, Duration initialBackoff, Duration maxBackoff) {
  public enum Mode {
    ALWAYS,
    ON_FAILURE,
    NEVER
  }

  public static final RestartSpec DEFAULT =
      new RestartSpec(Mode.ALWAYS, Duration.ofSeconds(1), Duration.ofMinutes(5));

  public RestartSpec {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
  }

  /** The wait before restart number {@code attempt} (1-based): doubling, capped. */
  public Duration backoff(int attempt) {
    if (attempt <= 1) {
      return initialBackoff;
    }
    Duration d = initialBackoff;
    for (int i = 1; i < attempt && d.compareTo(maxBackoff) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
  }
}
