package dev.flotilla.simulator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.agent.model.ContainerInfo;
import dev.flotilla.agent.model.Labels;
import dev.flotilla.controller.Controller;
import dev.flotilla.controller.ControllerSettings;
import dev.flotilla.controller.FleetService;
import dev.flotilla.controller.manifest.ManifestFormat;
import dev.flotilla.controller.model.NodeState;
import dev.flotilla.controller.placement.Explanation;
import dev.flotilla.controller.placement.Explanation.NodeDecision;
import dev.flotilla.simulator.node.VirtualNode;
import dev.flotilla.simulator.runtime.ImageBehaviour;
import dev.flotilla.simulator.runtime.SimulatedContainerRuntime;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  private final ExecutorService pool = Executors.newFixedThreadPool(4);
  private final ExecutorService pulls = Executors.newFixedThreadPool(2);
  private final ExecutorService probes = Executors.newFixedThreadPool(2);
  private final VirtualNode.Threads threads =
      new VirtualNode.Threads(scheduler, pool, pulls, probes);
  private final Map<String, VirtualNode> nodes = new HashMap<>();
  private final Map<String, SimulatedContainerRuntime> runtimes = new HashMap<>();
  private Controller controller;
  private FleetService fleet;

  @BeforeEach
  void startController() {
    ControllerSettings d = ControllerSettings.defaults(dir.resolve("controller"));
    ControllerSettings settings =
        new ControllerSettings(
            d.dataDir(),
            "127.0.0.1",
            freePort(),
            null,
            "",
            "",
            null,
            null,
            "",
            "",
            d.staleAfter(),
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            d.maxPayloadBytes(),
            null,
            GRACE);
    controller = Controller.start(settings, new SimpleMeterRegistry(), Clock.systemUTC());
    fleet = controller.fleet();
  }

  @AfterEach
  void stopEverything() {
    for (VirtualNode n : nodes.values()) {
      n.close();
    }
    for (SimulatedContainerRuntime r : runtimes.values()) {
      r.close();
    }
    if (controller != null) {
      controller.close();
    }
    for (ExecutorService e : List.of(scheduler, pool, pulls, probes)) {
      e.shutdownNow();
    }
  }

  /** Enrolls a node through the controller and starts a virtual node with what it answered. */
  private void enrollAndStart(String id, String profile, Map<String, String> labels) {
    String token = fleet.createEnrollmentToken("e2e", 1, Duration.ofHours(1)).token();
    FleetService.Enrollment e = fleet.enroll(token, id, labels, profile, "127.0.0.1");
    SimulatedContainerRuntime runtime =
        new SimulatedContainerRuntime(
            Clock.systemUTC(),
            scheduler,
            new Random(id.hashCode()),
            ImageBehaviour.HEALTHY,
            Map.of(),
            Set.of());
    VirtualNode node =
        new VirtualNode(
            VirtualNode.Settings.defaults(
                id, e.brokerUrl(), e.password(), e.controllerPublicKey(), dir.resolve(id)),
            runtime,
            Clock.systemUTC(),
            threads);
    runtimes.put(id, runtime);
    nodes.put(id, node);
    node.start();
  }

  /** The nodes whose simulated runtime runs a container of {@code workload}, sorted. */
  private List<String> running(String workload) {
    List<String> out = new ArrayList<>();
    runtimes.forEach(
        (id, runtime) -> {
          if (!nodes.containsKey(id)) {
            return;
          }
          for (ContainerInfo c : runtime.listByLabel(Labels.WORKLOAD)) {
            if (workload.equals(c.labels().get(Labels.WORKLOAD))
                && c.state() == ContainerInfo.State.RUNNING) {
              out.add(id);
            }
          }
        });
    out.sort(String::compareTo);
    return out;
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

  private static int freePort() {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
