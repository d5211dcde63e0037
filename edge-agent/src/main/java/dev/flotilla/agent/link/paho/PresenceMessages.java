package dev.flotilla.agent.link.paho;

import dev.flotilla.agent.link.LinkSettings;
import dev.flotilla.protocol.ProtocolVersions;
import dev.flotilla.protocol.Timestamps;
import dev.flotilla.protocol.v1.Presence;
import java.time.Instant;

/**
 * Builds the node's presence messages: the birth (ONLINE) and the death (OFFLINE). Pure. The
 * simulator's link ({@code dev.flotilla.simulator.link.HubFleetLink}) shares it, so its presence is
 * the agent's byte for byte.
 */
public final class PresenceMessages {
  private PresenceMessages() {}

  /**
   * The presence of the node described by {@code settings} in {@code state} at {@code at}, with the
   * generation {@code settings.appliedGeneration()} reads now.
   */
  public static Presence presence(LinkSettings settings, Presence.State state, Instant at) {
    return Presence.newBuilder()
        .setVersion(ProtocolVersions.current())
        .setNodeId(settings.node().value())
        .setState(state)
        .setAgentVersion(settings.agentVersion())
        .setBootId(settings.bootId())
        .setAt(Timestamps.of(at))
        .setAppliedGeneration(settings.appliedGeneration().getAsLong())
        .build();
  }
}
