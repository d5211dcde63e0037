package dev.flotilla.simulator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.controller.FleetService;
import dev.flotilla.controller.manifest.ManifestFormat;
import dev.flotilla.controller.model.FleetEvent;
import dev.flotilla.controller.model.NodeState;
import dev.flotilla.controller.rollout.RolloutRecord;
import dev.flotilla.controller.rollout.RolloutState;
import dev.flotilla.simulator.runtime.ImageBehaviour;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rollouts end to end through the simulator: the real controller and ten virtual nodes of the real
 * agent core. A canary of a revision that crash-loops on most nodes stops at its first step and
 * rolls every node back; a good revision goes through every step to all ten.
 */
class RolloutE2E {
  private static final Duration CONVERGE = Duration.ofSeconds(90);
  private static final int NODES = 10;

  /** The crashing revision's image crash-loops on these nodes: any three canaries hit one. */
  private static final List<String> CRASHING =
      List.of("gw-00", "gw-01", "gw-02", "gw-03", "gw-04", "gw-05", "gw-06", "gw-07");

  @TempDir Path dir;
  private ControllerFleet f;
  private FleetService fleet;

  @BeforeEach
  void start() {
    f = new ControllerFleet(dir, Duration.ofMinutes(10));
    fleet = f.fleet;
    for (int i = 0; i < NODES; i++) {
      String id = String.format("gw-%02d", i);
      f.enrollAndStart(
          id,
          "raspberry-pi-4",
          Map.of("district", i % 2 == 0 ? "a" : "b"),
          CRASHING.contains(id)
              ? Map.of(
                  "registry.example/aq:2",
                  ImageBehaviour.HEALTHY.withCrashAfter(Duration.ofMillis(300)))
              : Map.of());
    }
    await("every node ready")
        .atMost(CONVERGE)
        .until(() -> fleet.summary().getOrDefault(NodeState.READY, 0L) == NODES);
  }

  @AfterEach
  void stop() {
    if (f != null) {
      f.close();
    }
  }

  private static String manifest(int version) {
    return """
    apiVersion: flotilla.dev/v1
    kind: Deployment
    metadata: {name: aq}
    spec:
      strategy:
        type: Canary
        steps:
          - {percent: 30, pause: 1s}
          - {percent: 60}
          - {percent: 100}
        soak: 3s
        progressDeadline: 60s
        errorThreshold: 0
        onFailure: Rollback
      template:
        image: registry.example/aq:%d
    """
        .formatted(version);
  }

  /** The nodes running {@code image} for the deployment and nothing else of it. */
  private List<String> on(String image) {
    List<String> out = new ArrayList<>();
    for (String node : f.running("aq")) {
      if (f.images(node, "aq").equals(List.of(image))) {
        out.add(node);
      }
    }
    return out;
  }

  @Test
  void aCanaryThatCrashLoopsStopsAtItsFirstStepAndRollsBackAndAGoodRevisionReachesEveryNode() {
    fleet.apply(manifest(1), ManifestFormat.YAML);
    await("revision 1 on every node")
        .atMost(CONVERGE)
        .until(() -> on("registry.example/aq:1").size() == NODES);

    // Revision 2 crash-loops on eight of ten nodes: the first step's three canaries hit it.
    FleetService.Applied applied = fleet.apply(manifest(2), ManifestFormat.YAML);
    RolloutRecord started = applied.rollout();
    assertNotNull(started, "a new template on an existing deployment starts a rollout");
    assertEquals(1, started.fromRevision());
    assertEquals(2, started.toRevision());
    await("the rollout stops")
        .atMost(CONVERGE)
        .until(() -> !fleet.rollout("aq").rollout().state().active());
    FleetService.RolloutStatus stopped = fleet.rollout("aq");
    assertEquals(RolloutState.ROLLED_BACK, stopped.rollout().state(), stopped.toString());
    assertEquals(0, stopped.rollout().step(), "it never left its first step");
    assertEquals(
        3,
        fleet.store().releasedNodes(started.id()).size(),
        "only the first step's 30% ever got revision 2");
    assertTrue(!stopped.failed().isEmpty(), stopped.toString());
    assertTrue(
        stopped.failed().stream().allMatch(n -> CRASHING.contains(n.node())), stopped.toString());
    assertEquals(1, fleet.deployment("aq").revision(), "the deployment targets revision 1 again");
    await("every node back on revision 1")
        .atMost(CONVERGE)
        .until(() -> on("registry.example/aq:1").size() == NODES);
    List<String> types = fleet.events(null, "aq", 0, 1000).stream().map(FleetEvent::type).toList();
    assertTrue(types.contains("rollout.node-failed"), types.toString());
    assertTrue(types.contains("rollout.rolled-back"), types.toString());

    // Revision 3 is good everywhere: every step passes and it reaches all ten.
    RolloutRecord good = fleet.apply(manifest(3), ManifestFormat.YAML).rollout();
    assertNotNull(good);
    assertEquals(1, good.fromRevision());
    assertEquals(3, good.toRevision());
    await("the good rollout succeeds")
        .atMost(CONVERGE)
        .until(() -> fleet.rollout("aq").rollout().state() == RolloutState.SUCCEEDED);
    FleetService.RolloutStatus done = fleet.rollout("aq");
    assertEquals(2, done.rollout().step(), "through all three steps");
    assertEquals(NODES, fleet.store().releasedNodes(good.id()).size());
    assertEquals(List.of(), done.failed());
    await("revision 3 on every node")
        .atMost(CONVERGE)
        .until(() -> on("registry.example/aq:3").size() == NODES);
    assertTrue(
        fleet.events(null, "aq", 0, 1000).stream()
            .anyMatch(e -> e.type().equals("rollout.succeeded")));
  }
}
