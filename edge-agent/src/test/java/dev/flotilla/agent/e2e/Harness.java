package dev.flotilla.agent.e2e;

import static org.awaitility.Awaitility.await;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.flotilla.agent.Agent;
import dev.flotilla.agent.config.AgentConfig;
import dev.flotilla.agent.core.StepHook;
import dev.flotilla.agent.model.ContainerInfo;
import dev.flotilla.agent.model.Labels;
import dev.flotilla.agent.runtime.podman.PodmanContainerRuntime;
import dev.flotilla.agent.testing.TestBroker;
import dev.flotilla.agent.testing.TestMqttClient;
import dev.flotilla.agent.testing.TestPodman;
import dev.flotilla.protocol.DesiredStateSigner;
import dev.flotilla.protocol.NodeId;
import dev.flotilla.protocol.SigningKeys;
import dev.flotilla.protocol.Topics;
import dev.flotilla.protocol.v1.DesiredState;
import dev.flotilla.protocol.v1.Event;
import dev.flotilla.protocol.v1.EventBatch;
import dev.flotilla.protocol.v1.NodeStatus;
import dev.flotilla.protocol.v1.Workload;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * A node under test: real Podman, the real embedded broker, a controller key, a controller-side
 * MQTT client, and agents started in-process or as processes on the same store.
 */
final class Harness implements AutoCloseable {
  static final NodeId NODE = new NodeId("gw-e2e");
  static final Duration CONVERGE = Duration.ofSeconds(60);
  private static final Duration CONTROLLER_SESSION = Duration.ofMinutes(10);

  final Path dir;
  final TestPodman podman;
  final TestBroker broker;
  final KeyPair controllerKey = SigningKeys.generate();
  final DesiredStateSigner signer = new DesiredStateSigner(controllerKey);
  final PodmanContainerRuntime runtime;
  private final String controllerClientId = "controller-" + System.nanoTime();
  TestMqttClient controller;

  Harness(Path dir) {
    this.dir = dir;
    this.podman = TestPodman.start();
    podman.removeAllWithLabel(Labels.WORKLOAD);
    this.broker = TestBroker.start(dir.resolve("broker"));
    this.runtime = new PodmanContainerRuntime(podman.socket());
    connectController();
  }

  /**
   * Connects the controller's client with a persistent session, as the real controller has: events
   * the agent publishes while the controller is away (or before it is back after a broker restart)
   * wait in that session.
   */
  void connectController() {
    controller =
        TestMqttClient.connectPersistent(broker.uri(), controllerClientId, CONTROLLER_SESSION);
    controller.subscribe(Topics.ROOT + "nodes/" + NODE + "/#");
  }

  /**
   * Connects the controller again to its session, e.g. after the broker came back; it receives what
   * the broker kept for it (what the previous connection received is not carried over).
   */
  void reconnectController() {
    try {
      controller.close();
    } catch (RuntimeException ignored) {
      // its connection went with the broker
    }
    connectController();
  }

