package dev.flotilla.agent.link.paho;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flotilla.agent.link.LinkSettings;
import dev.flotilla.protocol.NodeId;
import dev.flotilla.protocol.ProtocolException;
import dev.flotilla.protocol.ProtocolVersions;
import dev.flotilla.protocol.WireDecoder;
import dev.flotilla.protocol.v1.Presence;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PresenceMessagesTest {
  private final AtomicLong applied = new AtomicLong(7);
  private final LinkSettings settings =
      new LinkSettings(
          "tcp://127.0.0.1:1883",
          new NodeId("gw-001"),
          "",
          Duration.ofHours(1),
          Duration.ofSeconds(30),
          Duration.ofSeconds(10),
          Duration.ofSeconds(1),
          Duration.ofSeconds(60),
          64,
          "0.1.0",
          "boot-1234",
          applied::get);

  @Test
  void anOnlinePresenceCarriesTheNodeTheBootAndTheAppliedGeneration() throws ProtocolException {
    Instant at = Instant.parse("2026-01-02T03:04:05.678901234Z");

    Presence presence = PresenceMessages.presence(settings, Presence.State.ONLINE, at);

    Presence decoded = new WireDecoder().presence(presence.toByteArray());
    assertEquals(ProtocolVersions.current(), decoded.getVersion());
    assertEquals("gw-001", decoded.getNodeId());
    assertEquals(Presence.State.ONLINE, decoded.getState());
    assertEquals("0.1.0", decoded.getAgentVersion());
    assertEquals("boot-1234", decoded.getBootId());
    assertEquals(7, decoded.getAppliedGeneration());
    assertEquals(at.getEpochSecond(), decoded.getAt().getSeconds());
    assertEquals(at.getNano(), decoded.getAt().getNanos());
  }

  @Test
  void anOfflinePresenceReadsTheAppliedGenerationWhenItIsBuilt() throws ProtocolException {
    applied.set(42);

    Presence presence = PresenceMessages.presence(settings, Presence.State.OFFLINE, Instant.EPOCH);

    Presence decoded = new WireDecoder().presence(presence.toByteArray());
    assertEquals(Presence.State.OFFLINE, decoded.getState());
    assertEquals(42, decoded.getAppliedGeneration());
    assertEquals(0, decoded.getAt().getSeconds());
  }
}
