package dev.flotilla.protocol;

import java.util.regex.Pattern;

/**
 * The naming rule shared by node ids and workload names: one MQTT topic level, a Podman-safe
 * container name part and a DNS label.
 */
final class DnsLabel {
  static final String RULE =
      "it must be 1 to 63 characters of a-z, 0-9 and '-', starting with a letter or digit";

  private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  private DnsLabel() {}

  static boolean isValid(String value) {
    return value != null && VALID.matcher(value).matches();
  }
}
