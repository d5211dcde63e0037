package dev.flotilla.agent.runtime;

import java.util.Objects;

/** A failed runtime call, typed, with the engine's own message kept. */
public final class ContainerRuntimeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public enum Kind {
    /** No such container or image. */
    NOT_FOUND,
    /** The name is taken, or the container is in the wrong state for the call. */
    CONFLICT,
    /** The engine refused the request as malformed. */
    BAD_REQUEST,
    /** The engine could not be reached (socket missing, service down). */
    UNAVAILABLE,
    /** The engine failed (5xx), e.g. a failed image pull or an OCI runtime error. */
    ENGINE_ERROR
  }

  private final Kind kind;

  public ContainerRuntimeException(Kind kind, String message) {
    super(message);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  public ContainerRuntimeException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  public Kind kind() {
    return kind;
  }
}
