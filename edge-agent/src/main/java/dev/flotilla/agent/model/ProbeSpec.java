package dev.flotilla.agent.model;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A health probe with its timing. Defaults (applied by the mapper): period 10 s, timeout 2 s,
 * failure threshold 3, initial delay 0.
 */
public record ProbeSpec(
    Check check, Duration initialDelay, Duration period, Duration timeout, int failureThreshold) {

  public ProbeSpec {
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(initialDelay, "initialDelay");
    Objects.requireNonNull(period, "period");
    Objects.requireNonNull(timeout, "timeout");
    if (failureThreshold < 1) {
      throw new IllegalArgumentException("failureThreshold must be at least 1");
    }
  }

  /** What a probe does. */
  public sealed interface Check {}

  /** GET http://{host}:{port}{path}; 2xx and 3xx are healthy. */
  public record Http(int port, String path) implements Check {}

  /** A TCP connection to the port succeeds. */
  public record Tcp(int port) implements Check {}

  /** The command, run in the container, exits 0. */
  public record Exec(List<String> command) implements Check {
    public Exec {
      command = List.copyOf(command);
    }
  }
}
