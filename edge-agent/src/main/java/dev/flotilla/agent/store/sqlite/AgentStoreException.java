package dev.flotilla.agent.store.sqlite;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A store operation that failed: the database could not be opened, read or written (disk full, I/O
 * error, a file that is not an agent store), or it was written by a newer agent. The message names
 * the file and the operation. When it is thrown by a method of the store, that method's transaction
 * was rolled back: none of its effect is stored.
 */
public final class AgentStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final String operation;

  /**
   * @param file the database file
   * @param operation the store operation, e.g. {@code appendEvent} or {@code open}
   * @param problem what went wrong and, where there is something to do, what to do
   * @param cause the underlying failure; may be null
   */
  public AgentStoreException(Path file, String operation, String problem, Throwable cause) {
    super(
        "agent store "
            + Objects.requireNonNull(file, "file")
            + ": "
            + Objects.requireNonNull(operation, "operation")
            + " failed: "
            + problem,
        cause);
    this.file = file;
    this.operation = operation;
  }

  public AgentStoreException(Path file, String operation, String problem) {
    this(file, operation, problem, null);
  }

  /** The database file. */
  public Path file() {
    return file;
  }

  /** The store operation that failed, e.g. {@code appendEvent} or {@code open}. */
  public String operation() {
    return operation;
  }
}
