package dev.flotilla.agent.reconcile;

import dev.flotilla.agent.model.ContainerInfo;
import dev.flotilla.agent.model.NodeDesired;
import dev.flotilla.agent.model.RestartSpec;
import dev.flotilla.agent.model.SpecHash;
import dev.flotilla.agent.model.WorkloadSpec;
import dev.flotilla.agent.store.AgentStore.RestartState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Decides what to do to make the node's containers match its desired state: {@code plan(desired,
 * observed, now) -> actions}. Pure: no I/O, no clock, no threads; the same inputs always give the
 * same plan.
 *
 * <p>Rules: a workload with no container gets one; a container whose spec hash differs from its
 * workload's is removed and a new one created (removal first, so ports are free); duplicates are
 * removed; a stopped container is started as its restart policy says, no earlier than its back-off
 * allows; a running container that failed its health probe is restarted likewise; a container of a
 * workload that is no longer desired is removed. Containers without Flotilla's workload label are
 * never touched. Without any desired state, nothing is done.
 */
public final class Planner {
  /** A workload that has run this long since its last start has its back-off forgotten. */
  public static final Duration STABLE_AFTER = Duration.ofSeconds(60);

  private Planner() {}

  /**
   * What the planner was shown.
   *
   * @param containers Flotilla's containers as the runtime reports them
   * @param restarts back-off state per workload
   * @param unhealthy workloads whose running container has failed its health probe
   */
  public record Observed(
      List<ContainerInfo> containers, Map<String, RestartState> restarts, Set<String> unhealthy) {
    public Observed {
      containers = List.copyOf(containers);
      restarts = Map.copyOf(restarts);
      unhealthy = Set.copyOf(unhealthy);
    }
  }

  /**
   * @param actions in the order they must be carried out
   * @param wakeAt when a back-off that held an action back ends, so the caller plans again then
   * @param converged true when nothing is left to do or waiting: every desired workload has its
   *     container and none is to be removed
   */
  public record Plan(List<Action> actions, Optional<Instant> wakeAt, boolean converged) {
    public Plan {
      actions = List.copyOf(actions);
      Objects.requireNonNull(wakeAt);
    }
  }

  public static Plan plan(Optional<NodeDesired> desired, Observed observed, Instant now) {
    if (desired.isEmpty()) {
      return new Plan(List.of(), Optional.empty(), true);
    }
    Map<String, List<ContainerInfo>> byWorkload = new LinkedHashMap<>();
    for (ContainerInfo c : observed.containers()) {
      c.workload().ifPresent(w -> byWorkload.computeIfAbsent(w, k -> new ArrayList<>()).add(c));
    }
    List<Action> removals = new ArrayList<>();
    List<Action> others = new ArrayList<>();
    Instant wakeAt = null;
    boolean converged = true;

    for (Map.Entry<String, List<ContainerInfo>> e : byWorkload.entrySet()) {
      if (desired.get().workload(e.getKey()).isEmpty()) {
        for (ContainerInfo c : e.getValue()) {
          removals.add(new Action.Remove(c, e.getKey(), "no longer desired"));
        }
        converged = false;
      }
    }

    for (WorkloadSpec spec : desired.get().workloads()) {
      String hash = SpecHash.of(spec);
      List<ContainerInfo> containers = byWorkload.getOrDefault(spec.name(), List.of());
      List<ContainerInfo> matching =
          containers.stream()
              .filter(c -> c.specHash().filter(hash::equals).isPresent())
              .sorted(PREFERRED)
              .toList();
      for (ContainerInfo c : containers) {
        if (!matching.contains(c)) {
          removals.add(new Action.Remove(c, spec.name(), "replaced: the workload's spec changed"));
          converged = false;
        }
      }
      for (ContainerInfo duplicate : matching.stream().skip(1).toList()) {
        removals.add(new Action.Remove(duplicate, spec.name(), "duplicate container"));
        converged = false;
      }
      Optional<RestartState> backoff = Optional.ofNullable(observed.restarts().get(spec.name()));
      boolean held = backoff.isPresent() && now.isBefore(backoff.get().notBefore());

      if (matching.isEmpty()) {
        converged = false;
        if (held) {
          wakeAt = earliest(wakeAt, backoff.get().notBefore());
        } else {
          others.add(new Action.CreateAndStart(spec, hash));
        }
        continue;
      }
      ContainerInfo keep = matching.get(0);
      RestartSpec.Mode mode = spec.restart().mode();
      switch (keep.state()) {
        case RUNNING -> {
          if (observed.unhealthy().contains(spec.name()) && mode != RestartSpec.Mode.NEVER) {
            converged = false;
            if (held) {
              wakeAt = earliest(wakeAt, backoff.get().notBefore());
            } else {
              others.add(new Action.RestartUnhealthy(keep, spec));
            }
          } else if (backoff.isPresent()
              && keep.startedAt().map(t -> !t.plus(STABLE_AFTER).isAfter(now)).orElse(false)) {
            others.add(new Action.ResetBackoff(spec.name()));
          } else if (backoff.isPresent()) {
            wakeAt =
                earliest(wakeAt, keep.startedAt().orElse(now).plus(STABLE_AFTER).plusMillis(1));
          }
        }
        case CREATED -> {
          converged = false;
          if (held) {
            wakeAt = earliest(wakeAt, backoff.get().notBefore());
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
              wakeAt = earliest(wakeAt, backoff.get().notBefore());
            } else {
              others.add(new Action.Start(keep, spec, true, "exited with code " + keep.exitCode()));
            }
          }
        }
        case PAUSED, STOPPING -> converged = false;
      }
    }
    List<Action> actions = new ArrayList<>(removals);
    actions.addAll(others);
    return new Plan(actions, Optional.ofNullable(wakeAt), converged);
  }

  /** Running first, then the most recently started, then by id for a stable order. */
  private static final Comparator<ContainerInfo> PREFERRED =
      Comparator.comparing((ContainerInfo c) -> c.state() != ContainerInfo.State.RUNNING)
          .thenComparing(
              (ContainerInfo c) -> c.startedAt().orElse(Instant.EPOCH), Comparator.reverseOrder())
          .thenComparing(ContainerInfo::id);

  private static Instant earliest(Instant current, Instant candidate) {
    return current == null || candidate.isBefore(current) ? candidate : current;
  }
}
