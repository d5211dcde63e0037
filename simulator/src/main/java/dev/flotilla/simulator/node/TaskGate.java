package dev.flotilla.simulator.node;

import dev.flotilla.protocol.NodeId;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * One node's share of an executor that all nodes share: it counts the node's tasks that are running
 * and, once closed, drops the node's tasks that have not begun, so that a closed node's store is
 * not used by work queued before it closed. What a task running across the close throws (typically
 * the closed store refusing it) is logged, not rethrown. Thread-safe.
 */
final class TaskGate {
  private static final System.Logger LOG = System.getLogger(TaskGate.class.getName());

  private final NodeId node;
  private final Object lock = new Object();
  // Guarded by lock.
  private int active;
  private boolean closed;

  TaskGate(NodeId node) {
    this.node = node;
  }

  /** An executor that runs the node's tasks on {@code shared} through this gate. */
  Executor over(Executor shared) {
    return task -> shared.execute(() -> run(task));
  }

  /** From now on, tasks that have not begun are dropped. */
  void close() {
    synchronized (lock) {
      closed = true;
    }
  }

  /**
   * Waits until none of the node's tasks runs, up to {@code timeout}.
   *
   * @return false when one still runs
   */
  boolean awaitIdle(Duration timeout) {
    // Real time, as the gateway agent's own close waits for its core thread.
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (active > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          lock.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return active == 0;
        }
      }
      return true;
    }
  }

  private void run(Runnable task) {
    synchronized (lock) {
      if (closed) {
        return;
      }
      active++;
    }
    try {
      task.run();
    } catch (RuntimeException e) {
      boolean late;
      synchronized (lock) {
        late = closed;
      }
      if (!late) {
        throw e;
      }
      LOG.log(Level.DEBUG, "sim.node.task-after-close node={0} error={1}", node, e.toString());
    } finally {
      synchronized (lock) {
        active--;
        if (active == 0) {
          lock.notifyAll();
        }
      }
    }
  }
}
