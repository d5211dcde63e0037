package dev.flotilla.simulator.scenario;

import dev.flotilla.controller.rollout.RolloutState;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What must hold when a scenario's steps are done; the run fails on each that does not.
 *
 * @param converged the fleet has converged at the end (YAML default true)
 * @param rollouts deployment name to the {@link RolloutState} name its latest rollout must end in,
 *     sorted by name; each deployment is one the scenario applies
 * @param maxLostEvents the most events nodes emitted that never reached the controller (default 0)
 * @param maxReconnectRestarts the most workload restarts caused by a link coming back rather than
 *     by a change of desired state (default 0)
 * @param convergenceP99 nullable: the 99th percentile of node convergence times must not exceed it;
 *     null: not judged
 * @param reconnectP99 nullable: the 99th percentile of reconnect times after a broker or link fault
 *     must not exceed it; null: not judged
 * @param maxIdleBytesPerNodePerMinute nullable: the idle traffic per node and minute, measured over
 *     the {@link Step.Idle} steps, must not exceed it; null: not judged
 */
public record Expectations(
    boolean converged,
    Map<String, String> rollouts,
    long maxLostEvents,
    long maxReconnectRestarts,
    @Nullable Duration convergenceP99,
    @Nullable Duration reconnectP99,
    @Nullable Double maxIdleBytesPerNodePerMinute) {

  /** What a scenario without {@code expect} expects: convergence, nothing lost, no restarts. */
  public static final Expectations DEFAULTS =
      new Expectations(true, Map.of(), 0, 0, null, null, null);

  public Expectations {
    rollouts = Collections.unmodifiableMap(new TreeMap<>(rollouts));
    rollouts.values().forEach(RolloutState::valueOf);
    if (maxLostEvents < 0 || maxReconnectRestarts < 0) {
      throw new IllegalArgumentException("maxima must be 0 or more");
    }
  }
}
