package dev.flotilla.controller.command;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.flotilla.controller.model.Node;
import dev.flotilla.controller.model.NodeState;
import dev.flotilla.controller.model.Presence;
import dev.flotilla.controller.mqtt.ControllerLink;
import dev.flotilla.protocol.NodeId;
import dev.flotilla.protocol.ProtocolVersions;
import dev.flotilla.protocol.Topics;
import dev.flotilla.protocol.WireDecoder;
import dev.flotilla.protocol.v1.Command;
import dev.flotilla.protocol.v1.CommandReply;
import dev.flotilla.protocol.v1.CommandReply.Result;
import dev.flotilla.protocol.v1.LogChunk;
import dev.flotilla.protocol.v1.Resync;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Commands}: matching replies to pending commands and the time-outs, over a link that
 * records what it is asked to publish (the MQTT side is covered by {@code CommandApiE2E}).
 */
class CommandsTest {
  private static final NodeId NODE = new NodeId("gw-1");
  private static final Instant SEEN = Instant.parse("2026-11-22T13:02:11Z");

  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
  private final RecordingLink link = new RecordingLink();
  private Presence presence = Presence.OFFLINE;
  private final Commands commands =
      new Commands(
          link,
          id -> Optional.of(node(id, presence)),
          new WireDecoder(),
          Clock.fixed(SEEN, ZoneOffset.UTC),
          timers,
          Duration.ofSeconds(30));

  @AfterEach
  void stopTimers() {
    timers.shutdownNow();
  }

  /** Sent commands: topic-less, as the link got them. */
  record Sent(NodeId node, Command command, byte[] correlation, Duration expiry) {}

  static final class RecordingLink implements ControllerLink {
    final List<Sent> sent = new CopyOnWriteArrayList<>();

    @Override
    public void start(Inbound inbound, Replies replies) {}

    @Override
    public CompletableFuture<Void> publishCommand(
        NodeId node, byte[] payload, byte[] correlationData, Duration expiry) {
      try {
        sent.add(new Sent(node, Command.parseFrom(payload), correlationData, expiry));
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new AssertionError(e);
      }
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> publishDesired(NodeId node, byte[] signed) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> clearDesired(NodeId node) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public boolean connected() {
      return true;
    }

    @Override
    public void close() {}
  }

  private static Node node(NodeId id, Presence presence) {
    return new Node(
        id,
        "generic-x86-64",
        new TreeMap<>(Map.of()),
        false,
        List.of(),
        SEEN.minus(Duration.ofDays(1)),
        NodeState.READY,
        SEEN,
        presence,
        SEEN,
        "test",
        0,
        0,
        Node.Usage.UNKNOWN);
  }

  private static CommandReply.Builder reply(Sent sent, int index, boolean last) {
    return CommandReply.newBuilder()
        .setVersion(ProtocolVersions.current())
        .setNodeId(sent.node().value())
        .setCommandId(sent.command().getCommandId())
        .setResult(Result.OK)
        .setChunkIndex(index)
        .setFinal(last);
  }

  private void deliver(Sent sent, CommandReply reply) {
    commands.onReply(Topics.commandReply(NODE), reply.toByteArray(), sent.correlation());
  }

  @Test
  void aCommandIsSentWithItsIdAsCorrelationDataAndTheTimeoutAsExpiry() {
    commands.send(
        NODE, Command.newBuilder().setResync(Resync.getDefaultInstance()), Duration.ofSeconds(5));
    Sent sent = link.sent.get(0);
    assertEquals(NODE, sent.node());
    assertEquals("gw-1", sent.command().getNodeId());
    assertFalse(sent.command().getCommandId().isEmpty());
    assertArrayEquals(
        sent.command().getCommandId().getBytes(StandardCharsets.UTF_8), sent.correlation());
    assertEquals(Duration.ofSeconds(5), sent.expiry());
    assertTrue(sent.command().hasIssuedAt());
  }

  @Test
  void theFinalReplyCompletesTheCommand() throws Exception {
    CompletableFuture<CommandReply> result =
        commands.send(
            NODE,
            Command.newBuilder().setResync(Resync.getDefaultInstance()),
            Duration.ofSeconds(5));
    Sent sent = link.sent.get(0);
    deliver(sent, reply(sent, 0, true).setMessage("reconciling").build());
    assertEquals("reconciling", result.get().getMessage());
    assertEquals(0, commands.pendingCount());
  }

  @Test
  void chunksReachTheCallbackInOrderAndADuplicateIsDropped() throws Exception {
    List<String> data = new CopyOnWriteArrayList<>();
    Commands.Stream stream =
        commands.stream(
            NODE,
            Command.newBuilder().setResync(Resync.getDefaultInstance()),
            Duration.ofSeconds(5),
            Duration.ZERO,
            r -> data.add(r.getLogs().getData().toStringUtf8()));
    Sent sent = link.sent.get(0);
    CommandReply first =
        reply(sent, 0, false)
            .setLogs(LogChunk.newBuilder().setData(ByteString.copyFromUtf8("a")))
            .build();
    deliver(sent, first);
    assertEquals(first, stream.first().get());
    deliver(sent, first); // QoS 1 may deliver it twice
    deliver(
        sent,
        reply(sent, 1, true)
            .setLogs(LogChunk.newBuilder().setData(ByteString.copyFromUtf8("b")))
            .build());
    assertTrue(stream.done().get().getFinal());
    assertEquals(List.of("a", "b"), data);
  }

  @Test
  void aReplyOnAnotherNodesTopicIsIgnored() {
    CompletableFuture<CommandReply> result =
        commands.send(
            NODE,
            Command.newBuilder().setResync(Resync.getDefaultInstance()),
            Duration.ofSeconds(5));
    Sent sent = link.sent.get(0);
    commands.onReply(
        Topics.commandReply(new NodeId("gw-2")),
        reply(sent, 0, true).setNodeId("gw-2").build().toByteArray(),
        sent.correlation());
    assertFalse(result.isDone());
  }

  /** A resync with a 300 ms timeout that nobody answers, once it has failed. */
  private ExecutionException unansweredResync() {
    CompletableFuture<CommandReply> result =
        commands.send(
            NODE,
            Command.newBuilder().setResync(Resync.getDefaultInstance()),
            Duration.ofMillis(300));
    await().atMost(Duration.ofSeconds(10)).until(result::isDone);
    return assertThrows(ExecutionException.class, result::get);
  }

  @Test
  void anOfflineNodeThatDoesNotAnswerFailsAfterTheTimeoutSayingSinceWhen() {
    ExecutionException e = unansweredResync();
    assertEquals(
        "node gw-1 did not answer within 300ms: it is offline (last seen 2026-11-22T13:02:11Z);"
            + " the command expired at the broker",
        assertInstanceOf(Commands.NodeUnreachableException.class, e.getCause()).getMessage());
    assertEquals(0, commands.pendingCount());
  }

  @Test
  void anOnlineNodeThatDoesNotAnswerIsCalledOnlineButSilent() {
    presence = Presence.ONLINE;
    ExecutionException e = unansweredResync();
    assertEquals(
        "node gw-1 did not answer within 300ms: it is online but did not answer",
        e.getCause().getMessage());
  }

  @Test
  void durationsReadAsAPersonWritesThem() {
    assertEquals("30s", Commands.format(Duration.ofSeconds(30)));
    assertEquals("5m", Commands.format(Duration.ofMinutes(5)));
    assertEquals("1m30s", Commands.format(Duration.ofSeconds(90)));
    assertEquals("500ms", Commands.format(Duration.ofMillis(500)));
  }
}
