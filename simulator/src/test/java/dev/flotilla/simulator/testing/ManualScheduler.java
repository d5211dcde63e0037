package dev.flotilla.simulator.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ScheduledExecutorService} that runs nothing by itself: tasks are due at a time on a
 * {@link MutableClock}, and run, on the test's thread, when the test calls {@link #advance} or
 * {@link #runDue}, in time order (ties in submission order), with the clock set to each task's time
 * as it runs. Tasks may be submitted from any thread; only one thread should advance.
 */
public final class ManualScheduler extends AbstractExecutorService
    implements ScheduledExecutorService {
  private final MutableClock clock;
  private final PriorityQueue<Task<?>> queue = new PriorityQueue<>();
  private long submissions;
  private boolean shutdown;

  public ManualScheduler(MutableClock clock) {
    this.clock = clock;
  }

  /** Moves the clock forward by {@code by}, running every task that falls due on the way. */
  public void advance(Duration by) {
    Instant target = clock.instant().plus(by);
    while (true) {
      Task<?> next;
      synchronized (queue) {
        next = queue.peek();
        if (next == null || next.at.isAfter(target)) {
          break;
        }
        queue.poll();
      }
      if (next.at.isAfter(clock.instant())) {
        clock.set(next.at);
      }
      next.runOnce();
    }
    clock.set(target);
  }

  /** Runs the tasks due now, without moving the clock. */
  public void runDue() {
    advance(Duration.ZERO);
  }

  /** Tasks waiting, cancelled ones excluded. */
  public int pending() {
    synchronized (queue) {
      return (int) queue.stream().filter(t -> !t.isCancelled()).count();
    }
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return enqueue(new Task<>(Executors.callable(command, null), at(delay, unit), 0));
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    return enqueue(new Task<>(callable, at(delay, unit), 0));
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    return scheduleWithFixedDelay(command, initialDelay, period, unit);
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable command, long initialDelay, long delay, TimeUnit unit) {
    if (delay <= 0) {
      throw new IllegalArgumentException("period must be positive");
    }
    return enqueue(
        new Task<>(Executors.callable(command, null), at(initialDelay, unit), unit.toNanos(delay)));
  }

  @Override
  public void execute(Runnable command) {
    schedule(command, 0, TimeUnit.NANOSECONDS);
  }

  @Override
  public void shutdown() {
    synchronized (queue) {
      shutdown = true;
    }
  }

  @Override
  public List<Runnable> shutdownNow() {
    synchronized (queue) {
      shutdown = true;
      List<Runnable> left = new ArrayList<>(queue);
      queue.clear();
      return left;
    }
  }

  @Override
  public boolean isShutdown() {
    synchronized (queue) {
      return shutdown;
    }
  }

  @Override
  public boolean isTerminated() {
    synchronized (queue) {
      return shutdown && queue.isEmpty();
    }
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return isTerminated();
  }

  private Instant at(long delay, TimeUnit unit) {
    return clock.instant().plusNanos(Math.max(0, unit.toNanos(delay)));
  }

  private <V> Task<V> enqueue(Task<V> task) {
    synchronized (queue) {
      if (shutdown) {
        throw new RejectedExecutionException("the manual scheduler is shut down");
      }
      task.sequence = submissions++;
      queue.add(task);
    }
    return task;
  }

  private final class Task<V> extends FutureTask<V> implements ScheduledFuture<V> {
    private final long periodNanos;
    private Instant at;
    private long sequence;

    Task(Callable<V> callable, Instant at, long periodNanos) {
      super(callable);
      this.at = at;
      this.periodNanos = periodNanos;
    }

    void runOnce() {
      if (periodNanos == 0) {
        run();
        return;
      }
      if (runAndReset()) {
        at = clock.instant().plusNanos(periodNanos);
        synchronized (queue) {
          if (!shutdown) {
            sequence = submissions++;
            queue.add(this);
          }
        }
      }
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(Duration.between(clock.instant(), at));
    }

    @Override
    public int compareTo(Delayed other) {
      Task<?> o = (Task<?>) other;
      int byTime = at.compareTo(o.at);
      return byTime != 0 ? byTime : Long.compare(sequence, o.sequence);
    }
  }
}
