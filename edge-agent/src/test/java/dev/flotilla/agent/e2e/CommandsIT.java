package dev.flotilla.agent.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.flotilla.agent.Agent;
import dev.flotilla.protocol.ProtocolVersions;
import dev.flotilla.protocol.Topics;
import dev.flotilla.protocol.v1.CancelCommand;
import dev.flotilla.protocol.v1.Command;
import dev.flotilla.protocol.v1.CommandReply;
import dev.flotilla.protocol.v1.CommandReply.Result;
import dev.flotilla.protocol.v1.FetchLogs;
import dev.flotilla.protocol.v1.NodeStatus;
import dev.flotilla.protocol.v1.ReportStatus;
import dev.flotilla.protocol.v1.RestartWorkload;
import dev.flotilla.protocol.v1.Resync;
import dev.flotilla.protocol.v1.Workload;
import dev.flotilla.protocol.v1.WorkloadStatus;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands over the real embedded broker to a real agent on real Podman: a test client plays the
 * controller, publishing {@code Command}s with MQTT 5 correlation data and reading the replies.
 */
class CommandsIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  Harness h;
  Agent agent;

  /** Writes a numbered line to stdout and one to stderr every 100 ms. */
  static Workload talker(String image) {
    return Workload.newBuilder()
        .setName("talker")
        .setImage(image)
        .setRevision("1")
        .addCommand("/bin/sh")
        .addArgs("-c")
        .addArgs(
            "trap 'exit 0' TERM; i=0; while true; do echo out $i; echo err $i >&2; i=$((i+1));"
                + " sleep 0.1; done & wait")
        .build();
  }

  @BeforeEach
  void start() {
    h = new Harness(dir);
    agent = h.startAgent();
    h.publishDesired(1, talker(h.image()));
    h.awaitRunning("talker");
    await().atMost(WAIT).until(() -> agent.core().appliedGeneration() == 1);
  }

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
    h.close();
  }

  private void send(String correlation, Command.Builder command) {
    sendRaw(
        correlation,
        command
            .setVersion(ProtocolVersions.current())
            .setNodeId(command.getNodeId().isEmpty() ? Harness.NODE.value() : command.getNodeId())
            .setCommandId(correlation)
            .build()
            .toByteArray());
  }

  /** Follows the talker's log from its last line for {@code seconds}. */
  private void followTalker(String correlation, int seconds) {
    send(
        correlation,
        Command.newBuilder()
            .setFetchLogs(
                FetchLogs.newBuilder()
                    .setWorkload("talker")
                    .setTailLines(1)
                    .setFollow(true)
                    .setFollowSeconds(seconds)));
  }

  private void cancel(String correlation, String target) {
    send(
        correlation,
        Command.newBuilder().setCancel(CancelCommand.newBuilder().setCommandId(target)));
  }

  private void sendRaw(String correlation, byte[] payload) {
    h.controller.publishRequest(
        Topics.command(Harness.NODE),
        payload,
        correlation.getBytes(StandardCharsets.UTF_8),
        Topics.commandReply(Harness.NODE),
        30);
  }

  /** The replies carrying {@code correlation}, in arrival order. */
  private List<CommandReply> replies(String correlation) {
    return h.controller.messages(Topics.commandReply(Harness.NODE)).stream()
        .filter(m -> new String(m.correlationData(), StandardCharsets.UTF_8).equals(correlation))
        .map(
            m -> {
              try {
                return CommandReply.parseFrom(m.payload());
              } catch (InvalidProtocolBufferException e) {
                throw new AssertionError("a reply that does not parse", e);
              }
            })
        .toList();
  }

  /** The replies to {@code correlation}, once the final one has arrived, in order. */
  private List<CommandReply> awaitFinal(String correlation) {
    await()
        .atMost(WAIT)
        .until(() -> replies(correlation).stream().anyMatch(CommandReply::getFinal));
    return replies(correlation);
  }

  private static String logText(List<CommandReply> chunks) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    chunks.forEach(c -> out.writeBytes(c.getLogs().getData().toByteArray()));
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void reportStatusIsAnsweredWithAFullStatusUnderTheCommandsCorrelationData() {
    send("status-1", Command.newBuilder().setReportStatus(ReportStatus.getDefaultInstance()));
    List<CommandReply> got = awaitFinal("status-1");
    assertEquals(1, got.size());
    CommandReply reply = got.get(0);
    assertEquals(Result.OK, reply.getResult(), reply.getMessage());
    assertEquals("status-1", reply.getCommandId());
    NodeStatus status = reply.getStatus();
    assertEquals(NodeStatus.Kind.FULL, status.getKind());
    assertEquals(1, status.getWorkloadsCount());
    WorkloadStatus talker = status.getWorkloads(0);
    assertEquals(WorkloadStatus.State.RUNNING, talker.getState());
    assertTrue(talker.getUsage().getMemoryBytes() > 0, "a live sample of the running workload");
  }

  @Test
  void aLogTailCarriesStdoutAndStderrDemultiplexedInOneFinalChunk() {
    await()
        .atMost(WAIT)
        .until(
            () ->
                h.podman
                    .podman("logs", "--tail", "20", h.running("talker").orElseThrow().id())
                    .contains("out 5"));
    send(
        "logs-1",
        Command.newBuilder()
            .setFetchLogs(FetchLogs.newBuilder().setWorkload("talker").setTailLines(6)));
    List<CommandReply> got = awaitFinal("logs-1");
    assertEquals(1, got.size(), "6 short lines fit one chunk");
    CommandReply last = got.get(0);
    assertEquals(Result.OK, last.getResult(), last.getMessage());
    assertFalse(last.getLogs().getTruncated());
    String text = logText(got);
    assertEquals(6, text.lines().count(), text);
    assertTrue(text.contains("out ") && text.contains("err "), text);
    assertFalse(text.contains("\u0001") || text.contains("\u0002"), "no frame headers: " + text);
  }

  @Test
  void maxBytesCutsTheLogAndMarksTheFinalChunkTruncated() {
    await()
        .atMost(WAIT)
        .until(
            () -> h.podman.podman("logs", h.running("talker").orElseThrow().id()).length() > 200);
    send(
        "logs-2",
        Command.newBuilder()
            .setFetchLogs(
                FetchLogs.newBuilder().setWorkload("talker").setTailLines(1000).setMaxBytes(100)));
    List<CommandReply> got = awaitFinal("logs-2");
    CommandReply last = got.get(got.size() - 1);
    assertTrue(last.getLogs().getTruncated(), last.toString());
    assertEquals(100, logText(got).length());
  }

  @Test
  void aFollowStreamsNewLinesInNumberedChunksUntilItsTimeIsOver() {
    long started = System.nanoTime();
    followTalker("follow-1", 2);
    List<CommandReply> got = awaitFinal("follow-1");
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertTrue(took.compareTo(Duration.ofMillis(1500)) > 0, "followed for about 2 s: " + took);
    assertTrue(got.size() > 3, "several chunks: " + got.size());
    for (int i = 0; i < got.size(); i++) {
      assertEquals(i, got.get(i).getChunkIndex());
      assertEquals(i == got.size() - 1, got.get(i).getFinal());
    }
    assertTrue(logText(got).lines().count() > 10, "lines written while following");
  }

  @Test
  void aCancelEndsALongFollowAtOnceWithItsFinalChunk() {
    followTalker("follow-long", 600);
    await().atMost(WAIT).until(() -> logText(replies("follow-long")).lines().count() >= 3);

    long started = System.nanoTime();
    cancel("cancel-1", "follow-long");
    List<CommandReply> got = awaitFinal("follow-long");
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    CommandReply last = got.get(got.size() - 1);
    assertEquals(Result.OK, last.getResult());
    assertTrue(last.getMessage().endsWith("; cancelled"), last.getMessage());
    assertTrue(took.compareTo(Duration.ofSeconds(20)) < 0, "ended when cancelled: " + took);
    CommandReply cancelled = awaitFinal("cancel-1").get(0);
    assertEquals(Result.OK, cancelled.getResult());
    assertEquals("command follow-long cancelled", cancelled.getMessage());
    // The node is free for the next command, and cancelling again is not an error.
    cancel("cancel-2", "follow-long");
    CommandReply again = awaitFinal("cancel-2").get(0);
    assertEquals(Result.OK, again.getResult());
    assertEquals(
        "no command follow-long runs on node " + Harness.NODE.value() + "; nothing to cancel",
        again.getMessage());
  }

  @Test
  void anUnknownWorkloadAnotherNodeAndABadPayloadAreRejectedWithReasons() {
    send("bad-1", Command.newBuilder().setFetchLogs(FetchLogs.newBuilder().setWorkload("nope")));
    CommandReply unknown = awaitFinal("bad-1").get(0);
    assertEquals(Result.REJECTED, unknown.getResult());
    assertEquals("node gw-e2e runs no workload nope", unknown.getMessage());

    send(
        "bad-2", Command.newBuilder().setNodeId("gw-other").setResync(Resync.getDefaultInstance()));
    CommandReply other = awaitFinal("bad-2").get(0);
    assertEquals(Result.REJECTED, other.getResult());
    assertTrue(other.getMessage().contains("is for node gw-other"), other.getMessage());

    sendRaw("bad-3", "not a command".getBytes(StandardCharsets.UTF_8));
    CommandReply malformed = awaitFinal("bad-3").get(0);
    assertEquals(Result.REJECTED, malformed.getResult());
    assertTrue(malformed.getMessage().startsWith("malformed command"), malformed.getMessage());
    await().atMost(WAIT).until(() -> h.eventsOfType("command.rejected").size() >= 3);
  }

  @Test
  void restartReplacesTheContainerAndRecordsAnEvent() {
    String before = h.running("talker").orElseThrow().id();
    send(
        "restart-1",
        Command.newBuilder()
            .setRestartWorkload(RestartWorkload.newBuilder().setWorkload("talker")));
    CommandReply reply = awaitFinal("restart-1").get(0);
    assertEquals(Result.OK, reply.getResult(), reply.getMessage());
    h.awaitRunning("talker");
    assertNotEquals(before, h.running("talker").orElseThrow().id());
    await().atMost(WAIT).until(() -> !h.eventsOfType("workload.restarted").isEmpty());
    assertEquals(
        Map.of("reason", "operator command", "container", before),
        h.eventsOfType("workload.restarted").get(0).getAttributesMap());
  }

  @Test
  void resyncIsAnsweredOk() {
    send("resync-1", Command.newBuilder().setResync(Resync.getDefaultInstance()));
    CommandReply reply = awaitFinal("resync-1").get(0);
    assertEquals(Result.OK, reply.getResult());
    assertTrue(reply.getFinal());
  }
}
