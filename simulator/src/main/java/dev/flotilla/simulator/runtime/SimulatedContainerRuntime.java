package dev.flotilla.simulator.runtime;

import dev.flotilla.agent.model.ContainerInfo;
import dev.flotilla.agent.model.ContainerInfo.State;
import dev.flotilla.agent.model.Labels;
import dev.flotilla.agent.runtime.ContainerRuntime;
import dev.flotilla.agent.runtime.ContainerRuntimeException;
import dev.flotilla.agent.runtime.ContainerRuntimeException.Kind;
import dev.flotilla.agent.runtime.ContainerSpec;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * A {@link ContainerRuntime} in memory, for the simulator's virtual nodes: the agent core runs
 * against it exactly as it runs against {@code PodmanContainerRuntime}, and scenarios script how
 * each image behaves ({@link ImageBehaviour}: slow or failing pulls, slow starts, crash loops,
 * failing probes).
 *
 * <p><b>What is simulated.</b> Containers and images exist only in this object: no process runs,
 * nothing is pulled, ports and volumes are recorded nowhere. Per container: a random 64-hex-digit
 * id, a unique name, the image, the labels and the state ({@code CREATED -> RUNNING -> EXITED}, and
 * back to {@code RUNNING} on a restart), the exit code and the start and finish times from the
 * injected clock. Images are present from the start (the set given to the constructor) or once
 * pulled. {@link #exec} answers every command as the agent's exec probe: exit 0 when the image's
 * workload is ready and {@link ImageBehaviour#probeHealthy()}, 1 otherwise. {@link #stats} gives
 * small random figures (5 to 50 thousandths of a core, 8 to 64 MiB, never above the limit).
 *
 * <p><b>Podman's semantics, mirrored.</b> The calls succeed, fail and are idempotent where {@code
 * PodmanContainerRuntime} does (its IT is the reference), with the same {@link Kind} and messages
 * in Podman's words: a taken name on create is CONFLICT ({@code ... is already in use}); create
 * from an absent image is NOT_FOUND ({@code image not known}) and never pulls; start, stop, exec,
 * stats and kill of a missing container are NOT_FOUND, but inspect answers empty and remove does
 * nothing; starting a running container, stopping a created or exited one, removing a missing one
 * are no-ops; removing a running container without force, exec in or stats of a container that is
 * not running are CONFLICT; a failing pull is ENGINE_ERROR ({@code manifest unknown}). A stopped
 * workload exits 0 (it honours SIGTERM). Calls on a closed runtime, or while an outage is injected
 * with {@link #setAvailable}, are UNAVAILABLE. Container ids must be given in full (Podman's short
 * id prefixes are not resolved); names are also accepted wherever an id is.
 *
 * <p><b>Events.</b> {@link #events} delivers the container actions Podman reports and the agent
 * reacts to: {@code create}, {@code start}, {@code died} (the process ended: stop, forced remove,
 * crash, kill), {@code stop}, {@code remove}, each with the container's {@code flotilla.workload}
 * label. Podman's other actions (init, cleanup, exec, ...) are not simulated. Events are delivered
 * after the change they report, in the order of the changes, one at a time, by whichever thread
 * made the change (the caller, or the scheduler for a crash); a listener may call the runtime (its
 * own events are queued and delivered after it returns). What a listener throws is logged and
 * delivery goes on.
 *
 * <p><b>Time and threads.</b> This class has no threads of its own and never sleeps. Timed
 * behaviour runs on the injected {@link ScheduledExecutorService}: a crash is a task scheduled at
 * start; a pull with a {@code pullTime} blocks its caller (the agent's pull executor, as a real
 * pull would) until a task scheduled for the end of the pull releases it. Times are read from the
 * injected {@link Clock}; the scheduler's delays and the clock must agree (a manual scheduler in
 * tests advances both). Thread-safe: every call is atomic under one lock, which is never held while
 * listeners run or a pull waits.
 */
public final class SimulatedContainerRuntime implements ContainerRuntime {
  private static final System.Logger LOG =
      System.getLogger(SimulatedContainerRuntime.class.getName());

  /** Prefix of every error message: Podman's adapter says "podman:", the simulation says so. */
  private static final String ENGINE = "podman (simulated): ";

  /** Podman's rule for container names. */
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");

  private static final long MIB = 1024L * 1024;

  private static final long LOG_HEARTBEAT_SECONDS = 10;
  private static final long LOG_MAX_HEARTBEATS = 1000;

  /**
   * What the runtime has done since it was made, for tests and reports.
   *
   * @param created containers created
   * @param started successful starts of a created or exited container (restarts included)
   * @param restarts starts of a container that had exited
   * @param removed containers removed
   * @param crashes runs that ended other than by stop or remove: {@link ImageBehaviour#crashAfter}
   *     and {@link #kill}
   * @param pulls pulls that succeeded
   * @param failedPulls pulls that failed
   * @param needlessRestarts workload restarts nothing asked for: a running container of a workload
   *     stopped or removed through the API and then the same revision (same spec hash) of that
   *     workload created or started again. An update changes the hash, a crash or a power cycle
   *     ends the container without the API, so none of those counts; a link reconnect, a controller
   *     restart or an agent restart that made the agent recreate what already ran would.
   * @param powerCycles {@link #powerCycle()} calls
   */
  public record Counters(
      long created,
      long started,
      long restarts,
      long removed,
      long crashes,
      long pulls,
      long failedPulls,
      long needlessRestarts,
      long powerCycles) {}

  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final ImageBehaviour defaultBehaviour;
  private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();

  private final Object lock = new Object();
  // Everything below is guarded by lock.
  private final RandomGenerator random;
  private final Map<String, ImageBehaviour> behaviours;
  private final Map<String, Container> byId = new LinkedHashMap<>();
  private final Map<String, Container> byName = new HashMap<>();
  private final Set<String> images;
  private final Set<CompletableFuture<Void>> pullsWaiting = new HashSet<>();
  private final Queue<RuntimeEvent> undelivered = new ArrayDeque<>();
  private boolean delivering;
  private boolean available = true;
  private boolean closed;
  private long created;
  private long started;
  private long restarts;
  private long removed;
  private long crashes;
  private long pulls;
  private long failedPulls;
  private long needlessRestarts;
  private long powerCycles;

  /**
   * Per workload, the spec hash of its container that the API last stopped or removed while it ran;
   * cleared when that workload's next container starts.
   */
  private final Map<String, String> stoppedWhileRunning = new HashMap<>();

  /**
   * @param clock the node's clock: start, finish and readiness times
   * @param scheduler shared; runs the crash and end-of-pull tasks, which only take the lock briefly
   * @param random ids and stats figures; used under the runtime's lock only (a seeded one makes a
   *     run repeatable)
   * @param defaultBehaviour for images without an entry in {@code behaviours}
   * @param behaviours per image reference, exactly as workloads name them
   * @param presentImages images present from the start; others must be pulled
   */
  public SimulatedContainerRuntime(
      Clock clock,
      ScheduledExecutorService scheduler,
      RandomGenerator random,
      ImageBehaviour defaultBehaviour,
      Map<String, ImageBehaviour> behaviours,
      Set<String> presentImages) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.random = Objects.requireNonNull(random, "random");
    this.defaultBehaviour = Objects.requireNonNull(defaultBehaviour, "defaultBehaviour");
    this.behaviours = new HashMap<>(behaviours);
    this.images = new HashSet<>(presentImages);
  }

  // --- fault injection and inspection (not part of ContainerRuntime) ----------------------------

  /**
   * Changes how {@code image} behaves from now on: pulls that start and containers that start from
   * now take the new pull time, failure, start delay and crash time; {@code probeHealthy} applies
   * at once to every exec, in running containers too.
   */
  public void setBehaviour(String image, ImageBehaviour behaviour) {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(behaviour, "behaviour");
    synchronized (lock) {
      behaviours.put(image, behaviour);
    }
  }

  /** How {@code image} behaves now: its own entry, else the default. */
  public ImageBehaviour behaviour(String image) {
    synchronized (lock) {
      return behaviours.getOrDefault(image, defaultBehaviour);
    }
  }

  /**
   * Makes the engine unreachable (false) or reachable again (true): while unreachable every call
   * but {@link #events} and {@link #close} fails with UNAVAILABLE, as calls do when the Podman
   * service is down (an event stream waits for it). Containers keep their state and scheduled
   * crashes still happen, as conmon keeps containers running while the service is away.
   */
  public void setAvailable(boolean value) {
    synchronized (lock) {
      available = value;
    }
  }

  /**
   * Ends the running container's process with {@code exitCode}, as {@code podman kill} or the OOM
   * killer would: EXITED, a {@code died} event, counted as a crash.
   *
   * @throws ContainerRuntimeException NOT_FOUND when there is no such container, CONFLICT when it
   *     is not running
   */
  public void kill(String idOrName, int exitCode) {
    String what = "kill container " + idOrName;
    synchronized (lock) {
      ensureUsable(what);
      Container c = require(idOrName, what);
      if (c.state != State.RUNNING) {
        throw new ContainerRuntimeException(
            Kind.CONFLICT,
            ENGINE
                + what
                + ": can only kill running containers. "
                + c.id
                + " is in state "
                + stateName(c)
                + ": container state improper");
      }
      exit(c, exitCode);
      crashes++;
      undelivered.add(event(c, "died"));
    }
    deliver();
  }

  /**
   * The machine loses power and boots again: every running container's process ends (exit code 137,
   * a {@code died} event, not counted as a crash), as Podman containers without a restart policy
   * are after a reboot; containers and images stay. The agent, restarted by the caller, must start
   * them again from what it stored.
   */
  public void powerCycle() {
    synchronized (lock) {
      for (Container c : byId.values()) {
        if (c.state == State.RUNNING) {
          exit(c, 137);
          undelivered.add(event(c, "died"));
        }
      }
      stoppedWhileRunning.clear();
      powerCycles++;
    }
    deliver();
  }

  /** A snapshot of the counters. */
  public Counters counters() {
    synchronized (lock) {
      return new Counters(
          created,
          started,
          restarts,
          removed,
          crashes,
          pulls,
          failedPulls,
          needlessRestarts,
          powerCycles);
    }
  }

  // --- ContainerRuntime ------------------------------------------------------------------------

  @Override
  public List<ContainerInfo> listByLabel(String key) {
    Objects.requireNonNull(key, "key");
    synchronized (lock) {
      ensureUsable("list containers labelled " + key);
      List<ContainerInfo> result = new ArrayList<>();
      for (Container c : byId.values()) {
        if (c.labels.containsKey(key)) {
          result.add(c.info());
        }
      }
      return List.copyOf(result);
    }
  }

  @Override
  public Optional<ContainerInfo> inspect(String idOrName) {
    Objects.requireNonNull(idOrName, "idOrName");
    synchronized (lock) {
      ensureUsable("inspect container " + idOrName);
      return Optional.ofNullable(find(idOrName)).map(Container::info);
    }
  }

  @Override
  public String create(ContainerSpec spec) {
    Objects.requireNonNull(spec, "spec");
    String what = "create container " + spec.name() + " from " + spec.image();
    String id;
    synchronized (lock) {
      ensureUsable(what);
      if (!images.contains(spec.image())) {
        throw new ContainerRuntimeException(
            Kind.NOT_FOUND, ENGINE + what + ": " + spec.image() + ": image not known");
      }
      id = newId();
      String name = spec.name().isEmpty() ? "sim_" + id.substring(0, 12) : spec.name();
      if (!NAME.matcher(name).matches()) {
        throw new ContainerRuntimeException(
            Kind.BAD_REQUEST,
            ENGINE
                + what
                + ": container name "
                + name
                + " is invalid: names must match "
                + NAME.pattern()
                + ": invalid argument");
      }
      Container taken = byName.get(name);
      if (taken != null) {
        throw new ContainerRuntimeException(
            Kind.CONFLICT,
            ENGINE
                + what
                + ": creating container storage: the container name \""
                + name
                + "\" is already in use by "
                + taken.id
                + ". You have to remove that container to be able to reuse that name: that name"
                + " is already in use");
      }
      Container c = new Container(id, name, spec.image(), spec.labels(), spec.memoryBytes());
      byId.put(id, c);
      byName.put(name, c);
      created++;
      undelivered.add(event(c, "create"));
    }
    LOG.log(Level.DEBUG, "sim.container.created id={0} name={1}", id, spec.name());
    deliver();
    return id;
  }

  @Override
  public void start(String id) {
    String what = "start container " + id;
    synchronized (lock) {
      ensureUsable(what);
      Container c = require(id, what);
      if (c.state == State.RUNNING) {
        return; // Podman answers 304: already running
      }
      boolean restart = c.state == State.EXITED;
      String workload = c.labels.get(Labels.WORKLOAD);
      if (workload != null) {
        String hash = stoppedWhileRunning.remove(workload);
        if (hash != null && hash.equals(c.labels.get(Labels.SPEC_HASH))) {
          needlessRestarts++;
          LOG.log(
              Level.DEBUG,
              "sim.container.needless-restart workload={0} spec_hash={1}",
              workload,
              hash);
        }
      }
      ImageBehaviour behaviour = behaviours.getOrDefault(c.image, defaultBehaviour);
      Instant now = clock.instant();
      c.state = State.RUNNING;
      c.exitCode = 0;
      c.startedAt = now;
      c.readyAt = now.plus(behaviour.startDelay());
      long run = ++c.run;
      if (behaviour.crashAfter() != null) {
        c.crash = schedule(() -> crash(c.id, run), behaviour.crashAfter());
      }
      started++;
      if (restart) {
        restarts++;
      }
      undelivered.add(event(c, "start"));
    }
    deliver();
  }

  @Override
  public void stop(String id, Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    String what = "stop container " + id;
    synchronized (lock) {
      ensureUsable(what);
      Container c = require(id, what);
      if (c.state != State.RUNNING) {
        return; // Podman answers 304: not running
      }
      noteStoppedWhileRunning(c);
      exit(c, 0);
      undelivered.add(event(c, "died"));
      undelivered.add(event(c, "stop"));
    }
    deliver();
  }

  @Override
  public void remove(String id, boolean force) {
    String what = "remove container " + id;
    synchronized (lock) {
      ensureUsable(what);
      Container c = find(id);
      if (c == null) {
        return; // Podman answers 404, which the adapter takes as done
      }
      if (c.state == State.RUNNING) {
        if (!force) {
          throw new ContainerRuntimeException(
              Kind.CONFLICT,
              ENGINE
                  + what
                  + ": cannot remove container "
                  + c.id
                  + " as it is running - running or paused containers cannot be removed without"
                  + " force: container state improper");
        }
        noteStoppedWhileRunning(c);
        exit(c, 0);
        undelivered.add(event(c, "died"));
      }
      byId.remove(c.id);
      byName.remove(c.name);
      removed++;
      undelivered.add(event(c, "remove"));
    }
    deliver();
  }

  /**
   * Takes the image's {@link ImageBehaviour#pullTime()}, blocking the caller meanwhile (the agent
   * pulls on its own pull executor, never on the reconcile path), then makes the image present or,
   * when {@link ImageBehaviour#pullFails()}, fails. Pulling a present image pulls it again, as
   * Podman's default policy does.
   *
   * @throws ContainerRuntimeException ENGINE_ERROR for a failing image; UNAVAILABLE when the
   *     runtime is closed meanwhile, the scheduler refuses the pull's timer, or the caller is
   *     interrupted (its interrupt flag is set again)
   */
  @Override
  public void pull(String image) {
    Objects.requireNonNull(image, "image");
    String what = "pull " + image;
    ImageBehaviour behaviour;
    CompletableFuture<Void> done = new CompletableFuture<>();
    ScheduledFuture<?> timer = null;
    synchronized (lock) {
      ensureUsable(what);
      behaviour = behaviours.getOrDefault(image, defaultBehaviour);
      if (behaviour.pullTime().isZero()) {
        done.complete(null);
      } else {
        pullsWaiting.add(done);
        timer = schedule(() -> done.complete(null), behaviour.pullTime());
        if (timer == null) {
          pullsWaiting.remove(done);
          throw new ContainerRuntimeException(
              Kind.UNAVAILABLE, ENGINE + what + ": the simulation's scheduler is shut down");
        }
      }
    }
    try {
      done.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ContainerRuntimeException(Kind.UNAVAILABLE, ENGINE + what + ": interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("a pull's timer cannot fail", e);
    } finally {
      if (timer != null) {
        timer.cancel(false); // when the runtime closed before the pull's end
      }
      synchronized (lock) {
        pullsWaiting.remove(done);
      }
    }
    synchronized (lock) {
      ensureUsable(what);
      if (behaviour.pullFails()) {
        failedPulls++;
        throw new ContainerRuntimeException(
            Kind.ENGINE_ERROR,
            ENGINE
                + what
                + ": initializing source docker://"
                + image
                + ": reading manifest "
                + tag(image)
                + " in "
                + repository(image)
                + ": manifest unknown");
      }
      images.add(image);
      pulls++;
    }
    LOG.log(Level.DEBUG, "sim.image.pulled image={0}", image);
  }

  @Override
  public boolean imageExists(String image) {
    Objects.requireNonNull(image, "image");
    synchronized (lock) {
      ensureUsable("check image " + image);
      return images.contains(image);
    }
  }

  /**
   * Answers as the workload's probe would: exit 0 with no output when the container's workload is
   * ready (its start delay has passed) and its image's {@code probeHealthy} is true; exit 1 with a
   * reason otherwise. Never times out.
   */
  @Override
  public ExecResult exec(String id, List<String> command, Duration timeout) {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("exec needs a command");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("exec needs a positive timeout, not " + timeout);
    }
    String what = "exec " + command + " in container " + id;
    synchronized (lock) {
      ensureUsable(what);
      Container c = require(id, what);
      if (c.state != State.RUNNING) {
        throw new ContainerRuntimeException(
            Kind.CONFLICT,
            ENGINE
                + what
                + ": can only create exec sessions on running containers: container state"
                + " improper");
      }
      Instant now = clock.instant();
      if (now.isBefore(c.readyAt)) {
        return new ExecResult(
            1,
            "simulated: "
                + c.image
                + " is still starting (ready in "
                + Duration.between(now, c.readyAt).toMillis()
                + " ms)\n");
      }
      if (!behaviours.getOrDefault(c.image, defaultBehaviour).probeHealthy()) {
        return new ExecResult(1, "simulated: " + c.image + " fails its probe\n");
      }
      return new ExecResult(0, "");
    }
  }

  @Override
  public Stats stats(String id) {
    String what = "stats of container " + id;
    synchronized (lock) {
      ensureUsable(what);
      Container c = find(id);
      if (c == null) {
        throw new ContainerRuntimeException(Kind.NOT_FOUND, ENGINE + what + ": no such container");
      }
      if (c.state != State.RUNNING) {
        throw new ContainerRuntimeException(
            Kind.CONFLICT, ENGINE + what + ": the container is not running (" + stateName(c) + ")");
      }
      long cpuMillis = 5 + random.nextLong(46);
      long memory = (8 + random.nextLong(57)) * MIB;
      if (c.memoryLimitBytes > 0) {
        memory = Math.min(memory, c.memoryLimitBytes);
      }
      return new Stats(cpuMillis, memory, c.memoryLimitBytes);
    }
  }

  /**
   * A generated log of the container's current run, the same for the same history and clock: {@code
   * starting} at its start, {@code ready} when its start delay passed, a {@code probe ok} line
   * every {@value #LOG_HEARTBEAT_SECONDS} s after that (the last {@value #LOG_MAX_HEARTBEATS} at
   * most) up to now or its exit, and {@code exited with code N} once it ended. A follow returns
   * after what is there: simulated containers write nothing while it waits. Stopped containers have
   * their log too; a missing one is NOT_FOUND.
   */
  @Override
  public void logs(String id, int tailLines, Duration follow, LogSink sink) {
    Objects.requireNonNull(sink, "sink");
    String what = "read the log of container " + id;
    List<String> lines = new ArrayList<>();
    synchronized (lock) {
      ensureUsable(what);
      Container c = require(id, what);
      if (c.startedAt != null) {
        Instant end = c.state == State.RUNNING ? clock.instant() : c.finishedAt;
        lines.add(c.startedAt + " [" + c.name + "] starting " + c.image + " (run " + c.run + ")");
        if (!c.readyAt.equals(Instant.MIN) && end != null && !c.readyAt.isAfter(end)) {
          lines.add(c.readyAt + " [" + c.name + "] ready");
          long beats = Duration.between(c.readyAt, end).toSeconds() / LOG_HEARTBEAT_SECONDS;
          for (long i = Math.max(1, beats - LOG_MAX_HEARTBEATS + 1); i <= beats; i++) {
            lines.add(
                c.readyAt.plusSeconds(i * LOG_HEARTBEAT_SECONDS) + " [" + c.name + "] probe ok");
          }
        }
        if (c.state == State.EXITED && c.finishedAt != null) {
          lines.add(c.finishedAt + " [" + c.name + "] exited with code " + c.exitCode);
        }
      }
    }
    int from = tailLines < 0 ? 0 : Math.max(0, lines.size() - tailLines);
    for (String line : lines.subList(from, lines.size())) {
      if (!sink.accept((line + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
        return;
      }
    }
  }

  /**
   * Delivers every container event from now on to {@code listener} (see the class comment for on
   * which thread) until the handle is closed; closing is idempotent and never waits. As with
   * Podman's stream, which waits for a service that is down, only a closed runtime refuses.
   */
  @Override
  public AutoCloseable events(Consumer<RuntimeEvent> listener) {
    Objects.requireNonNull(listener, "listener");
    synchronized (lock) {
      if (closed) {
        throw new ContainerRuntimeException(
            Kind.UNAVAILABLE, ENGINE + "stream events: this runtime is closed");
      }
    }
    Subscription subscription = new Subscription(listener);
    subscriptions.add(subscription);
    return subscription;
  }

  /**
   * Ends the runtime: scheduled crashes are cancelled, pulls waiting fail with UNAVAILABLE, event
   * streams end, and every later call fails with UNAVAILABLE. Idempotent.
   */
  @Override
  public void close() {
    List<CompletableFuture<Void>> waiting;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      for (Container c : byId.values()) {
        cancelCrash(c);
      }
      waiting = List.copyOf(pullsWaiting);
      pullsWaiting.clear();
      undelivered.clear();
    }
    subscriptions.clear();
    waiting.forEach(w -> w.complete(null)); // each pull then sees the runtime closed
  }

  // --- internals -------------------------------------------------------------------------------

  /** A container as this runtime keeps it; guarded by the runtime's lock. */
  private static final class Container {
    final String id;
    final String name;
    final String image;
    final Map<String, String> labels;
    final long memoryLimitBytes;
    State state = State.CREATED;
    int exitCode;
    Instant startedAt;
    Instant finishedAt;
    Instant readyAt = Instant.MIN;

    /** Counts starts; a crash scheduled for one run never ends a later one. */
    long run;

    ScheduledFuture<?> crash;

    Container(
        String id, String name, String image, Map<String, String> labels, long memoryLimitBytes) {
      this.id = id;
      this.name = name;
      this.image = image;
      this.labels = Map.copyOf(labels);
      this.memoryLimitBytes = Math.max(0, memoryLimitBytes);
    }

    ContainerInfo info() {
      return new ContainerInfo(
          id,
          name,
          image,
          labels,
          state,
          exitCode,
          Optional.ofNullable(startedAt),
          Optional.ofNullable(finishedAt));
    }
  }

  private final class Subscription implements AutoCloseable {
    private final Consumer<RuntimeEvent> listener;
    private volatile boolean open = true;

    Subscription(Consumer<RuntimeEvent> listener) {
      this.listener = listener;
    }

    void accept(RuntimeEvent event) {
      if (!open) {
        return;
      }
      try {
        listener.accept(event);
      } catch (RuntimeException e) {
        LOG.log(
            Level.WARNING,
            "sim.events.listener_failed container="
                + event.containerId()
                + " action="
                + event.action(),
            e);
      }
    }

    @Override
    public void close() {
      open = false;
      subscriptions.remove(this);
    }
  }

  /** The crash of run {@code run} of container {@code id}, on the scheduler. */
  private void crash(String id, long run) {
    synchronized (lock) {
      Container c = byId.get(id);
      if (closed || c == null || c.run != run || c.state != State.RUNNING) {
        return; // stopped, removed or started again since: this crash belongs to an older run
      }
      c.crash = null;
      exit(c, 1);
      crashes++;
      undelivered.add(event(c, "died"));
    }
    LOG.log(Level.DEBUG, "sim.container.crashed id={0}", id);
    deliver();
  }

  /** Delivers queued events in order; one thread delivers at a time, the others leave it to it. */
  private void deliver() {
    synchronized (lock) {
      if (delivering) {
        return;
      }
      delivering = true;
    }
    boolean done = false;
    try {
      while (true) {
        RuntimeEvent next;
        synchronized (lock) {
          next = undelivered.poll();
          if (next == null) {
            delivering = false;
            done = true;
            return;
          }
        }
        for (Subscription s : subscriptions) {
          s.accept(next);
        }
      }
    } finally {
      if (!done) { // an Error from a listener: let a later change deliver the rest
        synchronized (lock) {
          delivering = false;
        }
      }
    }
  }

  /** Caller holds the lock; {@code c} runs and is being stopped or removed through the API. */
  private void noteStoppedWhileRunning(Container c) {
    String workload = c.labels.get(Labels.WORKLOAD);
    String hash = c.labels.get(Labels.SPEC_HASH);
    if (workload != null && hash != null) {
      stoppedWhileRunning.put(workload, hash);
    }
  }

  /** Caller holds the lock. */
  private void exit(Container c, int exitCode) {
    c.state = State.EXITED;
    c.exitCode = exitCode;
    c.finishedAt = clock.instant();
    cancelCrash(c);
  }

  /** Caller holds the lock. */
  private static void cancelCrash(Container c) {
    if (c.crash != null) {
      c.crash.cancel(false);
      c.crash = null;
    }
  }

  /** Null when the scheduler refuses the task (it is shut down). */
  private ScheduledFuture<?> schedule(Runnable task, Duration delay) {
    try {
      return scheduler.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      LOG.log(Level.WARNING, "sim.schedule.rejected why=the scheduler is shut down");
      return null;
    }
  }

  /** Caller holds the lock. */
  private void ensureUsable(String what) {
    if (closed) {
      throw new ContainerRuntimeException(
          Kind.UNAVAILABLE, ENGINE + what + ": this runtime is closed");
    }
    if (!available) {
      throw new ContainerRuntimeException(
          Kind.UNAVAILABLE,
          ENGINE + what + ": the Podman service does not answer (a simulated outage)");
    }
  }

  /** Caller holds the lock. */
  private Container find(String idOrName) {
    Container c = byId.get(idOrName);
    return c != null ? c : byName.get(idOrName);
  }

  /** Caller holds the lock. */
  private Container require(String idOrName, String what) {
    Container c = find(idOrName);
    if (c == null) {
      throw new ContainerRuntimeException(
          Kind.NOT_FOUND,
          ENGINE
              + what
              + ": no container with name or ID \""
              + idOrName
              + "\" found: no such"
              + " container");
    }
    return c;
  }

  /** Caller holds the lock. */
  private String newId() {
    HexFormat hex = HexFormat.of();
    String id;
    do {
      StringBuilder b = new StringBuilder(64);
      for (int i = 0; i < 4; i++) {
        b.append(hex.toHexDigits(random.nextLong()));
      }
      id = b.toString();
    } while (byId.containsKey(id));
    return id;
  }

  private static RuntimeEvent event(Container c, String action) {
    return new RuntimeEvent(c.id, action, Optional.ofNullable(c.labels.get(Labels.WORKLOAD)));
  }

  private static String stateName(Container c) {
    return c.state.name().toLowerCase(Locale.ROOT);
  }

  /** The tag of an image reference, as Podman names it in a pull error; "latest" when none. */
  private static String tag(String image) {
    int at = image.indexOf('@');
    if (at >= 0) {
      return image.substring(at + 1);
    }
    int colon = image.lastIndexOf(':');
    return colon > image.lastIndexOf('/') ? image.substring(colon + 1) : "latest";
  }

  /** The repository of an image reference: the reference without its tag or digest. */
  private static String repository(String image) {
    int at = image.indexOf('@');
    if (at >= 0) {
      return image.substring(0, at);
    }
    int colon = image.lastIndexOf(':');
    return colon > image.lastIndexOf('/') ? image.substring(0, colon) : image;
  }
}
