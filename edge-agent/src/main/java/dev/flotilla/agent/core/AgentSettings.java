package dev.flotilla.agent.core;

import dev.flotilla.protocol.NodeId;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Objects;

/**
 * What the agent core needs to know about itself.
 *
 * @param node this node's id
 * @param reconcileInterval how often a reconcile pass runs with nothing else triggering one
 * @param summaryInterval how often a small status summary is sent while connected
 * @param agentVersion reported in status and presence
 * @param bootId new on every start
 * @param timeZone the node's time zone: maintenance windows that name none are in it
 */
public record AgentSettings(
    NodeId node,
    Duration reconcileInterval,
    Duration summaryInterval,
    String agentVersion,
    String bootId,
    ZoneId timeZone) {
  public AgentSettings {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(reconcileInterval, "reconcileInterval");
    Objects.requireNonNull(summaryInterval, "summaryInterval");
    Objects.requireNonNull(agentVersion, "agentVersion");
    Objects.requireNonNull(bootId, "bootId");
    Objects.requireNonNull(timeZone, "timeZone");
  }
}
