package dev.flotilla.controller.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.agent.Agent;
import dev.flotilla.agent.model.Labels;
import dev.flotilla.agent.testing.TestPodman;
import dev.flotilla.controller.testing.ControllerHarness;
import dev.flotilla.controller.testing.ControllerHarness.Answer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller and the real agent on real Podman: enroll, apply, update, delete; and a controller
 * restart on the same data directory.
 */
class ControllerAgentE2E {
  private static final Duration CONVERGE = Duration.ofSeconds(90);
  private static final String YAML = "application/yaml";
  private static final String NODE = "gw-ctl-e2e";

  @TempDir Path dir;
  TestPodman podman;
  ControllerHarness controller;
  Agent agent;

  @BeforeEach
  void start() {
    podman = TestPodman.start();
    podman.removeAllWithLabel(Labels.WORKLOAD);
    controller = ControllerHarness.start(dir.resolve("controller"));
  }

  @AfterEach
  void stop() {
    E2eAgents.stop(agent, controller, podman);
  }

  /** Enrolls the node through the API and starts the real agent with what enrollment answered. */
  private void enrollAndStartAgent() {
    JsonNode e = controller.enroll(NODE, "{\"site\":\"north\"}");
    agent = E2eAgents.start(NODE, e, podman, dir.resolve("agent"));
  }

  private static String manifest(String image) {
    return """
    apiVersion: flotilla.dev/v1
    kind: Deployment
    metadata:
      name: sensor
    spec:
      selector:
        matchLabels: {site: north}
      template:
        image: %s
        command: [/bin/sh, -c, "trap 'exit 0' TERM; sleep 3600 & wait"]
        healthCheck:
          exec: {command: [/bin/true]}
          periodSeconds: 1
    """
        .formatted(image);
  }

  private List<String> sensorContainers() {
    String out =
        podman.podman("ps", "--filter", "label=flotilla.workload=sensor", "--format", "{{.Image}}");
    return out.isBlank() ? List.of() : List.of(out.strip().split("\n"));
  }

  private JsonNode sensorOnNode() {
    for (JsonNode w : controller.get("/api/v1/nodes/" + NODE).json().path("workloads")) {
      if (w.get("name").asText().equals("sensor")) {
        return w;
      }
    }
    return null;
  }

  private boolean runningHealthy(String revision) {
    JsonNode w = sensorOnNode();
    return w != null
        && w.get("revision").asText().equals(revision)
        && w.get("state").asText().equals("RUNNING")
        && w.get("health").asText().equals("HEALTHY");
  }

  @Test
  void anEnrolledNodeRunsADeploymentThenItsNewImageThenNothingOnceItIsDeleted() {
    enrollAndStartAgent();
    String v1 = podman.busyboxImage();
    String v2 = "localhost/flotilla-test/busybox:2";
    podman.podman("tag", v1, v2);

    Answer applied = controller.post("/api/v1/deployments", YAML, manifest(v1));
    assertEquals(201, applied.status(), applied.toString());
    await().atMost(CONVERGE).until(() -> runningHealthy("1"));
    assertEquals(List.of(v1), sensorContainers());
    await()
        .atMost(CONVERGE)
        .until(
            () ->
                controller
                    .get("/api/v1/nodes/" + NODE)
                    .json()
                    .get("state")
                    .asText()
                    .equals("READY"));

    Answer updated = controller.post("/api/v1/deployments", YAML, manifest(v2));
    assertEquals(2, updated.json().get("deployment").get("revision").asInt(), updated.toString());
    await().atMost(CONVERGE).until(() -> runningHealthy("2"));
    await().atMost(CONVERGE).until(() -> sensorContainers().equals(List.of(v2)));

    assertEquals(204, controller.delete("/api/v1/deployments/sensor").status());
    await().atMost(CONVERGE).until(() -> sensorContainers().isEmpty());
    await().atMost(CONVERGE).until(() -> sensorOnNode() == null);
  }

  /**
   * Blue-green on the node: {@code readyAfter} seconds after its start the container creates the
   * file its exec health check looks for.
   */
  private static String blueGreen(String image, int readyAfter) {
    return """
    apiVersion: flotilla.dev/v1
    kind: Deployment
    metadata:
      name: sensor
    spec:
      selector:
        matchLabels: {site: north}
      strategy:
        type: AllAtOnce
        onNode: BlueGreen
        blueGreen: {switchAfter: 2s, giveUpAfter: 2m}
        soak: 2s
      template:
        image: %s
        env: {READY_AFTER: "%d"}
        command: [/bin/sh, -c, "trap 'exit 0' TERM; (sleep $READY_AFTER; touch /tmp/ready) & sleep 3600 & wait"]
        healthCheck:
          exec: {command: [test, -f, /tmp/ready]}
          periodSeconds: 1
    """
        .formatted(image, readyAfter);
  }

