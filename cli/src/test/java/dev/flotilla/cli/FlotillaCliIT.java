package dev.flotilla.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.flotilla.controller.testing.ControllerHarness;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The client commands in-process against a whole controller (HTTP API, embedded broker, SQLite):
 * their output and exit status, and the error lines an operator sees. One controller for the class;
 * every test uses its own node and deployment names.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FlotillaCliIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  ControllerHarness c;
  Path dir;
  String url;

  @BeforeAll
  void start(@TempDir Path dir) {
    this.dir = dir;
    c = ControllerHarness.start(dir.resolve("data"));
    url = "http://127.0.0.1:" + c.httpPort;
    c.enroll("cli-n1", "{\"site\":\"north\",\"district\":\"d1\"}");
    c.enroll("cli-n2", "{\"site\":\"north\",\"district\":\"d2\"}");
    c.enroll("cli-s1", "{\"site\":\"south\",\"district\":\"d3\"}");
  }

  @AfterAll
  void stop() {
    c.close();
  }

  record Run(int code, String out, String err) {
    JsonNode json() {
      try {
        return JSON.readTree(out);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + out, e);
      }
    }
  }

  /** Runs the command without connection flags, in an empty environment and home. */
  Run raw(String stdin, String... args) {
    FlotillaMain main = new FlotillaMain(Map.of(), dir.resolve("home"), false);
    CommandLine cl = new CommandLine(main);
    if (stdin != null) {
      ApplyCommand apply = cl.getSubcommands().get("apply").getCommand();
      apply.stdin = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = cl.setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  /** Runs the command against the controller with the admin token. */
  Run run(String... args) {
    return as(c.adminToken(), args);
  }

  Run as(String token, String... args) {
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.addAll(List.of("--controller", url, "--token", token));
    return raw(null, all.toArray(String[]::new));
  }

  /** {@code flotilla apply -f -} with {@code yaml} on standard input, as admin. */
  Run applyFromStdin(String yaml) {
    return raw(yaml, "apply", "-f", "-", "--controller", url, "--token", c.adminToken());
  }

  static String manifest(String name, String image, String selector) {
    return """
    apiVersion: flotilla.dev/v1
    kind: Deployment
    metadata:
      name: %s
    spec:
      selector:
        matchLabels: {%s}
      template:
        image: %s
    """
        .formatted(name, selector, image);
  }

  Path file(String name, String text) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, text);
    return f;
  }

  @Test
  void applyAppliesEveryDocumentInOrderAndSaysWhatChanged() throws IOException {
    Path f =
        file(
            "two.yaml",
            manifest("cli-a", "registry.example.org/a:1", "site: north")
                + "---\n"
                + manifest("cli-b", "registry.example.org/b:1", "site: south"));
    Run first = run("apply", "-f", f.toString());
    assertEquals(0, first.code(), first.err());
    assertEquals(
        "deployment.flotilla.dev/cli-a created\ndeployment.flotilla.dev/cli-b created\n",
        first.out());
    Run again = run("apply", "-f", f.toString());
    assertEquals(
        "deployment.flotilla.dev/cli-a unchanged\ndeployment.flotilla.dev/cli-b unchanged\n",
        again.out());
    Run changed =
        run(
            "apply",
            "-f",
            file("a2.yaml", manifest("cli-a", "registry.example.org/a:1", "site: south"))
                .toString());
    assertEquals("deployment.flotilla.dev/cli-a configured\n", changed.out());
  }

  @Test
  void applyReadsStandardInput() {
    Run r = applyFromStdin(manifest("cli-stdin", "registry.example.org/s:1", "site: north"));
    assertEquals(0, r.code(), r.err());
    assertEquals("deployment.flotilla.dev/cli-stdin created\n", r.out());
  }

  @Test
  void aRefusedDocumentNamesTheDocumentAndTheFieldAndStopsThere() throws IOException {
    Path f =
        file(
            "bad.yaml",
            manifest("cli-ok", "registry.example.org/ok:1", "site: north")
                + "---\n"
                + manifest("cli-bad", "", "site: north").replace("image: \n", "image: \"\"\n")
                + "---\n"
                + manifest("cli-never", "registry.example.org/n:1", "site: north"));
    Run r = run("apply", "-f", f.toString());
    assertEquals(1, r.code());
    assertEquals("deployment.flotilla.dev/cli-ok created\n", r.out());
    assertTrue(
        r.err()
            .startsWith(
                "flotilla: "
                    + f
                    + ": document 2 (line 11, deployment cli-bad) refused: spec.template.image"),
        r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertEquals(1, run("get", "deployment", "cli-never").code());
  }

  @Test
  void getNodesPrintsAnAlignedTableFilteredBySelector() {
    Run r = run("get", "nodes", "-l", "site=north");
    assertEquals(0, r.code(), r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals(3, lines.size(), r.out());
    assertTrue(
        lines.get(0).matches("NAME +STATE +PROFILE +DISTRICT +SITE +LAST-SEEN +AGE"), lines.get(0));
    assertTrue(
        lines.get(1).matches("cli-n1 +PENDING +generic-x86-64 +d1 +north +- +\\d+s"), lines.get(1));
    assertTrue(lines.get(2).startsWith("cli-n2 "), lines.get(2));
    assertEquals(lines.get(0).indexOf("STATE"), lines.get(1).indexOf("PENDING"));
  }

  @Test
  void getNodesInEveryOtherFormat() throws IOException {
    Run wide = run("get", "no", "-l", "site=south", "-o", "wide");
    assertEquals(0, wide.code(), wide.err());
    assertTrue(wide.out().lines().findFirst().orElseThrow().contains("SESSION"), wide.out());
    assertTrue(wide.out().contains("district=d3,site=south"), wide.out());

    Run json = run("get", "nodes", "-l", "site=south", "-o", "json");
    JsonNode items = json.json().get("items");
    assertEquals(1, items.size());
    assertEquals("cli-s1", items.get(0).get("id").asText());

    Run yaml = run("get", "node", "cli-s1", "-o", "yaml");
    JsonNode node = new YAMLMapper().readTree(yaml.out());
    assertEquals("cli-s1", node.get("id").asText());
    assertEquals("south", node.get("labels").get("site").asText());

    Run state = run("get", "nodes", "--state", "ready");
    assertEquals(0, state.code());
    assertEquals("", state.out());
    assertEquals("No nodes found.\n", state.err());
  }

  @Test
  void aSelectorOrStateTheControllerRefusesIsAUsageError() {
    Run selector = run("get", "nodes", "-l", "site in (north");
    assertEquals(2, selector.code());
    assertTrue(selector.err().contains("labelSelector"), selector.err());
    assertEquals(2, run("get", "nodes", "--state", "sleepy").code());
  }

  @Test
  void getFollowsTheContinueTokenPastOnePage() {
    for (int i = 0; i < 3; i++) {
      c.enroll("cli-page-" + i, "{\"pool\":\"paged\"}");
    }
    Run r = run("get", "nodes", "-l", "pool=paged", "-o", "json", "--chunk-size", "2");
    assertEquals(3, r.json().get("items").size(), r.out());
    Run table = run("get", "nodes", "-l", "pool=paged", "--chunk-size", "1");
    assertEquals(4, table.out().lines().count(), table.out());
  }

  @Test
  void getDeploymentsRolloutsAndEvents() {
    Run applied = applyFromStdin(manifest("cli-get", "registry.example.org/g:1", "site: north"));
    assertEquals(0, applied.code(), applied.err());
    Run d = run("get", "deploy", "cli-get");
    assertEquals(0, d.code(), d.err());
    assertTrue(d.out().startsWith("NAME "), d.out());
    assertTrue(d.out().contains("cli-get   1 "), d.out());
    assertTrue(d.out().contains("registry.example.org/g:1"), d.out());
    Run json = run("get", "deployments", "-o", "json");
    assertTrue(json.json().get("items").size() >= 1);
    Run rollouts = run("get", "rollouts", "cli-get");
    assertEquals(0, rollouts.code(), rollouts.err());
    Run events = run("get", "events", "--limit", "5");
    assertEquals(0, events.code(), events.err());
    Run eventsJson = run("get", "ev", "--node", "cli-n1", "-o", "json");
    assertEquals(0, eventsJson.code(), eventsJson.err());
    assertTrue(eventsJson.json().get("items").isArray());
  }

  @Test
  void describeNodeShowsLabelsPlacementAndEvents() {
    applyFromStdin(manifest("cli-desc", "registry.example.org/d:1", "district: d2"));
    Run r = run("describe", "node", "cli-n2");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("Name:"), r.out());
    assertTrue(r.out().contains("district=d2"), r.out());
    assertTrue(r.out().contains("Profile:"), r.out());
    assertTrue(r.out().contains("Deployments:"), r.out());
    assertTrue(r.out().matches("(?s).*cli-desc +yes +\\S+.*"), r.out());
    assertTrue(r.out().contains("Events:"), r.out());
  }

  @Test
  void describeDeploymentShowsSpecRevisionsRolloutAndPlacement() {
    applyFromStdin(manifest("cli-dd", "registry.example.org/dd:1", "site: north"));
    Run r = run("describe", "deployment", "cli-dd");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("Image:"), r.out());
    assertTrue(r.out().contains("registry.example.org/dd:1"), r.out());
    assertTrue(r.out().contains("Revisions:"), r.out());
    assertTrue(r.out().contains("Rollout:\n  <none>"), r.out());
    assertTrue(r.out().contains("Placement:\n  placed on 2 matching nodes"), r.out());
  }

  @Test
  void labelSetsAndRemovesLabelsTheKubectlWay() {
    c.enroll("cli-lab", "{\"site\":\"east\",\"old\":\"x\"}");
    Run r = run("label", "node", "cli-lab", "rack=r7", "old-");
    assertEquals(0, r.code(), r.err());
    assertEquals("node/cli-lab labeled\n", r.out());
    JsonNode labels = c.get("/api/v1/nodes/cli-lab").json().get("labels");
    assertEquals("r7", labels.get("rack").asText());
    assertFalse(labels.has("old"));
  }

  @Test
  void cordonAndUncordon() {
    c.enroll("cli-cord", "{\"site\":\"east\"}");
    Run r = run("cordon", "cli-cord");
    assertEquals("node/cli-cord cordoned\n", r.out());
    assertTrue(c.get("/api/v1/nodes/cli-cord").json().get("cordoned").asBoolean());
    assertTrue(run("get", "node", "cli-cord").out().contains("PENDING,CORDONED"));
    assertEquals("node/cli-cord uncordoned\n", run("uncordon", "cli-cord").out());
    assertFalse(c.get("/api/v1/nodes/cli-cord").json().get("cordoned").asBoolean());
  }

  @Test
  void deleteANodeAndADeployment() {
    c.enroll("cli-del", "{\"site\":\"east\"}");
    assertEquals("node/cli-del deleted\n", run("delete", "node", "cli-del").out());
    assertEquals(404, c.get("/api/v1/nodes/cli-del").status());
    applyFromStdin(manifest("cli-deld", "registry.example.org/x:1", "site: east"));
    assertEquals(
        "deployment.flotilla.dev/cli-deld deleted\n", run("delete", "deploy", "cli-deld").out());
  }

  @Test
  void rolloutStatusPauseResumeAndAbort() {
    applyFromStdin(manifest("cli-ro", "registry.example.org/ro:1", "site: north"));
    Run none = run("rollout", "status", "cli-ro");
    assertEquals(0, none.code(), none.err());
    assertTrue(none.out().contains("has had no rollout"), none.out());
    applyFromStdin(manifest("cli-ro", "registry.example.org/ro:2", "site: north"));
    Run status = run("rollout", "status", "cli-ro");
    assertEquals(0, status.code(), status.err());
    assertTrue(status.out().startsWith("rollout "), status.out());
    assertTrue(status.out().contains("revision 1 -> 2, PROGRESSING"), status.out());
    assertTrue(status.out().contains("released "), status.out());

    Run pause = run("rollout", "pause", "cli-ro");
    assertEquals(0, pause.code(), pause.err());
    assertTrue(pause.out().matches("rollout \\d+ of cli-ro paused \\(PAUSED\\)\n"), pause.out());
    Run again = run("rollout", "pause", "cli-ro");
    assertEquals(1, again.code());
    assertTrue(
        again.err().startsWith("flotilla: rollout ") && again.err().contains("already paused"),
        again.err());
    Run resume = run("rollout", "resume", "cli-ro");
    assertTrue(resume.out().contains("resumed (PROGRESSING)"), resume.out());
    assertEquals(0, run("rollout", "abort", "cli-ro").code());
    Run watched = run("rollout", "status", "cli-ro", "--watch", "--interval", "100ms");
    assertEquals(1, watched.code(), watched.out() + watched.err());
    assertTrue(watched.out().contains("ABORTED"), watched.out());
    Run history = run("rollout", "history", "cli-ro");
    assertTrue(history.out().contains("ABORTED"), history.out());
  }

  @Test
  void tokenCreatePrintsTheSecretOnceAndJsonOnAsk() {
    Run text = run("token", "create", "--role", "viewer", "--ttl", "1d", "--description", "ci");
    assertEquals(0, text.code(), text.err());
    assertTrue(text.out().matches("flt_\\S+\n"), text.out());
    assertTrue(text.err().contains("VIEWER"), text.err());
    Run json = run("token", "create", "--role", "admin", "-o", "json");
    assertEquals("ADMIN", json.json().get("role").asText());
    assertTrue(json.json().get("token").asText().startsWith("flt_"));
    assertEquals(2, run("token", "create", "--role", "root").code());
  }

  @Test
  void enrollTokenCreateGivesATokenANodeCanEnrollWith() {
    Run r = run("enroll-token", "create", "--max-uses", "2", "--ttl", "1h", "-o", "json");
    assertEquals(0, r.code(), r.err());
    String token = r.json().get("token").asText();
    ControllerHarness.Answer a =
        c.send(
            "POST",
            "/api/v1/enroll",
            "application/json",
            "{\"token\":\""
                + token
                + "\",\"nodeId\":\"cli-enrolled\",\"profile\":\"generic-x86-64\",\"labels\":{}}",
            null);
    assertEquals(200, a.status(), a.body());
  }

  @Test
  void withoutATokenTheLineSaysHowToGiveOne() {
    Run r = raw(null, "get", "nodes", "--controller", url);
    assertEquals(1, r.code());
    assertTrue(
        r.err().startsWith("flotilla: the controller needs an API token: pass --token"), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
  }

  @Test
  void aViewerTokenMayReadButAChangeSaysAnAdminTokenIsNeeded() {
    String viewer = run("token", "create", "--role", "viewer").out().strip();
    assertEquals(0, as(viewer, "get", "nodes").code());
    Run r = as(viewer, "cordon", "cli-n1");
    assertEquals(1, r.code());
    assertTrue(r.err().startsWith("flotilla: this needs an admin token"), r.err());
  }

  @Test
  void anUnknownNodeIsNamed() {
    Run r = run("describe", "node", "no-such-node");
    assertEquals(1, r.code());
    assertEquals("flotilla: no node no-such-node\n", r.err());
    assertEquals(1, run("cordon", "no-such-node").code());
  }

  @Test
  void anUnreachableControllerIsOneLineNamingTheUrlAndTheSettings() {
    String nowhere = "http://127.0.0.1:" + ControllerHarness.freePort();
    Run r = raw(null, "get", "nodes", "--controller", nowhere);
    assertEquals(1, r.code());
    assertEquals(
        "flotilla: cannot reach the controller at "
            + nowhere
            + " (connection refused); set --controller, FLOTILLA_CONTROLLER or controller: in"
            + " ~/.config/flotilla/config.yaml\n",
        r.err());
  }

  @Test
  void theConfigFileGivesTheControllerAndTheToken() throws IOException {
    Path config = file("config.yaml", "controller: " + url + "\ntoken: " + c.adminToken() + "\n");
    Run r = raw(null, "get", "node", "cli-n1", "--config", config.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("cli-n1"), r.out());
  }

  @Test
  void logsAndRestartReportTheApisErrorForAMissingNode() {
    Run logs = run("logs", "no-such-node", "web", "--tail", "10");
    assertEquals(1, logs.code());
    assertTrue(logs.err().startsWith("flotilla: "), logs.err());
    assertEquals(1, logs.err().lines().count(), logs.err());
    Run restart = run("restart", "no-such-node", "web");
    assertEquals(1, restart.code());
    assertEquals(1, restart.err().lines().count(), restart.err());
  }
}
