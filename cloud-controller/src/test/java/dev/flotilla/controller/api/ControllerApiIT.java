package dev.flotilla.controller.api;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.controller.testing.ControllerHarness;
import dev.flotilla.controller.testing.ControllerHarness.Answer;
import dev.flotilla.protocol.NodeId;
import dev.flotilla.protocol.ProtocolVersions;
import dev.flotilla.protocol.Topics;
import dev.flotilla.protocol.v1.NodeStatus;
import dev.flotilla.protocol.v1.WorkloadStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API against a whole controller (HTTP, embedded broker, SQLite): tokens, enrollment, nodes,
 * deployments, and every kind of bad input, plus garbage on the status topic.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ControllerApiIT {
  private static final String JSON = "application/json";
  private static final String YAML = "application/yaml";

  ControllerHarness c;

  @BeforeAll
  void start(@TempDir Path dir) {
    c = ControllerHarness.start(dir.resolve("data"));
  }

  @AfterAll
  void stop() {
    c.close();
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
        command: [/bin/sh, -c, "sleep 3600"]
    """
        .formatted(name, selector, image);
  }

  @Test
  void everyCallButHealthNeedsAToken() {
    assertEquals(401, c.send("GET", "/api/v1/nodes", null, null, null).status());
    assertEquals(401, c.send("GET", "/api/v1/nodes", null, null, "flt_nope").status());
    assertEquals(401, c.send("GET", "/prometheus", null, null, null).status());
    assertEquals(200, c.send("GET", "/health", null, null, null).status());
    Answer a = c.send("GET", "/api/v1/fleet/summary", null, null, null);
    assertEquals("unauthorized", a.json().get("error").asText());
  }

  @Test
  void aViewerTokenReadsButCannotChangeAnything() {
    String viewer =
        c.post("/api/v1/tokens", JSON, "{\"role\":\"viewer\",\"description\":\"dash\"}")
            .json()
            .get("token")
            .asText();
    assertEquals(200, c.send("GET", "/api/v1/deployments", null, null, viewer).status());
    Answer refused =
        c.send("POST", "/api/v1/deployments", YAML, manifest("v", "img:1", "a: b"), viewer);
    assertEquals(403, refused.status());
    assertEquals("forbidden", refused.json().get("error").asText());
  }

  @Test
  void issuedTokensSayWhenTheyExpireAsAnIsoTimeLikeEveryOtherTime() {
    Instant before = Instant.now();
    JsonNode api = c.post("/api/v1/tokens", JSON, "{\"role\":\"viewer\",\"ttl\":\"2h\"}").json();
    JsonNode enroll =
        c.post("/api/v1/enrollment-tokens", JSON, "{\"maxUses\":1,\"ttl\":\"3d\"}").json();
    assertTrue(api.get("expiresAt").isTextual(), api.toString());
    assertTrue(enroll.get("expiresAt").isTextual(), enroll.toString());
    Duration apiTtl = Duration.between(before, Instant.parse(api.get("expiresAt").asText()));
    Duration enrollTtl = Duration.between(before, Instant.parse(enroll.get("expiresAt").asText()));
    assertTrue(Math.abs(apiTtl.minusHours(2).toSeconds()) < 60, api.toString());
    assertTrue(Math.abs(enrollTtl.minusDays(3).toSeconds()) < 60, enroll.toString());
  }

  @Test
  void enrollmentNeedsAValidUnusedTokenAndRefusesASecondEnrollmentOfTheSameNode() {
    JsonNode e = c.enroll("gw-enroll-1", "{\"site\":\"north\"}");
    assertEquals("gw-enroll-1", e.get("username").asText());
    assertTrue(e.get("brokerUrl").asText().endsWith(":" + c.brokerPort), e.toString());
    assertTrue(e.get("controllerPublicKey").asText().length() > 40);
    assertFalse(e.get("password").asText().isEmpty());

    String once =
        c.post("/api/v1/enrollment-tokens", JSON, "{\"maxUses\":1}").json().get("token").asText();
    String body =
        "{\"token\":\"" + once + "\",\"nodeId\":\"gw-enroll-1\",\"profile\":\"generic-x86-64\"}";
    assertEquals(409, c.send("POST", "/api/v1/enroll", JSON, body, null).status());
    // The refused enrollment did not use the token up.
    String other =
        "{\"token\":\"" + once + "\",\"nodeId\":\"gw-enroll-2\",\"profile\":\"generic-x86-64\"}";
    assertEquals(200, c.send("POST", "/api/v1/enroll", JSON, other, null).status());
    String third =
        "{\"token\":\"" + once + "\",\"nodeId\":\"gw-enroll-3\",\"profile\":\"generic-x86-64\"}";
    assertEquals(401, c.send("POST", "/api/v1/enroll", JSON, third, null).status());
    String bogus =
        "{\"token\":\"flb_bogus\",\"nodeId\":\"gw-enroll-4\",\"profile\":\"generic-x86-64\"}";
    assertEquals(401, c.send("POST", "/api/v1/enroll", JSON, bogus, null).status());
  }

  @Test
  void enrollmentRefusesAnInvalidNodeIdOrLabelNamingTheField() {
    String token =
        c.post("/api/v1/enrollment-tokens", JSON, "{\"maxUses\":5}").json().get("token").asText();
    Answer badId =
        c.send(
            "POST",
            "/api/v1/enroll",
            JSON,
            "{\"token\":\"" + token + "\",\"nodeId\":\"GW_1\"}",
            null);
    assertEquals(400, badId.status());
    assertEquals("nodeId", badId.json().get("field").asText());
    Answer badLabel =
        c.send(
            "POST",
            "/api/v1/enroll",
            JSON,
            "{\"token\":\"" + token + "\",\"nodeId\":\"gw-x\",\"labels\":{\"-bad\":\"v\"}}",
            null);
    assertEquals(400, badLabel.status());
    assertTrue(badLabel.json().get("field").asText().startsWith("labels"), badLabel.toString());
    Answer unknown =
        c.send(
            "POST",
            "/api/v1/enroll",
            JSON,
            "{\"token\":\"" + token + "\",\"nodeId\":\"gw-x\",\"colour\":\"red\"}",
            null);
    assertEquals(400, unknown.status());
    assertEquals("colour", unknown.json().get("field").asText());
    Answer noProfile =
        c.send(
            "POST",
            "/api/v1/enroll",
            JSON,
            "{\"token\":\"" + token + "\",\"nodeId\":\"gw-x\"}",
            null);
    assertEquals(400, noProfile.status());
    assertEquals("profile", noProfile.json().get("field").asText());
    assertTrue(noProfile.body().contains("raspberry-pi-4"), noProfile.toString());
    Answer unknownProfile =
        c.send(
            "POST",
            "/api/v1/enroll",
            JSON,
            "{\"token\":\"" + token + "\",\"nodeId\":\"gw-x\",\"profile\":\"toaster\"}",
            null);
    assertEquals(400, unknownProfile.status());
    assertEquals("profile", unknownProfile.json().get("field").asText());
    assertTrue(unknownProfile.body().contains("toaster"), unknownProfile.toString());
  }

  @Test
  void enrollmentAnswersTheLinkTuningOfTheNodesProfile() {
    JsonNode cellular = c.enroll("gw-lte-1", "{}", "cellular-x86-64");
    assertEquals("4m", cellular.get("agentSettings").get("link.keep-alive").asText());
    JsonNode wired = c.enroll("gw-eth-1", "{}", "generic-x86-64");
    assertEquals("1m", wired.get("agentSettings").get("link.keep-alive").asText());
    JsonNode profiles = c.get("/api/v1/profiles").json();
    assertTrue(profiles.size() >= 6, profiles.toString());
    JsonNode jetson = c.get("/api/v1/profiles/jetson-orin-nano").json();
    assertEquals("arm64", jetson.get("architecture").asText());
    assertEquals(1, jetson.get("peripherals").get("gpu").asInt());
    assertEquals(
        404, c.send("GET", "/api/v1/profiles/toaster", JSON, null, c.adminToken()).status());
  }

  static String canary(String image) {
    return """
    apiVersion: flotilla.dev/v1
    kind: Deployment
    metadata: {name: rl}
    spec:
      selector: {matchLabels: {roll: "yes"}}
      strategy:
        type: Canary
        steps: [{percent: 30, pause: untilResumed}, {percent: 100}]
        progressDeadline: 1h
      template: {image: %s}
    """
        .formatted(image);
  }

  @Test
  void aRolloutIsPausedResumedPromotedAbortedAndUndoneThroughTheApiAndSurvivesARestart() {
    for (String n : new String[] {"rl-1", "rl-2", "rl-3"}) {
      c.enroll(n, "{\"roll\": \"yes\"}");
    }
    assertEquals(201, c.post("/api/v1/deployments", YAML, canary("img:1")).status());
    assertEquals(404, c.get("/api/v1/deployments/rl/rollout").status(), "a first install has none");
    Answer applied = c.post("/api/v1/deployments", YAML, canary("img:2"));
    JsonNode started = applied.json().get("rollout");
    assertEquals(1, started.get("fromRevision").asInt(), applied.toString());
    assertEquals(2, started.get("toRevision").asInt());
    assertEquals("apply", started.get("cause").asText());

    JsonNode rollout = c.get("/api/v1/deployments/rl/rollout").json();
    assertEquals("PROGRESSING", rollout.get("rollout").get("state").asText(), rollout.toString());
    assertEquals(2, rollout.get("steps").asInt());
    assertEquals(3, rollout.get("progress").get("targeted").asInt());
    assertEquals(1, rollout.get("progress").get("released").asInt(), "30% of 3");
    assertEquals(1, rollout.get("progress").get("updating").asInt(), "no agent answers");

    Answer paused = c.post("/api/v1/deployments/rl/rollout/pause", JSON, "");
    assertEquals(200, paused.status(), paused.toString());
    assertEquals("PAUSED", paused.json().get("rollout").get("state").asText());
    Answer again = c.post("/api/v1/deployments/rl/rollout/pause", JSON, "");
    assertEquals(409, again.status());
    assertTrue(again.body().contains("already paused"), again.body());
    assertEquals(404, c.post("/api/v1/deployments/rl/rollout/hurry", JSON, "").status());
    Answer resumed = c.post("/api/v1/deployments/rl/rollout/resume", JSON, "");
    assertEquals("PROGRESSING", resumed.json().get("rollout").get("state").asText());

    // Promote skips the first step's gate: every node is released.
    Answer promoted = c.post("/api/v1/deployments/rl/rollout/promote", JSON, "");
    assertEquals(200, promoted.status(), promoted.toString());
    assertEquals(1, promoted.json().get("rollout").get("step").asInt());
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                c.get("/api/v1/deployments/rl/rollout")
                        .json()
                        .get("progress")
                        .get("released")
                        .asInt()
                    == 3);
    assertTrue(
        c.get("/prometheus")
            .body()
            .contains("flotilla_rollout_nodes{condition=\"updating\",deployment=\"rl\"} 3.0"),
        "progress as metrics");

    // A restarted controller carries on from the stored state: same step, same nodes.
    JsonNode before = c.get("/api/v1/deployments/rl/rollout").json();
    c.restart();
    JsonNode after = c.get("/api/v1/deployments/rl/rollout").json();
    assertEquals(before.get("rollout").get("id"), after.get("rollout").get("id"));
    assertEquals(before.get("rollout").get("step"), after.get("rollout").get("step"));
    assertEquals(before.get("rollout").get("state"), after.get("rollout").get("state"));
    assertEquals(3, after.get("progress").get("released").asInt(), after.toString());

    Answer aborted = c.post("/api/v1/deployments/rl/rollout/abort", JSON, "");
    assertEquals(
        "ABORTED", aborted.json().get("rollout").get("state").asText(), aborted.toString());
    assertEquals(1, c.get("/api/v1/deployments/rl").json().get("revision").asInt());
    assertEquals(
        "img:1",
        c.get("/api/v1/deployments/rl/manifest")
            .json()
            .get("spec")
            .get("template")
            .get("image")
            .asText());
    Answer none = c.post("/api/v1/deployments/rl/rollout/abort", JSON, "");
    assertEquals(409, none.status());
    assertTrue(none.body().contains("no rollout in progress"), none.body());

    assertRefused(c.post("/api/v1/deployments/rl/undo", JSON, "{\"toRevision\": 9}"), "toRevision");
    assertRefused(c.post("/api/v1/deployments/rl/undo", JSON, "{\"revision\": 2}"), "revision");
    Answer undone = c.post("/api/v1/deployments/rl/undo", JSON, "{\"toRevision\": 2}");
    assertEquals(200, undone.status(), undone.toString());
    assertEquals(2, undone.json().get("revision").asInt());
    assertEquals("undo", undone.json().get("rollout").get("rollout").get("cause").asText());
    Answer twice = c.post("/api/v1/deployments/rl/undo", JSON, "{\"toRevision\": 2}");
    assertEquals(409, twice.status());
    assertTrue(twice.body().contains("already targets revision 2; rollout"), twice.body());
    JsonNode history = c.get("/api/v1/deployments/rl/rollouts").json();
    assertEquals(2, history.size());
    assertEquals("undo", history.get(0).get("cause").asText());
    assertEquals("ABORTED", history.get(1).get("state").asText());
    assertEquals(204, c.delete("/api/v1/deployments/rl").status());
  }

  @Test
  void aDeploymentIsCreatedThenAChangedImageMakesANewRevisionAndTheSameManifestDoesNot() {
    Answer created = c.post("/api/v1/deployments", YAML, manifest("web", "img:1", "site: north"));
    assertEquals(201, created.status(), created.toString());
    assertEquals(1, created.json().get("deployment").get("revision").asInt());
    Answer same = c.post("/api/v1/deployments", YAML, manifest("web", "img:1", "site: north"));
    assertEquals(200, same.status());
    assertFalse(same.json().get("newRevision").asBoolean());
    Answer changed = c.post("/api/v1/deployments", YAML, manifest("web", "img:2", "site: north"));
    assertTrue(changed.json().get("newRevision").asBoolean());
    assertEquals(2, changed.json().get("deployment").get("revision").asInt());
    JsonNode revisions = c.get("/api/v1/deployments/web/revisions").json();
    assertEquals(2, revisions.size());
    assertEquals(
        "img:1",
        revisions.get(0).get("manifest").get("spec").get("template").get("image").asText());
    Answer manifest = c.get("/api/v1/deployments/web/manifest");
    assertEquals("flotilla.dev/v1", manifest.json().get("apiVersion").asText());
    assertEquals(204, c.delete("/api/v1/deployments/web").status());
    assertEquals(404, c.get("/api/v1/deployments/web").status());
  }

  @Test
  void badManifestsAreRefusedNamingTheFieldAndNothingIsStored() {
    assertRefused(c.post("/api/v1/deployments", YAML, "metadata: [unclosed"), "");
    assertRefused(c.post("/api/v1/deployments", JSON, "{\"apiVersion\": "), "");
    assertRefused(
        c.post(
            "/api/v1/deployments",
            YAML,
            manifest("web2", "img:1", "site: north")
                .replace("    image:", "    colour: red\n    image:")),
        "spec.template.colour");
    assertRefused(
        c.post("/api/v1/deployments", YAML, manifest("Bad_Name", "img:1", "site: north")),
        "metadata.name");
    assertRefused(
        c.post("/api/v1/deployments", YAML, manifest("web3", "img:1", "\"-x\": north")),
        "spec.selector.matchLabels");
    assertEquals(400, c.post("/api/v1/deployments", "text/plain", "hello").status() / 100 * 100);
    JsonNode list = c.get("/api/v1/deployments").json();
    for (JsonNode d : list) {
      assertFalse(d.get("name").asText().startsWith("web2"), list.toString());
    }
  }

  @Test
  void anOversizeBodyIsRefusedWith413() {
    String huge = "x".repeat(2 * 1024 * 1024);
    Answer a = c.post("/api/v1/deployments", YAML, "metadata: {name: '" + huge + "'}");
    assertEquals(413, a.status(), a.toString());
    assertEquals("too_large", a.json().path("error").asText(), a.toString());
  }

  @Test
  void anInvalidLabelSelectorOnTheNodeListIsRefused() {
    Answer a = c.get("/api/v1/nodes?labelSelector=site%20in%20(north");
    assertEquals(400, a.status(), a.toString());
    assertEquals("labelSelector", a.json().get("field").asText());
    assertEquals(400, c.get("/api/v1/nodes?limit=0").status());
    assertEquals(400, c.get("/api/v1/nodes?state=SLEEPY").status());
  }

  @Test
  void nodesAreListedInPagesAndFilteredBySelector() {
    for (int i = 0; i < 5; i++) {
      c.enroll("page-" + i, "{\"district\":\"" + (i % 2 == 0 ? "even" : "odd") + "\"}");
    }
    JsonNode first = c.get("/api/v1/nodes?labelSelector=district&limit=2").json();
    assertEquals(2, first.get("items").size());
    String next = first.get("continueToken").asText();
    JsonNode second = c.get("/api/v1/nodes?labelSelector=district&limit=2&continue=" + next).json();
    assertEquals(2, second.get("items").size());
    assertFalse(
        first
            .get("items")
            .get(0)
            .get("id")
            .asText()
            .equals(second.get("items").get(0).get("id").asText()));
    JsonNode even = c.get("/api/v1/nodes?labelSelector=district%3Deven&limit=100").json();
    assertEquals(3, even.get("items").size());
    JsonNode labelled =
        c.send(
                "PATCH",
                "/api/v1/nodes/page-1/labels",
                JSON,
                "{\"labels\":{\"district\":\"even\"}}",
                c.adminToken())
            .json();
    assertEquals("even", labelled.get("labels").get("district").asText());
    assertEquals(
        4, c.get("/api/v1/nodes?labelSelector=district%3Deven").json().get("items").size());
    assertTrue(c.post("/api/v1/nodes/page-2/cordon", JSON, "").json().get("cordoned").asBoolean());
    assertEquals(404, c.get("/api/v1/nodes/no-such-node").status());
  }

  @Test
  void garbageAndOversizePayloadsOnAStatusTopicAreCountedAndIngestCarriesOn() throws Exception {
    JsonNode e = c.enroll("gw-garbage", "{}");
    MqttClient node = new MqttClient(c.brokerUri(), "gw-garbage", new MemoryPersistence());
    MqttConnectionOptions o = new MqttConnectionOptions();
    o.setUserName("gw-garbage");
    o.setPassword(e.get("password").asText().getBytes(StandardCharsets.UTF_8));
    node.connect(o);
    try {
      String topic = Topics.status(new NodeId("gw-garbage"));
      node.publish(
          topic,
          new MqttMessage("not protobuf at all".getBytes(StandardCharsets.UTF_8), 1, false, null));
      node.publish(topic, new MqttMessage(new byte[300 * 1024], 1, false, null));
      NodeStatus wrongNode =
          NodeStatus.newBuilder()
              .setVersion(ProtocolVersions.current())
              .setNodeId("someone-else")
              .setSequence(1)
              .setKind(NodeStatus.Kind.FULL)
              .build();
      node.publish(topic, new MqttMessage(wrongNode.toByteArray(), 1, false, null));
      NodeStatus good =
          NodeStatus.newBuilder()
              .setVersion(ProtocolVersions.current())
              .setNodeId("gw-garbage")
              .setSequence(7)
              .setKind(NodeStatus.Kind.FULL)
              .addWorkloads(
                  WorkloadStatus.newBuilder()
                      .setName("w")
                      .setRevision("1")
                      .setState(WorkloadStatus.State.RUNNING)
                      .setHealth(WorkloadStatus.Health.NO_PROBE))
              .build();
      node.publish(topic, new MqttMessage(good.toByteArray(), 1, false, null));
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> c.get("/api/v1/nodes/gw-garbage").json().get("workloads").size() == 1);
      // A replay of sequence 7 (now claiming two workloads) is a duplicate and is skipped; the
      // summary after it (sequence 8) proves the replay was read before the assertion.
      NodeStatus replay =
          good.toBuilder()
              .addWorkloads(WorkloadStatus.newBuilder().setName("w2").setRevision("1"))
              .build();
      node.publish(topic, new MqttMessage(replay.toByteArray(), 1, false, null));
      NodeStatus summary =
          good.toBuilder()
              .clearWorkloads()
              .setSequence(8)
              .setObservedGeneration(5)
              .setKind(NodeStatus.Kind.SUMMARY)
              .build();
      node.publish(topic, new MqttMessage(summary.toByteArray(), 1, false, null));
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  c.get("/api/v1/nodes/gw-garbage").json().get("observedGeneration").asLong() == 5);
      assertEquals(1, c.get("/api/v1/nodes/gw-garbage").json().get("workloads").size());
      await().atMost(Duration.ofSeconds(20)).until(() -> refused(c.get("/prometheus").body()) >= 3);
      assertTrue(c.get("/prometheus").body().contains("flotilla_nodes"), "node gauges exported");
    } finally {
      node.disconnect();
      node.close();
    }
  }

  private static double refused(String prometheus) {
    double total = 0;
    for (String line : prometheus.split("\n")) {
      if (line.startsWith("flotilla_ingest_refused")) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  private static void assertRefused(Answer a, String field) {
    assertEquals(400, a.status(), a.toString());
    assertEquals("invalid", a.json().path("error").asText(), a.toString());
    assertTrue(a.json().path("field").asText().startsWith(field), a.toString());
    assertFalse(a.json().path("rule").asText().isEmpty(), a.toString());
  }

  @Test
  void placementFollowsProfilesAndTaintsAndExplainsEveryNode() {
    c.enroll("pl-pi", "{\"zone\":\"pl\"}", "raspberry-pi-4");
    c.enroll("pl-jet", "{\"zone\":\"pl\"}", "jetson-orin-nano");
    c.enroll("pl-x86", "{\"zone\":\"pl\"}", "generic-x86-64");
    String vision =
        """
        apiVersion: flotilla.dev/v1
        kind: Deployment
        metadata: {name: pl-vision}
        spec:
          selector: {matchLabels: {zone: pl}}
          placement:
            architectures: [arm64]
            peripherals: {gpu: 1}
          template: {image: "localhost/vision:1"}
        """;
    assertEquals(201, c.post("/api/v1/deployments", YAML, vision).status());
    JsonNode p = c.get("/api/v1/deployments/pl-vision/placement").json();
    assertEquals(1, p.get("placed").asInt(), p.toString());
    Map<String, JsonNode> byNode = new java.util.HashMap<>();
    for (JsonNode n : p.get("nodes")) {
      byNode.put(n.get("node").asText(), n);
    }
    assertTrue(byNode.get("pl-jet").get("placed").asBoolean(), p.toString());
    // Explained after its dispatch: the Jetson already holds it.
    assertEquals("kept", byNode.get("pl-jet").get("note").asText());
    JsonNode pi = byNode.get("pl-pi").get("reasons");
    assertEquals("peripheral", pi.get(0).get("constraint").asText(), p.toString());
    JsonNode x86 = byNode.get("pl-x86").get("reasons");
    assertEquals("architecture", x86.get(0).get("constraint").asText(), p.toString());
    assertEquals(1, p.get("reasons").get("architecture").asInt(), p.toString());
    // Filters: only the nodes left out, and one node.
    JsonNode out = c.get("/api/v1/deployments/pl-vision/placement?placed=false").json();
    assertFalse(out.get("nodes").toString().contains("pl-jet"), out.toString());
    JsonNode one = c.get("/api/v1/deployments/pl-vision/placement?node=pl-pi").json();
    assertEquals(1, one.get("nodes").size());
    assertEquals(400, c.get("/api/v1/deployments/pl-vision/placement?placed=maybe").status());
    assertEquals(404, c.get("/api/v1/deployments/nope/placement").status());

    // A NoExecute taint takes it off the Jetson; a toleration would let it stay.
    Answer tainted =
        c.send(
            "PUT",
            "/api/v1/nodes/pl-jet/taints",
            JSON,
            "{\"taints\":[{\"key\":\"repair\",\"effect\":\"NoExecute\"}]}",
            c.adminToken());
    assertEquals(200, tainted.status(), tainted.toString());
    assertEquals("NoExecute", tainted.json().get("taints").get(0).get("effect").asText());
    JsonNode after = c.get("/api/v1/deployments/pl-vision/placement?node=pl-jet").json();
    assertFalse(after.get("nodes").get(0).get("placed").asBoolean(), after.toString());
    assertEquals(
        "taint", after.get("nodes").get(0).get("reasons").get(0).get("constraint").asText());
    assertTrue(
        c.get("/api/v1/deployments/pl-vision").json().get("nodes").isEmpty(),
        "no node should run it now");

    Answer badEffect =
        c.send(
            "PUT",
            "/api/v1/nodes/pl-jet/taints",
            JSON,
            "{\"taints\":[{\"key\":\"repair\",\"effect\":\"Sometimes\"}]}",
            c.adminToken());
    assertEquals(400, badEffect.status());
    assertEquals("taints[0].effect", badEffect.json().get("field").asText());
    Answer badKey =
        c.send(
            "PUT",
            "/api/v1/nodes/pl-jet/taints",
            JSON,
            "{\"taints\":[{\"key\":\"-x\",\"effect\":\"NoSchedule\"}]}",
            c.adminToken());
    assertEquals(400, badKey.status());
    assertEquals("taints[0].key", badKey.json().get("field").asText());
    Answer cleared =
        c.send("PUT", "/api/v1/nodes/pl-jet/taints", JSON, "{\"taints\":[]}", c.adminToken());
    assertEquals(200, cleared.status());
    JsonNode back = c.get("/api/v1/deployments/pl-vision/placement?node=pl-jet").json();
    assertTrue(back.get("nodes").get(0).get("placed").asBoolean(), back.toString());
  }
}
