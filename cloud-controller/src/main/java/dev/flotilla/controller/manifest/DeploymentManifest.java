package dev.flotilla.controller.manifest;

import dev.flotilla.controller.fleet.LabelSelector;
import dev.flotilla.controller.model.MaintenanceWindow;
import dev.flotilla.controller.model.PlacementSpec;
import dev.flotilla.controller.model.RolloutStrategy;
import dev.flotilla.controller.model.WorkloadTemplate;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A validated {@code kind: Deployment} manifest with its defaults filled in: two manifests that
 * mean the same thing are equal, whichever notation and spelling they used. Built by {@link
 * ManifestReader}; {@link ManifestWriter} turns it back into a document.
 *
 * @param name {@code metadata.name}, a DNS label; it also names the workload on every node
 * @param labels {@code metadata.labels}, sorted by key
 * @param selector the nodes to run on; {@link LabelSelector#EVERYTHING} when the manifest has none
 * @param placement {@code spec.placement}; {@link PlacementSpec#EVERY_NODE} when absent
 * @param strategy {@code spec.strategy}; {@link RolloutStrategy#DEFAULT} when absent
 * @param windows {@code spec.maintenanceWindows}; empty: updates at any time
 * @param template the container to run
 */
public record DeploymentManifest(
    String name,
    SortedMap<String, String> labels,
    LabelSelector selector,
    PlacementSpec placement,
    RolloutStrategy strategy,
    List<MaintenanceWindow> windows,
    WorkloadTemplate template) {
  public DeploymentManifest {
    Objects.requireNonNull(name, "name");
    // putAll rather than new TreeMap<>(labels), which would keep a caller's own comparator.
    TreeMap<String, String> natural = new TreeMap<>();
    natural.putAll(labels);
    labels = Collections.unmodifiableSortedMap(natural);
    Objects.requireNonNull(selector, "selector");
    Objects.requireNonNull(placement, "placement");
    Objects.requireNonNull(strategy, "strategy");
    windows = List.copyOf(windows);
    Objects.requireNonNull(template, "template");
  }
}
