package dev.flotilla.profiles;

import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.regex.Pattern;

/**
 * A device class: what every node of that class is and has, as one profile file declares it ({@link
 * ProfileLoader}). Immutable; the constructor enforces the same invariants the loader reports field
 * by field, so a profile built in code is as sound as one read from a file.
 *
 * @param name the profile's name, also its file name without {@code .yaml}; {@link #NAME_RULE}
 * @param description one line for people: model, memory size, OS
 * @param architecture the CPU architecture, as container images name it
 * @param firmware the firmware or OS and its version
 * @param capacity what the device has
 * @param reserved what its OS and the agent keep; below {@code capacity} in every field
 * @param peripherals peripheral name ({@link #PERIPHERAL_RULE}) to how many the device has ({@value
 *     #MAX_PERIPHERAL_COUNT} at most); names that are absent count as 0
 * @param connectivity the link class to the controller
 * @param agent the agent's link and status cadence
 */
public record FirmwareProfile(
    String name,
    String description,
    Architecture architecture,
    Firmware firmware,
    Capacity capacity,
    Capacity reserved,
    SortedMap<String, Integer> peripherals,
    Connectivity connectivity,
    AgentTuning agent) {

  public static final String NAME_RULE =
      "1 to 128 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or digit";
  public static final String PERIPHERAL_RULE =
      "1 to 32 characters of a-z, 0-9 and '-', starting with a letter, like gpu, serial or camera";
  public static final int MAX_PERIPHERAL_COUNT = 1024;

  static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,127}");
  static final Pattern PERIPHERAL = Pattern.compile("[a-z][a-z0-9-]{0,31}");

  public FirmwareProfile {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(architecture, "architecture");
    Objects.requireNonNull(firmware, "firmware");
    Objects.requireNonNull(capacity, "capacity");
    Objects.requireNonNull(reserved, "reserved");
    Objects.requireNonNull(peripherals, "peripherals");
    Objects.requireNonNull(connectivity, "connectivity");
    Objects.requireNonNull(agent, "agent");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("profile name '" + name + "' must be " + NAME_RULE);
    }
    if (capacity.cpuMillis() <= 0 || capacity.memoryBytes() <= 0 || capacity.storageBytes() <= 0) {
      throw new IllegalArgumentException(
          "profile " + name + ": capacity must be more than zero in every field, was " + capacity);
    }
    if (reserved.cpuMillis() >= capacity.cpuMillis()
        || reserved.memoryBytes() >= capacity.memoryBytes()
        || reserved.storageBytes() >= capacity.storageBytes()) {
      throw new IllegalArgumentException(
          "profile "
              + name
              + ": reserved ("
              + reserved
              + ") must be below capacity ("
              + capacity
              + ") in every field");
    }
    Counts counts = Counts.copyOf(peripherals);
    for (Map.Entry<String, Integer> e : counts.entrySet()) {
      if (!PERIPHERAL.matcher(e.getKey()).matches()) {
        throw new IllegalArgumentException(
            "profile " + name + ": peripheral '" + e.getKey() + "' must be " + PERIPHERAL_RULE);
      }
      if (e.getValue() < 1 || e.getValue() > MAX_PERIPHERAL_COUNT) {
        throw new IllegalArgumentException(
            "profile "
                + name
                + ": peripheral '"
                + e.getKey()
                + "' must count 1 to "
                + MAX_PERIPHERAL_COUNT
                + ", was "
                + e.getValue());
      }
    }
    peripherals = counts;
  }

  /** Capacity minus reserved, field by field: what workloads may use. Positive in every field. */
  public Capacity allocatable() {
    return capacity.minus(reserved);
  }

  /** How many of peripheral {@code name} the device has; 0 when the profile does not list it. */
  public int peripheral(String name) {
    return ((Counts) peripherals).count(name);
  }
}
