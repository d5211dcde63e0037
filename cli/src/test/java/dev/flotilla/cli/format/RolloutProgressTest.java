package dev.flotilla.cli.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RolloutProgressTest {
  @Test
  void barsShowHealthyFailedAndUpdatingCellsAgainstTheTarget() {
    assertEquals("[==!>......]", RolloutProgress.bar(2, 1, 4, 10, 10));
    assertEquals("[..........]", RolloutProgress.bar(0, 0, 0, 10, 10));
    assertEquals("[==========]", RolloutProgress.bar(10, 0, 10, 10, 10));
    assertEquals("[..........]", RolloutProgress.bar(0, 0, 0, 0, 10));
  }

  @Test
  void canaryTargetsRoundUpAndAreAtLeastOneNode() {
    assertEquals(List.of(1, 5, 10), RolloutProgress.canaryTargets(List.of(1, 50, 100), 10));
    assertEquals(List.of(1, 2, 3), RolloutProgress.canaryTargets(List.of(10, 34, 100), 3));
  }

  @Test
  void aCanaryDrawsOneBarPerStepWithTheCurrentOneMarked() {
    RolloutProgress p =
        new RolloutProgress(
            3, "aq", 1, 2, "PAUSED", 1, 3, 10, 5, 2, 1, List.of(1, 5, 10), "step 2 untilResumed");
    List<String> lines = p.lines();
    assertEquals(4, lines.size());
    assertEquals(
        "rollout 3 of aq: revision 1 -> 2, PAUSED, step 2/3 (step 2 untilResumed)", lines.get(0));
    assertTrue(
        lines.get(1).startsWith("step 1/3  [========================]  released  1/1"),
        lines.get(1));
    assertTrue(lines.get(1).endsWith("passed"), lines.get(1));
    assertTrue(
        lines.get(2).contains("released  5/5  healthy  2/5  failed 1  current"), lines.get(2));
    assertTrue(lines.get(3).contains("released  5/10  healthy  2/10  failed 1"), lines.get(3));
    assertFalse(p.finished());
  }

  @Test
  void aFinishedRolloutIsOneHeadingLineAndItsSummaryHasNoCounts() {
    RolloutProgress p =
        new RolloutProgress(
            4, "aq", 2, 3, "ROLLED_BACK", 0, 1, -1, 0, 0, 0, List.of(), "gate failed");
    assertEquals(List.of("rollout 4 of aq: revision 2 -> 3, ROLLED_BACK (gate failed)"), p.lines());
    assertEquals("rollout 4 of aq: revision 2 -> 3, ROLLED_BACK (gate failed)", p.summary());
    assertTrue(p.finished());
  }

  @Test
  void aSingleStepRolloutSummarisesItsCountsOnOneLine() {
    RolloutProgress p =
        new RolloutProgress(5, "aq", 1, 2, "PROGRESSING", 0, 1, 4, 1, 0, 0, List.of(), "");
    assertEquals(
        "rollout 5 of aq: revision 1 -> 2, PROGRESSING: released 1/4, healthy 0/4, failed 0",
        p.summary());
    assertEquals(2, p.lines().size());
    assertTrue(
        p.lines().get(1).startsWith("nodes  [>>>>>>..................]  released 1/4"),
        p.lines().get(1));
  }
}
