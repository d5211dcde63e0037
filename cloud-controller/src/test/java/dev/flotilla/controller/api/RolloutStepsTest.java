package dev.flotilla.controller.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flotilla.controller.api.RolloutSteps.StepView;
import dev.flotilla.controller.model.RolloutStrategy;
import dev.flotilla.controller.model.RolloutStrategy.CanaryStep;
import dev.flotilla.controller.model.RolloutStrategy.Pause;
import dev.flotilla.controller.rollout.Counts;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RolloutStepsTest {
  private static RolloutStrategy canary(CanaryStep... steps) {
    RolloutStrategy d = RolloutStrategy.DEFAULT;
    return new RolloutStrategy(
        RolloutStrategy.Type.CANARY,
        d.maxUpdating(),
        List.of(steps),
        null,
        d.onNode(),
        d.blueGreen(),
        d.soak(),
        d.progressDeadline(),
        d.errorThreshold(),
        d.onFailure(),
        d.unreachable());
  }

  @Test
  void canaryStepsTargetTheirShareOfTheTargetedNodesRoundedUpAsTheEngineCounts() {
    RolloutStrategy s =
        canary(
            new CanaryStep(25, Pause.UNTIL_RESUMED),
            new CanaryStep(50, Pause.of(Duration.ofMinutes(10))),
            new CanaryStep(100, Pause.NONE));
    // 10 targeted: 3 released (7 pending), 2 of them updated, 1 failed.
    Counts c = new Counts(10, 7, 0, 0, 2, 1, 0);
    List<StepView> steps = RolloutSteps.of(s, c, 0);
    assertEquals(
        List.of(
            new StepView(0, "25%", 3, 3, 2, 1, "current", "untilResumed"),
            new StepView(1, "50%", 5, 3, 2, 1, "next", "PT10M"),
            new StepView(2, "100%", 10, 3, 2, 1, "next", "")),
        steps);
  }

  @Test
  void aStepNeverShowsMoreThanItsTarget() {
    RolloutStrategy s = canary(new CanaryStep(10, Pause.NONE), new CanaryStep(100, Pause.NONE));
    Counts c = new Counts(4, 0, 1, 0, 3, 0, 0);
    List<StepView> steps = RolloutSteps.of(s, c, 1);
    assertEquals(new StepView(0, "10%", 1, 1, 1, 0, "done", ""), steps.get(0));
    assertEquals(new StepView(1, "100%", 4, 4, 3, 0, "current", ""), steps.get(1));
  }

  @Test
  void rollingIsOneStepOverEveryTargetedNodeAndAFinishedRolloutCountsNothing() {
    Counts c = new Counts(8, 4, 2, 0, 2, 0, 0);
    assertEquals(
        List.of(new StepView(0, "all", 8, 4, 2, 0, "current", "")),
        RolloutSteps.of(RolloutStrategy.DEFAULT, c, 0));
    assertEquals(
        List.of(new StepView(0, "all", 0, 0, 0, 0, "current", "")),
        RolloutSteps.of(RolloutStrategy.DEFAULT, null, 0));
  }
}
