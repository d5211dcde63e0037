package dev.flotilla.controller.api;

import dev.flotilla.controller.Controller;
import dev.flotilla.controller.FleetService;
import dev.flotilla.controller.model.Node;
import dev.flotilla.controller.model.NodeState;
import dev.flotilla.controller.rollout.RolloutRecord;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Whether the fleet changed, for the dashboard's stream: one look at the store (node states,
 * deployments, active rollouts) at most once per {@link #CHECK_EVERY}, shared by every open stream,
 * and a counter that grows each time what it saw differs from the look before.
 *
 * <p>Thread-safe: {@link #current()} is synchronized, so concurrent streams read the store once.
 */
@Singleton
final class FleetPulse {
  /** How often the store is looked at, at most. */
  static final Duration CHECK_EVERY = Duration.ofSeconds(1);

  /** A rollout as the pulse compares it; {@code version} grows with every stored change. */
  record RolloutMark(String deployment, long id, String state, int step, long version) {}

  /**
   * What one look at the store saw.
   *
   * @param nodeStates every node's id, state and since when, as one digest
   */
  record Look(
      Map<String, Long> byState,
      long total,
      long deployments,
      long nodeStates,
      List<RolloutMark> rollouts) {}

  /**
   * What the stream sends as its {@code fleet} event.
   *
   * @param changes how many times the fleet was seen to change since the controller started
   */
  record Pulse(long changes, ApiModels.Summary summary, List<RolloutMark> rollouts) {}

  private final FleetService fleet;
  private final Clock clock;
  private @Nullable Look last;
  private @Nullable Pulse pulse;
  private Instant lookedAt = Instant.EPOCH;

  @Inject
  FleetPulse(Controller controller) {
    this(controller.fleet(), Clock.systemUTC());
  }

  FleetPulse(FleetService fleet, Clock clock) {
    this.fleet = fleet;
    this.clock = clock;
  }

  /** The pulse as of a look at most {@link #CHECK_EVERY} old; looks again when it is older. */
  synchronized Pulse current() {
    Instant now = clock.instant();
    if (pulse == null || !now.isBefore(lookedAt.plus(CHECK_EVERY))) {
      Look look = look();
      pulse = next(pulse, last, look);
      last = look;
      lookedAt = now;
    }
    return pulse;
  }

  /** The next pulse: the counter grows when {@code look} differs from {@code before}. */
  static Pulse next(@Nullable Pulse previous, @Nullable Look before, Look look) {
    long changes = previous == null ? 0 : previous.changes();
    if (before != null && !before.equals(look)) {
      changes++;
    }
    return new Pulse(
        changes,
        new ApiModels.Summary(look.total(), look.byState(), look.deployments()),
        look.rollouts());
  }

  private Look look() {
    Map<String, Long> byState = new TreeMap<>();
    for (NodeState s : NodeState.values()) {
      byState.put(s.name(), 0L);
    }
    long total = 0;
    long digest = 1;
    // One read of the node rows; the store has no cheaper "what changed since" for node states.
    List<Node> nodes = new ArrayList<>(fleet.store().allNodes());
    nodes.sort(Comparator.comparing(n -> n.id().value()));
    for (Node n : nodes) {
      byState.merge(n.state().name(), 1L, Long::sum);
      total++;
      digest = 31 * digest + Objects.hash(n.id().value(), n.state(), n.stateSince());
    }
    List<RolloutMark> rollouts = new ArrayList<>();
    for (RolloutRecord r : fleet.activeRollouts().values()) {
      rollouts.add(
          new RolloutMark(r.deployment(), r.id(), r.state().name(), r.step(), r.version()));
    }
    rollouts.sort(Comparator.comparing(RolloutMark::deployment));
    return new Look(
        byState, total, fleet.store().deployments().size(), digest, List.copyOf(rollouts));
  }
}
