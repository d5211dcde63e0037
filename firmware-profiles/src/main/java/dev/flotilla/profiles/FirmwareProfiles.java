package dev.flotilla.profiles;

import dev.flotilla.protocol.ProtocolVersions;

/**
 * Placeholder until the firmware profiles and placement issue fills this module: device profiles
 * (one YAML file per device class) and the pure fit check of a workload on a node.
 */
public final class FirmwareProfiles {
  private FirmwareProfiles() {}

  /** The protocol major version this module is built against. */
  public static int protocolMajor() {
    return ProtocolVersions.MAJOR;
  }
}
