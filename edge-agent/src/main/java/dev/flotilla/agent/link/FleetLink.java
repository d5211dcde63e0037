package dev.flotilla.agent.link;

import dev.flotilla.protocol.Topics;
import java.util.concurrent.CompletableFuture;

/**
 * The agent's connection to the fleet's MQTT broker. Connecting, reconnecting with back-off,
 * presence (birth on connect, death as the will) and the subscription to the node's retained
 * desired topic are the link's business; callers never wait on it. Thread-safe.
 */
public interface FleetLink extends AutoCloseable {

  /** Starts connecting in the background and returns at once; reconnects until closed. */
  void start(Listener listener);

  /** Whether the link is connected right now (a hint: it can drop the next moment). */
  boolean connected();

  /**
   * Publishes {@code payload} at QoS 1 on this node's topic of {@code kind} (status, events,
   * cmd/reply). The future completes when the broker has acknowledged it (PUBACK) and fails when
   * the link is down or the publish is refused; it never blocks the caller.
   */
  CompletableFuture<Void> publish(Topics.Kind kind, byte[] payload);

  /** Publishes an OFFLINE presence when connected, then disconnects. */
  @Override
  void close();

  /** Callbacks, on a link thread: they must return quickly and never block. */
  interface Listener {
    /** A message arrived on this node's desired topic (retained or live). */
    void onDesired(byte[] payload);

    /** The link is (re)connected and subscribed; a good moment to drain the outbox. */
    void onConnected();

    /** The link was lost; the link reconnects on its own. */
    void onConnectionLost(String cause);
  }
}
