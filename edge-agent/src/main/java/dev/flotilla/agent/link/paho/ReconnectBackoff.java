package dev.flotilla.agent.link.paho;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How long the link waits before its next connection attempt: exponential back-off with "equal
 * jitter". After {@code failures} consecutive failures the ceiling is {@code min * 2^(failures +
 * 1)}, capped at {@code max}; the delay is drawn uniformly between half the ceiling (but never less
 * than {@code min}) and the ceiling. So the first retry waits {@code min} to {@code 2 * min}, the
 * delays roughly double after that, and every delay lies in {@code [min, max]}.
 *
 * <p>The jitter spreads the reconnects of a whole fleet after a broker restart over time instead of
 * sending every node at the broker in the same millisecond; the floor of half the ceiling keeps a
 * node from retrying early by bad luck. Pure: the randomness comes from the caller. The simulator's
 * link ({@code dev.flotilla.simulator.link.HubFleetLink}) shares it, so virtual nodes back off as
 * the agent does.
 */
public final class ReconnectBackoff {
  private ReconnectBackoff() {}

  /**
   * @param failures consecutive failed attempts (or losses) so far, 0 or more
   * @param min the shortest delay, positive
   * @param max the longest delay, not below {@code min}
   * @param random the source of jitter; called once
   * @return a delay in {@code [min, max]}, at millisecond precision
   */
  public static Duration delay(int failures, Duration min, Duration max, RandomGenerator random) {
    if (failures < 0) {
      throw new IllegalArgumentException("failures must not be negative, not " + failures);
    }
    if (min.isNegative() || min.isZero()) {
      throw new IllegalArgumentException("min must be positive, not " + min);
    }
    if (max.compareTo(min) < 0) {
      throw new IllegalArgumentException("max " + max + " must not be below min " + min);
    }
    long minMs = Math.max(1, min.toMillis());
    long maxMs = Math.max(minMs, max.toMillis());
    long ceiling = maxMs;
    // min << (failures + 1), unless that would overflow (and so pass max anyway).
    if (failures < Long.numberOfLeadingZeros(minMs) - 2) {
      ceiling = Math.min(maxMs, minMs << (failures + 1));
    }
    long floor = Math.max(minMs, ceiling / 2);
    return Duration.ofMillis(floor + random.nextLong(ceiling - floor + 1));
  }
}
