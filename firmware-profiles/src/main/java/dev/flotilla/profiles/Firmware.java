package dev.flotilla.profiles;

import java.util.Objects;

/**
 * The firmware or operating system a device class runs, as its vendor names and numbers it.
 *
 * @param name e.g. {@code Raspberry Pi OS Lite}, {@code Jetson Linux}; not blank
 * @param version what a workload's minimum firmware version is compared with
 */
public record Firmware(String name, FirmwareVersion version) {
  public Firmware {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    if (name.isBlank()) {
      throw new IllegalArgumentException("a firmware name must not be blank");
    }
  }

  /** {@code Raspberry Pi OS Lite 12.8}. */
  @Override
  public String toString() {
    return name + " " + version;
  }
}
