package dev.flotilla.agent.link;

import dev.flotilla.protocol.NodeId;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * How the agent connects to the broker.
 *
 * @param brokerUri e.g. {@code tcp://controller.local:1883} or {@code ssl://...:8883}
 * @param node this node's id; also the MQTT client id and user name
 * @param password the node's MQTT password (issued at enrollment); empty for none
 * @param sessionExpiry how long the broker keeps the session (and queued QoS 1 messages) while the
 *     node is away; finite
 * @param keepAlive MQTT keep-alive
 * @param willDelay how long the broker waits before publishing the death presence, so a quick
 *     reconnect does not flap the node's presence
 * @param reconnectMin first reconnect delay; doubles with jitter
 * @param reconnectMax reconnect delay ceiling
 * @param maxInflight QoS 1 messages in flight at once (Paho's default is 10)
 * @param agentVersion reported in presence
 * @param bootId reported in presence; new on every agent start
 * @param appliedGeneration reads the generation currently applied, for presence
 */
public record LinkSettings(
    String brokerUri,
    NodeId node,
    String password,
    Duration sessionExpiry,
    Duration keepAlive,
    Duration willDelay,
    Duration reconnectMin,
    Duration reconnectMax,
    int maxInflight,
    String agentVersion,
    String bootId,
    LongSupplier appliedGeneration) {
  public LinkSettings {
    Objects.requireNonNull(brokerUri, "brokerUri");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(sessionExpiry, "sessionExpiry");
    Objects.requireNonNull(keepAlive, "keepAlive");
    Objects.requireNonNull(willDelay, "willDelay");
    Objects.requireNonNull(reconnectMin, "reconnectMin");
    Objects.requireNonNull(reconnectMax, "reconnectMax");
    Objects.requireNonNull(agentVersion, "agentVersion");
    Objects.requireNonNull(bootId, "bootId");
    Objects.requireNonNull(appliedGeneration, "appliedGeneration");
    if (maxInflight < 1) {
      throw new IllegalArgumentException("maxInflight must be at least 1");
    }
  }

  /** The longest finite MQTT 5 session expiry and will delay, in seconds (0xFFFFFFFF is never). */
  public static final long MAX_EXPIRY_SECONDS = 0xFFFF_FFFEL;

  /**
   * Checks what MQTT 5 can carry and what a link needs, whatever client speaks it: a finite session
   * expiry of 1 s to {@link #MAX_EXPIRY_SECONDS}, a keep-alive of 0 to 65535 s, a will delay within
   * the expiry range, a positive reconnect minimum and a maximum not below it. Durations count in
   * whole seconds, rounded up.
   *
   * @throws IllegalArgumentException naming the setting and what it must be
   */
  public void checkMqttLimits() {
    long expiry = wholeSeconds(sessionExpiry);
    if (expiry < 1 || expiry > MAX_EXPIRY_SECONDS) {
      throw new IllegalArgumentException(
          "sessionExpiry must be 1 s to "
              + MAX_EXPIRY_SECONDS
              + " s (finite, so the broker eventually forgets a node that is gone), not "
              + sessionExpiry);
    }
    if (keepAlive.isNegative() || wholeSeconds(keepAlive) > 65_535) {
      throw new IllegalArgumentException("keepAlive must be 0 to 65535 s, not " + keepAlive);
    }
    if (willDelay.isNegative() || wholeSeconds(willDelay) > MAX_EXPIRY_SECONDS) {
      throw new IllegalArgumentException(
          "willDelay must be 0 to " + MAX_EXPIRY_SECONDS + " s, not " + willDelay);
    }
    if (reconnectMin.isNegative() || reconnectMin.isZero()) {
      throw new IllegalArgumentException("reconnectMin must be positive, not " + reconnectMin);
    }
    if (reconnectMax.compareTo(reconnectMin) < 0) {
      throw new IllegalArgumentException(
          "reconnectMax " + reconnectMax + " must not be below reconnectMin " + reconnectMin);
    }
  }

  /** {@code duration} in whole seconds, rounded up: what MQTT's second-granular fields carry. */
  public static long wholeSeconds(Duration duration) {
    long seconds = duration.getSeconds();
    return duration.getNano() > 0 ? seconds + 1 : seconds;
  }
}
