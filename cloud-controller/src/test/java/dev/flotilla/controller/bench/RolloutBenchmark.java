package dev.flotilla.controller.bench;

import dev.flotilla.controller.model.Amount;
import dev.flotilla.controller.model.NodeState;
import dev.flotilla.controller.model.RolloutStrategy;
import dev.flotilla.controller.model.RolloutStrategy.CanaryStep;
import dev.flotilla.controller.model.RolloutStrategy.Pause;
import dev.flotilla.controller.model.RolloutStrategy.Type;
import dev.flotilla.controller.model.RolloutStrategy.Waves;
import dev.flotilla.controller.model.WorkloadObservation;
import dev.flotilla.controller.rollout.NodeProgress;
import dev.flotilla.controller.rollout.ReleasedNode;
import dev.flotilla.controller.rollout.Rollout;
import dev.flotilla.controller.rollout.RolloutEngine;
import dev.flotilla.controller.rollout.RolloutRecord;
import dev.flotilla.controller.rollout.RolloutState;
import dev.flotilla.controller.rollout.RolloutUpdate;
import dev.flotilla.protocol.NodeId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rollout engine benchmark: the pure {@code RolloutEngine.step} over a fleet of NODES nodes (20
 * districts, 2% unreachable), for a canary, waves by district and a rolling update, each driven
 * from start to finish with a fake clock: every released node reports the new revision healthy at
 * once, the clock moves past the soak time, and the engine steps again. Reports the time of one
 * step (p50, p95, max over the whole rollout) and how many steps a rollout took. No store, no
 * broker: the dispatcher calls this once per run per active rollout.
 *
 * <p>{@code ./flotilla bench-rollout [NODES]} (default 10000).
 */
public final class RolloutBenchmark {
  private static final Instant T0 = Instant.parse("2026-11-22T02:00:00Z");
  private static final Duration SOAK = Duration.ofSeconds(30);

  private RolloutBenchmark() {}

  public static void main(String[] args) {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    System.out.printf("rollout engine over %d nodes (20 districts, 2%% unreachable)%n", count);
    for (int round = 0; round < 2; round++) {
      String label = round == 0 ? "warm-up" : "measured";
      run(label, "canary 1/10/50/100%", strategy(Type.CANARY), count, round == 1);
      run(label, "waves by district", strategy(Type.WAVES), count, round == 1);
      run(label, "rolling, 25% at a time", strategy(Type.ROLLING), count, round == 1);
    }
  }

  private static RolloutStrategy strategy(Type type) {
    RolloutStrategy d = RolloutStrategy.DEFAULT;
    return new RolloutStrategy(
        type,
        type == Type.WAVES ? Amount.percent(100) : d.maxUpdating(),
        type == Type.CANARY
            ? List.of(
                new CanaryStep(1, Pause.NONE),
                new CanaryStep(10, Pause.NONE),
                new CanaryStep(50, Pause.NONE),
                new CanaryStep(100, Pause.NONE))
            : List.of(),
        type == Type.WAVES
            ? new Waves("district", List.of(), Amount.percent(100), Pause.NONE)
            : null,
        d.onNode(),
        d.blueGreen(),
        SOAK,
        d.progressDeadline(),
        d.errorThreshold(),
        d.onFailure(),
        d.unreachable());
  }

  private static void run(
      String label, String name, RolloutStrategy strategy, int count, boolean print) {
    List<NodeProgress> nodes = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      NodeId id = new NodeId(String.format("gw-%06d", i));
      nodes.add(
          new NodeProgress(
              id,
              new TreeMap<>(Map.of("district", "d" + (i % 20), "site", "s" + (i % 200))),
              i % 50 == 0 ? NodeState.UNREACHABLE : NodeState.READY,
              T0.minus(Duration.ofHours(1)),
              null,
              new WorkloadObservation(
                  "aq", "1", "RUNNING", "HEALTHY", 0, "", T0.minus(Duration.ofHours(1)))));
    }
    RolloutRecord r =
        new RolloutRecord(
            1,
            "aq",
            1,
            2,
            RolloutState.PROGRESSING,
            0,
            T0,
            null,
            "",
            0,
            false,
            "apply",
            "",
            T0,
            T0,
            null,
            1);
    Instant now = T0;
    List<Long> nanos = new ArrayList<>();
    Map<NodeId, Integer> index = new HashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      index.put(nodes.get(i).node(), i);
    }
    while (r.state().active() && nanos.size() < 10_000) {
      long t0 = System.nanoTime();
      RolloutEngine.Decision d = RolloutEngine.step(new Rollout(r, strategy), nodes, now);
      nanos.add(System.nanoTime() - t0);
      RolloutUpdate u = d.update();
      if (u != null) {
        r = r.after(u, now);
        for (NodeId n : u.release()) {
          int i = index.get(n);
          NodeProgress p = nodes.get(i);
          nodes.set(
              i,
              new NodeProgress(
                  p.node(),
                  p.labels(),
                  p.state(),
                  p.stateSince(),
                  new ReleasedNode(now, null, ""),
                  p.state() == NodeState.UNREACHABLE
                      ? p.observed()
                      : new WorkloadObservation("aq", "2", "RUNNING", "HEALTHY", 0, "", now)));
        }
      }
      now = now.plus(SOAK);
    }
    if (!print) {
      return;
    }
    long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
    System.out.printf(
        "%s %-24s %s after %3d steps: step p50 %5.1f ms, p95 %5.1f ms, max %5.1f ms;" + " %s%n",
        label,
        name,
        r.state(),
        sorted.length,
        ms(sorted, 0.50),
        ms(sorted, 0.95),
        sorted[sorted.length - 1] / 1e6,
        r.message());
  }

  private static double ms(long[] sorted, double q) {
    return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))] / 1e6;
  }
}
