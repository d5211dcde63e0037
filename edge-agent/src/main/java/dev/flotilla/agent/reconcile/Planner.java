package dev.flotilla.agent.reconcile;

import dev.flotilla.agent.health.ProbeTracker;
import dev.flotilla.agent.health.ProbeVerdict;
import dev.flotilla.agent.model.ContainerInfo;
import dev.flotilla.agent.model.Labels;
import dev.flotilla.agent.model.NodeDesired;
import dev.flotilla.agent.model.RestartSpec;
import dev.flotilla.agent.model.SpecHash;
import dev.flotilla.agent.model.UpdateSpec;
import dev.flotilla.agent.model.WorkloadSpec;
import dev.flotilla.agent.store.AgentStore.BlueGreenState;
import dev.flotilla.agent.store.AgentStore.RestartState;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Decides what to do to make the node's containers match its desired state: {@code plan(desired,
 * observed, now, zone) -> actions}. Pure: no I/O, no clock, no threads; the same inputs always give
 * the same plan.
 *
 * <p>Rules: a workload with no container gets one; a container whose spec hash differs from its
 * workload's is removed and a new one created (removal first, so ports are free); duplicates are
 * removed; a stopped container is started as its restart policy says, no earlier than its back-off
 * allows; a running container that failed its health probe is restarted likewise; a container of a
 * workload that is no longer desired is removed. Containers without Flotilla's workload label are
 * never touched. Without any desired state, nothing is done.
 *
 * <p><b>Updates.</b> A workload whose only containers are of an older spec has an update due:
 *
 * <ul>
 *   <li><b>Windows.</b> When the workload has maintenance windows and none is open at {@code now}
 *       (windows without a zone are in the node's {@code zone}) and the old container is working
 *       (running, not failing its probe, not restarting after failures), the update is held: the
 *       old container stays and is tended as usual, the workload is {@link Update.Waiting}, and
 *       {@link Plan#wakeAt()} is the next opening. Windows protect a working service: the update of
 *       a workload that is down is applied at once (it may be the fix, or a rollback), a workload
 *       without any container is created at once, and removals are never held.
 *   <li><b>Replace</b> (the default): remove the old container, create the new one.
 *   <li><b>Blue-green.</b> When an old container runs, the new one is created beside it ({@link
 *       Action.CreateBeside}; without a running old container this is a plain replace). While both
 *       exist the workload is {@link Update.Switching}: once the new container has been running and
 *       healthy ({@link Observed#health()}; without a probe, running counts as healthy) for {@code
 *       switchAfter}, the old ones are removed ({@link Action.Switch}). The node falls back ({@link
 *       Action.FallBack}: the new containers go, the old one stays, the spec hash is remembered as
 *       given up) when {@code giveUpAfter} has passed since the update began and the new container
 *       is not healthy at that moment, or when the new container has failed {@link
 *       #BLUE_GREEN_MAX_FAILURES} times (each exit before the switch, or a create the runtime
 *       refused, is one failure; under restart policy NEVER the first exit is enough). Before the
 *       switch the new container is restarted after an exit whatever its policy, on a back-off of
 *       its own, and is not restarted for failing its probe (the give-up time covers that).
 *   <li><b>Given up.</b> A spec hash the node fell back from is not tried again: the old container
 *       keeps running and the workload is {@link Update.FellBack}, until the desired spec changes
 *       to another hash (the memory is then dropped; a rollback to the old spec is simply
 *       converged) or no old container is left (the desired spec is then created as usual).
 * </ul>
 *
 * <p>The update policy and the windows are not part of the spec hash: changing only them never
 * replaces a container.
 */
public final class Planner {
  /** A workload that has run this long since its last start has its back-off forgotten. */
  public static final Duration STABLE_AFTER = Duration.ofSeconds(60);

  /** Failures of a blue-green revision's container after which the node falls back. */
  public static final int BLUE_GREEN_MAX_FAILURES = 3;

  private Planner() {}

  /**
   * What the planner was shown.
   *
   * @param containers Flotilla's containers as the runtime reports them
   * @param restarts back-off state per workload
   * @param health the probe verdict per running container id (containers without a probe, or not
   *     probed yet, have none); a verdict older than its container's last start is ignored
   * @param blueGreen blue-green updates in progress or given up, per workload
   */
  public record Observed(
      List<ContainerInfo> containers,
      Map<String, RestartState> restarts,
      Map<String, ProbeVerdict> health,
      Map<String, BlueGreenState> blueGreen) {
    public Observed {
      containers = List.copyOf(containers);
      restarts = Map.copyOf(restarts);
      health = Map.copyOf(health);
      blueGreen = Map.copyOf(blueGreen);
    }

    /**
     * Without blue-green state, with the containers of the {@code unhealthy} workloads UNHEALTHY
     * (since their last start) and no other verdicts.
     */
    public Observed(
        List<ContainerInfo> containers, Map<String, RestartState> restarts, Set<String> unhealthy) {
      this(containers, restarts, unhealthyVerdicts(containers, unhealthy), Map.of());
    }

    private static Map<String, ProbeVerdict> unhealthyVerdicts(
        List<ContainerInfo> containers, Set<String> unhealthy) {
      Map<String, ProbeVerdict> verdicts = new HashMap<>();
      for (ContainerInfo c : containers) {
        if (c.workload().filter(unhealthy::contains).isPresent()) {
          verdicts.put(
              c.id(),
              new ProbeVerdict(ProbeTracker.Health.UNHEALTHY, c.startedAt().orElse(Instant.EPOCH)));
        }
      }
      return verdicts;
    }
  }

  /**
   * Where an update of one workload stands while the node holds or stages it; for status and
   * events. A workload without one is simply converging (or converged) as before.
   */
  public sealed interface Update {
    /** The workload. */
    String workload();

    /** The new spec's hash. */
    String specHash();

    /** The new revision. */
    String revision();

    /** The old container, which keeps running. */
    ContainerInfo old();

    /** A sentence for the status message. */
    String message();

    /**
     * Held: the node is outside the workload's maintenance windows.
     *
     * @param nextOpening when the next window opens (and the node plans again)
     */
    record Waiting(
        String workload,
        String specHash,
        String revision,
        ContainerInfo old,
        Instant nextOpening,
        String message)
        implements Update {}

    /**
     * Blue-green in progress.
     *
     * @param candidate the new revision's container; empty until it is created (its image may be
     *     being pulled)
     * @param healthySince since when the candidate has been running and healthy; empty when it is
     *     not
     * @param failures the candidate's failures so far
     */
    record Switching(
        String workload,
        String specHash,
        String revision,
        ContainerInfo old,
        Optional<ContainerInfo> candidate,
        Optional<Instant> healthySince,
        int failures,
        String message)
        implements Update {}

    /**
     * Given up: the node fell back to the old container and does not try this spec again.
     *
     * @param at when it fell back
     */
    record FellBack(
        String workload,
        String specHash,
        String revision,
        ContainerInfo old,
        Instant at,
        String message)
        implements Update {}
  }

  /**
   * @param actions in the order they must be carried out
   * @param wakeAt when a back-off, a maintenance window or a blue-green timer that held an action
   *     back ends, so the caller plans again then
   * @param converged true when nothing is left to do or waiting: every desired workload has its
   *     container at the desired spec and none is to be removed
   * @param updates the held, staged and given-up updates, per workload
   */
  public record Plan(
      List<Action> actions,
      Optional<Instant> wakeAt,
      boolean converged,
      Map<String, Update> updates) {
    public Plan {
      actions = List.copyOf(actions);
      Objects.requireNonNull(wakeAt);
      updates = Map.copyOf(updates);
    }
  }

  /** {@link #plan(Optional, Observed, Instant, ZoneId)} for a node whose zone is UTC. */
  public static Plan plan(Optional<NodeDesired> desired, Observed observed, Instant now) {
    return plan(desired, observed, now, ZoneOffset.UTC);
  }

  /**
   * @param zone the node's time zone, for maintenance windows that name none
   */
  public static Plan plan(
      Optional<NodeDesired> desired, Observed observed, Instant now, ZoneId zone) {
    if (desired.isEmpty()) {
      return new Plan(List.of(), Optional.empty(), true, Map.of());
    }
    Pass pass = new Pass(observed, now, zone);
    Map<String, List<ContainerInfo>> byWorkload = new LinkedHashMap<>();
    for (ContainerInfo c : observed.containers()) {
      c.workload().ifPresent(w -> byWorkload.computeIfAbsent(w, k -> new ArrayList<>()).add(c));
    }
    for (Map.Entry<String, List<ContainerInfo>> e : byWorkload.entrySet()) {
      if (desired.get().workload(e.getKey()).isEmpty()) {
        for (ContainerInfo c : e.getValue()) {
          pass.remove(c, e.getKey(), "no longer desired");
        }
      }
    }
    for (WorkloadSpec spec : desired.get().workloads()) {
      pass.workload(spec, byWorkload.getOrDefault(spec.name(), List.of()));
    }
    return pass.plan();
  }

  /** One planning pass: what it has decided so far. */
  private static final class Pass {
    private final Observed observed;
    private final Instant now;
    private final ZoneId zone;
    private final List<Action> removals = new ArrayList<>();
    private final List<Action> others = new ArrayList<>();
    private final Map<String, Update> updates = new LinkedHashMap<>();
    private Instant wakeAt;
    private boolean converged = true;

    Pass(Observed observed, Instant now, ZoneId zone) {
      this.observed = observed;
      this.now = now;
      this.zone = zone;
    }

    Plan plan() {
      List<Action> actions = new ArrayList<>(removals);
      actions.addAll(others);
      return new Plan(actions, Optional.ofNullable(wakeAt), converged, updates);
    }

    void remove(ContainerInfo c, String workload, String why) {
      removals.add(new Action.Remove(c, workload, why));
      converged = false;
    }

    void wake(Instant at) {
      if (wakeAt == null || at.isBefore(wakeAt)) {
        wakeAt = at;
      }
    }

    void workload(WorkloadSpec spec, List<ContainerInfo> containers) {
      String hash = SpecHash.of(spec);
      List<ContainerInfo> matching =
          containers.stream()
              .filter(c -> c.specHash().filter(hash::equals).isPresent())
              .sorted(PREFERRED)
              .toList();
      List<ContainerInfo> older =
          containers.stream()
              .filter(c -> c.specHash().filter(hash::equals).isEmpty())
              .sorted(PREFERRED)
              .toList();
      BlueGreenState blueGreen = observed.blueGreen().get(spec.name());
      if (blueGreen != null && !blueGreen.specHash().equals(hash)) {
        others.add(new Action.ForgetBlueGreen(spec.name(), "the desired spec changed"));
        blueGreen = null;
      }

      if (older.isEmpty()) {
        if (blueGreen != null) {
          // Switched (the old ones are gone), or given up with nothing left to fall back to.
          others.add(new Action.ForgetBlueGreen(spec.name(), "no older container is left"));
        }
        tendCurrent(spec, hash, matching);
        return;
      }
      ContainerInfo old = older.get(0);
      boolean blueGreenMode = spec.update().mode() == UpdateSpec.Mode.BLUE_GREEN;

      if (blueGreen != null && blueGreen.abandoned()) {
        // Given up on this spec: keep the old container as the workload's.
        for (ContainerInfo candidate : matching) {
          remove(candidate, spec.name(), "blue-green: the node gave up on this revision");
        }
        removeDuplicates(spec, older);
        tend(old, spec);
        converged = false;
        updates.put(
            spec.name(),
            new Update.FellBack(
                spec.name(),
                hash,
                spec.revision(),
                old,
                blueGreen.abandonedAt().orElseThrow(),
                blueGreen.reason()));
        return;
      }

      if (matching.isEmpty()) {
        if (!spec.update().windows().isOpen(now, zone) && working(spec, old)) {
          Instant next = spec.update().windows().nextOpening(now, zone).orElseThrow();
          removeDuplicates(spec, older);
          tend(old, spec);
          converged = false;
          wake(next);
          updates.put(
              spec.name(),
              new Update.Waiting(
                  spec.name(),
                  hash,
                  spec.revision(),
                  old,
                  next,
                  "held for a maintenance window: revision "
                      + spec.revision()
                      + " is applied when the next one opens, at "
                      + next.atZone(zone).toOffsetDateTime()
                      + "; revision "
                      + revisionOf(old)
                      + " keeps running"));
          return;
        }
        if (blueGreenMode && old.state() == ContainerInfo.State.RUNNING) {
          beginBlueGreen(spec, hash, old, older, blueGreen);
          return;
        }
      } else if (blueGreenMode) {
        switching(spec, hash, matching, old, older, blueGreen);
        return;
      } else if (blueGreen != null) {
        // Switched to REPLACE in the middle of a blue-green update: replace.
        others.add(new Action.ForgetBlueGreen(spec.name(), "the update mode is now REPLACE"));
      }
      for (ContainerInfo c : older) {
        remove(c, spec.name(), "replaced: the workload's spec changed");
      }
      tendCurrent(spec, hash, matching);
    }

    /** The workload's containers are all at the desired spec (or it has none). */
    private void tendCurrent(WorkloadSpec spec, String hash, List<ContainerInfo> matching) {
      removeDuplicates(spec, matching);
      if (matching.isEmpty()) {
        converged = false;
        Optional<RestartState> backoff = backoff(spec);
        if (backoff.isPresent() && now.isBefore(backoff.get().notBefore())) {
          wake(backoff.get().notBefore());
        } else {
          others.add(new Action.CreateAndStart(spec, hash));
        }
        return;
      }
      tend(matching.get(0), spec);
    }

    /** BLUE_GREEN, an update due, the old container running: create the new one beside it. */
    private void beginBlueGreen(
        WorkloadSpec spec,
        String hash,
        ContainerInfo old,
        List<ContainerInfo> older,
        BlueGreenState blueGreen) {
      removeDuplicates(spec, older);
      tend(old, spec);
      converged = false;
      int failures = blueGreen == null ? 0 : blueGreen.failures();
      if (blueGreen != null) {
        // Begun before, and the new container is gone (removed, or never created).
        Instant giveUpAt = blueGreen.startedAt().plus(spec.update().giveUpAfter());
        if (!now.isBefore(giveUpAt)) {
          fallBack(spec, hash, List.of(), old, neverHealthy(spec, old));
          return;
        }
        if (failures >= BLUE_GREEN_MAX_FAILURES) {
          fallBack(spec, hash, List.of(), old, crashLooped(spec, old, failures));
          return;
        }
        if (now.isBefore(blueGreen.notBefore())) {
          wake(earliest(blueGreen.notBefore(), giveUpAt));
          switchingUpdate(spec, hash, old, Optional.empty(), Optional.empty(), failures);
          return;
        }
        wake(giveUpAt);
      }
      others.add(new Action.CreateBeside(spec, hash, old));
      switchingUpdate(spec, hash, old, Optional.empty(), Optional.empty(), failures);
    }

    /** BLUE_GREEN, both the new container and old ones exist. */
    private void switching(
        WorkloadSpec spec,
        String hash,
        List<ContainerInfo> matching,
        ContainerInfo old,
        List<ContainerInfo> older,
        BlueGreenState recorded) {
      removeDuplicates(spec, matching);
      ContainerInfo candidate = matching.get(0);
      converged = false;
      // No record (a store from before this update began, or lost): the update counts from the
      // new container's start, with no failures yet.
      BlueGreenState blueGreen =
          recorded != null
              ? recorded
              : BlueGreenState.begin(hash, spec.revision(), candidate.startedAt().orElse(now));
      Instant giveUpAt = blueGreen.startedAt().plus(spec.update().giveUpAfter());
      Optional<Instant> healthySince = healthySince(candidate, spec);

      if (healthySince.isPresent()
          && !now.isBefore(healthySince.get().plus(spec.update().switchAfter()))) {
        others.add(new Action.Switch(spec, candidate, older));
        switchingUpdate(spec, hash, old, Optional.of(candidate), healthySince, 0);
        return;
      }
      if (healthySince.isEmpty() && !now.isBefore(giveUpAt)) {
        fallBack(spec, hash, matching, old, neverHealthy(spec, old));
        return;
      }
      removeDuplicates(spec, older);
      tend(old, spec);
      switch (candidate.state()) {
        case RUNNING -> {
          if (healthySince.isPresent()) {
            wake(healthySince.get().plus(spec.update().switchAfter()));
          } else {
            wake(giveUpAt);
          }
        }
        case CREATED ->
            others.add(new Action.Start(candidate, spec, false, "created, never started"));
        case EXITED, UNKNOWN -> {
          int failures = blueGreen.failures() + 1;
          if (spec.restart().mode() == RestartSpec.Mode.NEVER) {
            fallBack(
                spec,
                hash,
                matching,
                old,
                "blue-green: revision "
                    + spec.revision()
                    + " exited with code "
                    + candidate.exitCode()
                    + " and its restart policy is NEVER; kept revision "
                    + revisionOf(old)
                    + " running");
            return;
          }
          if (failures >= BLUE_GREEN_MAX_FAILURES) {
            fallBack(spec, hash, matching, old, crashLooped(spec, old, failures));
            return;
          }
          if (now.isBefore(blueGreen.notBefore())) {
            wake(earliest(blueGreen.notBefore(), giveUpAt));
          } else {
            others.add(
                new Action.RestartCandidate(
                    candidate, spec, hash, "exited with code " + candidate.exitCode()));
          }
        }
        case PAUSED, STOPPING -> wake(giveUpAt);
      }
      switchingUpdate(spec, hash, old, Optional.of(candidate), healthySince, blueGreen.failures());
    }

    private void switchingUpdate(
        WorkloadSpec spec,
        String hash,
        ContainerInfo old,
        Optional<ContainerInfo> candidate,
        Optional<Instant> healthySince,
        int failures) {
      String message;
      if (candidate.isEmpty()) {
        message =
            "blue-green: starting revision "
                + spec.revision()
                + " beside revision "
                + revisionOf(old);
      } else if (healthySince.isPresent()) {
        message =
            "blue-green: revision "
                + spec.revision()
                + " is healthy; revision "
                + revisionOf(old)
                + " is removed once it has been healthy for "
                + human(spec.update().switchAfter());
      } else {
        message =
            "blue-green: revision "
                + spec.revision()
                + " runs beside revision "
                + revisionOf(old)
                + " and is not healthy yet (the node gives up after "
                + human(spec.update().giveUpAfter())
                + ")";
      }
      updates.put(
          spec.name(),
          new Update.Switching(
              spec.name(), hash, spec.revision(), old, candidate, healthySince, failures, message));
    }

    private void fallBack(
        WorkloadSpec spec,
        String hash,
        List<ContainerInfo> candidates,
        ContainerInfo old,
        String reason) {
      others.add(new Action.FallBack(spec, hash, candidates, reason));
      converged = false;
      updates.put(
          spec.name(), new Update.FellBack(spec.name(), hash, spec.revision(), old, now, reason));
    }

    private static String neverHealthy(WorkloadSpec spec, ContainerInfo old) {
      return "blue-green: revision "
          + spec.revision()
          + " never became healthy within "
          + human(spec.update().giveUpAfter())
          + "; kept revision "
          + revisionOf(old)
          + " running";
    }

    private static String crashLooped(WorkloadSpec spec, ContainerInfo old, int failures) {
      return "blue-green: revision "
          + spec.revision()
          + " crash-looped (failed "
          + failures
          + " times before it was healthy); kept revision "
          + revisionOf(old)
          + " running";
    }

    /**
     * Since when {@code c} has been running and healthy: with a probe, since its verdict turned
     * HEALTHY on this run of the container; without one, since it started.
     */
    private Optional<Instant> healthySince(ContainerInfo c, WorkloadSpec spec) {
      if (c.state() != ContainerInfo.State.RUNNING) {
        return Optional.empty();
      }
      if (spec.probe().isEmpty()) {
        return Optional.of(c.startedAt().orElse(now));
      }
      return verdict(c)
          .filter(v -> v.health() == ProbeTracker.Health.HEALTHY)
          .map(ProbeVerdict::since);
    }

    /** The verdict on this run of {@code c}; a verdict from before its last start is stale. */
    private Optional<ProbeVerdict> verdict(ContainerInfo c) {
      return Optional.ofNullable(observed.health().get(c.id()))
          .filter(v -> c.startedAt().map(s -> !v.since().isBefore(s)).orElse(true));
    }

    /**
     * Whether the running revision is worth protecting with the windows: running, not failing its
     * probe, and not restarting after failures. An update of a workload that is down (a crash loop,
     * or the revision a rollout rolls back from) is not held: it may be the fix.
     */
    private boolean working(WorkloadSpec spec, ContainerInfo old) {
      return old.state() == ContainerInfo.State.RUNNING
          && verdict(old).map(v -> v.health() != ProbeTracker.Health.UNHEALTHY).orElse(true)
          && backoff(spec).map(b -> b.failures() == 0).orElse(true);
    }

    private Optional<RestartState> backoff(WorkloadSpec spec) {
      return Optional.ofNullable(observed.restarts().get(spec.name()));
    }

    private void removeDuplicates(WorkloadSpec spec, List<ContainerInfo> preferredFirst) {
      for (ContainerInfo duplicate : preferredFirst.stream().skip(1).toList()) {
        remove(duplicate, spec.name(), "duplicate container");
      }
    }

    /**
     * Keeps {@code keep}, the workload's one container, going by the restart policy: start it,
     * restart it when it exited or failed its probe, no earlier than the back-off allows.
     */
    private void tend(ContainerInfo keep, WorkloadSpec spec) {
      Optional<RestartState> backoff = backoff(spec);
      boolean held = backoff.isPresent() && now.isBefore(backoff.get().notBefore());
      RestartSpec.Mode mode = spec.restart().mode();
      switch (keep.state()) {
        case RUNNING -> {
          boolean unhealthy =
              verdict(keep).filter(v -> v.health() == ProbeTracker.Health.UNHEALTHY).isPresent();
          if (unhealthy && mode != RestartSpec.Mode.NEVER) {
            converged = false;
            if (held) {
              wake(backoff.get().notBefore());
            } else {
              others.add(new Action.RestartUnhealthy(keep, spec));
            }
          } else if (backoff.isPresent()
              && keep.startedAt().map(t -> !t.plus(STABLE_AFTER).isAfter(now)).orElse(false)) {
            others.add(new Action.ResetBackoff(spec.name()));
          } else if (backoff.isPresent()) {
            wake(keep.startedAt().orElse(now).plus(STABLE_AFTER).plusMillis(1));
          }
        }
        case CREATED -> {
          converged = false;
          if (held) {
            wake(backoff.get().notBefore());
          } else {
            others.add(new Action.Start(keep, spec, false, "created, never started"));
          }
        }
        case EXITED, UNKNOWN -> {
          boolean restart =
              switch (mode) {
                case ALWAYS -> true;
                case ON_FAILURE -> keep.exitCode() != 0;
                case NEVER -> false;
              };
          if (restart) {
            converged = false;
            if (held) {
              wake(backoff.get().notBefore());
            } else {
              others.add(new Action.Start(keep, spec, true, "exited with code " + keep.exitCode()));
            }
          }
        }
        case PAUSED, STOPPING -> converged = false;
      }
    }
  }

  /** The revision a container was made for, from its label; {@code (unknown)} without one. */
  public static String revisionOf(ContainerInfo c) {
    String revision = c.labels().getOrDefault(Labels.REVISION, "");
    return revision.isEmpty() ? "(unknown)" : revision;
  }

  /** A duration as people write it: {@code 45s}, {@code 5m}, {@code 1h30m}, {@code 2m30s}. */
  public static String human(Duration d) {
    long seconds = d.toSeconds();
    if (seconds == 0) {
      return d.isZero() ? "0s" : d.toMillis() + "ms";
    }
    StringBuilder b = new StringBuilder();
    long h = seconds / 3600;
    long m = (seconds % 3600) / 60;
    long s = seconds % 60;
    if (h > 0) {
      b.append(h).append('h');
    }
    if (m > 0) {
      b.append(m).append('m');
    }
    if (s > 0) {
      b.append(s).append('s');
    }
    return b.toString();
  }

  /** Running first, then the most recently started, then by id for a stable order. */
  private static final Comparator<ContainerInfo> PREFERRED =
      Comparator.comparing((ContainerInfo c) -> c.state() != ContainerInfo.State.RUNNING)
          .thenComparing(
              (ContainerInfo c) -> c.startedAt().orElse(Instant.EPOCH), Comparator.reverseOrder())
          .thenComparing(ContainerInfo::id);

  private static Instant earliest(Instant a, Instant b) {
    return b.isBefore(a) ? b : a;
  }
}
