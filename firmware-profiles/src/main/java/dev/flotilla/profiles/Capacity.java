package dev.flotilla.profiles;

/**
 * Amounts of the three resources a profile states: what a device has, what its OS and agent keep
 * ({@link FirmwareProfile#reserved()}), and what is left for workloads ({@link
 * FirmwareProfile#allocatable()}). Zero means none.
 *
 * @param cpuMillis CPU in millicores (1000 = one core)
 * @param memoryBytes memory in bytes
 * @param storageBytes persistent storage in bytes
 */
public record Capacity(int cpuMillis, long memoryBytes, long storageBytes) {
  /** No CPU, memory or storage: what a profile reserves when it says nothing. */
  public static final Capacity NONE = new Capacity(0, 0, 0);

  public Capacity {
    if (cpuMillis < 0 || memoryBytes < 0 || storageBytes < 0) {
      throw new IllegalArgumentException(
          "capacities are never negative, got "
              + cpuMillis
              + "m CPU, "
              + memoryBytes
              + " bytes of memory, "
              + storageBytes
              + " bytes of storage");
    }
  }

  /** This less {@code other}, field by field; may go negative, which the constructor refuses. */
  Capacity minus(Capacity other) {
    return new Capacity(
        cpuMillis - other.cpuMillis,
        memoryBytes - other.memoryBytes,
        storageBytes - other.storageBytes);
  }

  /** {@code 3500m CPU, 3584Mi memory, 28Gi storage}. */
  @Override
  public String toString() {
    return cpuMillis
        + "m CPU, "
        + Quantities.formatMemory(memoryBytes)
        + " memory, "
        + Quantities.formatMemory(storageBytes)
        + " storage";
  }
}
