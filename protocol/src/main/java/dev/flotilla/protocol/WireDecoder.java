package dev.flotilla.protocol;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import dev.flotilla.protocol.ProtocolException.Reason;
import dev.flotilla.protocol.v1.Command;
import dev.flotilla.protocol.v1.CommandReply;
import dev.flotilla.protocol.v1.DesiredState;
import dev.flotilla.protocol.v1.EventBatch;
import dev.flotilla.protocol.v1.NodeStatus;
import dev.flotilla.protocol.v1.Presence;
import dev.flotilla.protocol.v1.ProtocolVersion;
import dev.flotilla.protocol.v1.SignedDesiredState;
import java.util.Objects;

/**
 * Decodes every Flotilla payload with limits: size first, then structure, then protocol version,
 * then the node id field. Whatever the input, a method either returns a message or throws {@link
 * ProtocolException}; nothing else escapes. Thread-safe and stateless.
 *
 * <p>Signed desired states are decoded here only as envelopes; {@link DesiredStateVerifier} is the
 * one way to obtain a {@link DesiredState} from the wire.
 */
public final class WireDecoder {
  private final DecodeLimits limits;

  public WireDecoder(DecodeLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  public WireDecoder() {
    this(DecodeLimits.DEFAULT);
  }

  public DecodeLimits limits() {
    return limits;
  }

  public SignedDesiredState signedDesiredState(byte[] bytes) throws ProtocolException {
    SignedDesiredState m = parse("signed desired state", bytes, SignedDesiredState.parser());
    ProtocolVersions.check("signed desired state", m.hasVersion(), m.getVersion());
    return m;
  }

  public NodeStatus nodeStatus(byte[] bytes) throws ProtocolException {
    NodeStatus m = parse("node status", bytes, NodeStatus.parser());
    checkHeader("node status", m.hasVersion(), m.getVersion(), m.getNodeId());
    return m;
  }

  public EventBatch eventBatch(byte[] bytes) throws ProtocolException {
    EventBatch m = parse("event batch", bytes, EventBatch.parser());
    checkHeader("event batch", m.hasVersion(), m.getVersion(), m.getNodeId());
    return m;
  }

  public Presence presence(byte[] bytes) throws ProtocolException {
    Presence m = parse("presence", bytes, Presence.parser());
    checkHeader("presence", m.hasVersion(), m.getVersion(), m.getNodeId());
    return m;
  }

  public Command command(byte[] bytes) throws ProtocolException {
    Command m = parse("command", bytes, Command.parser());
    checkHeader("command", m.hasVersion(), m.getVersion(), m.getNodeId());
    if (m.getCommandId().isEmpty()) {
      throw new ProtocolException(Reason.INVALID_FIELD, "command: command_id is empty");
    }
    return m;
  }

  public CommandReply commandReply(byte[] bytes) throws ProtocolException {
    CommandReply m = parse("command reply", bytes, CommandReply.parser());
    checkHeader("command reply", m.hasVersion(), m.getVersion(), m.getNodeId());
    // A REJECTED reply may answer a command whose id could not be read; MQTT 5 correlation
    // data still ties it to the command.
    if (m.getCommandId().isEmpty() && m.getResult() != CommandReply.Result.REJECTED) {
      throw new ProtocolException(
          Reason.INVALID_FIELD, "command reply: command_id is empty (allowed for REJECTED only)");
    }
    return m;
  }

  /** Decodes the payload inside a verified envelope; package-private for the verifier. */
  DesiredState desiredStatePayload(byte[] bytes) throws ProtocolException {
    DesiredState m = parse("desired state", bytes, DesiredState.parser());
    checkHeader("desired state", m.hasVersion(), m.getVersion(), m.getNodeId());
    return m;
  }

  private <T extends Message> T parse(String what, byte[] bytes, Parser<T> parser)
      throws ProtocolException {
    if (bytes == null) {
      throw new ProtocolException(Reason.MALFORMED, what + " is missing (null payload)");
    }
    if (bytes.length > limits.maxPayloadBytes()) {
      throw new ProtocolException(
          Reason.OVERSIZE,
          what
              + " is "
              + bytes.length
              + " bytes, over the limit of "
              + limits.maxPayloadBytes()
              + " bytes");
    }
    try {
      CodedInputStream in = CodedInputStream.newInstance(bytes);
      in.setSizeLimit(limits.maxPayloadBytes());
      T message = parser.parseFrom(in);
      in.checkLastTagWas(0);
      return message;
    } catch (InvalidProtocolBufferException e) {
      throw new ProtocolException(
          Reason.MALFORMED, what + " is not a valid protobuf message: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      // The protobuf runtime documents InvalidProtocolBufferException only; this keeps the
      // "typed error and nothing else" contract even if a parser bug says otherwise.
      throw new ProtocolException(
          Reason.MALFORMED, what + " could not be parsed: " + e.getClass().getSimpleName(), e);
    }
  }

  private static void checkHeader(
      String what, boolean hasVersion, ProtocolVersion version, String nodeId)
      throws ProtocolException {
    ProtocolVersions.check(what, hasVersion, version);
    if (!NodeId.isValid(nodeId)) {
      throw new ProtocolException(
          Reason.INVALID_FIELD, what + ": node_id is invalid: " + NodeId.describe(nodeId));
    }
  }
}
