package dev.flotilla.simulator.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.flotilla.agent.model.ContainerInfo;
import dev.flotilla.agent.model.Labels;
import dev.flotilla.agent.testing.TestBroker;
import dev.flotilla.agent.testing.TestMqttClient;
import dev.flotilla.protocol.DesiredStateSigner;
import dev.flotilla.protocol.NodeId;
import dev.flotilla.protocol.SigningKeys;
import dev.flotilla.protocol.Topics;
import dev.flotilla.protocol.v1.DesiredState;
import dev.flotilla.protocol.v1.ExecCheck;
import dev.flotilla.protocol.v1.HealthProbe;
import dev.flotilla.protocol.v1.NodeStatus;
import dev.flotilla.protocol.v1.Presence;
import dev.flotilla.protocol.v1.RestartPolicy;
import dev.flotilla.protocol.v1.UpdatePolicy;
import dev.flotilla.protocol.v1.Workload;
import dev.flotilla.protocol.v1.WorkloadStatus;
import dev.flotilla.simulator.runtime.ImageBehaviour;
import dev.flotilla.simulator.runtime.SimulatedContainerRuntime;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Virtual nodes against the real embedded broker: the real agent core, store and link, the
 * simulated runtime, a controller played by a test client that signs desired states. No Podman.
 */
class VirtualNodeIT {
  private static final Duration CONVERGE = Duration.ofSeconds(30);
  private static final String IMAGE = "registry.local/sensor-reader:1.4.2";
  private static final String CRASHING = "registry.local/flaky:0.1";
  private static final Presence.State ONLINE = Presence.State.ONLINE;
  private static final Presence.State OFFLINE = Presence.State.OFFLINE;

  @TempDir static Path brokerDir;
  @TempDir Path nodesDir;

  private static TestBroker broker;
  private static final KeyPair CONTROLLER_KEY = SigningKeys.generate();
  private static final DesiredStateSigner SIGNER = new DesiredStateSigner(CONTROLLER_KEY);

  // Shared by every node, as in a simulation.
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  private final ExecutorService pool = Executors.newFixedThreadPool(4);
  private final ExecutorService pulls = Executors.newFixedThreadPool(2);
  private final ExecutorService probes = Executors.newFixedThreadPool(2);
  private final VirtualNode.Threads threads =
      new VirtualNode.Threads(scheduler, pool, pulls, probes);
  private TestMqttClient controller;

