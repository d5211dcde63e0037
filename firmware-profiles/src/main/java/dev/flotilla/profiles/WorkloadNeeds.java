package dev.flotilla.profiles;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * What one copy of a workload asks of the node it runs on, for {@link Fit}. A zero or empty field
 * asks for nothing.
 *
 * @param cpuMillis CPU requested, in millicores; 0 for none
 * @param memoryBytes memory requested, in bytes; 0 for none
 * @param architectures the profile's architecture must be one of these; empty allows any
 * @param minFirmwareVersion the profile's firmware version must be at least this; null for any
 * @param peripherals peripheral name to how many the profile must have at least; a count of 0 asks
 *     for nothing
 */
public record WorkloadNeeds(
    int cpuMillis,
    long memoryBytes,
    SortedSet<Architecture> architectures,
    @Nullable FirmwareVersion minFirmwareVersion,
    SortedMap<String, Integer> peripherals) {

  /** Asks for nothing: fits every node. */
  public static final WorkloadNeeds NOTHING =
      new WorkloadNeeds(0, 0, new TreeSet<>(), null, new TreeMap<>());

  public WorkloadNeeds {
    if (cpuMillis < 0 || memoryBytes < 0) {
      throw new IllegalArgumentException(
          "requests are never negative, got " + cpuMillis + "m CPU and " + memoryBytes + " bytes");
    }
    Objects.requireNonNull(architectures, "architectures");
    Objects.requireNonNull(peripherals, "peripherals");
    architectures = Collections.unmodifiableSortedSet(new TreeSet<>(architectures));
    Counts counts = Counts.copyOf(peripherals);
    for (Map.Entry<String, Integer> e : counts.entrySet()) {
      if (e.getValue() < 0) {
        throw new IllegalArgumentException(
            "peripheral '" + e.getKey() + "' is needed " + e.getValue() + " times; never negative");
      }
    }
    peripherals = counts;
  }
}
