package dev.flotilla.controller.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.agent.Agent;
import dev.flotilla.agent.model.Labels;
import dev.flotilla.agent.testing.TestPodman;
import dev.flotilla.controller.testing.ControllerHarness;
import dev.flotilla.controller.testing.ControllerHarness.Answer;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command API end to end: the controller sends commands over its broker to the real agent on
 * real Podman and answers HTTP calls from the replies.
 */
class CommandApiE2E {
  private static final Duration CONVERGE = Duration.ofSeconds(90);
  private static final String NODE = "gw-cmd-e2e";
  private static final String BASE = "/api/v1/nodes/" + NODE;

  @TempDir Path dir;
  TestPodman podman;
  ControllerHarness controller;
  Agent agent;

  @BeforeEach
  void start() {
    podman = TestPodman.start();
    podman.removeAllWithLabel(Labels.WORKLOAD);
    controller = ControllerHarness.start(dir.resolve("controller"));
    JsonNode e = controller.enroll(NODE, "{\"site\":\"cmd\"}");
    agent = E2eAgents.start(NODE, e, podman, dir.resolve("agent"));
    String manifest =
        """
        apiVersion: flotilla.dev/v1
        kind: Deployment
        metadata:
          name: talker
        spec:
          selector:
            matchLabels: {site: cmd}
          template:
            image: %s
            command: [/bin/sh, -c, "trap 'exit 0' TERM; i=0; while true; do echo line $i; i=$((i+1)); sleep 0.1; done & wait"]
        """
            .formatted(podman.busyboxImage());
    Answer applied = controller.post("/api/v1/deployments", "application/yaml", manifest);
    assertEquals(201, applied.status(), applied.toString());
    await().atMost(CONVERGE).until(() -> talkerContainer() != null);
    await()
        .atMost(CONVERGE)
        .until(() -> podman.podman("logs", talkerContainer()).lines().count() > 20);
  }

  @AfterEach
  void stop() {
    E2eAgents.stop(agent, controller, podman);
  }

  /** The running talker container's id; null when there is none. */
  private String talkerContainer() {
    String out =
        podman.podman("ps", "--filter", "label=flotilla.workload=talker", "--format", "{{.ID}}");
    return out.isBlank() ? null : out.strip();
  }

  @Test
  void logsAnswerTheLastLinesAsPlainText() {
    Answer a = controller.get(BASE + "/workloads/talker/logs?tail=5");
    assertEquals(200, a.status(), a.toString());
    assertTrue(a.contentType().startsWith("text/plain"), a.contentType());
    assertEquals(5, a.body().lines().count(), a.body());
    assertTrue(a.body().lines().allMatch(l -> l.startsWith("line ")), a.body());
  }

