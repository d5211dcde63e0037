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

  /**
   * Publishes a reply to a command at QoS 1 on this node's {@code cmd/reply} topic, with the MQTT 5
   * correlation data copied from the command. Like {@link #publish}: never blocks, fails at once
   * when the link is down (nothing is queued while offline: the command's caller times out), and
   * completes on the broker's PUBACK.
   *
   * @param correlationData the command's correlation data; empty when it had none (then none is
   *     sent)
   */
  CompletableFuture<Void> publishReply(byte[] payload, byte[] correlationData);

  /** Publishes an OFFLINE presence when connected, then disconnects. */
  @Override
  void close();

  /** Callbacks, on a link thread: they must return quickly and never block. */
  interface Listener {
    /** A message arrived on this node's desired topic (retained or live). */
    void onDesired(byte[] payload);

    /**
     * A command arrived on this node's {@code cmd} topic. The listener must hand it to a worker at
     * once: the broker's PUBACK for it waits for this call.
     *
     * @param correlationData the MQTT 5 correlation data of the command, to be copied onto its
     *     replies; empty when the command had none
     */
    default void onCommand(byte[] payload, byte[] correlationData) {}

    /** The link is (re)connected and subscribed; a good moment to drain the outbox. */
    void onConnected();

    /** The link was lost; the link reconnects on its own. */
    void onConnectionLost(String cause);
  }
}
