package dev.flotilla.controller.mqtt;

import dev.flotilla.protocol.NodeId;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The controller's side of the MQTT protocol: retained desired states and commands out, everything
 * the nodes publish in. One port; {@code PahoControllerLink} is the adapter.
 *
 * <p>Thread-safe. Publishing never blocks for long: when the broker is away the returned future
 * fails, and the dispatcher retries from the store.
 */
public interface ControllerLink extends AutoCloseable {

  /** Receives what nodes publish; called on the link's thread, one message at a time. */
  @FunctionalInterface
  interface Inbound {
    void accept(String topic, byte[] payload);
  }

  /** Receives replies to commands with their MQTT 5 correlation data; on the link's thread. */
  @FunctionalInterface
  interface Replies {
    /**
     * @param topic a node's {@code cmd/reply} topic
     * @param correlationData the reply's correlation data; empty when it had none
     */
    void accept(String topic, byte[] payload, byte[] correlationData);
  }

  /** Connects and subscribes to every node's status, events (shared) and presence. */
  default void start(Inbound inbound) {
    start(inbound, (topic, payload, correlation) -> {});
  }

  /**
   * Connects and subscribes to every node's status, events (shared), presence and {@code cmd/reply}
   * (not shared: the replica that sent a command is the one waiting for its replies, and the others
   * ignore them).
   */
  void start(Inbound inbound, Replies replies);

  /**
   * Publishes a command on the node's {@code cmd} topic at QoS 1, not retained, with MQTT 5
   * correlation data, the node's {@code cmd/reply} as response topic and a message expiry interval:
   * a command the node does not receive within {@code expiry} (it is offline) is dropped by the
   * broker instead of running late.
   *
   * @param expiry rounded up to whole seconds, at least 1
   * @return completes when the broker acknowledged it (PUBACK); fails when it could not be sent
   */
  CompletableFuture<Void> publishCommand(
      NodeId node, byte[] payload, byte[] correlationData, Duration expiry);

  /**
   * Publishes a node's signed desired state retained at QoS 1.
   *
   * @return completes when the broker acknowledged it (PUBACK); fails when it could not be sent
   */
  CompletableFuture<Void> publishDesired(NodeId node, byte[] signed);

  /** Removes the node's retained desired state (a deleted node). */
  CompletableFuture<Void> clearDesired(NodeId node);

  /** Whether the link is connected now. */
  boolean connected();

  @Override
  void close();
}
