package dev.flotilla.simulator.control;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The controller a simulation runs against: one the simulator started in a process of its own
 * ({@link ControllerProcess}), or one already running elsewhere ({@link RemoteController}).
 */
public interface ControlTarget extends AutoCloseable {

  /** The API's base URL, e.g. {@code http://127.0.0.1:8080}. */
  URI api();

  /** An admin API token. */
  String token();

  /** How the report names it: {@code process} or {@code remote URL}. */
  String mode();

  /**
   * Whether the simulator can restart this controller and its broker; a scenario with such a fault
   * is refused up front against one that cannot.
   */
  boolean restartable();

  /** Stops the embedded broker and starts it again after {@code down}; blocks until it is up. */
  void restartBroker(Duration down);

  /**
   * Stops the controller (cleanly, or killed as a crash would) and starts it again on the same data
   * and ports after {@code down}; blocks until its API answers.
   */
  void restartController(boolean kill, Duration down);

  /** CPU and heap of the controller's process over the run so far, oldest first; may be empty. */
  List<Sample> samples();

  /**
   * One sample of the controller's process.
   *
   * @param at milliseconds since the epoch
   * @param cpuNanos the process's CPU time so far (all threads)
   */
  record Sample(long at, long cpuNanos, long heapUsed, long heapMax) {}

  @Override
  void close();
}
