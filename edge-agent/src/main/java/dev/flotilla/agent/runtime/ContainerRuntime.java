package dev.flotilla.agent.runtime;

import dev.flotilla.agent.model.ContainerInfo;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The node's container engine, as the agent needs it. Every method is blocking, talks only to the
 * local engine (never the network, except {@link #pull}), and throws {@link
 * ContainerRuntimeException} with the engine's own message on failure. Implementations are
 * thread-safe.
 */
public interface ContainerRuntime extends AutoCloseable {

  /** Containers carrying label {@code key} (any value), running or not. */
  List<ContainerInfo> listByLabel(String key);

  /** The container by id or name; empty when there is none. */
  Optional<ContainerInfo> inspect(String idOrName);

  /**
   * Creates (does not start) a container. The image must be present.
   *
   * @return the new container's id
   */
  String create(ContainerSpec spec);

  /** Starts a created or exited container; starting a running one is not an error. */
  void start(String id);

  /**
   * Stops a running container, killing it after {@code timeout}; stopping a stopped one is not an
   * error.
   */
  void stop(String id, Duration timeout);

  /**
   * Removes a container, stopping it first when {@code force}; removing a missing one is not an
   * error.
   */
  void remove(String id, boolean force);

  /** Pulls an image from its registry (the one network call here). */
  void pull(String image);

  boolean imageExists(String image);

  /** Runs a command inside a running container and waits for it, up to {@code timeout}. */
  ExecResult exec(String id, List<String> command, Duration timeout);

  /** A point-in-time sample of a running container's resource use. */
  Stats stats(String id);

  /**
   * Reads a container's log (stdout and stderr together, as the engine interleaves them) and hands
   * it to {@code sink} in chunks, on the caller's thread; blocks until the log is read, the sink
   * says stop, or the follow time is over. Works on running and stopped containers.
   *
   * @param tailLines how many lines from the end of the log; negative for the whole log
   * @param follow zero or negative: read what the log holds now and return; positive: then go on
   *     reading what the container writes until it stops, this long has passed or the sink's {@link
   *     LogSink#stopped()} completes
   * @throws ContainerRuntimeException NOT_FOUND when there is no such container
   */
  void logs(String id, int tailLines, Duration follow, LogSink sink);

  /**
   * Streams container events (start, die, stop, remove, ...) to {@code listener} on a thread of the
   * runtime's own, until the returned handle is closed. A broken stream is reconnected by the
   * implementation.
   */
  AutoCloseable events(Consumer<RuntimeEvent> listener);

  @Override
  void close();

  /** Receives a container's log as {@link #logs} reads it. */
  @FunctionalInterface
  interface LogSink {
    /**
     * One chunk of log bytes, in order; never empty. The array belongs to the sink.
     *
     * @return false to stop reading (the caller's byte budget is spent, say)
     */
    boolean accept(byte[] chunk);

    /**
     * Completes when the reader wants the read to end now, whether or not more data comes: a follow
     * of a quiet container ends at once instead of when its time is over. Asked once per read; the
     * default never completes.
     */
    default CompletionStage<Void> stopped() {
      return new CompletableFuture<>();
    }
  }

  /**
   * @param exitCode the command's exit code; -1 when it timed out
   * @param output combined stdout and stderr, possibly truncated
   */
  record ExecResult(int exitCode, String output) {}

  /**
   * @param cpuMillis CPU use in thousandths of a core, averaged over the engine's sample
   * @param memoryBytes resident memory
   * @param memoryLimitBytes memory limit; 0 when none
   */
  record Stats(long cpuMillis, long memoryBytes, long memoryLimitBytes) {}

  /**
   * @param containerId the container concerned
   * @param action the engine's action name: create, start, died, stop, remove, ...
   * @param workload the {@code flotilla.workload} label, when present
   */
  record RuntimeEvent(String containerId, String action, Optional<String> workload) {}
}