  /** The sensor's containers as "id revision state", oldest first. */
  private List<String[]> sensorRevisions() {
    String out =
        podman.podman(
            "ps",
            "-a",
            "--sort",
            "created",
            "--filter",
            "label=flotilla.workload=sensor",
            "--format",
            "{{.ID}} {{index .Labels \"flotilla.revision\"}} {{.State}}");
    return out.isBlank()
        ? List.of()
        : Arrays.stream(out.strip().split("\n")).map(l -> l.strip().split(" ")).toList();
  }

  private boolean ready(String container) {
    try {
      podman.podman("exec", container, "test", "-f", "/tmp/ready");
      return true;
    } catch (IllegalStateException notYet) {
      return false;
    }
  }

  @Test
  void blueGreenOnTheNodeSwitchesOnlyOnceTheNewContainerIsHealthy() {
    enrollAndStartAgent();
    String image = podman.busyboxImage();
    assertEquals(201, controller.post("/api/v1/deployments", YAML, blueGreen(image, 0)).status());
    await().atMost(CONVERGE).until(() -> runningHealthy("1"));

    // Revision 2 becomes healthy 12 s after its start: until then both run, the old one serving.
    Answer updated = controller.post("/api/v1/deployments", YAML, blueGreen(image, 12));
    assertEquals(2, updated.json().get("rollout").get("toRevision").asInt(), updated.toString());
    await("the new revision beside the old")
        .atMost(CONVERGE)
        .until(() -> sensorRevisions().size() == 2);
    List<String[]> both = sensorRevisions();
    String[] old = both.get(0);
    String[] fresh = both.get(1);
    assertEquals("1", old[1]);
    assertEquals("2", fresh[1]);
    // podman ps shows a running container's state as "Up ..." (or "running", by version).
    assertTrue(old[2].equals("Up") || old[2].equalsIgnoreCase("running"), String.join(" ", old));
    assertFalse(ready(fresh[0]), "the new container is not healthy yet");
    await("the node reports the switch under way")
        .atMost(CONVERGE)
        .until(
            () ->
                sensorOnNode() != null && sensorOnNode().get("state").asText().equals("SWITCHING"));

    // Watched all along: while the new container is not healthy, the old one keeps running.
    await("the switch")
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              List<String[]> now = sensorRevisions();
              if (now.size() == 2 && !ready(fresh[0])) {
                assertTrue(
                    now.get(0)[0].equals(old[0]) && now.get(0)[2].matches("(?i)up|running"),
                    "the old container runs until the new one is healthy");
              }
              return now.size() == 1;
            });
    String[] left = sensorRevisions().get(0);
    assertEquals(fresh[0], left[0], "the new container was kept, not recreated");
    assertTrue(ready(left[0]), "it was healthy when the switch happened");
    await().atMost(CONVERGE).until(() -> runningHealthy("2"));
    await("the rollout succeeds")
        .atMost(CONVERGE)
        .until(
            () ->
                controller
                    .get("/api/v1/deployments/sensor/rollout")
                    .json()
                    .get("rollout")
                    .get("state")
                    .asText()
                    .equals("SUCCEEDED"));
  }

  @Test
  void aRestartedControllerKeepsItsFleetKeyAndGenerationsAndDispatchesNothingNeedlessly() {
    enrollAndStartAgent();
    controller.post("/api/v1/deployments", YAML, manifest(podman.busyboxImage()));
    await().atMost(CONVERGE).until(() -> runningHealthy("1"));
    JsonNode before = controller.get("/api/v1/nodes/" + NODE).json();
    long generation = before.get("desiredGeneration").asLong();

    controller.restart();

    JsonNode after = controller.get("/api/v1/nodes/" + NODE).json();
    assertEquals(generation, after.get("desiredGeneration").asLong());
    assertEquals(1, controller.get("/api/v1/deployments/sensor").json().get("revision").asInt());
    // The agent reconnects and reports; nothing new was dispatched and the workload never moved.
    await()
        .atMost(CONVERGE)
        .until(
            () ->
                controller
                    .get("/api/v1/nodes/" + NODE)
                    .json()
                    .get("state")
                    .asText()
                    .equals("READY"));
    assertEquals(
        generation,
        controller.get("/api/v1/nodes/" + NODE).json().get("desiredGeneration").asLong());
    assertTrue(runningHealthy("1"));
    assertEquals(1, sensorContainers().size());

    // The key survived: the agent pinned it at enrollment and accepts the next generation.
    String v2 = "localhost/flotilla-test/busybox:2";
    podman.podman("tag", podman.busyboxImage(), v2);
    controller.post("/api/v1/deployments", YAML, manifest(v2));
    await().atMost(CONVERGE).until(() -> runningHealthy("2"));
    assertEquals(
        generation + 1,
        controller.get("/api/v1/nodes/" + NODE).json().get("desiredGeneration").asLong());
  }
}
