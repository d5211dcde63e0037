package dev.flotilla.controller.command;

import dev.flotilla.controller.model.Node;
import dev.flotilla.controller.model.Presence;
import dev.flotilla.controller.mqtt.ControllerLink;
import dev.flotilla.protocol.NodeId;
import dev.flotilla.protocol.ProtocolException;
import dev.flotilla.protocol.ProtocolVersions;
import dev.flotilla.protocol.Timestamps;
import dev.flotilla.protocol.Topics;
import dev.flotilla.protocol.WireDecoder;
import dev.flotilla.protocol.v1.CancelCommand;
import dev.flotilla.protocol.v1.Command;
import dev.flotilla.protocol.v1.CommandReply;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends commands to nodes over MQTT ({@code cmd}, with correlation data, response topic and message
 * expiry) and matches their replies ({@code cmd/reply}) to the callers waiting for them, by command
 * id (the correlation data carries it too).
 *
 * <p>Every command has a timeout: the broker drops it once {@code timeout} has passed without the
 * node receiving it (message expiry), and the caller's future fails with {@link
 * NodeUnreachableException} {@value #GRACE_SECONDS} s later when no reply came. The message says
 * whether the node is offline (and since when) or online but silent. A log stream additionally
 * allows its follow time before its final chunk is due.
 *
 * <p>Pending commands live in memory only: after a controller restart, late replies to commands it
 * sent before are dropped (their callers are gone). Thread-safe. Reply callbacks run on the link's
 * thread and must not block.
 */
public final class Commands {
  private static final Logger LOG = LoggerFactory.getLogger(Commands.class);

  /** How long after the expiry a caller still waits for a reply that may be on its way. */
  static final long GRACE_SECONDS = 2;

  /** How long a node has to answer a cancel; a node offline longer never sees it. */
  static final Duration CANCEL_TIMEOUT = Duration.ofSeconds(30);

  private final ControllerLink link;
  private final Function<NodeId, Optional<Node>> nodes;
  private final WireDecoder decoder;
  private final Clock clock;
  private final ScheduledExecutorService timers;
  private final Duration defaultTimeout;
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();

  /**
   * @param nodes looks a node up (its presence and last-seen time go into the timeout message)
   * @param timers runs the timeouts; its tasks only complete futures
   * @param defaultTimeout {@code flotilla.commands.timeout}
   */
  public Commands(
      ControllerLink link,
      Function<NodeId, Optional<Node>> nodes,
      WireDecoder decoder,
      Clock clock,
      ScheduledExecutorService timers,
      Duration defaultTimeout) {
    this.link = Objects.requireNonNull(link, "link");
    this.nodes = Objects.requireNonNull(nodes, "nodes");
    this.decoder = Objects.requireNonNull(decoder, "decoder");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.timers = Objects.requireNonNull(timers, "timers");
    this.defaultTimeout = Objects.requireNonNull(defaultTimeout, "defaultTimeout");
  }

  /** {@code flotilla.commands.timeout}: how long a command waits when the caller names no time. */
  public Duration defaultTimeout() {
    return defaultTimeout;
  }

  /** The node did not answer in time; the message says whether it is offline. */
  public static final class NodeUnreachableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NodeUnreachableException(String message) {
      super(message);
    }
  }

  /**
   * Sends a one-shot command (restart, resync, report status).
   *
   * @param action a command with its action set; version, node, id and issue time are filled in
   * @return the node's reply, whatever its result; fails with {@link NodeUnreachableException} when
   *     none came within {@code timeout} plus the grace, or with the link's failure when the
   *     command could not be published
   */
  public CompletableFuture<CommandReply> send(
      NodeId node, Command.Builder action, Duration timeout) {
    return stream(node, action, timeout, Duration.ZERO, reply -> {}).done();
  }

  /**
   * A command answered by a series of replies (a log stream).
   *
   * @param commandId the command's id, to {@link #cancel} it
   * @param first completes with the first reply (which may already be the final one)
   * @param done completes with the final reply
   */
  public record Stream(
      String commandId,
      CompletableFuture<CommandReply> first,
      CompletableFuture<CommandReply> done) {}

  /**
   * Sends a command whose replies may come in several chunks. {@code onReply} gets every reply in
   * order of {@code chunk_index} (a duplicate, as QoS 1 may deliver, is dropped), on the link's
   * thread, the final one included.
   *
   * @param extra how much longer than {@code timeout} the final reply may take (a follow's time)
   */
  public Stream stream(
      NodeId node,
      Command.Builder action,
      Duration timeout,
      Duration extra,
      Consumer<CommandReply> onReply) {
    Objects.requireNonNull(node, "node");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, not " + timeout);
    }
    String id = UUID.randomUUID().toString();
    Command command =
        action
            .setVersion(ProtocolVersions.current())
            .setNodeId(node.value())
            .setCommandId(id)
            .setIssuedAt(Timestamps.of(clock.instant()))
            .build();
    Pending p = new Pending(node, id, timeout, onReply);
    pending.put(id, p);
    p.firstTimer =
        timers.schedule(
            () -> p.expire(false),
            timeout.toMillis() + GRACE_SECONDS * 1000,
            TimeUnit.MILLISECONDS);
    p.doneTimer =
        timers.schedule(
            () -> p.expire(true),
            timeout.plus(extra).toMillis() + GRACE_SECONDS * 1000,
            TimeUnit.MILLISECONDS);
    p.done.whenComplete(
        (reply, error) -> {
          pending.remove(id);
          p.firstTimer.cancel(false);
          p.doneTimer.cancel(false);
        });
    LOG.info(
        "command.sent node={} command={} action={} timeout_ms={}",
        node,
        id,
        command.getActionCase(),
        timeout.toMillis());
    link.publishCommand(node, command.toByteArray(), id.getBytes(StandardCharsets.UTF_8), timeout)
        .whenComplete(
            (ok, error) -> {
              if (error != null) {
                p.fail(
                    new NodeUnreachableException(
                        "cannot send the command to node "
                            + node.value()
                            + ": the controller's broker connection failed ("
                            + error.getMessage()
                            + ")"));
              }
            });
    return new Stream(id, p.first, p.done);
  }

  /**
   * Asks {@code node} to end its command {@code commandId} early (a log follow whose reader went
   * away); the command then ends with its final reply as usual. The node answers OK also when
   * nothing by that id runs.
   *
   * @return the node's answer to the cancel, as {@link #send}'s
   */
  public CompletableFuture<CommandReply> cancel(NodeId node, String commandId) {
    return send(
        node,
        Command.newBuilder().setCancel(CancelCommand.newBuilder().setCommandId(commandId)),
        CANCEL_TIMEOUT);
  }

  /** A reply from the link: matched to its pending command, or dropped. */
  public void onReply(String topic, byte[] payload, byte[] correlationData) {
    NodeId from;
    CommandReply reply;
    try {
      Topics.Topic parsed = Topics.parse(topic);
      from = parsed.node();
      reply = decoder.commandReply(payload);
    } catch (ProtocolException e) {
      LOG.warn("command.reply-refused topic={} reason={}", topic, e.getMessage());
      return;
    }
    String id =
        correlationData.length > 0
            ? new String(correlationData, StandardCharsets.UTF_8)
            : reply.getCommandId();
    Pending p = pending.get(id);
    if (p == null) {
      LOG.debug("command.reply-unmatched node={} command={}", from, id);
      return;
    }
    if (!p.node.equals(from) || !reply.getNodeId().equals(from.value())) {
      LOG.warn(
          "command.reply-refused topic={} command={} reason=\"from node {} for a command to {}\"",
          topic,
          id,
          reply.getNodeId(),
          p.node);
      return;
    }
    p.accept(reply);
  }

  /** How many commands wait for replies now. */
  public int pendingCount() {
    return pending.size();
  }

  private String unreachable(NodeId node, Duration timeout) {
    String why;
    Optional<Node> known = nodes.apply(node);
    if (known.isPresent() && known.get().presence() == Presence.ONLINE) {
      why = "it is online but did not answer";
    } else {
      Instant seen = known.map(Node::lastSeenAt).orElse(null);
      why =
          "it is offline"
              + (seen == null ? "" : " (last seen " + seen.truncatedTo(ChronoUnit.SECONDS) + ")")
              + "; the command expired at the broker";
    }
    return "node " + node.value() + " did not answer within " + format(timeout) + ": " + why;
  }

  /** {@code 30s}, {@code 5m}, {@code 1m30s}, {@code 500ms}. */
  public static String format(Duration d) {
    if (d.toMillis() < 1000) {
      return d.toMillis() + "ms";
    }
    long s = d.toSeconds();
    if (s < 60) {
      return s + "s";
    }
    return (s / 60) + "m" + (s % 60 == 0 ? "" : (s % 60) + "s");
  }

  /** One command waiting for replies. */
  private final class Pending {
    final NodeId node;
    final String id;
    final Duration timeout;
    final Consumer<CommandReply> onReply;
    final CompletableFuture<CommandReply> first = new CompletableFuture<>();
    final CompletableFuture<CommandReply> done = new CompletableFuture<>();
    // Guarded by this.
    int nextIndex;
    volatile ScheduledFuture<?> firstTimer;
    volatile ScheduledFuture<?> doneTimer;

    Pending(NodeId node, String id, Duration timeout, Consumer<CommandReply> onReply) {
      this.node = node;
      this.id = id;
      this.timeout = timeout;
      this.onReply = onReply;
    }

    void accept(CommandReply reply) {
      synchronized (this) {
        if (done.isDone() || reply.getChunkIndex() < nextIndex) {
          return; // a duplicate (QoS 1), or after the end
        }
        nextIndex = reply.getChunkIndex() + 1;
        try {
          onReply.accept(reply);
        } catch (RuntimeException e) {
          LOG.warn("command.reply-callback-failed command={} reason={}", id, e.toString());
        }
      }
      first.complete(reply);
      if (reply.getFinal()) {
        LOG.info(
            "command.answered node={} command={} result={} chunks={}",
            node,
            id,
            reply.getResult(),
            reply.getChunkIndex() + 1);
        done.complete(reply);
      }
    }

    void expire(boolean whole) {
      if (done.isDone() || (!whole && first.isDone())) {
        return;
      }
      String message =
          first.isDone()
              ? "node "
                  + node.value()
                  + " did not finish command "
                  + id
                  + " in time: the stream stopped before its final chunk"
              : unreachable(node, timeout);
      LOG.info("command.timed-out node={} command={} reason=\"{}\"", node, id, message);
      fail(new NodeUnreachableException(message));
    }

    void fail(RuntimeException e) {
      first.completeExceptionally(e);
      done.completeExceptionally(e);
    }
  }
}
