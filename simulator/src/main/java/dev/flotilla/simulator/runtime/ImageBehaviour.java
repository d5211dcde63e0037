package dev.flotilla.simulator.runtime;

import java.time.Duration;
import java.util.Objects;

/**
 * How the containers of one image behave in a {@link SimulatedContainerRuntime}: what a scenario
 * sets per image to script slow pulls, failing pulls, slow starts, crash loops and failing health
 * checks. Immutable; the {@code with*} methods return changed copies.
 *
 * @param pullTime how long a pull of the image takes (simulated time on the runtime's scheduler);
 *     zero: at once
 * @param pullFails whether a pull fails, after {@code pullTime}, the way Podman reports a registry
 *     that does not know the image ({@code manifest unknown}, an ENGINE_ERROR); the image then
 *     stays absent
 * @param startDelay how long after a start the workload inside becomes ready: until then an exec
 *     (the agent's exec probe) exits 1. The container itself runs at once, as Podman's start
 *     returns once the process runs; zero: ready at once
 * @param crashAfter nullable: when set, every start of a container of this image ends that long
 *     after it with the process exiting with code 1 (a {@code died} event), as a crash loop would;
 *     null: the container runs until it is stopped
 * @param probeHealthy what an exec in a ready, running container exits with: 0 when true, 1 when
 *     false
 */
public record ImageBehaviour(
    Duration pullTime,
    boolean pullFails,
    Duration startDelay,
    Duration crashAfter,
    boolean probeHealthy) {

  /** Pulls at once, starts at once, never crashes, passes its probes. */
  public static final ImageBehaviour HEALTHY =
      new ImageBehaviour(Duration.ZERO, false, Duration.ZERO, null, true);

  public ImageBehaviour {
    requireNotNegative(pullTime, "pullTime");
    requireNotNegative(startDelay, "startDelay");
    if (crashAfter != null) {
      requireNotNegative(crashAfter, "crashAfter");
    }
  }

  public ImageBehaviour withPullTime(Duration value) {
    return new ImageBehaviour(value, pullFails, startDelay, crashAfter, probeHealthy);
  }

  public ImageBehaviour withPullFails(boolean value) {
    return new ImageBehaviour(pullTime, value, startDelay, crashAfter, probeHealthy);
  }

  public ImageBehaviour withStartDelay(Duration value) {
    return new ImageBehaviour(pullTime, pullFails, value, crashAfter, probeHealthy);
  }

  /**
   * @param value nullable: null for a container that never crashes
   */
  public ImageBehaviour withCrashAfter(Duration value) {
    return new ImageBehaviour(pullTime, pullFails, startDelay, value, probeHealthy);
  }

  public ImageBehaviour withProbeHealthy(boolean value) {
    return new ImageBehaviour(pullTime, pullFails, startDelay, crashAfter, value);
  }

  private static void requireNotNegative(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, got " + value);
    }
  }
}
