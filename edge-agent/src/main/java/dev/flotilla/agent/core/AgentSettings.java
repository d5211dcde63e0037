package dev.flotilla.agent.core;

import dev.flotilla.protocol.NodeId;
import java.time.Duration;
import java.util.Objects;

/**
 * What the agent core needs to know about itself.
 *
 * @param node this node's id
 * @param reconcileInterval how often a reconcile pass runs with nothing else triggering one
 * @param summaryInterval how often a small status summary is sent while connected
 * @param agentVersion reported in status and presence
 * @param bootId new on every start
 */
public record AgentSettings(
    NodeId node,
    Duration reconcileInterval,
    Duration summaryInterval,
    String agentVersion,
    String bootId) {
  public AgentSettings {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(reconcileInterval, "reconcileInterval");
    Objects.requireNonNull(summaryInterval, "summaryInterval");
    Objects.requireNonNull(agentVersion, "agentVersion");
    Objects.requireNonNull(bootId, "bootId");
  }
}
