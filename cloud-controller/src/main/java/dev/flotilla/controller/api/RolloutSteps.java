package dev.flotilla.controller.api;

import dev.flotilla.controller.model.Amount;
import dev.flotilla.controller.model.RolloutStrategy;
import dev.flotilla.controller.rollout.Counts;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A rollout's progress per step, for the dashboard's chart: each step's target (how many of the
 * targeted nodes it releases, cumulative, as the engine counts them) beside how many are released,
 * updated and failed so far, capped at that target. Pure.
 *
 * <p>Canary steps are known from the strategy. Rolling and all-at-once have one step. Waves are
 * shown as one step over every targeted node: which node falls in which wave is the engine's to
 * say, and the rollout's counts are not split by wave.
 */
final class RolloutSteps {
  private RolloutSteps() {}

  /**
   * One step.
   *
   * @param step from 0
   * @param label for people, e.g. {@code 25%} or {@code all}
   * @param target nodes released once this step is reached, cumulative
   * @param status {@code done}, {@code current} or {@code next}
   * @param pause the pause after the step: empty, a duration such as {@code PT10M}, or {@code
   *     untilResumed}
   */
  record StepView(
      int step,
      String label,
      int target,
      int released,
      int updated,
      int failed,
      String status,
      String pause) {}

  /**
   * The rollout's steps.
   *
   * @param counts the rollout's counts now; null for a finished rollout (every figure 0)
   * @param currentStep the rollout's step, from 0
   */
  static List<StepView> of(RolloutStrategy strategy, @Nullable Counts counts, int currentStep) {
    Counts c = counts == null ? Counts.NONE : counts;
    List<StepView> out = new ArrayList<>();
    if (strategy.type() == RolloutStrategy.Type.CANARY) {
      List<RolloutStrategy.CanaryStep> steps = strategy.steps();
      for (int i = 0; i < steps.size(); i++) {
        RolloutStrategy.CanaryStep s = steps.get(i);
        int target =
            c.targeted() == 0 ? 0 : Math.max(1, Amount.percent(s.percent()).ceilOf(c.targeted()));
        out.add(step(i, s.percent() + "%", target, c, currentStep, pause(s.pause())));
      }
      return out;
    }
    String label = strategy.type() == RolloutStrategy.Type.WAVES ? "all waves" : "all";
    out.add(step(0, label, c.targeted(), c, 0, ""));
    return out;
  }

  private static StepView step(int i, String label, int target, Counts c, int current, String p) {
    String status = i < current ? "done" : i == current ? "current" : "next";
    return new StepView(
        i,
        label,
        target,
        Math.min(c.released(), target),
        Math.min(c.updated(), target),
        Math.min(c.failed(), target),
        status,
        p);
  }

  private static String pause(RolloutStrategy.Pause p) {
    if (p.untilResumed()) {
      return "untilResumed";
    }
    return p.none() ? "" : String.valueOf(p.duration());
  }
}