  @BeforeAll
  static void startBroker() {
    broker = TestBroker.start(brokerDir);
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @BeforeEach
  void connectController() {
    controller = TestMqttClient.connect(broker.uri(), "controller-" + System.nanoTime());
    controller.subscribe(Topics.ROOT + "nodes/+/#");
  }

  @AfterEach
  void stopThreads() {
    controller.close();
    for (ExecutorService e : List.of(scheduler, pool, pulls, probes)) {
      e.shutdownNow();
    }
  }

  @Test
  void aVirtualNodeRunsItsSignedDesiredStateReportsItAndSaysOfflineWhenClosed() throws Exception {
    NodeId node = new NodeId("sim-web-1");
    SimulatedContainerRuntime runtime =
        runtime(Map.of(IMAGE, ImageBehaviour.HEALTHY.withPullTime(Duration.ofMillis(300))));
    publishDesired(node, 1, workload("web", IMAGE));

    try (VirtualNode virtual =
        new VirtualNode(settings(node), runtime, Clock.systemUTC(), threads)) {
      virtual.start();

      ContainerInfo running =
          await("the workload running on the simulated runtime")
              .atMost(CONVERGE)
              .until(() -> running(runtime, "web"), Optional::isPresent)
              .orElseThrow();
      assertEquals(IMAGE, running.image());
      NodeStatus status =
          await("a status with generation 1 applied and the workload running and healthy")
              .atMost(CONVERGE)
              .until(
                  () -> lastFullStatus(node),
                  s ->
                      s.isPresent()
                          && s.get().getObservedGeneration() == 1
                          && s.get().getWorkloadsCount() == 1
                          && s.get().getWorkloads(0).getState() == WorkloadStatus.State.RUNNING
                          && s.get().getWorkloads(0).getHealth() == WorkloadStatus.Health.HEALTHY)
              .orElseThrow();
      assertEquals("web", status.getWorkloads(0).getName());
      assertEquals(1, virtual.core().appliedGeneration());
      assertTrue(virtual.connected());
      assertEquals(Presence.State.ONLINE, lastPresence(node).orElseThrow().getState());
      SimulatedContainerRuntime.Counters counters = runtime.counters();
      assertEquals(1, counters.pulls());
      assertEquals(1, counters.created());
      assertEquals(1, counters.started());
    }

    await("the OFFLINE presence of the closed node")
        .atMost(CONVERGE)
        .until(
            () -> lastPresence(node).map(Presence::getState),
            p -> p.equals(Optional.of(Presence.State.OFFLINE)));
    assertTrue(
        running(runtime, "web").isPresent(), "closing the agent stopped the node's containers");
    try (TestMqttClient later =
        TestMqttClient.connect(broker.uri(), "later-" + System.nanoTime())) {
      later.subscribe(Topics.presence(node));
      TestMqttClient.Received retained =
          later.awaitMessages(Topics.presence(node), 1, CONVERGE).get(0);
      assertTrue(retained.retained());
      assertEquals(Presence.State.OFFLINE, Presence.parseFrom(retained.payload()).getState());
    }
    runtime.close();
  }

  @Test
  void aNodeMadeAgainOnItsDirectoryResumesFromItsStoreAndKeepsItsContainers() {
    NodeId node = new NodeId("sim-restart-1");
    SimulatedContainerRuntime runtime = runtime(Map.of());
    publishDesired(node, 1, workload("web", IMAGE));
    try (VirtualNode first = new VirtualNode(settings(node), runtime, Clock.systemUTC(), threads)) {
      first.start();
      await("the first agent to converge")
          .atMost(CONVERGE)
          .until(() -> first.core().appliedGeneration() == 1);
    }
    String container = running(runtime, "web").orElseThrow().id();

    try (VirtualNode second =
        new VirtualNode(settings(node), runtime, Clock.systemUTC(), threads)) {
      second.start();

      await("the second agent to converge")
          .atMost(CONVERGE)
          .until(() -> second.core().appliedGeneration() == 1 && second.connected());
      await("its own ONLINE presence, after the first agent's OFFLINE one")
          .atMost(CONVERGE)
          .until(() -> presences(node), p -> p.size() >= 3 && p.get(p.size() - 1) == ONLINE);
      assertEquals(List.of(ONLINE, OFFLINE, ONLINE), presences(node));
      assertEquals(container, running(runtime, "web").orElseThrow().id());
      assertEquals(1, runtime.counters().created(), "the restarted agent replaced the container");
    } finally {
      runtime.close();
    }
  }

  @Test
  void aCrashLoopingImageIsRestartedByTheRealCoreAndItsRestartsAreReported() {
    NodeId node = new NodeId("sim-flaky-1");
    SimulatedContainerRuntime runtime =
        runtime(Map.of(CRASHING, ImageBehaviour.HEALTHY.withCrashAfter(Duration.ofMillis(200))));
    publishDesired(
        node,
        1,
        workload("flaky", CRASHING).toBuilder()
            .setRestartPolicy(
                RestartPolicy.newBuilder().setInitialBackoffMs(100).setMaxBackoffMs(200))
            .build());

    try (VirtualNode virtual =
        new VirtualNode(settings(node), runtime, Clock.systemUTC(), threads)) {
      virtual.start();

      await("three restarts on the simulated runtime")
          .atMost(CONVERGE)
          .until(() -> runtime.counters().restarts() >= 3);
      await("a status reporting the restarts")
          .atMost(CONVERGE)
          .until(
              () -> lastFullStatus(node),
              s ->
                  s.isPresent()
                      && s.get().getWorkloadsCount() == 1
                      && s.get().getWorkloads(0).getRestartCount() >= 2);
      assertEquals(1, runtime.counters().created(), "a crash was answered with a new container");
      assertTrue(runtime.counters().crashes() >= 3);
    } finally {
      runtime.close();
    }
  }

  @Test
  void aBlueGreenUpdateRunsBothRevisionsAtOnceThenSwitchesOrFallsBack() {
    NodeId node = new NodeId("sim-blue-green-1");
    String slowToReady = "registry.local/sensor-reader:1.5.0";
    String neverHealthy = "registry.local/sensor-reader:1.6.0";
    SimulatedContainerRuntime runtime =
        runtime(
            Map.of(
                slowToReady, ImageBehaviour.HEALTHY.withStartDelay(Duration.ofSeconds(2)),
                neverHealthy, ImageBehaviour.HEALTHY.withProbeHealthy(false)));
    UpdatePolicy blueGreen =
        UpdatePolicy.newBuilder()
            .setMode(UpdatePolicy.Mode.BLUE_GREEN)
            .setSwitchAfterSeconds(1)
            .setGiveUpAfterSeconds(30)
            .build();
    publishDesired(node, 1, workload("web", IMAGE).toBuilder().setUpdate(blueGreen).build());
    try (VirtualNode virtual =
        new VirtualNode(settings(node), runtime, Clock.systemUTC(), threads)) {
      virtual.start();
      await("r1 applied").atMost(CONVERGE).until(() -> virtual.core().appliedGeneration() == 1);

      publishDesired(
          node,
          2,
          workload("web", slowToReady).toBuilder().setRevision("r2").setUpdate(blueGreen).build());
      await("both revisions running at once")
          .atMost(CONVERGE)
          .pollInterval(Duration.ofMillis(50))
          .until(() -> runningImages(runtime, "web").equals(Set.of(IMAGE, slowToReady)));
      await("the switch to r2")
          .atMost(CONVERGE)
          .until(
              () ->
                  virtual.core().appliedGeneration() == 2
                      && runningImages(runtime, "web").equals(Set.of(slowToReady)));

      publishDesired(
          node,
          3,
          workload("web", neverHealthy).toBuilder()
              .setRevision("r3")
              .setUpdate(blueGreen.toBuilder().setGiveUpAfterSeconds(2))
              .build());
      WorkloadStatus failed =
          await("the fall-back to r2")
              .atMost(CONVERGE)
              .until(
                  () -> lastFullStatus(node),
                  st ->
                      st.isPresent()
                          && st.get().getWorkloads(0).getState() == WorkloadStatus.State.FAILED)
              .orElseThrow()
              .getWorkloads(0);
      assertEquals("r3", failed.getRevision());
      assertEquals(
          "blue-green: revision r3 never became healthy within 2s; kept revision r2 running",
          failed.getMessage());
      await("r3's container removed, r2's kept")
          .atMost(CONVERGE)
          .until(() -> runningImages(runtime, "web").equals(Set.of(slowToReady)));
      assertEquals(3, runtime.counters().created());
      assertEquals(2, runtime.counters().removed());
    } finally {
      runtime.close();
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static Set<String> runningImages(SimulatedContainerRuntime runtime, String name) {
    return runtime.listByLabel(Labels.WORKLOAD).stream()
        .filter(c -> c.workload().equals(Optional.of(name)))
        .filter(c -> c.state() == ContainerInfo.State.RUNNING)
        .map(ContainerInfo::image)
        .collect(java.util.stream.Collectors.toSet());
  }

  private SimulatedContainerRuntime runtime(Map<String, ImageBehaviour> behaviours) {
    return new SimulatedContainerRuntime(
        Clock.systemUTC(), scheduler, new Random(7), ImageBehaviour.HEALTHY, behaviours, Set.of());
  }

  private VirtualNode.Settings settings(NodeId node) {
    VirtualNode.Settings d =
        VirtualNode.Settings.defaults(
            node.value(),
            broker.uri(),
            "",
            SigningKeys.encodePublic(CONTROLLER_KEY.getPublic()),
            nodesDir.resolve(node.value()));
    return new VirtualNode.Settings(
        d.nodeId(),
        d.brokerUrl(),
        d.password(),
        d.controllerPublicKey(),
        d.dataDir(),
        Duration.ofSeconds(1),
        d.summaryInterval(),
        d.keepAlive(),
        Duration.ofSeconds(1),
        Duration.ofMillis(200),
        Duration.ofSeconds(1),
        d.maxInflight());
  }

  /** A workload with an exec probe every second, which the simulated runtime answers. */
  private static Workload workload(String name, String image) {
    return Workload.newBuilder()
        .setName(name)
        .setImage(image)
        .setRevision("r1")
        .setHealth(
            HealthProbe.newBuilder()
                .setExec(ExecCheck.newBuilder().addCommand("/bin/healthcheck"))
                .setPeriodSeconds(1))
        .build();
  }

  private void publishDesired(NodeId node, long generation, Workload... workloads) {
    DesiredState state =
        DesiredState.newBuilder()
            .setNodeId(node.value())
            .setGeneration(generation)
            .addAllWorkloads(List.of(workloads))
            .build();
    controller.publishRetained(Topics.desired(node), SIGNER.sign(state).toByteArray());
  }

  private static Optional<ContainerInfo> running(SimulatedContainerRuntime runtime, String name) {
    return runtime.listByLabel(Labels.WORKLOAD).stream()
        .filter(c -> c.workload().equals(Optional.of(name)))
        .filter(c -> c.state() == ContainerInfo.State.RUNNING)
        .findFirst();
  }

  private Optional<NodeStatus> lastFullStatus(NodeId node) {
    return controller.messages(Topics.status(node)).stream()
        .map(m -> parseStatus(m.payload()))
        .filter(s -> s.getKind() == NodeStatus.Kind.FULL)
        .reduce((first, second) -> second);
  }

  private List<Presence.State> presences(NodeId node) {
    return controller.messages(Topics.presence(node)).stream()
        .map(m -> parsePresence(m.payload()).getState())
        .toList();
  }

  private Optional<Presence> lastPresence(NodeId node) {
    return controller.messages(Topics.presence(node)).stream()
        .map(m -> parsePresence(m.payload()))
        .reduce((first, second) -> second);
  }

  private static Presence parsePresence(byte[] payload) {
    try {
      return Presence.parseFrom(payload);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("an unreadable presence", e);
    }
  }

  private static NodeStatus parseStatus(byte[] payload) {
    try {
      return NodeStatus.parseFrom(payload);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("an unreadable status", e);
    }
  }
}
