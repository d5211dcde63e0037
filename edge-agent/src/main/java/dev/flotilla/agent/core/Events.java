package dev.flotilla.agent.core;

import dev.flotilla.agent.model.AgentEvent;
import java.time.Instant;
import java.util.Map;

/**
 * Builds events. The timestamp is filled in by {@link Outbox} from the agent's clock, so callers
 * never read the time themselves.
 */
final class Events {
  private Events() {}

  static AgentEvent info(
      String type, String workload, long generation, String message, Map<String, String> attrs) {
    return of(AgentEvent.Severity.INFO, type, workload, generation, message, attrs);
  }

  static AgentEvent of(
      AgentEvent.Severity severity,
      String type,
      String workload,
      long generation,
      String message,
      Map<String, String> attrs) {
    return new AgentEvent(Instant.EPOCH, severity, type, workload, generation, message, attrs);
  }
}
