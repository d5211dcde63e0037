package dev.flotilla.simulator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.controller.FleetService;
import dev.flotilla.controller.manifest.ManifestFormat;
import dev.flotilla.controller.model.NodeState;
import dev.flotilla.controller.placement.Explanation;
import dev.flotilla.controller.placement.Explanation.NodeDecision;
import dev.flotilla.simulator.node.VirtualNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Placement end to end: the real controller (embedded broker, store, scheduler, dispatcher) and
 * virtual nodes made of the real agent core, each with its own MQTT session and credentials from
 * enrollment, over a simulated container runtime. A deployment lands only on the nodes its selector
 * and profile constraints allow; a replica leaves a node that went unreachable once the grace is
 * over, while an every-node deployment stays on it.
 */
class PlacementE2E {
  private static final Duration CONVERGE = Duration.ofSeconds(60);
  private static final Duration GRACE = Duration.ofSeconds(4);

  @TempDir Path dir;
  private ControllerFleet f;
  private FleetService fleet;
  private Map<String, VirtualNode> nodes;

  @BeforeEach
  void startController() {
    f = new ControllerFleet(dir, GRACE);
    fleet = f.fleet;
    nodes = f.nodes;
  }

  @AfterEach
  void stopEverything() {
    if (f != null) {
      f.close();
    }
  }

  private void enrollAndStart(String id, String profile, Map<String, String> labels) {
    f.enrollAndStart(id, profile, labels, Map.of());
  }

  private List<String> running(String workload) {
    return f.running(workload);
  }

  private static NodeDecision decision(Explanation e, String node) {
    return e.nodes().stream()
        .filter(d -> d.node().value().equals(node))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no decision for " + node));
  }

  private static String manifest(String name, String placement) {
    return """
    apiVersion: flotilla.dev/v1
    kind: Deployment
    metadata: {name: %s}
    spec:
      selector: {matchLabels: {site: north}}
      placement: %s
      template:
        image: registry.example/%s:1
    """
        .formatted(name, placement, name);
  }

  @Test
  void aDeploymentLandsOnlyOnMatchingNodesAndAReplicaLeavesANodeThatWentUnreachable() {
    enrollAndStart("pi-1", "raspberry-pi-4", Map.of("site", "north"));
    enrollAndStart("pi-2", "raspberry-pi-4", Map.of("site", "north"));
    enrollAndStart("x86-1", "generic-x86-64", Map.of("site", "north"));
    enrollAndStart("pi-3", "raspberry-pi-4", Map.of("site", "south"));
    await("every node ready")
        .atMost(CONVERGE)
        .until(() -> fleet.summary().getOrDefault(NodeState.READY, 0L) == 4);

    // Every north node with an arm64 profile, and no other.
    fleet.apply(manifest("sensor", "{architectures: [arm64]}"), ManifestFormat.YAML);
    await("sensor on the two north Raspberry Pis")
        .atMost(CONVERGE)
        .until(() -> running("sensor").equals(List.of("pi-1", "pi-2")));
    Explanation sensor = fleet.placement("sensor");
    assertEquals(2, sensor.placed());
    assertEquals(
        "architecture", decision(sensor, "x86-1").reasons().get(0).constraint(), sensor.toString());
    assertEquals("selector", decision(sensor, "pi-3").reasons().get(0).constraint());

    // One replica on a north arm64 node: one of the two Pis.
    fleet.apply(manifest("bridge", "{replicas: 1, architectures: [arm64]}"), ManifestFormat.YAML);
    await("one bridge replica running").atMost(CONVERGE).until(() -> running("bridge").size() == 1);
    String first = running("bridge").get(0);
    assertTrue(first.equals("pi-1") || first.equals("pi-2"), first);

    // Its node goes away: within the grace the replica waits, after it the replica moves.
    nodes.remove(first).close();
    await("the node is unreachable")
        .atMost(CONVERGE)
        .until(() -> fleet.node(first).state() == NodeState.UNREACHABLE);
    await("the replica runs on another north node")
        .atMost(CONVERGE)
        .until(() -> running("bridge").size() == 1 && !running("bridge").contains(first));
    String second = running("bridge").get(0);
    assertEquals(first.equals("pi-1") ? "pi-2" : "pi-1", second);

    Explanation bridge = fleet.placement("bridge");
    assertEquals(1, bridge.placed());
    NodeDecision gone = decision(bridge, first);
    assertFalse(gone.placed());
    assertEquals("unreachable", gone.reasons().get(0).constraint(), gone.toString());
    assertTrue(decision(bridge, second).placed());

    // The every-node deployment stays on the unreachable node: it finds it there on return.
    NodeDecision stays = decision(fleet.placement("sensor"), first);
    assertTrue(stays.placed(), stays.toString());
    assertEquals("kept", stays.note());
  }
}
