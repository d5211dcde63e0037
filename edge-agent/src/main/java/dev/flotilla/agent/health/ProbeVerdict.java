package dev.flotilla.agent.health;

import java.time.Instant;
import java.util.Objects;

/**
 * The health verdict on one running container instance, and since when it holds.
 *
 * @param health the verdict
 * @param since when the verdict last changed (for the first UNKNOWN: when probing began); for
 *     HEALTHY, the instant of the probe success that made it healthy
 */
public record ProbeVerdict(ProbeTracker.Health health, Instant since) {
  public ProbeVerdict {
    Objects.requireNonNull(health, "health");
    Objects.requireNonNull(since, "since");
  }
}
