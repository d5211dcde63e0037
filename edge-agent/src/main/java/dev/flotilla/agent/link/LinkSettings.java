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
}
