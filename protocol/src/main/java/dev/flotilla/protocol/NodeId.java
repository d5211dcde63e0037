package dev.flotilla.protocol;

/**
 * A node's identifier: {@code [a-z0-9][a-z0-9-]{0,62}}. It is a single MQTT topic level, a
 * Podman-safe name and a DNS label, so nothing else is allowed.
 *
 * @param value the validated id, never null
 */
public record NodeId(String value) {
  /**
   * @throws IllegalArgumentException when {@code value} is not a valid node id; use {@link #parse}
   *     for input that comes from outside.
   */
  public NodeId {
    if (value == null || !DnsLabel.isValid(value)) {
      throw new IllegalArgumentException(describe(value));
    }
  }

  /** For ids that arrive from the wire or from an operator: refusal is a typed error. */
  public static NodeId parse(String value) throws ProtocolException {
    if (!isValid(value)) {
      throw new ProtocolException(ProtocolException.Reason.INVALID_NODE_ID, describe(value));
    }
    return new NodeId(value);
  }

  public static boolean isValid(String value) {
    return DnsLabel.isValid(value);
  }

  static String describe(String value) {
    if (value == null) {
      return "node id is missing";
    }
    String shown = value.length() > 80 ? value.substring(0, 80) + "…" : value;
    return "node id '" + shown + "' is invalid: " + DnsLabel.RULE;
  }

  @Override
  public String toString() {
    return value;
  }
}
