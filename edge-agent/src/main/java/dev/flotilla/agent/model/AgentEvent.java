package dev.flotilla.agent.model;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Something the operator should be able to see, produced by the agent and kept in the outbox until
 * the controller has it.
 *
 * @param at when it happened
 * @param severity how bad
 * @param type a stable dotted name, e.g. {@code desired.refused}, {@code workload.restarted}
 * @param workload the workload concerned; empty when none
 * @param generation the desired-state generation concerned; 0 when none
 * @param message one human-readable sentence
 * @param attributes machine-readable details, e.g. {@code reason=BAD_SIGNATURE}
 */
public record AgentEvent(
    Instant at,
    Severity severity,
    String type,
    String workload,
    long generation,
    String message,
    Map<String, String> attributes) {

  public enum Severity {
    INFO,
    WARNING,
    ERROR
  }

  public AgentEvent {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(workload, "workload");
    Objects.requireNonNull(message, "message");
    attributes = Map.copyOf(attributes);
  }
}
