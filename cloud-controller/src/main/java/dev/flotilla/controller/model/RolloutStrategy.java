package dev.flotilla.controller.model;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a new revision of a deployment reaches its nodes: the manifest's {@code spec.strategy}, with
 * defaults filled in ({@link #DEFAULT}). Changing it never makes a new revision; a rollout in
 * progress follows the strategy as it is now.
 *
 * @param type how nodes are chosen over time
 * @param maxUpdating ROLLING: at most this many of the targeted nodes updating at once; WAVES: the
 *     same within one wave; ignored by CANARY and ALL_AT_ONCE
 * @param steps CANARY: cumulative shares of the targeted nodes, the last one 100
 * @param waves WAVES: the groups and their thresholds; null for the other types
 * @param onNode how one node swaps the old revision for the new one
 * @param blueGreen BLUE_GREEN timings on the node
 * @param soak a node counts as updated once it reports the new revision running and healthy for
 *     this long
 * @param progressDeadline a reachable node that has the new revision but is not updated after this
 *     long counts as failed
 * @param errorThreshold failed nodes beyond this (of the nodes released so far; of the wave for
 *     WAVES) stop the rollout; {@code 0} stops at the first failure
 * @param onFailure what stopping means
 * @param unreachable how the rollout treats nodes it cannot hear from
 */
public record RolloutStrategy(
    Type type,
    Amount maxUpdating,
    List<CanaryStep> steps,
    @Nullable Waves waves,
    NodeUpdate onNode,
    BlueGreen blueGreen,
    Duration soak,
    Duration progressDeadline,
    Amount errorThreshold,
    OnFailure onFailure,
    Unreachable unreachable) {

  public enum Type {
    ROLLING,
    CANARY,
    WAVES,
    ALL_AT_ONCE;

    /**
     * The manifest's spelling: {@code Rolling}, {@code Canary}, {@code Waves}, {@code AllAtOnce}.
     */
    public String manifestName() {
      return switch (this) {
        case ROLLING -> "Rolling";
        case CANARY -> "Canary";
        case WAVES -> "Waves";
        case ALL_AT_ONCE -> "AllAtOnce";
      };
    }
  }

  /** How a node swaps revisions. */
  public enum NodeUpdate {
    /** Stop the old container, start the new one. */
    REPLACE,
    /** Start the new one beside the old, switch when healthy, fall back if it never is. */
    BLUE_GREEN;

    public String manifestName() {
      return this == REPLACE ? "Replace" : "BlueGreen";
    }
  }

  public enum OnFailure {
    /** Every node goes back to the revision the rollout started from. */
    ROLLBACK,
    /** The rollout pauses where it is until an operator resumes, aborts or undoes it. */
    PAUSE;

    public String manifestName() {
      return this == ROLLBACK ? "Rollback" : "Pause";
    }
  }

  /**
   * A canary step: release the new revision to {@code percent} of the targeted nodes (counting
   * those released before), wait for them to pass the health gate, then pause.
   */
  public record CanaryStep(int percent, Pause pause) {
    public CanaryStep {
      if (percent < 1 || percent > 100) {
        throw new IllegalArgumentException("percent must be 1 to 100");
      }
      Objects.requireNonNull(pause, "pause");
    }
  }

  /**
   * A pause after a step or wave: none, a time, or until an operator resumes or promotes.
   *
   * @param duration null when {@code untilResumed}
   */
  public record Pause(@Nullable Duration duration, boolean untilResumed) {
    public static final Pause NONE = new Pause(Duration.ZERO, false);
    public static final Pause UNTIL_RESUMED = new Pause(null, true);

    public Pause {
      if (untilResumed != (duration == null)) {
        throw new IllegalArgumentException("a pause is either timed or until resumed");
      }
    }

    public static Pause of(Duration duration) {
      return duration.isZero() ? NONE : new Pause(duration, false);
    }

    public boolean none() {
      return !untilResumed && duration.isZero();
    }
  }

  /**
   * Waves: nodes grouped by the value of a label and updated one group after another.
   *
   * @param labelKey the label whose value names a node's wave, e.g. {@code district}
   * @param order the values in the order their waves go; values not listed follow in sorted order,
   *     and nodes without the label form the last wave. Empty: sorted order
   * @param successThreshold a wave is done when this many of its reachable nodes are updated
   * @param pause after each wave but the last
   */
  public record Waves(String labelKey, List<String> order, Amount successThreshold, Pause pause) {
    public Waves {
      Objects.requireNonNull(labelKey, "labelKey");
      order = List.copyOf(order);
      Objects.requireNonNull(successThreshold, "successThreshold");
      Objects.requireNonNull(pause, "pause");
    }
  }

  /**
   * @param switchAfter the new revision must stay running and healthy this long before the old one
   *     is stopped
   * @param giveUpAfter the new revision has this long to become healthy before the node falls back
   */
  public record BlueGreen(Duration switchAfter, Duration giveUpAfter) {
    public static final BlueGreen DEFAULT = new BlueGreen(Duration.ZERO, Duration.ofMinutes(5));

    public BlueGreen {
      Objects.requireNonNull(switchAfter, "switchAfter");
      Objects.requireNonNull(giveUpAfter, "giveUpAfter");
    }
  }

  /**
   * @param waitForQuorum false: unreachable nodes neither hold a step back nor fail it (they get
   *     the new revision retained and converge when they return); true: a step also waits until
   *     {@code quorum} of the nodes released so far are updated
   * @param quorum the share that must be updated when waiting for a quorum
   */
  public record Unreachable(boolean waitForQuorum, Amount quorum) {
    public static final Unreachable PROCEED = new Unreachable(false, Amount.percent(100));

    public Unreachable {
      Objects.requireNonNull(quorum, "quorum");
    }
  }

  /** No {@code spec.strategy}: rolling, a quarter of the nodes at a time. */
  public static final RolloutStrategy DEFAULT =
      new RolloutStrategy(
          Type.ROLLING,
          Amount.percent(25),
          List.of(),
          null,
          NodeUpdate.REPLACE,
          BlueGreen.DEFAULT,
          Duration.ofSeconds(30),
          Duration.ofMinutes(10),
          Amount.percent(5),
          OnFailure.ROLLBACK,
          Unreachable.PROCEED);

  public RolloutStrategy {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(maxUpdating, "maxUpdating");
    steps = List.copyOf(steps);
    Objects.requireNonNull(onNode, "onNode");
    Objects.requireNonNull(blueGreen, "blueGreen");
    Objects.requireNonNull(soak, "soak");
    Objects.requireNonNull(progressDeadline, "progressDeadline");
    Objects.requireNonNull(errorThreshold, "errorThreshold");
    Objects.requireNonNull(onFailure, "onFailure");
    Objects.requireNonNull(unreachable, "unreachable");
    if (type == Type.CANARY && (steps.isEmpty() || steps.getLast().percent() != 100)) {
      throw new IllegalArgumentException("canary steps must end at 100 percent");
    }
    if (type == Type.WAVES && waves == null) {
      throw new IllegalArgumentException("waves need a wave section");
    }
  }
}
