package dev.flotilla.simulator;

import dev.flotilla.agent.model.ContainerInfo;
import dev.flotilla.agent.model.Labels;
import dev.flotilla.controller.Controller;
import dev.flotilla.controller.ControllerSettings;
import dev.flotilla.controller.FleetService;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * For end-to-end tests: the real controller in-process (embedded broker, store, scheduler,
 * dispatcher, rollout engine) and virtual nodes made of the real agent core, each enrolled through
 * the controller and holding its own MQTT session, over simulated container runtimes.
 */
public final class ControllerFleet implements AutoCloseable {
  private final Path dir;
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  private final ExecutorService pool = Executors.newFixedThreadPool(4);
  private final ExecutorService pulls = Executors.newFixedThreadPool(2);
  private final ExecutorService probes = Executors.newFixedThreadPool(2);
  private final VirtualNode.Threads threads =
      new VirtualNode.Threads(scheduler, pool, pulls, probes);
  final Map<String, VirtualNode> nodes = new LinkedHashMap<>();
  final Map<String, SimulatedContainerRuntime> runtimes = new LinkedHashMap<>();
  final Controller controller;
  final FleetService fleet;

  /**
   * @param unreachableGrace how long placement waits before moving a replica off an unreachable
   *     node
   */
  ControllerFleet(Path dir, Duration unreachableGrace) {
    this.dir = dir;
    ControllerSettings settings =
        loopback(
            dir.resolve("controller"),
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            unreachableGrace);
    controller = Controller.start(settings, new SimpleMeterRegistry(), Clock.systemUTC());
    fleet = controller.fleet();
  }

  /**
   * Enrolls a node through the controller and starts a virtual node with what it answered.
   *
   * @param behaviours per image, how its containers behave on this node (others are healthy)
   */
  SimulatedContainerRuntime enrollAndStart(
      String id,
      String profile,
      Map<String, String> labels,
      Map<String, ImageBehaviour> behaviours) {
    String token = fleet.createEnrollmentToken("e2e", 1, Duration.ofHours(1)).token();
    FleetService.Enrollment e = fleet.enroll(token, id, labels, profile, "127.0.0.1");
    SimulatedContainerRuntime runtime =
        new SimulatedContainerRuntime(
            Clock.systemUTC(),
            scheduler,
            new Random(id.hashCode()),
            ImageBehaviour.HEALTHY,
            behaviours,
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
    return runtime;
  }

  /** The nodes whose simulated runtime runs a container of {@code workload}, sorted. */
  List<String> running(String workload) {
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

  /** The images of {@code workload}'s containers on one node, running or not. */
  List<String> images(String node, String workload) {
    List<String> out = new ArrayList<>();
    for (ContainerInfo c : runtimes.get(node).listByLabel(Labels.WORKLOAD)) {
      if (workload.equals(c.labels().get(Labels.WORKLOAD))) {
        out.add(c.image());
      }
    }
    return out;
  }

  @Override
  public void close() {
    for (VirtualNode n : nodes.values()) {
      n.close();
    }
    for (SimulatedContainerRuntime r : runtimes.values()) {
      r.close();
    }
    controller.close();
    for (ExecutorService e : List.of(scheduler, pool, pulls, probes)) {
      e.shutdownNow();
    }
  }

  /**
   * The default settings with the embedded broker on a free loopback port and the given intervals.
   */
  public static ControllerSettings loopback(
      Path dataDir,
      Duration livenessInterval,
      Duration republishInterval,
      Duration unreachableGrace) {
    ControllerSettings d = ControllerSettings.defaults(dataDir);
    return new ControllerSettings(
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
        livenessInterval,
        republishInterval,
        d.maxPayloadBytes(),
        null,
        unreachableGrace,
        d.commandTimeout());
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
