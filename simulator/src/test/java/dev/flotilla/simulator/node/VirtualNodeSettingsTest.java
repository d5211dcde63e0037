package dev.flotilla.simulator.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.agent.config.AgentConfig;
import dev.flotilla.agent.config.AgentConfigException;
import dev.flotilla.protocol.NodeId;
import dev.flotilla.protocol.SigningKeys;
import dev.flotilla.simulator.runtime.ImageBehaviour;
import dev.flotilla.simulator.runtime.SimulatedContainerRuntime;
import dev.flotilla.simulator.testing.ManualScheduler;
import dev.flotilla.simulator.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VirtualNodeSettingsTest {
  private static final String BROKER = "tcp://127.0.0.1:1883";
  private static final String KEY = SigningKeys.encodePublic(SigningKeys.generate().getPublic());

  @TempDir Path dir;

  @Test
  void defaultsAreTheAgentsOwn() {
    VirtualNode.Settings defaults =
        VirtualNode.Settings.defaults("sim-1", BROKER, "secret", KEY, dir.resolve("sim-1"));
    Properties required = new Properties();
    required.setProperty("node.id", "sim-1");
    required.setProperty("broker.url", BROKER);
    required.setProperty("controller.public-key", KEY);
    AgentConfig agent = AgentConfig.from(required, Map.of(), "a gateway");

    assertEquals(agent.reconcileInterval(), defaults.reconcileInterval());
    assertEquals(agent.summaryInterval(), defaults.summaryInterval());
    assertEquals(agent.keepAlive(), defaults.keepAlive());
    assertEquals(agent.willDelay(), defaults.willDelay());
    assertEquals(agent.reconnectMin(), defaults.reconnectMin());
    assertEquals(agent.reconnectMax(), defaults.reconnectMax());
    assertEquals(agent.maxInflight(), defaults.maxInflight());
    assertEquals(Duration.ofSeconds(10), defaults.reconcileInterval());
  }

  @Test
  void theAgentConfigurationCarriesEverySettingAndTheAgentsDefaultsForTheRest() {
    VirtualNode.Settings s =
        new VirtualNode.Settings(
            "sim-2",
            BROKER,
            "secret",
            KEY,
            dir.resolve("sim-2"),
            Duration.ofMillis(1500),
            Duration.ofMinutes(1),
            Duration.ofSeconds(20),
            Duration.ofSeconds(2),
            Duration.ofMillis(200),
            Duration.ofSeconds(3),
            7);

    AgentConfig config = s.toAgentConfig();

    assertEquals(new NodeId("sim-2"), config.node());
    assertEquals(BROKER, config.brokerUrl());
    assertEquals("secret", config.brokerPassword());
    assertEquals(SigningKeys.decodePublic(KEY), config.controllerKey());
    assertEquals(dir.resolve("sim-2").resolve("agent.db"), config.storeFile());
    assertEquals(Duration.ofMillis(1500), config.reconcileInterval());
    assertEquals(Duration.ofMinutes(1), config.summaryInterval());
    assertEquals(Duration.ofSeconds(20), config.keepAlive());
    assertEquals(Duration.ofSeconds(2), config.willDelay());
    assertEquals(Duration.ofMillis(200), config.reconnectMin());
    assertEquals(Duration.ofSeconds(3), config.reconnectMax());
    assertEquals(7, config.maxInflight());
    assertEquals(Duration.ofDays(7), config.sessionExpiry());
  }

  @Test
  void aValueTheAgentWouldRefuseIsRefusedWithTheAgentsMessageNamingIt() {
    AgentConfigException badId =
        assertThrows(
            AgentConfigException.class,
            () -> VirtualNode.Settings.defaults("Sim_1", BROKER, "", KEY, dir));
    AgentConfigException badKey =
        assertThrows(
            AgentConfigException.class,
            () -> VirtualNode.Settings.defaults("sim-1", BROKER, "", "not-a-key", dir));
    VirtualNode.Settings d = VirtualNode.Settings.defaults("sim-1", BROKER, "", KEY, dir);
    VirtualNode.Settings backwards =
        new VirtualNode.Settings(
            d.nodeId(),
            d.brokerUrl(),
            d.password(),
            d.controllerPublicKey(),
            d.dataDir(),
            d.reconcileInterval(),
            d.summaryInterval(),
            d.keepAlive(),
            d.willDelay(),
            Duration.ofSeconds(10),
            Duration.ofSeconds(1),
            d.maxInflight());
    AgentConfigException badBackoff =
        assertThrows(AgentConfigException.class, backwards::toAgentConfig);

    assertTrue(badId.getMessage().contains("node.id"), badId.getMessage());
    assertTrue(badKey.getMessage().contains("controller.public-key"), badKey.getMessage());
    assertTrue(badBackoff.getMessage().contains("link.reconnect-max"), badBackoff.getMessage());
  }

  @Test
  void aNodeWithSettingsTheAgentRefusesIsNeverMadeAndLeavesNoFiles() {
    VirtualNode.Settings d =
        VirtualNode.Settings.defaults("sim-3", BROKER, "", KEY, dir.resolve("sim-3"));
    VirtualNode.Settings zeroInterval =
        new VirtualNode.Settings(
            d.nodeId(),
            d.brokerUrl(),
            d.password(),
            d.controllerPublicKey(),
            d.dataDir(),
            Duration.ZERO,
            d.summaryInterval(),
            d.keepAlive(),
            d.willDelay(),
            d.reconnectMin(),
            d.reconnectMax(),
            d.maxInflight());

    MutableClock clock = new MutableClock(Instant.parse("2025-06-01T12:00:00Z"));
    ManualScheduler scheduler = new ManualScheduler(clock);
    SimulatedContainerRuntime runtime =
        new SimulatedContainerRuntime(
            clock, scheduler, new Random(1), ImageBehaviour.HEALTHY, Map.of(), Set.of());
    VirtualNode.Threads threads =
        new VirtualNode.Threads(scheduler, Runnable::run, Runnable::run, Runnable::run);

    AgentConfigException e =
        assertThrows(
            AgentConfigException.class,
            () -> new VirtualNode(zeroInterval, runtime, clock, threads));

    assertTrue(e.getMessage().contains("reconcile.interval"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("sim-3")));
  }
}
