package dev.flotilla.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.protocol.SigningKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigTest {
  static final String KEY = SigningKeys.encodePublic(SigningKeys.generate().getPublic());

  static Properties minimal() {
    Properties p = new Properties();
    p.setProperty("node.id", "gw-001");
    p.setProperty("broker.url", "tcp://controller.local:1883");
    p.setProperty("controller.public-key", KEY);
    return p;
  }

  @Test
  void aMinimalFileGetsTheDocumentedDefaults() {
    AgentConfig c = AgentConfig.from(minimal(), Map.of(), "agent.properties");
    assertEquals("gw-001", c.node().value());
    assertEquals(Path.of("/run/podman/podman.sock"), c.podmanSocket());
    assertEquals(Path.of("/var/lib/flotilla-agent/agent.db"), c.storeFile());
    assertEquals(Duration.ofSeconds(10), c.reconcileInterval());
    assertEquals(Duration.ofDays(7), c.sessionExpiry());
    assertEquals(100, c.maxInflight());
    assertEquals(100_000, c.outboxLimits().maxEvents());
    assertEquals(64L << 20, c.outboxLimits().maxBytes());
    assertEquals(256 * 1024, c.decodeLimits().maxPayloadBytes());
    assertEquals(ZoneId.systemDefault(), c.timeZone());
  }

  @Test
  void theNodesTimeZoneIsAnIanaIdAndReachesTheCoresSettings() {
    Properties p = minimal();
    p.setProperty("node.time-zone", "Europe/Berlin");
    AgentConfig c = AgentConfig.from(p, Map.of(), "agent.properties");
    assertEquals(ZoneId.of("Europe/Berlin"), c.timeZone());
    assertEquals(ZoneId.of("Europe/Berlin"), c.agentSettings("1", "boot").timeZone());
    assertEquals(
        ZoneId.of("Asia/Tokyo"),
        AgentConfig.from(p, Map.of("FLOTILLA_NODE_TIME_ZONE", "Asia/Tokyo"), "agent.properties")
            .timeZone());
  }

  @Test
  void theEnvironmentOverridesTheFile() {
    AgentConfig c =
        AgentConfig.from(
            minimal(),
            Map.of("FLOTILLA_BROKER_URL", "ssl://broker:8883", "FLOTILLA_LINK_WILL_DELAY", "5s"),
            "agent.properties");
    assertEquals("ssl://broker:8883", c.brokerUrl());
    assertEquals(Duration.ofSeconds(5), c.willDelay());
  }

  @Test
  void aMissingRequiredKeyNamesTheKeyAndItsVariable() {
    Properties p = minimal();
    p.remove("controller.public-key");
    AgentConfigException e =
        assertThrows(
            AgentConfigException.class, () -> AgentConfig.from(p, Map.of(), "agent.properties"));
    assertTrue(e.getMessage().contains("'controller.public-key' is required"), e.getMessage());
    assertTrue(e.getMessage().contains("FLOTILLA_CONTROLLER_PUBLIC_KEY"), e.getMessage());
  }

  @Test
  void anUnknownKeyIsRefusedSoATypoNeverFallsBackToADefault() {
    Properties p = minimal();
    p.setProperty("podman.sockett", "/tmp/x.sock");
    AgentConfigException e =
        assertThrows(
            AgentConfigException.class, () -> AgentConfig.from(p, Map.of(), "agent.properties"));
    assertTrue(e.getMessage().contains("unknown key 'podman.sockett'"), e.getMessage());
  }

  @Test
  void badValuesAreRefusedNamingTheKey() {
    for (String[] bad :
        new String[][] {
          {"node.id", "Gateway_1"},
          {"broker.url", "http://x"},
          {"controller.public-key", "bm9wZQ=="},
          {"reconcile.interval", "10 seconds"},
          {"reconcile.interval", "0s"},
          {"outbox.max-bytes", "lots"},
          {"link.max-inflight", "0"},
          {"node.time-zone", "Mars/Olympus_Mons"},
        }) {
      Properties p = minimal();
      p.setProperty(bad[0], bad[1]);
      AgentConfigException e =
          assertThrows(
              AgentConfigException.class,
              () -> AgentConfig.from(p, Map.of(), "agent.properties"),
              bad[0]);
      assertTrue(e.getMessage().contains("'" + bad[0] + "'"), e.getMessage());
    }
  }

  @Test
  void aBadValueFromTheEnvironmentNamesTheVariable() {
    AgentConfigException e =
        assertThrows(
            AgentConfigException.class,
            () ->
                AgentConfig.from(
                    minimal(), Map.of("FLOTILLA_OUTBOX_MAX_EVENTS", "-3"), "agent.properties"));
    assertTrue(e.getMessage().contains("FLOTILLA_OUTBOX_MAX_EVENTS"), e.getMessage());
  }

  @Test
  void loadsAFileAndSaysWhichFileItCouldNotRead(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("agent.properties");
    Files.writeString(
        file,
        "node.id=gw-009\nbroker.url=tcp://127.0.0.1:1883\ncontroller.public-key=" + KEY + "\n");
    assertEquals("gw-009", AgentConfig.load(file, Map.of()).node().value());
    AgentConfigException e =
        assertThrows(
            AgentConfigException.class, () -> AgentConfig.load(dir.resolve("nope"), Map.of()));
    assertTrue(e.getMessage().contains("nope"), e.getMessage());
  }
}
