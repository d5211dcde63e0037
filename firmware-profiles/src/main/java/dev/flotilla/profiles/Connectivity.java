package dev.flotilla.profiles;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How a device class reaches the controller, as far as the link's cost and reliability go: it picks
 * the agent's link and status cadence ({@link AgentTuning#defaultsFor}).
 */
public enum Connectivity {
  /** Wired LAN: unmetered, stable. */
  ETHERNET,
  /** Wireless LAN: unmetered, usually stable; tuned like ethernet. */
  WIFI,
  /** A mobile network (LTE, 5G, NB-IoT): billed by the byte, behind carrier NAT, drops briefly. */
  CELLULAR;

  /** The name in profile files: {@code ethernet}, {@code wifi}, {@code cellular}. */
  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The class with that profile-file name; empty when there is none. */
  public static Optional<Connectivity> fromYamlName(String name) {
    for (Connectivity c : values()) {
      if (c.yamlName().equals(name)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  /** Every profile-file name, for error messages. */
  public static List<String> yamlNames() {
    return Arrays.stream(values()).map(Connectivity::yamlName).toList();
  }
}
