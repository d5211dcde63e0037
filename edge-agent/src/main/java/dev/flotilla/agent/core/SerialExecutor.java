package dev.flotilla.agent.core;

import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

/**
 * Runs tasks one at a time, in submission order, on threads borrowed from a shared executor. This
 * is the agent core's own "thread" without owning one, so that the simulator can run thousands of
 * agent cores on a handful of threads. Thread-safe.
 */
public final class SerialExecutor implements Executor {
  private static final System.Logger LOG = System.getLogger(SerialExecutor.class.getName());

  private final Executor pool;
  private final Queue<Runnable> tasks = new ArrayDeque<>();
  private boolean running;
  private volatile boolean stopped;

  public SerialExecutor(Executor pool) {
    this.pool = pool;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (tasks) {
      if (stopped) {
        return;
      }
      tasks.add(task);
      if (running) {
        return;
      }
      running = true;
    }
    pool.execute(this::drain);
  }

  /** Drops queued tasks and refuses new ones; a task already running finishes. */
  public void stop() {
    synchronized (tasks) {
      stopped = true;
      tasks.clear();
    }
  }

  private void drain() {
    while (true) {
      Runnable next;
      synchronized (tasks) {
        next = tasks.poll();
        if (next == null || stopped) {
          running = false;
          return;
        }
      }
      try {
        next.run();
      } catch (RuntimeException e) {
        LOG.log(Level.ERROR, "core.task-failed error=" + e, e);
      } catch (Error e) {
        // An Error (including a test's simulated crash) ends this core: nothing more runs.
        stop();
        synchronized (tasks) {
          running = false;
        }
        throw e;
      }
    }
  }
}
