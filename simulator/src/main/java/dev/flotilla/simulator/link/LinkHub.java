package dev.flotilla.simulator.link;

import dev.flotilla.agent.link.LinkLog;
import dev.flotilla.agent.link.LinkSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The simulator's MQTT network: one selector thread that does the socket I/O of every {@link
 * HubFleetLink} of the JVM, so that a virtual node costs one socket and a little memory instead of
 * a client's threads. Ten thousand links need one thread here (Paho would need forty thousand).
 *
 * <p><b>Threads.</b> The constructor starts one daemon platform thread, {@code sim-link-hub}. Every
 * socket operation, every packet and every link's state change happens on it; other threads hand it
 * work through a queue and wake the selector. Timers (connection time-outs, keep-alive, reconnect
 * back-off, simulated latency) run on the injected scheduler, whose tasks only hand a task to the
 * hub thread, so they are short whatever the hub is doing. The hub never blocks: a listener of a
 * link that blocks in a callback stalls every link of the hub.
 *
 * <p><b>Time.</b> The injected clock stamps what the links report (presence messages, {@link
 * HubFleetLink.Counters#lastConnectedAt()}) and decides when a connection lasted long enough to
 * reset the reconnect back-off. The network's own timing (keep-alive, time-outs, latency) follows
 * the monotonic {@link System#nanoTime()}: the broker at the other end keeps real time, and a
 * simulated clock that stands still or runs fast must not make the links ping too late or give up
 * too early.
 *
 * <p><b>Lifecycle.</b> Links are made with {@link #link}, started by their owner and closed by
 * their owner ({@link HubFleetLink#close()} says goodbye to the broker). {@link #close()} ends what
 * is left without a goodbye: every socket is closed (the broker publishes the wills), pending
 * publishes fail, no listener is called any more, and the thread ends. Thread-safe.
 */
public final class LinkHub implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(LinkHub.class.getName());

  /** The name of the hub's thread. */
  public static final String THREAD_NAME = "sim-link-hub";

  /** Packets from the broker longer than this close their connection (desired states are KBs). */
  static final int MAX_PACKET_BYTES = 16 * 1024 * 1024;

  private static final int READ_BUFFER_BYTES = 64 * 1024;
  private static final Duration STOP_WAIT = Duration.ofSeconds(10);

  /**
   * What the hub has moved so far, all links together.
   *
   * @param connections sockets open now (connecting, connected, or kept open by a partition)
   * @param socketsOpened sockets opened since the hub started
   * @param bytesIn bytes read from sockets
   * @param bytesOut bytes written to sockets
   * @param packetsIn whole packets read
   * @param packetsOut whole packets written
   */
  public record Totals(
      int connections,
      long socketsOpened,
      long bytesIn,
      long bytesOut,
      long packetsIn,
      long packetsOut) {}

  private final ScheduledExecutorService scheduler;
  private final Clock clock;
  private final Selector selector;
  private final Thread thread;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean wakeupPending = new AtomicBoolean();
  private final Set<HubFleetLink> links = ConcurrentHashMap.newKeySet();
  private final Traffic traffic = new Traffic();
  private final AtomicBoolean closing = new AtomicBoolean();
  private volatile boolean stopped;

  // Hub thread only.
  private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
  private final ByteBuffer[] gather = new ByteBuffer[Wire.GATHER];
  private final List<Wire> dirty = new ArrayList<>();
  private volatile int connections;
  private volatile long socketsOpened;

  /**
   * Starts the hub's thread.
   *
   * @param scheduler runs the links' timers; only short hand-offs to the hub thread are put on it;
   *     not owned (closing the hub does not shut it down)
   * @param clock stamps presence and connection times; see the class comment
   * @throws UncheckedIOException when the JVM cannot open a selector
   */
  public LinkHub(ScheduledExecutorService scheduler, Clock clock) {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.clock = Objects.requireNonNull(clock, "clock");
    try {
      this.selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a selector for the link hub", e);
    }
    this.thread = Thread.ofPlatform().name(THREAD_NAME).daemon().unstarted(this::loop);
    thread.start();
    LinkLog.log(LOG, Level.DEBUG, "sim.link.hub.started", "thread", THREAD_NAME);
  }

  /**
   * A link of {@code settings} on this hub, not started, with its own source of back-off jitter.
   *
   * @throws IllegalArgumentException when a setting cannot work (the message names it), e.g. a
   *     broker URI that is not {@code tcp://host:port}
   * @throws IllegalStateException when the hub is closed
   */
  public HubFleetLink link(LinkSettings settings) {
    return link(settings, new SplittableRandom());
  }

  /**
   * A link of {@code settings} on this hub, not started.
   *
   * @param random jitter for the reconnect back-off; used on the hub thread only
   * @throws IllegalArgumentException when a setting cannot work (the message names it)
   * @throws IllegalStateException when the hub is closed
   */
  public HubFleetLink link(LinkSettings settings, RandomGenerator random) {
    if (closing.get()) {
      throw new IllegalStateException("the link hub is closed");
    }
    HubFleetLink link = new HubFleetLink(this, settings, random);
    links.add(link);
    return link;
  }

  /** What every link of the hub has moved so far; cheap, from any thread. */
  public Totals totals() {
    return new Totals(
        connections,
        socketsOpened,
        traffic.bytesIn,
        traffic.bytesOut,
        traffic.packetsIn,
        traffic.packetsOut);
  }

  /**
   * Closes every socket without a goodbye and ends the hub's thread, waiting for it (bounded).
   * Links still open fail their pending publishes and call no listener any more; close them first
   * for a clean goodbye. Idempotent.
   *
   * @throws IllegalStateException on the hub's own thread (from a listener callback)
   */
  @Override
  public void close() {
    if (onHubThread()) {
      throw new IllegalStateException("LinkHub.close() waits for the hub thread; not from it");
    }
    if (closing.compareAndSet(false, true)) {
      stopped = true;
      selector.wakeup();
    }
    try {
      thread.join(STOP_WAIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      LinkLog.log(
          LOG,
          Level.WARNING,
          "sim.link.hub.stop.slow",
          "thread",
          THREAD_NAME,
          "waited_ms",
          STOP_WAIT.toMillis());
    }
  }

  // ---- for links and wires ----

  Clock clock() {
    return clock;
  }

  /** Monotonic time for the network's own timing; see the class comment. */
  long nanoTime() {
    return System.nanoTime();
  }

  Traffic traffic() {
    return traffic;
  }

  boolean onHubThread() {
    return Thread.currentThread() == thread;
  }

  boolean isClosed() {
    return stopped;
  }

  /**
   * Runs {@code task} on the hub thread, after the tasks handed over before it (also when called on
   * the hub thread: then it runs before the hub next waits).
   *
   * @return false when the hub is closed and the task will never run
   */
  boolean execute(Runnable task) {
    if (stopped) {
      return false;
    }
    tasks.add(task);
    if (!onHubThread() && wakeupPending.compareAndSet(false, true)) {
      selector.wakeup();
    }
    return true;
  }

  /**
   * {@code work} on the hub thread; runs it at once when called there.
   *
   * @return its result; failed with an {@link IllegalStateException} when the hub is closed
   */
  <T> CompletableFuture<T> submit(Supplier<T> work) {
    if (onHubThread()) {
      try {
        return CompletableFuture.completedFuture(work.get());
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    boolean accepted =
        execute(
            () -> {
              try {
                result.complete(work.get());
              } catch (RuntimeException e) {
                result.completeExceptionally(e);
              }
            });
    if (!accepted) {
      result.completeExceptionally(new IllegalStateException("the link hub is closed"));
    }
    return result;
  }

  /**
   * Runs {@code onHub} on the hub thread after {@code delayNanos}; the scheduler only hands it
   * over.
   *
   * @return the timer, to cancel; null when the scheduler refused it (it is shut down), which is
   *     logged: the timer then never fires
   */
  ScheduledFuture<?> schedule(Runnable onHub, long delayNanos) {
    try {
      return scheduler.schedule(() -> execute(onHub), delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      if (!stopped) {
        LinkLog.log(
            LOG,
            Level.ERROR,
            "sim.link.hub.schedule.rejected",
            "why",
            "the scheduler is shut down; the links' timers stop (reconnects, keep-alive)");
      }
      return null;
    }
  }

  /** Registers a new socket with the selector; hub thread only. */
  SelectionKey register(SelectableChannel channel, int ops, Wire wire) throws IOException {
    SelectionKey key = channel.register(selector, ops, wire);
    connections++;
    socketsOpened++;
    return key;
  }

  /** A socket registered here was closed; hub thread only. */
  void socketClosed() {
    connections--;
  }

  /** {@code wire} has packets to write; they go at the end of this loop turn. Hub thread only. */
  void markDirty(Wire wire) {
    if (!wire.dirty) {
      wire.dirty = true;
      dirty.add(wire);
    }
  }

  /** A link was closed and needs nothing from the hub any more. */
  void forget(HubFleetLink link) {
    links.remove(link);
  }

  // ---- the hub thread ----

  private void loop() {
    try {
      while (!stopped) {
        if (tasks.isEmpty()) {
          selector.select();
        } else {
          selector.selectNow();
        }
        wakeupPending.set(false);
        runTasks();
        Set<SelectionKey> selected = selector.selectedKeys();
        for (SelectionKey key : selected) {
          handle(key);
        }
        selected.clear();
        runTasks();
        flushDirty();
      }
    } catch (IOException | RuntimeException e) {
      LinkLog.log(
          LOG,
          Level.ERROR,
          "sim.link.hub.failed",
          e,
          "why",
          "the hub thread ended unexpectedly; every link of the hub is down");
      stopped = true;
    } finally {
      shutDown();
    }
  }

  private void runTasks() {
    Runnable task;
    while (!stopped && (task = tasks.poll()) != null) {
      try {
        task.run();
      } catch (RuntimeException e) {
        LinkLog.log(LOG, Level.ERROR, "sim.link.hub.task.failed", e, "task", task);
      }
    }
  }

  private void handle(SelectionKey key) {
    Wire wire = (Wire) key.attachment();
    try {
      if (!key.isValid()) {
        return;
      }
      int ready = key.readyOps();
      if ((ready & SelectionKey.OP_CONNECT) != 0) {
        wire.onConnectable();
      }
      if (key.isValid() && (ready & SelectionKey.OP_READ) != 0) {
        wire.onReadable(readBuffer);
      }
      if (key.isValid() && (ready & SelectionKey.OP_WRITE) != 0) {
        wire.flush(gather);
      }
    } catch (CancelledKeyException e) {
      // Closed by a packet handled just before: nothing more to do for it.
    } catch (RuntimeException e) {
      abort(wire, e);
    }
  }

  /** An internal error while serving {@code wire}: that connection ends, the hub goes on. */
  private static void abort(Wire wire, RuntimeException e) {
    LinkLog.log(LOG, Level.ERROR, "sim.link.hub.io.failed", e, "why", "ending one connection");
    try {
      wire.abort("internal error: " + e);
    } catch (RuntimeException again) {
      LinkLog.log(LOG, Level.ERROR, "sim.link.hub.io.failed", again, "why", "while ending it");
    }
  }

  private void flushDirty() {
    // A flush can make another wire dirty (a listener publishing on its own link): index loop.
    for (int i = 0; i < dirty.size(); i++) {
      Wire wire = dirty.get(i);
      wire.dirty = false;
      try {
        wire.flush(gather);
      } catch (RuntimeException e) {
        abort(wire, e);
      }
    }
    dirty.clear();
  }

  private void shutDown() {
    stopped = true;
    closing.set(true);
    for (HubFleetLink link : List.copyOf(links)) {
      try {
        link.hubClosed();
      } catch (RuntimeException e) {
        LinkLog.log(LOG, Level.ERROR, "sim.link.hub.task.failed", e, "task", "hubClosed");
      }
    }
    links.clear();
    tasks.clear();
    try {
      for (SelectionKey key : List.copyOf(selector.keys())) {
        if (key.attachment() instanceof Wire wire) {
          wire.close();
        }
      }
    } catch (ClosedSelectorException e) {
      // Nothing left to close.
    }
    try {
      selector.close();
    } catch (IOException e) {
      LinkLog.log(LOG, Level.DEBUG, "sim.link.hub.selector.close.failed", "cause", e);
    }
    LinkLog.log(LOG, Level.DEBUG, "sim.link.hub.stopped", "thread", THREAD_NAME);
  }
}
