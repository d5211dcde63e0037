package dev.flotilla.profiles;

/**
 * What the workloads already placed on a node request together, for {@link Fit}: the node's free
 * amounts are its profile's allocatable amounts less these. May exceed what is allocatable (an
 * over-committed node), never negative.
 *
 * @param cpuMillis CPU in millicores
 * @param memoryBytes memory in bytes
 */
public record Used(int cpuMillis, long memoryBytes) {
  /** An empty node. */
  public static final Used NOTHING = new Used(0, 0);

  public Used {
    if (cpuMillis < 0 || memoryBytes < 0) {
      throw new IllegalArgumentException(
          "used amounts are never negative, got "
              + cpuMillis
              + "m CPU and "
              + memoryBytes
              + " bytes");
    }
  }

  /**
   * These amounts with {@code cpu} millicores and {@code mem} bytes more (less, when negative: a
   * workload taken off).
   *
   * @throws ArithmeticException on overflow
   * @throws IllegalArgumentException when the result would be negative
   */
  public Used plus(int cpu, long mem) {
    return new Used(Math.addExact(cpuMillis, cpu), Math.addExact(memoryBytes, mem));
  }
}
