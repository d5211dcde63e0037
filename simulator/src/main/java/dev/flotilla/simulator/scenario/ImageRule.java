package dev.flotilla.simulator.scenario;

import dev.flotilla.simulator.runtime.ImageBehaviour;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How the containers of one image behave on some nodes of the fleet (slow or failing pulls, slow
 * starts, crash loops, failing probes); elsewhere every image is {@link ImageBehaviour#HEALTHY}.
 *
 * @param image the image reference, as a manifest's {@code spec.template.image} names it
 * @param profiles the profiles of the nodes it applies to; empty: every profile
 * @param share the fraction of the matching nodes it applies to, above 0 and at most 1 (YAML
 *     default 1); which ones is fixed by the fleet's seed and the image name ({@link #select})
 * @param pullTime how long a pull takes, 0 or more (YAML default 0s)
 * @param pullFails whether a pull fails, as a registry without the image does (default false)
 * @param startDelay how long after a start the workload becomes ready, 0 or more (default 0s)
 * @param crashAfter nullable: every start ends that long after with exit code 1 (a crash loop);
 *     null (the default): the container runs until stopped
 * @param probeHealthy what the health probe of a ready container says (default true)
 */
public record ImageRule(
    String image,
    List<String> profiles,
    double share,
    Duration pullTime,
    boolean pullFails,
    Duration startDelay,
    @Nullable Duration crashAfter,
    boolean probeHealthy) {

  public ImageRule {
    Objects.requireNonNull(image, "image");
    profiles = List.copyOf(profiles);
    if (!(share > 0 && share <= 1)) {
      throw new IllegalArgumentException("share must be above 0 and at most 1, got " + share);
    }
    Objects.requireNonNull(pullTime, "pullTime");
    Objects.requireNonNull(startDelay, "startDelay");
  }

  /** The simulated runtime's behaviour for this image where the rule applies. */
  public ImageBehaviour behaviour() {
    return new ImageBehaviour(pullTime, pullFails, startDelay, crashAfter, probeHealthy);
  }

  /**
   * The ids of the nodes the rule applies to, in fleet order: {@code share} of the nodes with one
   * of the profiles, ranked as {@link NodeSelector#select} ranks them but under {@code seed} varied
   * by the image name, so an image's nodes do not coincide with a fault's picks under the same
   * seed.
   */
  public List<String> select(List<NodeSpec> fleet, long seed) {
    return new NodeSelector(Map.of(), profiles, share < 1 ? share : null, null)
        .select(fleet, seed ^ NodeSelector.hash(image));
  }
}
