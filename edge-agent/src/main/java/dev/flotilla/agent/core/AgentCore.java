package dev.flotilla.agent.core;

import dev.flotilla.agent.health.HealthMonitor;
import dev.flotilla.agent.health.Prober;
import dev.flotilla.agent.link.FleetLink;
import dev.flotilla.agent.model.AgentEvent;
import dev.flotilla.agent.model.ContainerInfo;
import dev.flotilla.agent.model.DesiredStateMapper;
import dev.flotilla.agent.model.Labels;
import dev.flotilla.agent.model.NodeDesired;
import dev.flotilla.agent.reconcile.Action;
import dev.flotilla.agent.reconcile.Planner;
import dev.flotilla.agent.runtime.ContainerRuntime;
import dev.flotilla.agent.runtime.ContainerRuntimeException;
import dev.flotilla.agent.store.AgentStore;
import dev.flotilla.agent.store.AgentStore.OutboxEvent;
import dev.flotilla.protocol.DesiredStateVerifier;
import dev.flotilla.protocol.ProtocolException;
import dev.flotilla.protocol.Timestamps;
import dev.flotilla.protocol.Topics;
import dev.flotilla.protocol.WireDecoder;
import dev.flotilla.protocol.v1.DesiredState;
import dev.flotilla.protocol.v1.NodeStatus;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The agent's core: takes verified desired states, reconciles the node's containers towards them,
 * watches their health, reports status and drains the event outbox. It does not know whether it
 * runs on a gateway or in the simulator: the runtime, store, link, clock and threads are all handed
 * in.
 *
 * <p>Threading: everything that reads or changes the core's state runs on one {@link
 * SerialExecutor} over the shared {@code pool}; timers live on the shared {@code scheduler} and
 * only submit work. Triggers (timer, runtime events, new desired state, health changes, a pull that
 * ended) only mark work as needed; one reconcile pass runs at a time and triggers that arrive
 * meanwhile coalesce into one more pass. Nothing on this path waits on the network: the link is
 * asynchronous and image pulls run on {@code pulls}. The controller's commands ({@link
 * CommandHandler}) run on {@code commandWorker}, which may block for the length of a log follow;
 * what they change or read of the core (a restart, a status) runs on the serial executor.
 */
