package dev.flotilla.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.flotilla.protocol.ProtocolException.Reason;
import dev.flotilla.protocol.v1.Command;
import dev.flotilla.protocol.v1.CommandReply;
import dev.flotilla.protocol.v1.Event;
import dev.flotilla.protocol.v1.EventBatch;
import dev.flotilla.protocol.v1.FetchLogs;
import dev.flotilla.protocol.v1.LogChunk;
import dev.flotilla.protocol.v1.NodeStatus;
import dev.flotilla.protocol.v1.Presence;
import dev.flotilla.protocol.v1.ProtocolVersion;
import dev.flotilla.protocol.v1.ResourceUsage;
import dev.flotilla.protocol.v1.WorkloadStatus;
import org.junit.jupiter.api.Test;

class WireDecoderTest {
  private final WireDecoder decoder = new WireDecoder();

  static NodeStatus status() {
    return NodeStatus.newBuilder()
        .setVersion(ProtocolVersions.current())
        .setNodeId("gw-001")
        .setSequence(42)
        .setObservedGeneration(7)
        .setReportedAt(Timestamp.newBuilder().setSeconds(1_795_000_100L))
        .setKind(NodeStatus.Kind.FULL)
        .addWorkloads(
            WorkloadStatus.newBuilder()
                .setName("sensor-reader")
                .setRevision("rev-3")
                .setState(WorkloadStatus.State.RUNNING)
                .setHealth(WorkloadStatus.Health.HEALTHY)
                .setRestartCount(1)
                .setUsage(ResourceUsage.newBuilder().setCpuMillis(12).setMemoryBytes(9L << 20)))
        .setNodeUsage(ResourceUsage.newBuilder().setDiskFreeBytes(3L << 30))
        .build();
  }

  @Test
  void nodeStatusRoundTrips() throws ProtocolException {
    assertEquals(status(), decoder.nodeStatus(status().toByteArray()));
  }

  @Test
  void eventBatchRoundTripsWithItsDropCounter() throws ProtocolException {
    EventBatch batch =
        EventBatch.newBuilder()
            .setVersion(ProtocolVersions.current())
            .setNodeId("gw-001")
            .addEvents(
                Event.newBuilder()
                    .setSequence(100)
                    .setSeverity(Event.Severity.WARNING)
                    .setType("desired.refused")
                    .setGeneration(8)
                    .setMessage("signature does not verify")
                    .putAttributes("reason", "BAD_SIGNATURE"))
            .addEvents(Event.newBuilder().setSequence(101).setType("workload.started"))
            .setDroppedTotal(3)
            .build();
    EventBatch decoded = decoder.eventBatch(batch.toByteArray());
    assertEquals(batch, decoded);
    assertEquals(3, decoded.getDroppedTotal());
  }

  @Test
  void presenceRoundTrips() throws ProtocolException {
    Presence presence =
        Presence.newBuilder()
            .setVersion(ProtocolVersions.current())
            .setNodeId("gw-001")
            .setState(Presence.State.OFFLINE)
            .setAgentVersion("0.1.0")
            .setBootId("2f1c")
            .setAppliedGeneration(7)
            .build();
    assertEquals(presence, decoder.presence(presence.toByteArray()));
  }

  @Test
  void commandAndReplyRoundTrip() throws ProtocolException {
    Command command =
        Command.newBuilder()
            .setVersion(ProtocolVersions.current())
            .setNodeId("gw-001")
            .setCommandId("c-1")
            .setFetchLogs(FetchLogs.newBuilder().setWorkload("sensor-reader").setTailLines(50))
            .build();
    assertEquals(command, decoder.command(command.toByteArray()));
    assertEquals(
        Command.ActionCase.FETCH_LOGS, decoder.command(command.toByteArray()).getActionCase());

    CommandReply reply =
        CommandReply.newBuilder()
            .setVersion(ProtocolVersions.current())
            .setNodeId("gw-001")
            .setCommandId("c-1")
            .setResult(CommandReply.Result.OK)
            .setFinal(true)
            .setLogs(LogChunk.newBuilder().setData(ByteString.copyFromUtf8("line\n")))
            .build();
    assertEquals(reply, decoder.commandReply(reply.toByteArray()));
  }

