package dev.flotilla.controller.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.agent.Agent;
import dev.flotilla.agent.config.AgentConfig;
import dev.flotilla.agent.model.Labels;
import dev.flotilla.agent.testing.TestPodman;
import dev.flotilla.controller.testing.ControllerHarness;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * The real agent on real Podman, configured from what enrollment answered, for end-to-end tests.
 */
final class E2eAgents {
  private E2eAgents() {}

  /**
   * Starts agent {@code node} with the broker, password and controller key of {@code enrollment},
   * test-friendly reconnects (200 ms to 1 s, will delay 1 s) and a 2 s reconcile interval.
   */
  static Agent start(String node, JsonNode enrollment, TestPodman podman, Path dataDir) {
    Properties p = new Properties();
    p.setProperty("node.id", node);
    p.setProperty("broker.url", enrollment.get("brokerUrl").asText());
    p.setProperty("broker.password", enrollment.get("password").asText());
    p.setProperty("controller.public-key", enrollment.get("controllerPublicKey").asText());
    p.setProperty("podman.socket", podman.socket().toString());
    p.setProperty("data.dir", dataDir.toString());
    p.setProperty("reconcile.interval", "2s");
    p.setProperty("link.reconnect-min", "200ms");
    p.setProperty("link.reconnect-max", "1s");
    p.setProperty("link.will-delay", "1s");
    return Agent.start(AgentConfig.from(p, Map.of(), "e2e"), Clock.systemUTC());
  }

  /**
   * Ends a test: closes the agent and the controller (either may be null when the test failed
   * before starting it) and removes every workload container from Podman.
   */
  static void stop(
      @Nullable Agent agent, @Nullable ControllerHarness controller, TestPodman podman) {
    if (agent != null) {
      agent.close();
    }
    if (controller != null) {
      controller.close();
    }
    podman.removeAllWithLabel(Labels.WORKLOAD);
  }
}
