package dev.flotilla.protocol;

import java.util.Objects;

/**
 * A payload, topic or identifier that the protocol refuses. Every refusal on the wire path is one
 * of these, with a {@link Reason} that code can switch on and a message that tells an operator what
 * was wrong.
 */
public final class ProtocolException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why something was refused. The names are stable and appear in events and logs. */
  public enum Reason {
    /** The payload is larger than the configured limit. */
    OVERSIZE,
    /** The bytes are not a valid protobuf message of the expected type. */
    MALFORMED,
    /** The payload carries no protocol version. */
    MISSING_VERSION,
    /** The payload's major protocol version is not one this code understands. */
    UNSUPPORTED_VERSION,
    /** The payload is well-formed but a field breaks a rule; the message names the field. */
    INVALID_FIELD,
    /** The desired state is signed by a key other than the pinned one. */
    UNKNOWN_KEY,
    /** The signature does not verify against the pinned key. */
    BAD_SIGNATURE,
    /** The payload is addressed to another node. */
    WRONG_NODE,
    /** The generation is older than the one already applied. */
    STALE_GENERATION,
    /** The generation equals the one already applied: a redelivery, harmless. */
    DUPLICATE_GENERATION,
    /** A node id that does not match {@code [a-z0-9][a-z0-9-]{0,62}}. */
    INVALID_NODE_ID,
    /** A topic outside the {@code flotilla/v1/} scheme. */
    INVALID_TOPIC
  }

  private final Reason reason;

  public ProtocolException(Reason reason, String message) {
    super(Objects.requireNonNull(reason, "reason") + ": " + Objects.requireNonNull(message));
    this.reason = reason;
  }

  public ProtocolException(Reason reason, String message, Throwable cause) {
    super(Objects.requireNonNull(reason, "reason") + ": " + Objects.requireNonNull(message), cause);
    this.reason = reason;
  }

  /** Never null. */
  public Reason reason() {
    return reason;
  }
}
