package dev.flotilla.profiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentTuningTest {
  @Test
  void writesTheAgentsConfigurationKeysInItsDurationNotation() {
    assertEquals(
        Map.of(
            "link.keep-alive", "1m",
            "status.summary-interval", "5m",
            "link.will-delay", "30s",
            "link.reconnect-max", "5m"),
        AgentTuning.LAN.agentSettings());
    assertEquals(
        List.of(
            "link.keep-alive", "link.reconnect-max", "link.will-delay", "status.summary-interval"),
        List.copyOf(AgentTuning.LAN.agentSettings().keySet()));
  }

  @Test
  void writesOddDurationsInTheOneUnitThatKeepsThemExact() {
    AgentTuning t =
        new AgentTuning(
            Duration.ofMillis(10_500),
            Duration.ofSeconds(90),
            Duration.ofSeconds(1),
            Duration.ofHours(2));

    assertEquals(
        Map.of(
            "link.keep-alive", "10500ms",
            "status.summary-interval", "90s",
            "link.will-delay", "1s",
            "link.reconnect-max", "2h"),
        t.agentSettings());
  }

  @Test
  void cellularLinksGetTheSlowerCadence() {
    assertSame(AgentTuning.CELLULAR, AgentTuning.defaultsFor(Connectivity.CELLULAR));
    assertEquals(
        Map.of(
            "link.keep-alive", "4m",
            "status.summary-interval", "5m",
            "link.will-delay", "2m",
            "link.reconnect-max", "15m"),
        AgentTuning.CELLULAR.agentSettings());
  }

  @Test
  void ethernetAndWifiGetTheAgentsOwnDefaults() {
    assertSame(AgentTuning.LAN, AgentTuning.defaultsFor(Connectivity.ETHERNET));
    assertSame(AgentTuning.LAN, AgentTuning.defaultsFor(Connectivity.WIFI));
  }

  @Test
  void refusesValuesOutsideTheBounds() {
    Duration ok = Duration.ofMinutes(1);
    assertThrows(
        IllegalArgumentException.class, () -> new AgentTuning(Duration.ofSeconds(9), ok, ok, ok));
    assertThrows(
        IllegalArgumentException.class, () -> new AgentTuning(ok, Duration.ofHours(25), ok, ok));
    assertThrows(IllegalArgumentException.class, () -> new AgentTuning(ok, ok, Duration.ZERO, ok));
    assertThrows(
        IllegalArgumentException.class, () -> new AgentTuning(ok, ok, ok, Duration.ofSeconds(5)));
  }

  @Test
  void namesConnectivityClassesAsProfileFilesDo() {
    assertEquals(List.of("ethernet", "wifi", "cellular"), Connectivity.yamlNames());
    assertEquals("wifi", Connectivity.WIFI.yamlName());
  }
}