public final class AgentCore implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(AgentCore.class.getName());
  private static final int DRAIN_BATCH_EVENTS = 200;
  private static final Duration RUNTIME_RETRY = Duration.ofSeconds(2);

  private final AgentSettings settings;
  private final AgentStore store;
  private final ContainerRuntime runtime;
  private final FleetLink link;
  private final DesiredStateVerifier verifier;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final SerialExecutor serial;
  private final ImagePuller puller;
  private final ActionExecutor executor;
  private final HealthMonitor health;
  private final CommandHandler commands;

  private final AtomicBoolean reconcilePending = new AtomicBoolean();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicBoolean drainAgain = new AtomicBoolean();
  private final List<ScheduledFuture<?>> timers = new ArrayList<>();
  private final CompletableFuture<Instant> firstPass = new CompletableFuture<>();
  private AutoCloseable runtimeEvents;

  // State below is touched on the serial executor only.
  private Optional<NodeDesired> desired = Optional.empty();
  private volatile long appliedGeneration;
  private NodeStatus lastFingerprint;
  private byte[] lastStatusWire;
  private boolean statusUnsent;
  private boolean runtimeDown;
  private ScheduledFuture<?> wake;
  private Map<String, Planner.Update> lastUpdates = Map.of();
  // Workload -> the spec hash whose hold for a maintenance window was last announced.
  private final Map<String, String> heldAnnounced = new HashMap<>();
  // The last refused payload, so that a refused retained message coming back on every reconnect
  // is reported once, not once per reconnect.
  private byte[] lastRefused;

  public AgentCore(
      AgentSettings settings,
      AgentStore store,
      ContainerRuntime runtime,
      FleetLink link,
      DesiredStateVerifier verifier,
      Clock clock,
      ScheduledExecutorService scheduler,
      Executor pool,
      Executor pulls,
      Executor probes,
      Executor commandWorker,
      StepHook hook) {
    this.settings = settings;
    this.store = store;
    this.runtime = runtime;
    this.link = link;
    this.verifier = verifier;
    this.clock = clock;
    this.scheduler = scheduler;
    this.serial = new SerialExecutor(pool);
    this.puller = new ImagePuller(runtime, pulls, clock, this::emit, () -> trigger("image pulled"));
    this.executor = new ActionExecutor(runtime, store, this::emit, puller, clock, hook);
    this.health =
        new HealthMonitor(
            new Prober(runtime),
            clock,
            scheduler,
            probes,
            (workload, container, verdict) -> {
              emit(
                  Events.of(
                      verdict == dev.flotilla.agent.health.ProbeTracker.Health.UNHEALTHY
                          ? AgentEvent.Severity.WARNING
                          : AgentEvent.Severity.INFO,
                      "workload.health",
                      workload,
                      appliedGeneration,
                      workload
                          + " is "
                          + verdict.name().toLowerCase(java.util.Locale.ROOT)
                          + " (container "
                          + container
                          + ")",
                      Map.of("health", verdict.name(), "container", container)));
              trigger("health changed");
            });
    this.commands =
        new CommandHandler(
            settings.node(),
            new WireDecoder(),
            runtime,
            link,
            commandWorker,
            this::emit,
            new CommandHandler.Node() {
              @Override
              public CompletableFuture<String> restart(String workload) {
                return onSerial(() -> restartWorkload(workload));
              }

              @Override
              public void resync() {
                trigger("operator command");
              }

              @Override
              public CompletableFuture<NodeStatus> fullStatus() {
                return onSerial(AgentCore.this::liveStatus);
              }
            });
  }

  /**
   * Loads the last desired state from the store, starts the timers, the runtime event stream and
   * the link, and runs the first reconcile pass at once. Returns without waiting for it.
   */
  public void start() {
    serial.execute(this::loadStored);
    trigger("start");
    long every = settings.reconcileInterval().toMillis();
    timers.add(
        scheduler.scheduleWithFixedDelay(
            () -> trigger("timer"), every, every, TimeUnit.MILLISECONDS));
    long summary = settings.summaryInterval().toMillis();
    timers.add(
        scheduler.scheduleWithFixedDelay(
            () -> serial.execute(this::sendSummary), summary, summary, TimeUnit.MILLISECONDS));
    try {
      runtimeEvents =
          runtime.events(
              e -> {
                if (e.workload().isPresent()) {
                  trigger("runtime event " + e.action());
                }
              });
    } catch (ContainerRuntimeException e) {
      LOG.log(Level.WARNING, "runtime.events-unavailable error={0}", e.getMessage());
    }
    link.start(
        new FleetLink.Listener() {
          @Override
          public void onDesired(byte[] payload) {
            serial.execute(() -> intake(payload));
          }

          @Override
          public void onCommand(byte[] payload, byte[] correlationData) {
            commands.accept(payload, correlationData);
          }

          @Override
          public void onConnected() {
            serial.execute(
                () -> {
                  flushStatus();
                  drain();
                });
          }

          @Override
          public void onConnectionLost(String cause) {
            LOG.log(Level.INFO, "link.lost cause={0}", cause);
          }
        });
  }

  /** The generation of the verified desired state the core holds; 0 when it has none. */
  private long acceptedGeneration() {
    return desired.map(NodeDesired::generation).orElse(0L);
  }

  /** Marks a reconcile pass as needed; coalesces with one already queued. */
  public void trigger(String why) {
    LOG.log(Level.DEBUG, "reconcile.trigger why={0}", why);
    if (reconcilePending.compareAndSet(false, true)) {
      serial.execute(this::reconcile);
    }
  }

  /**
   * Completes, with the agent clock's time, when the first reconcile pass that reached the runtime
   * has carried out its plan: the moment a rebooted node starts bringing its workloads back.
   */
  public CompletableFuture<Instant> firstReconcile() {
    return firstPass;
  }

  /** The generation whose desired state the node has converged to; 0 before the first. */
  public long appliedGeneration() {
    return appliedGeneration;
  }

  // ---------------------------------------------------------------------------------------------
  // Desired state

  private void loadStored() {
    Optional<AgentStore.StoredDesired> stored = store.desired();
    if (stored.isEmpty()) {
      return;
    }
    try {
      DesiredState state = verifier.verify(stored.get().signedWire(), 0);
      desired = Optional.of(DesiredStateMapper.toDomain(state));
      LOG.log(Level.INFO, "desired.loaded generation={0}", state.getGeneration());
    } catch (ProtocolException e) {
      emit(
          Events.of(
              AgentEvent.Severity.ERROR,
              "desired.refused",
              "",
              stored.get().generation(),
              "the stored desired state no longer verifies (" + e.getMessage() + ")",
              Map.of("reason", e.reason().name(), "source", "store")));
    }
  }

  private void intake(byte[] payload) {
    try {
      DesiredState state = verifier.verify(payload, acceptedGeneration());
      NodeDesired next = DesiredStateMapper.toDomain(state);
      store.saveDesired(new AgentStore.StoredDesired(state.getGeneration(), payload));
      desired = Optional.of(next);
      emit(
          Events.info(
              "desired.accepted",
              "",
              acceptedGeneration(),
              "accepted desired state generation "
                  + acceptedGeneration()
                  + " with "
                  + next.workloads().size()
                  + " workload(s)",
              Map.of()));
      trigger("desired state");
    } catch (ProtocolException e) {
      if (e.reason() == ProtocolException.Reason.DUPLICATE_GENERATION
          || java.util.Arrays.equals(payload, lastRefused)) {
        return; // the same retained message again after a reconnect: nothing new
      }
      lastRefused = payload;
      emit(
          Events.of(
              AgentEvent.Severity.WARNING,
              "desired.refused",
              "",
              acceptedGeneration(),
              "refused a desired state, keeping generation "
                  + acceptedGeneration()
                  + ": "
                  + e.getMessage(),
              Map.of("reason", e.reason().name())));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Reconcile

  private void reconcile() {
    reconcilePending.set(false);
    List<ContainerInfo> containers;
    try {
      containers = runtime.listByLabel(Labels.WORKLOAD);
    } catch (ContainerRuntimeException e) {
      if (!runtimeDown) {
        runtimeDown = true;
        emit(
            Events.of(
                AgentEvent.Severity.ERROR,
                "runtime.unavailable",
                "",
                acceptedGeneration(),
                e.getMessage(),
                Map.of("kind", e.kind().name())));
      }
      wakeIn(RUNTIME_RETRY);
      return;
    }
    if (runtimeDown) {
      runtimeDown = false;
      emit(Events.info("runtime.available", "", acceptedGeneration(), "runtime is back", Map.of()));
    }
    Instant now = clock.instant();
    Planner.Plan plan =
        Planner.plan(
            desired,
            new Planner.Observed(
                containers, store.restartStates(), health.verdicts(), store.blueGreenStates()),
            now,
            settings.timeZone());
    announceHeld(plan.updates());
    boolean acted = false;
    boolean failed = false;
    for (Action action : plan.actions()) {
      try {
        acted |= executor.apply(action, acceptedGeneration());
      } catch (ContainerRuntimeException e) {
        failed = true;
        failure(action, e);
      }
    }
    firstPass.complete(clock.instant());
    if (acted && !failed) {
      trigger("follow-up");
      return;
    }
    lastUpdates = plan.updates();
    health.sync(desired, containers);
    if (plan.converged() && desired.isPresent()) {
      long generation = desired.get().generation();
      if (appliedGeneration != generation) {
        appliedGeneration = generation;
        emit(
            Events.info(
                "desired.applied",
                "",
                generation,
                "node converged to desired state generation " + generation,
                Map.of()));
      }
    }
    report(containers, plan.updates());
    plan.wakeAt().ifPresent(at -> wakeIn(Duration.between(now, at)));
  }

  /** One {@code workload.update-held} event per workload and held spec, when the hold begins. */
  private void announceHeld(Map<String, Planner.Update> updates) {
    heldAnnounced.keySet().removeIf(w -> !(updates.get(w) instanceof Planner.Update.Waiting));
    for (Planner.Update update : updates.values()) {
      if (update instanceof Planner.Update.Waiting waiting
          && !waiting.specHash().equals(heldAnnounced.get(waiting.workload()))) {
        heldAnnounced.put(waiting.workload(), waiting.specHash());
        emit(
            Events.info(
                "workload.update-held",
                waiting.workload(),
                acceptedGeneration(),
                waiting.message(),
                Map.of(
                    "revision", waiting.revision(),
                    "kept_revision", Planner.revisionOf(waiting.old()),
                    "next_opening", waiting.nextOpening().toString())));
      }
    }
  }

  private void failure(Action action, ContainerRuntimeException e) {
    switch (action) {
      case Action.CreateAndStart c -> executor.countFailure(c.spec());
      case Action.Start s when !s.restart() -> executor.countFailure(s.spec());
      case Action.CreateBeside c -> executor.countCandidateFailure(c.spec(), c.specHash());
      default -> {}
    }
    emit(
        Events.of(
            AgentEvent.Severity.ERROR,
            "workload.failed",
            action.workload(),
            acceptedGeneration(),
            action.getClass().getSimpleName() + " failed (" + e.kind() + "): " + e.getMessage(),
            Map.of("kind", e.kind().name())));
  }

  private void wakeIn(Duration delay) {
    if (wake != null) {
      wake.cancel(false);
    }
    // Rounded up: waking a fraction of a millisecond early would find the timer not yet due.
    long millis = Math.max(1, delay.plusNanos(999_999).toMillis());
    wake = scheduler.schedule(() -> trigger("wake"), millis, TimeUnit.MILLISECONDS);
  }

  // ---------------------------------------------------------------------------------------------
  // Commands (called through CommandHandler.Node; the work runs on the serial executor)

  /** Runs {@code work} on the serial executor; the future fails with what it throws. */
  private <T> CompletableFuture<T> onSerial(java.util.function.Supplier<T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    serial.execute(
        () -> {
          try {
            result.complete(work.get());
          } catch (RuntimeException e) {
            result.completeExceptionally(e);
          }
        });
    return result;
  }

  /**
   * Replaces the workload's container with a fresh one from the same spec: stops and removes it,
   * then runs a reconcile pass at once, which creates and starts the new container (no earlier than
   * a restart back-off allows). On the serial executor, so it never races the reconciler. Refused
   * while an update runs two containers side by side.
   */
  private String restartWorkload(String workload) {
    List<ContainerInfo> mine =
        runtime.listByLabel(Labels.WORKLOAD).stream()
            .filter(c -> c.workload().filter(workload::equals).isPresent())
            .toList();
    if (mine.isEmpty()) {
      throw new CommandHandler.Refused(
          dev.flotilla.protocol.v1.CommandReply.Result.REJECTED,
          "node " + settings.node().value() + " runs no workload " + workload);
    }
    if (mine.size() > 1) {
      throw new CommandHandler.Refused(
          dev.flotilla.protocol.v1.CommandReply.Result.REJECTED,
          "workload "
              + workload
              + " is being updated ("
              + mine.size()
              + " containers); restart it once the update is done");
    }
    ContainerInfo old = mine.get(0);
    runtime.stop(old.id(), ActionExecutor.STOP_TIMEOUT);
    runtime.remove(old.id(), true);
    emit(
        Events.info(
            "workload.restarted",
            workload,
            acceptedGeneration(),
            "restarted " + workload + " (operator command): container " + shortId(old.id()),
            Map.of("reason", "operator command", "container", old.id())));
    reconcile();
    Optional<ContainerInfo> fresh =
        CommandHandler.currentContainer(runtime.listByLabel(Labels.WORKLOAD), workload)
            .filter(c -> !c.id().equals(old.id()));
    return fresh
        .map(
            c ->
                "restarted "
                    + workload
                    + ": container "
                    + shortId(old.id())
                    + " replaced by "
                    + shortId(c.id()))
        .orElse(
            "restarted "
                + workload
                + ": container "
                + shortId(old.id())
                + " removed; the reconciler starts a new one as soon as it may");
  }

  /** A FULL status of the node now, as the reconciler last planned it. */
  private NodeStatus liveStatus() {
    return StatusBuilder.full(
            settings.node().value(),
            appliedGeneration,
            desired,
            runtime.listByLabel(Labels.WORKLOAD),
            store.restartStates(),
            health.verdicts(),
            puller.pulling(),
            lastUpdates)
        .toBuilder()
        .setReportedAt(Timestamps.of(clock.instant()))
        .build();
  }

  private static String shortId(String id) {
    return id.length() > 12 ? id.substring(0, 12) : id;
  }

  // ---------------------------------------------------------------------------------------------
  // Status

  private void report(List<ContainerInfo> containers, Map<String, Planner.Update> updates) {
    NodeStatus fingerprint =
        StatusBuilder.full(
            settings.node().value(),
            appliedGeneration,
            desired,
            containers,
            store.restartStates(),
            health.verdicts(),
            puller.pulling(),
            updates);
    if (fingerprint.equals(lastFingerprint)) {
      return;
    }
    lastFingerprint = fingerprint;
    lastStatusWire =
        fingerprint.toBuilder()
            .setSequence(store.nextStatusSequence())
            .setReportedAt(Timestamps.of(clock.instant()))
            .build()
            .toByteArray();
    store.saveLastStatus(lastStatusWire);
    statusUnsent = true;
    flushStatus();
  }

  private void flushStatus() {
    if (lastStatusWire == null) {
      store.lastStatus().ifPresent(s -> lastStatusWire = s);
      statusUnsent = lastStatusWire != null;
    }
    if (!statusUnsent || !link.connected()) {
      return;
    }
    byte[] sending = lastStatusWire;
    link.publish(Topics.Kind.STATUS, sending)
        .whenComplete(
            (ok, error) ->
                serial.execute(
                    () -> {
                      if (error == null && sending == lastStatusWire) {
                        statusUnsent = false;
                      }
                    }));
  }

  private void sendSummary() {
    if (!link.connected()) {
      return;
    }
    NodeStatus summary =
        NodeStatus.newBuilder()
            .setVersion(dev.flotilla.protocol.ProtocolVersions.current())
            .setNodeId(settings.node().value())
            .setSequence(store.nextStatusSequence())
            .setObservedGeneration(appliedGeneration)
            .setReportedAt(Timestamps.of(clock.instant()))
            .setKind(NodeStatus.Kind.SUMMARY)
            .build();
    link.publish(Topics.Kind.STATUS, summary.toByteArray());
  }

  // ---------------------------------------------------------------------------------------------
  // Events and the outbox

  /** Stamps the event with the agent's clock and puts it in the outbox; thread-safe. */
  private void emit(AgentEvent event) {
    AgentEvent stamped =
        new AgentEvent(
            clock.instant(),
            event.severity(),
            event.type(),
            event.workload(),
            event.generation(),
            event.message(),
            event.attributes());
    long sequence = store.appendEvent(stamped);
    LOG.log(
        Level.INFO,
        "{0} seq={1} workload={2} generation={3} message=\"{4}\"",
        event.type(),
        sequence,
        event.workload(),
        event.generation(),
        event.message());
    serial.execute(this::drain);
  }

  /** Sends the outbox in order, one batch in flight at a time; deletes a batch on its PUBACK. */
  private void drain() {
    if (!link.connected()) {
      return;
    }
    if (!draining.compareAndSet(false, true)) {
      drainAgain.set(true);
      return;
    }
    drainNext();
  }

  private void drainNext() {
    List<OutboxEvent> batch = store.pendingEvents(DRAIN_BATCH_EVENTS);
    if (batch.isEmpty() || !link.connected()) {
      draining.set(false);
      if (drainAgain.getAndSet(false)) {
        drain();
      }
      return;
    }
    long last = batch.get(batch.size() - 1).sequence();
    byte[] payload =
        WireEncoding.eventBatch(settings.node().value(), batch, store.droppedEvents())
            .toByteArray();
    CompletableFuture<Void> sent = link.publish(Topics.Kind.EVENTS, payload);
    sent.whenComplete(
        (ok, error) ->
            serial.execute(
                () -> {
                  if (error == null) {
                    store.ackEventsThrough(last);
                    drainNext();
                  } else {
                    draining.set(false); // retried on the next connect or event
                  }
                }));
  }

  @Override
  public void close() {
    timers.forEach(t -> t.cancel(false));
    if (wake != null) {
      wake.cancel(false);
    }
    health.close();
    if (runtimeEvents != null) {
      try {
        runtimeEvents.close();
      } catch (Exception e) {
        LOG.log(Level.DEBUG, "runtime.events-close-failed error={0}", e.toString());
      }
    }
    serial.stop();
    link.close();
  }
}
