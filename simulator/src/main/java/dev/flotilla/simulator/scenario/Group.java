package dev.flotilla.simulator.scenario;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A share of the fleet with one firmware profile and extra labels.
 *
 * @param profile a firmware profile the controller knows (the reader checks the catalog)
 * @param share the fraction of the fleet, above 0 and at most 1; a fleet's groups sum to 1
 * @param labels added to every node of the group besides {@code district} and {@code site} (which
 *     the layout sets, so a group may not), sorted by key
 */
public record Group(String profile, double share, Map<String, String> labels) {
  public Group {
    Objects.requireNonNull(profile, "profile");
    if (!(share > 0 && share <= 1)) {
      throw new IllegalArgumentException("share must be above 0 and at most 1, got " + share);
    }
    labels = Collections.unmodifiableMap(new TreeMap<>(labels));
    for (String key : List.of(FleetSpec.DISTRICT, FleetSpec.SITE)) {
      if (labels.containsKey(key)) {
        throw new IllegalArgumentException(
            "the label '" + key + "' is the fleet layout's; give the group another key");
      }
    }
  }
}
