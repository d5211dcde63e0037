package dev.flotilla.controller.dispatch;

import dev.flotilla.controller.model.Deployment;
import dev.flotilla.controller.model.FleetEvent;
import dev.flotilla.controller.model.MaintenanceWindow;
import dev.flotilla.controller.model.Node;
import dev.flotilla.controller.model.RolloutStrategy;
import dev.flotilla.controller.mqtt.ControllerLink;
import dev.flotilla.controller.placement.FleetSnapshot;
import dev.flotilla.controller.placement.Placement;
import dev.flotilla.controller.placement.Scheduler;
import dev.flotilla.controller.rollout.Counts;
import dev.flotilla.controller.rollout.RolloutRunner;
import dev.flotilla.controller.store.FleetStore;
import dev.flotilla.controller.store.FleetStore.DesiredRow;
import dev.flotilla.profiles.ProfileCatalog;
import dev.flotilla.protocol.DesiredStateSigner;
import dev.flotilla.protocol.NodeId;
import dev.flotilla.protocol.Timestamps;
import dev.flotilla.protocol.v1.DesiredState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Computes every node's desired state from the deployments placed on it ({@link Scheduler}), and
 * for each node whose content changed gives it the next generation, signs it, stores it and
 * publishes it retained.
 *
 * <p>Runs on one thread: requests that arrive while a run is going coalesce into one more run, so a
 * burst of API calls costs one recompute. A run reads the fleet in three queries and writes all new
 * desired states in one transaction, however many nodes change. Signing runs in parallel.
 *
 * <p>Acknowledge only what is durable: a desired state is stored (unpublished) before it is
 * published, and marked published after the broker's PUBACK; whatever is left unpublished (broker
 * away, controller killed) is published again by {@link #republish()} and on start.
 */
public final class Dispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
  private static final long PUBLISH_WAIT_SECONDS = 120;

  /** What one run did. */
  public record Report(
      int nodes, int changed, int published, int failed, int refused, Duration took) {}

  /** Figures the dispatcher reports (metrics). */
  public interface Listener {
    void dispatched(Report report);

    void published(int count);

    /** The active rollouts' nodes by condition after a run, per deployment. */
    default void rollouts(Map<String, Counts> progress) {}

    Listener NONE =
        new Listener() {
          @Override
          public void dispatched(Report report) {}

          @Override
          public void published(int count) {}
        };
  }

  private final FleetStore store;
  private final Supplier<List<Deployment>> deployments;
  private final DesiredStateSigner signer;
  private final ControllerLink link;
  private final Clock clock;
  private final ExecutorService thread;
  private final ForkJoinPool signers;
  private final Duration staleAfter;
  private final ProfileCatalog profiles;
  private final Duration unreachableGrace;
  private final Listener listener;
  private final RolloutRunner rollouts;
  private volatile @Nullable Placement lastPlacement;
  private final Object lock = new Object();
  private CompletableFuture<Report> next; // guarded by lock

  /**
   * @param deployments reads the current deployments (called on the dispatch thread)
   * @param thread a single thread owned by the caller; every run happens on it
   */
  public Dispatcher(
      FleetStore store,
      Supplier<List<Deployment>> deployments,
      DesiredStateSigner signer,
      ControllerLink link,
      Clock clock,
      ExecutorService thread,
      Duration staleAfter,
      ProfileCatalog profiles,
      Duration unreachableGrace,
      RolloutRunner rollouts,
      Listener listener) {
    this.store = Objects.requireNonNull(store, "store");
    this.deployments = Objects.requireNonNull(deployments, "deployments");
    this.signer = Objects.requireNonNull(signer, "signer");
    this.link = Objects.requireNonNull(link, "link");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.thread = Objects.requireNonNull(thread, "thread");
    this.staleAfter = Objects.requireNonNull(staleAfter, "staleAfter");
    this.profiles = Objects.requireNonNull(profiles, "profiles");
    this.unreachableGrace = Objects.requireNonNull(unreachableGrace, "unreachableGrace");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.rollouts = Objects.requireNonNull(rollouts, "rollouts");
    this.signers = new ForkJoinPool(Math.max(1, Runtime.getRuntime().availableProcessors()));
  }

  /**
   * Asks for a full recompute.
   *
   * @return completes when a run that started after this call has finished
   */
  public CompletableFuture<Report> request() {
    synchronized (lock) {
      if (next == null) {
        next = new CompletableFuture<>();
        thread.execute(this::runRequested);
      }
      return next;
    }
  }

  private void runRequested() {
    CompletableFuture<Report> mine;
    synchronized (lock) {
      mine = next;
      next = null;
    }
    try {
      mine.complete(dispatchAll());
    } catch (RuntimeException e) {
      LOG.error("dispatch.failed reason={}", e.toString());
      mine.completeExceptionally(e);
    }
  }

  /**
   * Publishes again, on the dispatch thread, every desired state the broker has not acknowledged.
   */
  public CompletableFuture<Integer> republish() {
    return CompletableFuture.supplyAsync(
        () -> {
          List<DesiredRow> rows = store.unpublished();
          if (rows.isEmpty() || !link.connected()) {
            return 0;
          }
          int published = publish(rows);
          LOG.info("dispatch.republished count={} of={}", published, rows.size());
          return published;
        },
        thread);
  }

  private Report dispatchAll() {
    Instant started = clock.instant();
    long t0 = System.nanoTime();
    List<Node> nodes = store.allNodes();
    Map<NodeId, DesiredRow> prior = store.desiredSummaries();
    Map<NodeId, Set<String>> current = new HashMap<>();
    prior.forEach((node, row) -> current.put(node, row.revisions().keySet()));
    List<Deployment> all = deployments.get();
    Placement placement =
        Scheduler.place(
            new FleetSnapshot(nodes, all, current, profiles, started, unreachableGrace));
    lastPlacement = placement;
    RolloutRunner.Round round = rollouts.advance(all, placement, nodes, started);

    List<Change> changes = new ArrayList<>();
    for (Node node : nodes) {
      DesiredRow before = prior.get(node.id());
      List<PlacedWorkload> placed = new ArrayList<>();
      for (Deployment d : placement.on(node.id())) {
        placed.add(placed(d, node, round.of(d.name())));
      }
      DesiredStateComposer.Composition c = DesiredStateComposer.compose(node.id(), placed);
      if (before != null && before.contentHash().equals(c.contentHash())) {
        continue;
      }
      long generation = before == null ? 1 : before.generation() + 1;
      changes.add(new Change(node.id(), generation, c));
    }

    List<DesiredRow> rows;
    try {
      rows =
          signers
              .submit(() -> changes.parallelStream().map(ch -> sign(ch, started)).toList())
              .get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while signing", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("signing failed: " + e.getCause(), e.getCause());
    }
    store.saveDesired(rows);

    List<FleetEvent> refusalEvents = new ArrayList<>();
    int refused = 0;
    for (Change ch : changes) {
      for (DesiredStateComposer.Refusal r : ch.composition.refusals()) {
        refused++;
        refusalEvents.add(
            new FleetEvent(
                "",
                0,
                0,
                started,
                started,
                "WARNING",
                "dispatch.workload-refused",
                r.deployment(),
                ch.generation,
                "left out of node " + ch.node + ": " + r.reason(),
                new TreeMap<>(Map.of("node", ch.node.value()))));
      }
    }
    store.addControllerEvents(refusalEvents);

    int published = link.connected() ? publish(rows) : 0;
    if (!rows.isEmpty()) {
      store.rederive(rows.stream().map(DesiredRow::node).toList(), clock.instant(), staleAfter);
    }
    Report report =
        new Report(
            nodes.size(),
            rows.size(),
            published,
            rows.size() - published,
            refused,
            Duration.ofNanos(System.nanoTime() - t0));
    if (report.changed() > 0) {
      LOG.info(
          "dispatch.done nodes={} changed={} published={} failed={} refused={} took_ms={}",
          report.nodes(),
          report.changed(),
          report.published(),
          report.failed(),
          report.refused(),
          report.took().toMillis());
    }
    listener.dispatched(report);
    listener.rollouts(round.progress());
    return report;
  }

  /**
   * What one node gets of one deployment: the target revision, or the revision a rollout started
   * from while the rollout has not released the node; with the strategy's way of updating and the
   * maintenance windows that select the node, unless an operator lifted them.
   */
  static PlacedWorkload placed(Deployment d, Node node, RolloutRunner.@Nullable Active rollout) {
    boolean target = rollout == null || rollout.releasedTo(node.id());
    List<MaintenanceWindow> windows = new ArrayList<>();
    if (rollout == null || !rollout.overrideWindows()) {
      for (MaintenanceWindow w : d.windows()) {
        if (w.nodeSelector().matches(node.labels())) {
          windows.add(w);
        }
      }
    }
    PlacedWorkload.NodeUpdatePolicy update =
        d.strategy().onNode() == RolloutStrategy.NodeUpdate.REPLACE && windows.isEmpty()
            ? PlacedWorkload.NodeUpdatePolicy.REPLACE
            : new PlacedWorkload.NodeUpdatePolicy(
                d.strategy().onNode(), d.strategy().blueGreen(), windows);
    return target
        ? new PlacedWorkload(d.name(), d.revision(), d.template(), update)
        : new PlacedWorkload(d.name(), rollout.fromRevision(), rollout.fromTemplate(), update);
  }

  /** The rollouts of the last run. */
  public RolloutRunner rollouts() {
    return rollouts;
  }

  private DesiredRow sign(Change ch, Instant now) {
    DesiredState state =
        ch.composition.state().toBuilder()
            .setGeneration(ch.generation)
            .setIssuedAt(Timestamps.of(now))
            .build();
    byte[] signed = signer.sign(state).toByteArray();
    SortedMap<String, Integer> revisions = new TreeMap<>();
    for (PlacedWorkload p : ch.composition.included()) {
      revisions.put(p.deployment(), p.revision());
    }
    return new DesiredRow(
        ch.node, ch.generation, ch.composition.contentHash(), revisions, signed, false, now);
  }

  /** Publishes the rows and marks the acknowledged ones; returns how many were acknowledged. */
  private int publish(List<DesiredRow> rows) {
    Map<NodeId, CompletableFuture<Void>> pending = new HashMap<>();
    for (DesiredRow row : rows) {
      pending.put(row.node(), link.publishDesired(row.node(), row.signed()));
    }
    Map<NodeId, Long> acked = new HashMap<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PUBLISH_WAIT_SECONDS);
    for (DesiredRow row : rows) {
      try {
        long left = Math.max(0, deadline - System.nanoTime());
        pending.get(row.node()).get(left, TimeUnit.NANOSECONDS);
        acked.put(row.node(), row.generation());
      } catch (ExecutionException | TimeoutException e) {
        LOG.debug("dispatch.publish-failed node={} reason={}", row.node(), e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    store.markPublished(acked);
    listener.published(acked.size());
    return acked.size();
  }

  /**
   * When the last placement changes by itself (an unreachable node's grace running out); null when
   * nothing waits on the clock. The controller asks for a run once this has passed.
   */
  public @Nullable Instant nextChangeAt() {
    Placement p = lastPlacement;
    return p == null ? null : p.nextChangeAt();
  }

  /** The placement of the last run; null before the first. */
  public @Nullable Placement lastPlacement() {
    return lastPlacement;
  }

  /** Stops the signing pool. The dispatch thread belongs to the caller. */
  public void close() {
    signers.shutdownNow();
  }

  private record Change(
      NodeId node, long generation, DesiredStateComposer.Composition composition) {}
}
