package dev.flotilla.controller;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The controller's settings, read once at start (see {@code docs/controller.md} for the keys).
 *
 * @param dataDir everything the controller keeps: store, signing key, broker data, secrets
 * @param brokerHost the embedded broker's listen address
 * @param brokerPort the embedded broker's port
 * @param externalBrokerUrl when set, no broker is embedded and the controller connects here
 * @param externalBrokerUsername the controller's user name on the external broker
 * @param externalBrokerPassword its password
 * @param advertisedBrokerUrl the URL enrolled nodes are told to connect to; null derives it from
 *     the embedded broker's address (or the external URL)
 * @param jdbcUrl the store; null for the SQLite file {@code controller.db} in the data directory
 * @param staleAfter a node silent for longer is unreachable
 * @param livenessInterval how often staleness is checked
 * @param republishInterval how often unacknowledged desired states are published again
 * @param maxPayloadBytes the largest message accepted from a node
 * @param profilesDir the operator's own firmware profiles, beside the built-in ones; null for none
 * @param unreachableGrace how long a replica waits on an unreachable node before it moves
 * @param commandTimeout how long a remote command waits for the node's reply when the caller names
 *     no time; also the command's message expiry at the broker
 */
public record ControllerSettings(
    Path dataDir,
    String brokerHost,
    int brokerPort,
    @Nullable String externalBrokerUrl,
    String externalBrokerUsername,
    String externalBrokerPassword,
    @Nullable String advertisedBrokerUrl,
    @Nullable String jdbcUrl,
    String jdbcUser,
    String jdbcPassword,
    Duration staleAfter,
    Duration livenessInterval,
    Duration republishInterval,
    int maxPayloadBytes,
    @Nullable Path profilesDir,
    Duration unreachableGrace,
    Duration commandTimeout) {

  public static final Path DEFAULT_DATA_DIR = Path.of("flotilla-data");
  public static final int DEFAULT_BROKER_PORT = 1883;
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(30);

  public ControllerSettings {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(brokerHost, "brokerHost");
    Objects.requireNonNull(externalBrokerUsername, "externalBrokerUsername");
    Objects.requireNonNull(externalBrokerPassword, "externalBrokerPassword");
    Objects.requireNonNull(jdbcUser, "jdbcUser");
    Objects.requireNonNull(jdbcPassword, "jdbcPassword");
    Objects.requireNonNull(staleAfter, "staleAfter");
    Objects.requireNonNull(livenessInterval, "livenessInterval");
    Objects.requireNonNull(republishInterval, "republishInterval");
    Objects.requireNonNull(unreachableGrace, "unreachableGrace");
    Objects.requireNonNull(commandTimeout, "commandTimeout");
    if (commandTimeout.isNegative() || commandTimeout.isZero()) {
      throw new IllegalArgumentException(
          "flotilla.commands.timeout must be positive, was " + commandTimeout);
    }
    if (brokerPort < 1 || brokerPort > 65_535) {
      throw new IllegalArgumentException(
          "flotilla.broker.port must be 1..65535, was " + brokerPort);
    }
    if (maxPayloadBytes < 1024) {
      throw new IllegalArgumentException("flotilla.ingest.max-payload-bytes must be at least 1024");
    }
  }

  /** The defaults, with the data in {@code dataDir}. */
  public static ControllerSettings defaults(Path dataDir) {
    return new ControllerSettings(
        dataDir,
        "0.0.0.0",
        DEFAULT_BROKER_PORT,
        null,
        "",
        "",
        null,
        null,
        "",
        "",
        Duration.ofMinutes(15),
        Duration.ofSeconds(30),
        Duration.ofSeconds(10),
        256 * 1024,
        null,
        Duration.ofMinutes(10),
        DEFAULT_COMMAND_TIMEOUT);
  }

  /** Whether the controller embeds its broker. */
  public boolean embeddedBroker() {
    return externalBrokerUrl == null || externalBrokerUrl.isBlank();
  }
}