  @Test
  void aLogCutByMaxBytesCarriesTheTruncatedHeader() throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        controller.uri(BASE + "/workloads/talker/logs?tail=1000&maxBytes=50"))
                    .header("Authorization", "Bearer " + controller.adminToken())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(50, r.body().length());
    assertEquals("true", r.headers().firstValue("X-Flotilla-Truncated").orElse(""));
  }

  @Test
  void aFollowedLogStreamsUntilItsTimeIsOver() {
    long started = System.nanoTime();
    Answer a = controller.get(BASE + "/workloads/talker/logs?tail=1&follow=true&followFor=3s");
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertEquals(200, a.status(), a.toString());
    assertTrue(took.compareTo(Duration.ofMillis(2500)) > 0, "streamed for about 3 s: " + took);
    assertTrue(a.body().lines().count() > 10, "lines written while following: " + a.body());
  }

  @Test
  void aFollowWhoseReaderHangsUpIsCancelledOnTheNode() throws Exception {
    String request =
        "GET "
            + BASE
            + "/workloads/talker/logs?tail=1&follow=true&followFor=10m HTTP/1.1\r\n"
            + "Host: 127.0.0.1\r\n"
            + "Authorization: Bearer "
            + controller.adminToken()
            + "\r\n\r\n";
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), controller.httpPort)) {
      socket.setSoTimeout((int) CONVERGE.toMillis());
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      StringBuilder seen = new StringBuilder();
      byte[] buffer = new byte[4096];
      while (seen.toString().split("line ", -1).length < 4) {
        int n = in.read(buffer);
        assertTrue(n > 0, "the stream ended early: " + seen);
        seen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
      }
      assertTrue(seen.toString().startsWith("HTTP/1.1 200"), seen.toString());
      assertEquals(1, controller.controller().commands().pendingCount(), "the follow runs");
    }
    // The reader is gone: the node's follow ends now, not in ten minutes.
    await().atMost(Duration.ofSeconds(30)).until(() -> commandsPending() == 0);
  }

  private int commandsPending() {
    return controller.controller().commands().pendingCount();
  }

  @Test
  void restartReplacesTheContainerAndTheNodesEventIsStored() {
    String before = talkerContainer();
    Answer a = controller.post(BASE + "/workloads/talker/restart", null, null);
    assertEquals(200, a.status(), a.toString());
    assertEquals(NODE, a.json().get("node").asText());
    assertEquals("talker", a.json().get("workload").asText());
    assertEquals("OK", a.json().get("result").asText());
    await()
        .atMost(CONVERGE)
        .until(() -> talkerContainer() != null && !talkerContainer().equals(before));
    assertNotEquals(before, talkerContainer());
    await()
        .atMost(CONVERGE)
        .until(
            () -> {
              for (JsonNode e : controller.get("/api/v1/events?node=" + NODE).json().get("items")) {
                if (e.get("type").asText().equals("workload.restarted")
                    && e.get("attributes").get("reason").asText().equals("operator command")) {
                  return true;
                }
              }
              return false;
            });
  }

  @Test
  void resyncAndLiveStatusAreAnsweredByTheNode() {
    Answer resync = controller.post(BASE + "/resync", null, null);
    assertEquals(200, resync.status(), resync.toString());
    assertEquals("OK", resync.json().get("result").asText());

    Answer live = controller.get(BASE + "/live-status");
    assertEquals(200, live.status(), live.toString());
    assertEquals(NODE, live.json().get("node").asText());
    JsonNode talker = live.json().get("workloads").get(0);
    assertEquals("talker", talker.get("name").asText());
    assertEquals("RUNNING", talker.get("state").asText());
    assertEquals("1", talker.get("revision").asText());
    assertEquals(podman.busyboxImage(), talker.get("image").asText());
    assertTrue(talker.get("usage").get("memoryBytes").asLong() > 0, live.toString());
    assertTrue(live.json().get("resources").get("memoryBytes").asLong() > 0, live.toString());
  }

  @Test
  void anUnknownWorkloadOrNodeIsNotFound() {
    Answer workload = controller.get(BASE + "/workloads/nope/logs");
    assertEquals(404, workload.status(), workload.toString());
    assertEquals("not_found", workload.json().get("error").asText());
    assertEquals(
        "node " + NODE + " runs no workload nope", workload.json().get("message").asText());

    Answer node = controller.get("/api/v1/nodes/gw-nobody/live-status");
    assertEquals(404, node.status(), node.toString());
  }

  @Test
  void aNodeThatIsOfflineTimesOutWithinTheTimeoutPassedAndSaysSo() {
    controller.enroll("gw-cmd-offline", "{\"site\":\"elsewhere\"}");
    long started = System.nanoTime();
    Answer a = controller.get("/api/v1/nodes/gw-cmd-offline/live-status?timeout=2s");
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertEquals(504, a.status(), a.toString());
    assertEquals("node_unreachable", a.json().get("error").asText());
    String message = a.json().get("message").asText();
    assertTrue(
        message.startsWith("node gw-cmd-offline did not answer within 2s: it is offline"), message);
    assertTrue(message.endsWith("the command expired at the broker"), message);
    assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "answered in " + took);
  }

  @Test
  void aViewerMayReadLogsButNotRestartAndBadParametersAreNamed() {
    String viewer =
        controller
            .post("/api/v1/tokens", "application/json", "{\"role\":\"viewer\"}")
            .json()
            .get("token")
            .asText();
    Answer refused =
        controller.send("POST", BASE + "/workloads/talker/restart", null, null, viewer);
    assertEquals(403, refused.status(), refused.toString());
    Answer read =
        controller.send("GET", BASE + "/workloads/talker/logs?tail=1", null, null, viewer);
    assertEquals(200, read.status(), read.toString());

    Answer badTimeout = controller.get(BASE + "/live-status?timeout=soon");
    assertEquals(400, badTimeout.status(), badTimeout.toString());
    assertEquals("timeout", badTimeout.json().get("field").asText());
    Answer badTail = controller.get(BASE + "/workloads/talker/logs?tail=-3");
    assertEquals(400, badTail.status(), badTail.toString());
    assertEquals("tail", badTail.json().get("field").asText());
  }
}
