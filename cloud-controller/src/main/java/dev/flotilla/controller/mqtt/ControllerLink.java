package dev.flotilla.controller.mqtt;

import dev.flotilla.protocol.NodeId;
import java.util.concurrent.CompletableFuture;

/**
 * The controller's side of the MQTT protocol: retained desired states out, everything the nodes
 * publish in. One port; {@code PahoControllerLink} is the adapter.
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

  /** Connects and subscribes to every node's status, events (shared) and presence. */
  void start(Inbound inbound);

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