  @Test
  void aCommandWithoutAnIdIsRefusedNamingTheField() {
    Command command =
        Command.newBuilder().setVersion(ProtocolVersions.current()).setNodeId("gw-001").build();
    ProtocolException e =
        assertThrows(ProtocolException.class, () -> decoder.command(command.toByteArray()));
    assertEquals(Reason.INVALID_FIELD, e.reason());
    assertTrue(e.getMessage().contains("command_id"), e.getMessage());
  }

  @Test
  void aRejectedReplyMayLackTheIdOfACommandThatCouldNotBeRead() throws ProtocolException {
    CommandReply rejected =
        CommandReply.newBuilder()
            .setVersion(ProtocolVersions.current())
            .setNodeId("gw-001")
            .setResult(CommandReply.Result.REJECTED)
            .setMessage("command could not be decoded: MALFORMED")
            .setFinal(true)
            .build();
    assertEquals(rejected, decoder.commandReply(rejected.toByteArray()));
    byte[] ok = rejected.toBuilder().setResult(CommandReply.Result.OK).build().toByteArray();
    assertEquals(
        Reason.INVALID_FIELD,
        assertThrows(ProtocolException.class, () -> decoder.commandReply(ok)).reason());
  }

  @Test
  void aPayloadWithAnInvalidNodeIdIsRefusedNamingTheField() {
    NodeStatus bad = status().toBuilder().setNodeId("GW/../001").build();
    ProtocolException e =
        assertThrows(ProtocolException.class, () -> decoder.nodeStatus(bad.toByteArray()));
    assertEquals(Reason.INVALID_FIELD, e.reason());
    assertTrue(e.getMessage().contains("node_id"), e.getMessage());
  }

  @Test
  void everyDecoderRefusesAMissingVersion() {
    byte[] unversioned = status().toBuilder().clearVersion().build().toByteArray();
    assertEquals(
        Reason.MISSING_VERSION,
        assertThrows(ProtocolException.class, () -> decoder.nodeStatus(unversioned)).reason());
    byte[] majorZero =
        status().toBuilder()
            .setVersion(ProtocolVersion.newBuilder().setMinor(3))
            .build()
            .toByteArray();
    assertEquals(
        Reason.MISSING_VERSION,
        assertThrows(ProtocolException.class, () -> decoder.nodeStatus(majorZero)).reason());
    assertEquals(
        Reason.MISSING_VERSION,
        assertThrows(ProtocolException.class, () -> decoder.presence(new byte[0])).reason());
  }

  @Test
  void anUnknownMajorVersionIsRefusedSayingWhatToDo() {
    byte[] v7 =
        status().toBuilder()
            .setVersion(ProtocolVersion.newBuilder().setMajor(7))
            .build()
            .toByteArray();
    ProtocolException e = assertThrows(ProtocolException.class, () -> decoder.nodeStatus(v7));
    assertEquals(Reason.UNSUPPORTED_VERSION, e.reason());
    assertTrue(e.getMessage().contains("upgrade"), e.getMessage());
  }

  @Test
  void theSizeLimitIsConfigurable() throws ProtocolException {
    byte[] wire = status().toByteArray();
    WireDecoder tight = new WireDecoder(new DecodeLimits(wire.length));
    assertEquals(status(), tight.nodeStatus(wire));
    WireDecoder tighter = new WireDecoder(new DecodeLimits(wire.length - 1));
    assertEquals(
        Reason.OVERSIZE,
        assertThrows(ProtocolException.class, () -> tighter.nodeStatus(wire)).reason());
  }

  @Test
  void absurdLimitsAreRefusedAtConstruction() {
    assertThrows(IllegalArgumentException.class, () -> new DecodeLimits(0));
    assertThrows(IllegalArgumentException.class, () -> new DecodeLimits(-1));
  }

  @Test
  void invalidUtf8InAStringFieldIsMalformed() {
    // NodeStatus field 2 (node_id), length 2, bytes 0xC3 0x28: not valid UTF-8.
    byte[] wire = {0x0A, 0x02, 0x08, 0x01, 0x12, 0x02, (byte) 0xC3, 0x28};
    assertEquals(
        Reason.MALFORMED,
        assertThrows(ProtocolException.class, () -> decoder.nodeStatus(wire)).reason());
  }
}
