package dev.flotilla.agent.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import dev.flotilla.agent.core.CommandHandler.LogChunker;
import dev.flotilla.agent.core.CommandHandler.LogLimits;
import dev.flotilla.agent.core.CommandHandler.Parsed;
import dev.flotilla.agent.model.ContainerInfo;
import dev.flotilla.agent.model.Labels;
import dev.flotilla.protocol.NodeId;
import dev.flotilla.protocol.ProtocolVersions;
import dev.flotilla.protocol.WireDecoder;
import dev.flotilla.protocol.v1.CancelCommand;
import dev.flotilla.protocol.v1.Command;
import dev.flotilla.protocol.v1.CommandReply;
import dev.flotilla.protocol.v1.CommandReply.Result;
import dev.flotilla.protocol.v1.FetchLogs;
import dev.flotilla.protocol.v1.RestartWorkload;
import dev.flotilla.protocol.v1.Resync;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CommandHandlerTest {
  private static final NodeId NODE = new NodeId("gw-1");
  private static final WireDecoder DECODER = new WireDecoder();

  private static Command.Builder command(String id) {
    return Command.newBuilder()
        .setVersion(ProtocolVersions.current())
        .setNodeId(NODE.value())
        .setCommandId(id);
  }

  private static CommandReply invalid(byte[] payload) {
    return assertInstanceOf(Parsed.Invalid.class, CommandHandler.parse(NODE, DECODER, payload))
        .reply();
  }

  @Test
  void aWellFormedCommandForThisNodeIsValid() {
    Command c = command("c-1").setResync(Resync.getDefaultInstance()).build();
    Parsed parsed = CommandHandler.parse(NODE, DECODER, c.toByteArray());
    assertEquals(c, assertInstanceOf(Parsed.Valid.class, parsed).command());
  }

  @Test
  void bytesThatAreNoCommandAreRejectedWithoutACommandId() {
    CommandReply reply = invalid(new byte[] {(byte) 0xFF, 0x01, 0x02});
    assertEquals(Result.REJECTED, reply.getResult());
    assertEquals("", reply.getCommandId());
    assertTrue(reply.getFinal());
    assertTrue(reply.getMessage().startsWith("malformed command: "), reply.getMessage());
  }

  @Test
  void aCommandForAnotherNodeIsRejectedNamingBothNodes() {
    CommandReply reply =
        invalid(
            command("c-2")
                .setNodeId("gw-2")
                .setResync(Resync.getDefaultInstance())
                .build()
                .toByteArray());
    assertEquals(Result.REJECTED, reply.getResult());
    assertEquals("c-2", reply.getCommandId());
    assertEquals("command c-2 is for node gw-2 but arrived at node gw-1", reply.getMessage());
  }

  @Test
  void aCommandWithoutAnActionIsRejected() {
    CommandReply reply = invalid(command("c-3").build().toByteArray());
    assertEquals(Result.REJECTED, reply.getResult());
    assertEquals("command c-3 has no action", reply.getMessage());
  }

  @Test
  void anActionFromANewerControllerIsUnsupported() {
    Command future =
        command("c-4")
            .setUnknownFields(
                UnknownFieldSet.newBuilder()
                    .addField(
                        15,
                        UnknownFieldSet.Field.newBuilder()
                            .addLengthDelimited(ByteString.EMPTY)
                            .build())
                    .build())
            .build();
    CommandReply reply = invalid(future.toByteArray());
    assertEquals(Result.UNSUPPORTED, reply.getResult());
    assertTrue(reply.getMessage().contains("(field 15)"), reply.getMessage());
  }

  @Test
  void logsAndRestartNeedAWorkload() {
    assertEquals(
        "fetch_logs.workload is empty: name a workload",
        invalid(command("c-5").setFetchLogs(FetchLogs.getDefaultInstance()).build().toByteArray())
            .getMessage());
    assertEquals(
        "restart_workload.workload is empty: name a workload",
        invalid(
                command("c-6")
                    .setRestartWorkload(RestartWorkload.getDefaultInstance())
                    .build()
                    .toByteArray())
            .getMessage());
  }

  @Test
  void logLimitsFillInTheDefaultsAndCapWhatIsAskedFor() {
    assertEquals(
        new LogLimits(100, 1024 * 1024, Duration.ZERO),
        LogLimits.of(FetchLogs.newBuilder().setWorkload("w").build()));
    assertEquals(
        new LogLimits(7, 4 * 1024 * 1024, Duration.ofSeconds(300)),
        LogLimits.of(
            FetchLogs.newBuilder()
                .setWorkload("w")
                .setTailLines(7)
                .setMaxBytes(100 * 1024 * 1024)
                .setFollow(true)
                .build()));
    assertEquals(
        Duration.ofHours(1),
        LogLimits.of(
                FetchLogs.newBuilder().setFollow(true).setFollowSeconds(-1).build()) // 2^32-1 s
            .follow());
    assertEquals(
        Duration.ZERO,
        LogLimits.of(FetchLogs.newBuilder().setFollowSeconds(30).build()).follow(),
        "follow_seconds without follow");
  }

  private static byte[] bytes(int n, char c) {
    byte[] b = new byte[n];
    java.util.Arrays.fill(b, (byte) c);
    return b;
  }

  private static byte[] data(List<CommandReply> replies) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    replies.forEach(r -> out.writeBytes(r.getLogs().getData().toByteArray()));
    return out.toByteArray();
  }

  @Test
  void withoutFollowTheLogIsGatheredIntoFullChunksAndTheRestGoesInTheFinalOne() {
    List<CommandReply> sent = new ArrayList<>();
    LogChunker chunker = new LogChunker(NODE, "c-7", 1024 * 1024, false, r -> sent.add(r));
    for (int i = 0; i < 5; i++) {
      assertTrue(chunker.accept(bytes(10_000, (char) ('a' + i))));
    }
    chunker.finish(Result.OK, "done");
    // 50,000 bytes: three chunks of 16 KiB and 848 bytes in the final one.
    assertEquals(4, sent.size());
    for (int i = 0; i < 4; i++) {
      assertEquals(i, sent.get(i).getChunkIndex());
      assertEquals(i == 3, sent.get(i).getFinal());
      assertEquals("c-7", sent.get(i).getCommandId());
      assertEquals("gw-1", sent.get(i).getNodeId());
      assertEquals(Result.OK, sent.get(i).getResult());
    }
    assertEquals(CommandHandler.CHUNK_BYTES, sent.get(0).getLogs().getData().size());
    assertEquals(50_000 - 3 * CommandHandler.CHUNK_BYTES, sent.get(3).getLogs().getData().size());
    assertEquals("done", sent.get(3).getMessage());
    assertFalse(sent.get(3).getLogs().getTruncated());
    byte[] expected = new byte[50_000];
    for (int i = 0; i < 5; i++) {
      java.util.Arrays.fill(expected, i * 10_000, (i + 1) * 10_000, (byte) ('a' + i));
    }
    assertArrayEquals(expected, data(sent));
  }

  @Test
  void theByteBudgetStopsTheReadAndMarksOnlyTheFinalChunkTruncated() {
    List<CommandReply> sent = new ArrayList<>();
    LogChunker chunker = new LogChunker(NODE, "c-8", 20_000, false, r -> sent.add(r));
    assertTrue(chunker.accept(bytes(15_000, 'x')));
    assertFalse(chunker.accept(bytes(15_000, 'y')), "stop: the budget is spent");
    assertFalse(chunker.accept(bytes(1, 'z')), "nothing more is taken");
    chunker.finish(Result.OK, "cut");
    assertEquals(20_000, data(sent).length);
    assertTrue(chunker.truncated());
    CommandReply last = sent.get(sent.size() - 1);
    assertTrue(last.getFinal());
    assertTrue(last.getLogs().getTruncated());
    sent.subList(0, sent.size() - 1).forEach(r -> assertFalse(r.getLogs().getTruncated()));
  }

  @Test
  void aFollowSendsWhatArrivedAtOnce() {
    List<CommandReply> sent = new ArrayList<>();
    LogChunker chunker = new LogChunker(NODE, "c-9", 1024 * 1024, true, r -> sent.add(r));
    assertTrue(chunker.accept("line 1\n".getBytes()));
    assertEquals(1, sent.size());
    assertEquals("line 1\n", sent.get(0).getLogs().getData().toStringUtf8());
    assertFalse(sent.get(0).getFinal());
    chunker.finish(Result.OK, "followed");
    assertEquals(2, sent.size());
    assertTrue(sent.get(1).getFinal());
    assertTrue(sent.get(1).getLogs().getData().isEmpty());
  }

  @Test
  void aCancelNeedsTheIdOfTheCommandToCancel() {
    assertEquals(
        "cancel.command_id is empty: name the command to cancel",
        invalid(command("c-13").setCancel(CancelCommand.getDefaultInstance()).build().toByteArray())
            .getMessage());
  }

  @Test
  void aCancelledFollowStopsReadingAndSaysSoInItsFinalChunk() {
    List<CommandReply> sent = new ArrayList<>();
    LogChunker chunker = new LogChunker(NODE, "c-14", 1024 * 1024, true, r -> sent.add(r));
    assertFalse(chunker.stopped().toCompletableFuture().isDone());
    assertTrue(chunker.accept("line 1\n".getBytes()));

    chunker.cancel();

    assertTrue(chunker.stopped().toCompletableFuture().isDone(), "the read is told to stop");
    assertFalse(chunker.accept("line 2\n".getBytes()), "and takes nothing more");
    chunker.finish(Result.OK, "7 bytes");
    CommandReply last = sent.get(sent.size() - 1);
    assertTrue(last.getFinal());
    assertEquals(Result.OK, last.getResult());
    assertEquals("7 bytes; cancelled", last.getMessage());
    assertEquals(
        "line 1\n",
        sent.stream().map(r -> r.getLogs().getData().toStringUtf8()).reduce("", String::concat));
  }

  @Test
  void aFollowAnnouncesItselfWithAnEmptyFirstChunk() {
    List<CommandReply> sent = new ArrayList<>();
    LogChunker chunker = new LogChunker(NODE, "c-12", 1024, true, r -> sent.add(r));
    chunker.started();
    chunker.accept("a".getBytes());
    chunker.finish(Result.OK, "");
    assertEquals(List.of(0, 1, 2), sent.stream().map(CommandReply::getChunkIndex).toList());
    assertTrue(sent.get(0).getLogs().getData().isEmpty());
    assertFalse(sent.get(0).getFinal());
  }

  @Test
  void aChunkThatCannotBePublishedEndsTheRead() {
    List<CommandReply> sent = new ArrayList<>();
    LogChunker chunker =
        new LogChunker(
            NODE,
            "c-10",
            1024 * 1024,
            true,
            r -> {
              sent.add(r);
              return false;
            });
    assertFalse(chunker.accept("x".getBytes()));
    assertTrue(chunker.lost());
    chunker.finish(Result.OK, "");
    assertEquals(1, sent.size(), "no final chunk after a lost one");
  }

  @Test
  void anErrorAfterSomeDataEndsWithAFinalErrorChunk() {
    List<CommandReply> sent = new ArrayList<>();
    LogChunker chunker = new LogChunker(NODE, "c-11", 1024 * 1024, false, r -> sent.add(r));
    chunker.accept("partial".getBytes());
    chunker.finish(Result.ERROR, "cannot read the log of w: gone");
    assertEquals(1, sent.size());
    assertEquals(Result.ERROR, sent.get(0).getResult());
    assertEquals("partial", sent.get(0).getLogs().getData().toStringUtf8());
  }

  private static ContainerInfo container(
      String id, String workload, ContainerInfo.State state, int startedSecond) {
    return new ContainerInfo(
        id,
        "n-" + id,
        "img",
        Map.of(Labels.WORKLOAD, workload),
        state,
        0,
        Optional.of(Instant.ofEpochSecond(startedSecond)),
        Optional.empty());
  }

  @Test
  void theCurrentContainerIsARunningOneAndTheNewestOfThose() {
    List<ContainerInfo> all =
        List.of(
            container("a", "web", ContainerInfo.State.EXITED, 30),
            container("b", "web", ContainerInfo.State.RUNNING, 10),
            container("c", "web", ContainerInfo.State.RUNNING, 20),
            container("d", "db", ContainerInfo.State.RUNNING, 40));
    assertEquals("c", CommandHandler.currentContainer(all, "web").orElseThrow().id());
    assertEquals(
        "a",
        CommandHandler.currentContainer(List.of(all.get(0)), "web").orElseThrow().id(),
        "a stopped container still has a log");
    assertTrue(CommandHandler.currentContainer(all, "cache").isEmpty());
  }
}
