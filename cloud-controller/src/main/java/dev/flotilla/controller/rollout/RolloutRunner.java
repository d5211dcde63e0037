package dev.flotilla.controller.rollout;

import dev.flotilla.controller.manifest.ManifestFormat;
import dev.flotilla.controller.manifest.ManifestReader;
import dev.flotilla.controller.model.Deployment;
import dev.flotilla.controller.model.FleetEvent;
import dev.flotilla.controller.model.Node;
import dev.flotilla.controller.model.WorkloadObservation;
import dev.flotilla.controller.model.WorkloadTemplate;
import dev.flotilla.controller.placement.Placement;
import dev.flotilla.controller.store.FleetStore;
import dev.flotilla.protocol.NodeId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O half of the rollout engine: on each dispatch run, reads every active rollout with its
 * released nodes and the nodes' reports, asks {@link RolloutEngine#step} what to do, stores that
 * (compare-and-set on the rollout's version, so a step is taken once even if two runs race), turns
 * the engine's notes into events, and tells dispatch which revision each node gets.
 *
 * <p>Runs on the dispatch thread only.
 */
public final class RolloutRunner {
  private static final Logger LOG = LoggerFactory.getLogger(RolloutRunner.class);

  /**
   * How dispatch composes one deployment while a rollout of it is active.
   *
   * @param fromRevision what nodes not released run
   * @param fromTemplate that revision's template
   * @param released the nodes that get the deployment's target revision
   * @param overrideWindows an operator lifted the maintenance windows
   */
  public record Active(
      long rollout,
      int fromRevision,
      WorkloadTemplate fromTemplate,
      Set<NodeId> released,
      boolean overrideWindows) {
    public Active {
      Objects.requireNonNull(fromTemplate, "fromTemplate");
      released = Set.copyOf(released);
    }

    public boolean releasedTo(NodeId node) {
      return released.contains(node);
    }
  }

  /**
   * What a run decided.
   *
   * @param active per deployment name, the rollouts dispatch must compose with; a rollout that
   *     stopped in this run appears with no nodes released, so every node goes back at once
   * @param progress per deployment name, the counts of its active rollout's nodes
   */
  public record Round(Map<String, Active> active, Map<String, Counts> progress) {
    public static final Round NONE = new Round(Map.of(), Map.of());

    public @Nullable Active of(String deployment) {
      return active.get(deployment);
    }
  }

  private final FleetStore store;
  private final Map<String, WorkloadTemplate> templates = new ConcurrentHashMap<>();
  private volatile Round last = Round.NONE;

  public RolloutRunner(FleetStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  /** Steps every active rollout once and stores what the engine decided. */
  public Round advance(
      List<Deployment> deployments, Placement placement, List<Node> nodes, Instant now) {
    List<RolloutRecord> rollouts = store.activeRollouts();
    if (rollouts.isEmpty()) {
      last = Round.NONE;
      return Round.NONE;
    }
    Map<String, Deployment> byName = new HashMap<>();
    for (Deployment d : deployments) {
      byName.put(d.name(), d);
    }
    Map<String, Active> active = new HashMap<>();
    Map<String, Counts> progress = new TreeMap<>();
    List<FleetEvent> events = new ArrayList<>();
    for (RolloutRecord r : rollouts) {
      Deployment d = byName.get(r.deployment());
      if (d == null) {
        continue;
      }
      Map<NodeId, ReleasedNode> released = store.releasedNodes(r.id());
      List<NodeProgress> targeted = progress(d, r, placement, nodes, released);
      RolloutEngine.Decision decision =
          RolloutEngine.step(new Rollout(r, d.strategy()), targeted, now);
      RolloutUpdate u = decision.update();
      RolloutState state = r.state();
      Set<NodeId> releasedNow = new HashSet<>(released.keySet());
      boolean override = r.overrideWindows();
      if (u != null) {
        if (!store.updateRollout(r.id(), r.version(), u, now)) {
          // Changed meanwhile (an operator's command): leave it for the next run, which starts
          // from what is stored. Compose with what was stored before.
          LOG.info("rollout.step-skipped rollout={} reason=changed-meanwhile", r.id());
          active.put(d.name(), active(r, released.keySet(), r.overrideWindows()));
          continue;
        }
        state = u.state();
        releasedNow.addAll(u.release());
        override = u.overrideWindows();
        for (RolloutEngine.Note n : decision.notes()) {
          events.add(event(r, n, now));
        }
        if (!u.release().isEmpty() || state != r.state()) {
          LOG.info(
              "rollout.step rollout={} deployment={} state={} step={} released={} message=\"{}\"",
              r.id(),
              r.deployment(),
              state,
              u.step(),
              releasedNow.size(),
              u.message());
        }
      }
      switch (state) {
        case PROGRESSING, PAUSED -> {
          active.put(d.name(), active(r, releasedNow, override));
          progress.put(d.name(), decision.counts());
        }
        case ROLLED_BACK, ABORTED ->
            // The stored deployment now targets fromRevision; until dispatch reads it again,
            // compose every node with it.
            active.put(d.name(), active(r, Set.of(), false));
        case SUCCEEDED, SUPERSEDED -> {}
      }
    }
    store.addControllerEvents(events);
    Round round = new Round(Map.copyOf(active), Map.copyOf(progress));
    last = round;
    return round;
  }

  private Active active(RolloutRecord r, Set<NodeId> released, boolean overrideWindows) {
    return new Active(
        r.id(),
        r.fromRevision(),
        template(r.deployment(), r.fromRevision()),
        released,
        overrideWindows);
  }

  /** The nodes a rollout targets: those the deployment is placed on, with what they reported. */
  public List<NodeProgress> progress(
      Deployment d,
      RolloutRecord r,
      Placement placement,
      List<Node> nodes,
      Map<NodeId, ReleasedNode> released) {
    Map<NodeId, WorkloadObservation> observed = store.observations(d.name());
    List<NodeProgress> out = new ArrayList<>();
    for (Node n : nodes) {
      if (placement.on(n.id()).stream().noneMatch(p -> p.name().equals(d.name()))) {
        continue;
      }
      out.add(
          new NodeProgress(
              n.id(),
              n.labels(),
              n.state(),
              n.stateSince(),
              released.get(n.id()),
              observed.get(n.id())));
    }
    return out;
  }

  /** The last run's rollouts (for metrics and the periodic tick). */
  public Round last() {
    return last;
  }

  private WorkloadTemplate template(String deployment, int revision) {
    return templates.computeIfAbsent(
        deployment + "/" + revision,
        k -> {
          for (FleetStore.RevisionRow row : store.revisions(deployment)) {
            if (row.revision() == revision) {
              return ManifestReader.read(row.manifest(), ManifestFormat.JSON).template();
            }
          }
          throw new IllegalStateException(
              "deployment " + deployment + " has no revision " + revision);
        });
  }

  /** Forgets cached templates of a deleted deployment (a new one may reuse its name). */
  public void forget(String deployment) {
    templates.keySet().removeIf(k -> k.startsWith(deployment + "/"));
  }

  private static FleetEvent event(RolloutRecord r, RolloutEngine.Note n, Instant now) {
    return new FleetEvent(
        "",
        0,
        0,
        now,
        now,
        n.severity(),
        n.type(),
        r.deployment(),
        0,
        n.message(),
        new TreeMap<>(
            Map.of(
                "rollout", Long.toString(r.id()),
                "fromRevision", Integer.toString(r.fromRevision()),
                "toRevision", Integer.toString(r.toRevision()))));
  }
}
