package dev.flotilla.controller.manifest;

import dev.flotilla.controller.fleet.LabelSelector;
import dev.flotilla.controller.model.PlacementSpec;
import dev.flotilla.controller.model.WorkloadTemplate;
import java.util.Collections;
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
 * @param template the container to run
 */
public record DeploymentManifest(
    String name,
    SortedMap<String, String> labels,
    LabelSelector selector,
    PlacementSpec placement,
    WorkloadTemplate template) {
  public DeploymentManifest {
    Objects.requireNonNull(name, "name");
    // putAll rather than new TreeMap<>(labels), which would keep a caller's own comparator.
    TreeMap<String, String> natural = new TreeMap<>();
    natural.putAll(labels);
    labels = Collections.unmodifiableSortedMap(natural);
    Objects.requireNonNull(selector, "selector");
    Objects.requireNonNull(placement, "placement");
    Objects.requireNonNull(template, "template");
  }
}
