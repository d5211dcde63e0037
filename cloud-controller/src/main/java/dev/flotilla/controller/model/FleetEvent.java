package dev.flotilla.controller.model;

import java.time.Instant;
import java.util.Collections;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An event as stored: from a node (numbered by the node) or from the controller (node {@code ""},
 * numbered by the controller).
 *
 * @param order the order in which the controller stored it; the paging key
 * @param workload the workload (deployment) it concerns; empty for none
 */
public record FleetEvent(
    String node,
    long sequence,
    long order,
    Instant at,
    Instant receivedAt,
    String severity,
    String type,
    String workload,
    long generation,
    String message,
    SortedMap<String, String> attributes) {
  public FleetEvent {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(receivedAt, "receivedAt");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(workload, "workload");
    Objects.requireNonNull(message, "message");
    attributes = Collections.unmodifiableSortedMap(new TreeMap<>(attributes));
  }
}
