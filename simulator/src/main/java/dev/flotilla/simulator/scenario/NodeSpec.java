package dev.flotilla.simulator.scenario;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One virtual node of a scenario's fleet, as {@link FleetSpec#node(int)} lays it out.
 *
 * @param id the node id, {@link FleetSpec#nodeId(int)}
 * @param profile the firmware profile it enrolls with
 * @param labels its labels, sorted by key: {@code district}, {@code site} and its group's
 */
public record NodeSpec(String id, String profile, Map<String, String> labels) {
  public NodeSpec {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(profile, "profile");
    labels = Collections.unmodifiableMap(new TreeMap<>(labels));
  }
}
