package dev.flotilla.agent.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.flotilla.agent.Agent;
import dev.flotilla.protocol.DesiredStateSigner;
import dev.flotilla.protocol.SigningKeys;
import dev.flotilla.protocol.Topics;
import dev.flotilla.protocol.v1.DesiredState;
import dev.flotilla.protocol.v1.Event;
import dev.flotilla.protocol.v1.NodeStatus;
import dev.flotilla.protocol.v1.ProtocolVersion;
import dev.flotilla.protocol.v1.SignedDesiredState;
import dev.flotilla.protocol.v1.Workload;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way a desired state can be wrong, delivered through the real broker: each is refused,
 * reported as an event naming the reason, never reaches Podman, and the last good state stays.
 */
class TrustE2E {
  @TempDir Path dir;
  Harness h;

  @BeforeEach
  void setUp() {
    h = new Harness(dir);
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  private DesiredState state(String node, long generation, Workload... workloads) {
    return DesiredState.newBuilder()
        .setNodeId(node)
        .setGeneration(generation)
        .addAllWorkloads(List.of(workloads))
        .build();
  }

  @Test
  void everyRefusalIsReportedAndTheRefusedStateNeverReachesPodman() {
    Workload good = Harness.sleeper("good", h.image(), "r2", "3600");
    Workload evil = Harness.sleeper("evil", h.image(), "x", "3600");
    String topic = Topics.desired(Harness.NODE);
    try (Agent agent =
        h.startAgent(
            Map.of("decode.max-payload-bytes", "4KiB"), dev.flotilla.agent.core.StepHook.NONE)) {
      h.publishDesired(2, good);
      h.awaitRunning("good");
      await()
          .atMost(Harness.CONVERGE)
          .until(() -> h.latestStatus().map(NodeStatus::getObservedGeneration).orElse(0L) == 2);

      SignedDesiredState valid = h.signer.sign(state("gw-e2e", 3, good, evil));
      byte[] sig = valid.getSignature().toByteArray();
      sig[0] ^= 1;
      byte[] badSignature =
          valid.toBuilder().setSignature(ByteString.copyFrom(sig)).build().toByteArray();
      byte[] otherNode = h.signer.sign(state("gw-other", 3, good, evil)).toByteArray();
      byte[] older = h.signer.sign(state("gw-e2e", 1, evil)).toByteArray();
      Workload huge = evil.toBuilder().putEnv("PADDING", "x".repeat(5000)).build();
      byte[] oversize = h.signer.sign(state("gw-e2e", 3, huge)).toByteArray();
      byte[] garbage = "{\"workloads\": [\"evil\"]}".getBytes(StandardCharsets.UTF_8);
      byte[] rogueKey =
          new DesiredStateSigner(SigningKeys.generate())
              .sign(state("gw-e2e", 3, good, evil))
              .toByteArray();
      byte[] futureVersion =
          valid.toBuilder()
              .setVersion(ProtocolVersion.newBuilder().setMajor(2))
              .build()
              .toByteArray();

      Map<String, byte[]> refused = new LinkedHashMap<>();
      refused.put("BAD_SIGNATURE", badSignature);
      refused.put("WRONG_NODE", otherNode);
      refused.put("STALE_GENERATION", older);
      refused.put("OVERSIZE", oversize);
      refused.put("MALFORMED", garbage);
      refused.put("UNKNOWN_KEY", rogueKey);
      refused.put("UNSUPPORTED_VERSION", futureVersion);
      refused.values().forEach(bytes -> h.controller.publishRetained(topic, bytes));

      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> reasons(h.eventsOfType("desired.refused")).containsAll(refused.keySet()));
      // The same refused message again (as after every reconnect): reported once, not twice.
      h.controller.publishRetained(topic, badSignature);
      h.controller.publishRetained(topic, badSignature);
      // A few more reconcile passes, then: nothing of the refused states reached Podman.
      agent.core().trigger("test");
      await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> true);
      assertTrue(
          h.containers().stream().noneMatch(c -> c.workload().orElse("").equals("evil")),
          "a refused workload reached Podman");
      assertTrue(h.running("good").isPresent());
      assertEquals(2, h.latestStatus().orElseThrow().getObservedGeneration());
      long badSignatureEvents =
          h.eventsOfType("desired.refused").stream()
              .filter(e -> e.getAttributesOrDefault("reason", "").equals("BAD_SIGNATURE"))
              .count();
      assertEquals(2, badSignatureEvents, "a message refused twice in a row is reported once");
      for (Event e : h.eventsOfType("desired.refused")) {
        assertEquals(2, e.getGeneration(), "events name the generation that was kept: " + e);
      }
    }
  }

  private static Set<String> reasons(List<Event> events) {
    return events.stream()
        .map(e -> e.getAttributesOrDefault("reason", ""))
        .collect(Collectors.toSet());
  }
}
