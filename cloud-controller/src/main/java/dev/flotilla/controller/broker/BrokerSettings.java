package dev.flotilla.controller.broker;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where and how the embedded broker listens.
 *
 * @param host the address the MQTT TCP listener binds to: {@code 0.0.0.0} for every interface,
 *     {@code 127.0.0.1} for loopback only; never null or blank
 * @param port the MQTT TCP port, 1 to 65535
 * @param dir the broker's own folder, never null; {@code conf/}, {@code data/} (retained messages,
 *     sessions) and {@code extensions/} are created under it. Keep it across restarts: retained
 *     desired states live there
 * @param serverReceiveMaximum the MQTT 5 receive maximum the broker announces: how many QoS 1 and 2
 *     publishes one client may have unacknowledged at once, 1 to 65535
 * @param maxPacketBytes the largest MQTT packet the broker accepts, {@value #MIN_PACKET_BYTES} to
 *     {@value #MAX_PACKET_BYTES} bytes
 */
public record BrokerSettings(
    String host, int port, Path dir, int serverReceiveMaximum, int maxPacketBytes) {

  /** Bind to every interface. */
  public static final String DEFAULT_HOST = "0.0.0.0";

  /** The IANA port for MQTT over TCP. */
  public static final int DEFAULT_PORT = 1883;

  /**
   * Well above HiveMQ's default of 10, so a node can drain its outbox of QoS 1 events without
   * waiting on every PUBACK.
   */
  public static final int DEFAULT_SERVER_RECEIVE_MAXIMUM = 1000;

  /**
   * How many messages the broker queues for one client before it discards new ones: HiveMQ's
   * default of 1,000 is far too small for the controller, whose shared subscription takes a status
   * and a few events from every node at once after a fleet-wide apply (40,000 messages at 10,000
   * nodes) and queues everything the fleet reports while the controller restarts. Half a million
   * holds a dozen such bursts, or hours of a 10,000-node fleet's summaries; nodes' own queues hold
   * only their desired state and commands and never come near it. Beyond it the broker discards the
   * newest messages: statuses heal with the next summary, events would be lost.
   */
  public static final int MAX_QUEUED_MESSAGES = 500_000;

  /** 512 KiB: room for a large desired state, small enough to bound what one client can send. */
  public static final int DEFAULT_MAX_PACKET_BYTES = 512 * 1024;

  /** The smallest {@link #maxPacketBytes()} accepted; a few protobuf messages must fit. */
  public static final int MIN_PACKET_BYTES = 1024;

  /** HiveMQ's (and MQTT's) upper bound for a packet: 256 MiB plus a fixed header. */
  public static final int MAX_PACKET_BYTES = 268_435_460;

  /**
   * @throws IllegalArgumentException when a value is out of range, naming it and its range
   * @throws NullPointerException when {@code host} or {@code dir} is null
   */
  public BrokerSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(dir, "dir");
    if (host.isBlank()
        || host.chars().anyMatch(c -> Character.isWhitespace(c) || c == '<' || c == '&')) {
      throw new IllegalArgumentException(
          "broker host '"
              + host
              + "' must be an address or host name such as 0.0.0.0 or 127.0.0.1");
    }
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("broker port must be 1 to 65535, not " + port);
    }
    if (serverReceiveMaximum < 1 || serverReceiveMaximum > 65_535) {
      throw new IllegalArgumentException(
          "broker serverReceiveMaximum must be 1 to 65535, not " + serverReceiveMaximum);
    }
    if (maxPacketBytes < MIN_PACKET_BYTES || maxPacketBytes > MAX_PACKET_BYTES) {
      throw new IllegalArgumentException(
          "broker maxPacketBytes must be "
              + MIN_PACKET_BYTES
              + " to "
              + MAX_PACKET_BYTES
              + ", not "
              + maxPacketBytes);
    }
  }

  /**
   * Host {@code 0.0.0.0}, port 1883, receive maximum 1000, packets up to 512 KiB, under {@code
   * dir}.
   */
  public static BrokerSettings defaults(Path dir) {
    return new BrokerSettings(
        DEFAULT_HOST, DEFAULT_PORT, dir, DEFAULT_SERVER_RECEIVE_MAXIMUM, DEFAULT_MAX_PACKET_BYTES);
  }

  /** The same settings on another port. */
  public BrokerSettings withPort(int port) {
    return new BrokerSettings(host, port, dir, serverReceiveMaximum, maxPacketBytes);
  }

  /** The same settings bound to another host. */
  public BrokerSettings withHost(String host) {
    return new BrokerSettings(host, port, dir, serverReceiveMaximum, maxPacketBytes);
  }

  /** The same settings with another broker folder. */
  public BrokerSettings withDir(Path dir) {
    return new BrokerSettings(host, port, dir, serverReceiveMaximum, maxPacketBytes);
  }
}
