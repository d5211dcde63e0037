package dev.flotilla.profiles;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.StringJoiner;

/**
 * Whether a workload fits a node, judged by the node's profile and what is already placed on it.
 * Pure and thread-safe.
 *
 * <p>The rules, in {@link Constraint} order:
 *
 * <ol>
 *   <li>architecture: the profile's is among the workload's, or the workload names none;
 *   <li>firmware: the profile's version is at least the workload's minimum, if it has one;
 *   <li>peripherals: the profile has at least as many of each as the workload needs;
 *   <li>CPU and memory: a request fits when it is at most what is free, that is the profile's
 *       allocatable amount (capacity less reserved) less what is placed. A request of 0 asks for
 *       nothing and always fits, even on an over-committed node whose free amount is negative.
 * </ol>
 *
 * <p>{@link #fits} answers yes or no for the scheduler's inner loop; {@link #check} gives the
 * reasons for people. They apply the same rules: {@code check(n, p, u).isEmpty() == fits(n, p, u)}
 * always.
 */
public final class Fit {
  private Fit() {}

  /**
   * True when the workload fits. Allocation-free: it is called about 1,000,000 times per fleet-wide
   * placement (10,000 nodes by 100 deployments), so there are no streams, iterators, boxing or
   * strings on this path, only array walks and comparisons.
   */
  public static boolean fits(WorkloadNeeds needs, FirmwareProfile profile, Used used) {
    SortedSet<Architecture> architectures = needs.architectures();
    if (!architectures.isEmpty() && !architectures.contains(profile.architecture())) {
      return false;
    }
    FirmwareVersion min = needs.minFirmwareVersion();
    if (min != null && profile.firmware().version().compareTo(min) < 0) {
      return false;
    }
    Counts wanted = (Counts) needs.peripherals();
    for (int i = 0; i < wanted.length(); i++) {
      if (profile.peripheral(wanted.nameAt(i)) < wanted.countAt(i)) {
        return false;
      }
    }
    int cpu = needs.cpuMillis();
    if (cpu > 0 && cpu > freeCpu(profile, used)) {
      return false;
    }
    long memory = needs.memoryBytes();
    return memory == 0 || memory <= freeMemory(profile, used);
  }

  /**
   * Every reason the workload does not fit, in {@link Constraint} order (peripherals by name), each
   * with the numbers; empty when it fits.
   */
  public static List<Misfit> check(WorkloadNeeds needs, FirmwareProfile profile, Used used) {
    List<Misfit> out = new ArrayList<>();
    SortedSet<Architecture> architectures = needs.architectures();
    if (!architectures.isEmpty() && !architectures.contains(profile.architecture())) {
      StringJoiner names = new StringJoiner(" or ");
      architectures.forEach(a -> names.add(a.ociName()));
      out.add(
          new Misfit(
              Constraint.ARCHITECTURE,
              "needs architecture "
                  + names
                  + ", profile "
                  + profile.name()
                  + " is "
                  + profile.architecture().ociName()));
    }
    FirmwareVersion min = needs.minFirmwareVersion();
    if (min != null && profile.firmware().version().compareTo(min) < 0) {
      out.add(
          new Misfit(
              Constraint.FIRMWARE,
              "needs firmware >= "
                  + min
                  + ", profile "
                  + profile.name()
                  + " has "
                  + profile.firmware()));
    }
    Counts wanted = (Counts) needs.peripherals();
    for (int i = 0; i < wanted.length(); i++) {
      String name = wanted.nameAt(i);
      int has = profile.peripheral(name);
      if (has < wanted.countAt(i)) {
        out.add(
            new Misfit(
                Constraint.PERIPHERAL,
                "needs "
                    + wanted.countAt(i)
                    + " "
                    + name
                    + ", profile "
                    + profile.name()
                    + " has "
                    + has));
      }
    }
    long freeCpu = freeCpu(profile, used);
    if (needs.cpuMillis() > 0 && needs.cpuMillis() > freeCpu) {
      out.add(
          new Misfit(
              Constraint.CPU,
              "needs "
                  + needs.cpuMillis()
                  + "m CPU, "
                  + freeCpu
                  + "m free of "
                  + allocatableCpu(profile)
                  + "m allocatable ("
                  + used.cpuMillis()
                  + "m placed)"));
    }
    long freeMemory = freeMemory(profile, used);
    if (needs.memoryBytes() > 0 && needs.memoryBytes() > freeMemory) {
      out.add(
          new Misfit(
              Constraint.MEMORY,
              "needs "
                  + Quantities.formatMemory(needs.memoryBytes())
                  + " memory, "
                  + Quantities.formatMemory(freeMemory)
                  + " free of "
                  + Quantities.formatMemory(allocatableMemory(profile))
                  + " allocatable ("
                  + Quantities.formatMemory(used.memoryBytes())
                  + " placed)"));
    }
    return List.copyOf(out);
  }

  // Computed from the records' fields rather than through allocatable(), which makes a record.
  // Longs, so that no sum overflows: allocatable amounts are positive and used ones never
  // negative, so even the largest of each leaves the difference inside a long.

  private static long allocatableCpu(FirmwareProfile p) {
    return (long) p.capacity().cpuMillis() - p.reserved().cpuMillis();
  }

  private static long freeCpu(FirmwareProfile p, Used used) {
    return allocatableCpu(p) - used.cpuMillis();
  }

  private static long allocatableMemory(FirmwareProfile p) {
    return p.capacity().memoryBytes() - p.reserved().memoryBytes();
  }

  private static long freeMemory(FirmwareProfile p, Used used) {
    return allocatableMemory(p) - used.memoryBytes();
  }
}
