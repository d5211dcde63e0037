package dev.flotilla.agent.health;

/**
 * The health verdict of one container from its probe results: UNKNOWN until the first result,
 * HEALTHY after any success, UNHEALTHY after {@code failureThreshold} consecutive failures. Pure
 * and immutable.
 */
public record ProbeTracker(Health health, int consecutiveFailures, int failureThreshold) {
  public enum Health {
    UNKNOWN,
    HEALTHY,
    UNHEALTHY
  }

  public static ProbeTracker start(int failureThreshold) {
    return new ProbeTracker(Health.UNKNOWN, 0, failureThreshold);
  }

  public ProbeTracker record(boolean success) {
    if (success) {
      return new ProbeTracker(Health.HEALTHY, 0, failureThreshold);
    }
    int failures = consecutiveFailures + 1;
    Health next = failures >= failureThreshold ? Health.UNHEALTHY : health;
    return new ProbeTracker(next, failures, failureThreshold);
  }
}