  /** Waits until the agent's outbox is empty: the broker acknowledged every event it held. */
  void awaitOutboxDelivered() {
    String url = "jdbc:sqlite:" + dir.resolve("agent").resolve("agent.db");
    await("the agent's outbox delivered")
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              try (Connection c = DriverManager.getConnection(url);
                  Statement st = c.createStatement();
                  ResultSet rs = st.executeQuery("SELECT count(*) FROM outbox")) {
                return rs.next() && rs.getLong(1) == 0;
              }
            });
  }

  String image() {
    return podman.busyboxImage();
  }

  /** The agent's configuration as properties, with short intervals for tests. */
  Properties properties(Map<String, String> overrides) {
    Properties p = new Properties();
    p.setProperty("node.id", NODE.value());
    p.setProperty("broker.url", broker.uri());
    p.setProperty("controller.public-key", SigningKeys.encodePublic(controllerKey.getPublic()));
    p.setProperty("podman.socket", podman.socket().toString());
    p.setProperty("data.dir", dir.resolve("agent").toString());
    p.setProperty("reconcile.interval", "2s");
    p.setProperty("link.reconnect-min", "200ms");
    p.setProperty("link.reconnect-max", "1s");
    p.setProperty("link.will-delay", "1s");
    overrides.forEach(p::setProperty);
    return p;
  }

  AgentConfig config(Map<String, String> overrides) {
    return AgentConfig.from(properties(overrides), Map.of(), "test");
  }

  Agent startAgent() {
    return startAgent(Map.of(), StepHook.NONE);
  }

  Agent startAgent(Map<String, String> overrides, StepHook hook) {
    return Agent.start(config(overrides), Clock.systemUTC(), hook);
  }

  /** An agent whose core reads {@code clock}, e.g. one a test moves forward. */
  Agent startAgent(Map<String, String> overrides, Clock clock) {
    return Agent.start(config(overrides), clock, StepHook.NONE);
  }

  /** Writes the configuration to a file and starts the agent as its own JVM process. */
  Process startAgentProcess(Map<String, String> overrides) {
    try {
      Path file = dir.resolve("agent.properties");
      try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        properties(overrides).store(out, "test agent");
      }
      String java = ProcessHandle.current().info().command().orElse("java");
      return new ProcessBuilder(
              java,
              "-XX:+UseSerialGC",
              "-cp",
              System.getProperty("java.class.path"),
              "dev.flotilla.agent.cli.AgentMain",
              "--config",
              file.toString())
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve("agent-process.log").toFile())
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A workload that sleeps, and stops at once on SIGTERM (busybox sleep as PID 1 would not). */
  static Workload sleeper(String name, String image, String revision, String seconds) {
    return Workload.newBuilder()
        .setName(name)
        .setImage(image)
        .setRevision(revision)
        .addCommand("/bin/sh")
        .addArgs("-c")
        .addArgs("trap 'exit 0' TERM; sleep " + seconds + " & wait")
        .build();
  }

  void publishDesired(long generation, Workload... workloads) {
    DesiredState state =
        DesiredState.newBuilder()
            .setNodeId(NODE.value())
            .setGeneration(generation)
            .addAllWorkloads(List.of(workloads))
            .build();
    controller.publishRetained(Topics.desired(NODE), signer.sign(state).toByteArray());
  }

  List<ContainerInfo> containers() {
    return runtime.listByLabel(Labels.WORKLOAD);
  }

  Optional<ContainerInfo> running(String workload) {
    return containers().stream()
        .filter(c -> c.workload().filter(workload::equals).isPresent())
        .filter(c -> c.state() == ContainerInfo.State.RUNNING)
        .findFirst();
  }

  /** When the container last started, to the nanosecond (listings only give seconds). */
  Instant startedAt(String id) {
    return runtime.inspect(id).flatMap(ContainerInfo::startedAt).orElse(Instant.EPOCH);
  }

  /** Kills the workload's running container and waits until the agent has started it again. */
  void killAndAwaitRestart(String workload, Duration within) {
    String id = running(workload).orElseThrow().id();
    Instant before = startedAt(id);
    podman.podman("kill", id);
    await()
        .atMost(within)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> running(workload).map(c -> startedAt(c.id()).isAfter(before)).orElse(false));
  }

  void awaitRunning(String... workloads) {
    await()
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> List.of(workloads).stream().allMatch(w -> running(w).isPresent()));
  }

  /** Every event the controller received, de-duplicated by sequence, in sequence order. */
  List<Event> events() {
    TreeMap<Long, Event> bySequence = new TreeMap<>();
    for (TestMqttClient.Received m : controller.messages(Topics.events(NODE))) {
      for (Event e : parse(m.payload()).getEventsList()) {
        bySequence.putIfAbsent(e.getSequence(), e);
      }
    }
    return new ArrayList<>(bySequence.values());
  }

  /** Every event batch the controller received, in arrival order. */
  List<EventBatch> batches() {
    return controller.messages(Topics.events(NODE)).stream().map(m -> parse(m.payload())).toList();
  }

  List<Event> eventsOfType(String type) {
    return events().stream().filter(e -> e.getType().equals(type)).toList();
  }

  Optional<NodeStatus> latestStatus() {
    List<TestMqttClient.Received> all = controller.messages(Topics.status(NODE));
    NodeStatus latest = null;
    for (TestMqttClient.Received m : all) {
      try {
        NodeStatus s = NodeStatus.parseFrom(m.payload());
        if (s.getKind() == NodeStatus.Kind.FULL
            && (latest == null || s.getSequence() > latest.getSequence())) {
          latest = s;
        }
      } catch (InvalidProtocolBufferException e) {
        throw new AssertionError("the agent sent a status that does not parse", e);
      }
    }
    return Optional.ofNullable(latest);
  }

  private static EventBatch parse(byte[] payload) {
    try {
      return EventBatch.parseFrom(payload);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("the agent sent an event batch that does not parse", e);
    }
  }

  @Override
  public void close() {
    try {
      controller.close();
    } catch (RuntimeException ignored) {
      // the broker may be down
    }
    broker.close();
    podman.removeAllWithLabel(Labels.WORKLOAD);
    runtime.close();
    podman.close();
  }
}
