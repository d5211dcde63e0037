package dev.flotilla.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.agent.model.ContainerInfo;
import dev.flotilla.agent.model.Labels;
import dev.flotilla.controller.testing.ControllerHarness;
import dev.flotilla.simulator.node.VirtualNode;
import dev.flotilla.simulator.runtime.ImageBehaviour;
import dev.flotilla.simulator.runtime.SimulatedContainerRuntime;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code flotilla logs} and {@code flotilla restart} end to end: the CLI calls the controller's
 * API, the controller sends a command over MQTT to a node made of the real agent core (over a
 * simulated Podman), and the node answers. A node that is not connected gets no answer, and the
 * operator is told so in one line.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RemoteCommandsCliIT {
  private static final String NODE = "cmd-n1";
  private static final String SILENT = "cmd-offline";
  private static final String WORKLOAD = "air";

  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  private final ExecutorService pool = Executors.newFixedThreadPool(2);
  private ControllerHarness c;
  private Path dir;
  private String url;
  private SimulatedContainerRuntime runtime;
  private VirtualNode node;

  @BeforeAll
  void start(@TempDir Path dir) {
    this.dir = dir;
    c = ControllerHarness.start(dir.resolve("data"));
    url = "http://127.0.0.1:" + c.httpPort;
    JsonNode e = c.enroll(NODE, "{\"sensors\":\"air\"}");
    c.enroll(SILENT, "{\"sensors\":\"none\"}");
    runtime =
        new SimulatedContainerRuntime(
            Clock.systemUTC(),
            scheduler,
            new Random(7),
            ImageBehaviour.HEALTHY,
            Map.of(),
            Set.of());
    node =
        new VirtualNode(
            VirtualNode.Settings.defaults(
                NODE,
                e.get("brokerUrl").asText(),
                e.get("password").asText(),
                e.get("controllerPublicKey").asText(),
                dir.resolve(NODE)),
            runtime,
            Clock.systemUTC(),
            new VirtualNode.Threads(scheduler, pool, pool, pool));
    node.start();
    apply(
        """
        apiVersion: flotilla.dev/v1
        kind: Deployment
        metadata: {name: air}
        spec:
          selector: {matchLabels: {sensors: air}}
          template:
            image: registry.example.org/air:1
        """);
    await().atMost(Duration.ofSeconds(30)).until(() -> containerId() != null);
  }

  @AfterAll
  void stop() {
    if (node != null) {
      node.close();
    }
    if (runtime != null) {
      runtime.close();
    }
    c.close();
    scheduler.shutdownNow();
    pool.shutdownNow();
  }

  record Run(int code, String out, String err) {}

  Run run(String... args) {
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.addAll(List.of("--controller", url, "--token", c.adminToken()));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        new CommandLine(new FlotillaMain(Map.of(), dir.resolve("home"), false))
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(all.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  /** The running container of the workload on the node; null when there is none. */
  String containerId() {
    for (ContainerInfo info : runtime.listByLabel(Labels.WORKLOAD)) {
      if (WORKLOAD.equals(info.labels().get(Labels.WORKLOAD))
          && info.state() == ContainerInfo.State.RUNNING) {
        return info.id();
      }
    }
    return null;
  }

  private void apply(String manifest) {
    ControllerHarness.Answer applied = c.post("/api/v1/deployments", "application/yaml", manifest);
    assertTrue(applied.status() < 300, applied.toString());
  }

  private void applyWatched(int revision) {
    apply(
        """
        apiVersion: flotilla.dev/v1
        kind: Deployment
        metadata: {name: watched}
        spec:
          selector: {matchLabels: {sensors: air}}
          strategy: {type: AllAtOnce, soak: 3s}
          template:
            image: registry.example.org/watched:%d
        """
            .formatted(revision));
  }

  @Test
  void rolloutStatusWatchFollowsARolloutOnARealNodeUntilItSucceeds() {
    applyWatched(1);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> run("get", "deployments", "-o", "json").out().contains("watched"));
    applyWatched(2);

    Run watched = run("rollout", "status", "watched", "--watch", "--interval", "500ms");

    assertEquals(0, watched.code(), watched.out() + watched.err());
    String[] lines = watched.out().strip().split("\n");
    assertTrue(lines.length >= 2, "the watch printed progress as it went: " + watched.out());
    assertTrue(lines[0].contains("PROGRESSING"), "watched while it ran: " + watched.out());
    assertTrue(lines[lines.length - 1].contains("SUCCEEDED"), watched.out());
    assertTrue(lines[lines.length - 1].contains("1 of 1 nodes updated"), watched.out());
  }

  @Test
  void logsPrintsTheWorkloadsLogFromItsNode() {
    Run logs = run("logs", NODE, WORKLOAD, "--tail", "10");

    assertEquals(0, logs.code(), logs.err());
    assertTrue(
        logs.out().contains("starting registry.example.org/air:1"),
        "the node's log of the container: " + logs.out());
    assertEquals("", logs.err());
  }

  @Test
  void restartReplacesTheContainerOnTheNodeAndSaysSo() {
    String before = containerId();

    Run restart = run("restart", NODE, WORKLOAD);

    assertEquals(0, restart.code(), restart.err());
    assertTrue(restart.out().startsWith("workload air on node/" + NODE + ": OK"), restart.out());
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> containerId() != null && !containerId().equals(before));
    assertNotEquals(before, containerId());
  }

  @Test
  void aWorkloadTheNodeDoesNotRunIsOneClearLine() {
    Run logs = run("logs", NODE, "nothing-here");

    assertEquals(1, logs.code());
    assertEquals("", logs.out());
    assertTrue(logs.err().startsWith("flotilla: "), logs.err());
    assertTrue(logs.err().contains("nothing-here"), logs.err());
    assertEquals(1, logs.err().strip().lines().count(), logs.err());
  }

  @Test
  void aNodeThatIsNotConnectedIsReportedAsUnreachableInOneLine() {
    Run restart = run("restart", SILENT, WORKLOAD, "--timeout", "2s");

    assertEquals(1, restart.code());
    assertTrue(restart.err().startsWith("flotilla: "), restart.err());
    assertTrue(restart.err().contains("did not answer"), restart.err());
    assertTrue(restart.err().contains(SILENT), restart.err());
    assertEquals(1, restart.err().strip().lines().count(), restart.err());
  }
}
