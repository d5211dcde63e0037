package dev.flotilla.controller.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.controller.model.Amount;
import dev.flotilla.controller.model.NodeState;
import dev.flotilla.controller.model.RolloutStrategy;
import dev.flotilla.controller.model.RolloutStrategy.CanaryStep;
import dev.flotilla.controller.model.RolloutStrategy.OnFailure;
import dev.flotilla.controller.model.RolloutStrategy.Pause;
import dev.flotilla.controller.model.RolloutStrategy.Type;
import dev.flotilla.controller.model.RolloutStrategy.Unreachable;
import dev.flotilla.controller.model.RolloutStrategy.Waves;
import dev.flotilla.controller.model.WorkloadObservation;
import dev.flotilla.controller.rollout.RolloutEngine.Decision;
import dev.flotilla.protocol.NodeId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The rollout state machine with a fake clock: a small fleet whose nodes report what the test says,
 * a rollout record that takes every decision as the store would, and the clock moved by hand.
 */
class RolloutEngineTest {
  static final Instant T0 = Instant.parse("2026-11-22T12:00:00Z");
  static final Duration SOAK = Duration.ofSeconds(30);

  static RolloutStrategy strategy(Type type) {
    RolloutStrategy d = RolloutStrategy.DEFAULT;
    return new RolloutStrategy(
        type,
        type == Type.WAVES ? Amount.percent(100) : d.maxUpdating(),
        type == Type.CANARY
            ? List.of(
                new CanaryStep(10, Pause.of(Duration.ofMinutes(5))),
                new CanaryStep(50, Pause.UNTIL_RESUMED),
                new CanaryStep(100, Pause.NONE))
            : List.of(),
        type == Type.WAVES
            ? new Waves("district", List.of("b", "a"), Amount.percent(100), Pause.NONE)
            : null,
        d.onNode(),
        d.blueGreen(),
        SOAK,
        Duration.ofMinutes(10),
        Amount.percent(10),
        OnFailure.ROLLBACK,
        Unreachable.PROCEED);
  }

  /** The fleet, the rollout as stored, and the clock. */
  static final class Fleet {
    RolloutStrategy strategy;
    RolloutRecord record;
    Instant now = T0;
    final Map<NodeId, NodeProgress> nodes = new LinkedHashMap<>();
    final List<RolloutEngine.Note> notes = new ArrayList<>();
    Decision last;

    Fleet(RolloutStrategy strategy, int count) {
      this.strategy = strategy;
      this.record =
          new RolloutRecord(
              1,
              "aq",
              1,
              2,
              RolloutState.PROGRESSING,
              0,
              T0,
              null,
              "",
              0,
              false,
              "apply",
              "started",
              T0,
              T0,
              null,
              1);
      for (int i = 0; i < count; i++) {
        add(String.format("n%02d", i), Map.of("district", i % 2 == 0 ? "a" : "b"));
      }
    }

    void add(String id, Map<String, String> labels) {
      NodeId n = new NodeId(id);
      nodes.put(
          n,
          new NodeProgress(
              n,
              new TreeMap<>(labels),
              NodeState.READY,
              T0.minus(Duration.ofHours(1)),
              null,
              obs("1", "RUNNING", "HEALTHY", T0.minus(Duration.ofHours(1)))));
    }

    Rollout rollout() {
      return new Rollout(record, strategy);
    }

    Decision step() {
      last = RolloutEngine.step(rollout(), List.copyOf(nodes.values()), now);
      notes.addAll(last.notes());
      if (last.update() != null) {
        apply(last.update());
      }
      return last;
    }

    /** What the store does with an update. */
    void apply(RolloutUpdate u) {
      record = record.after(u, now);
      for (NodeId n : u.release()) {
        NodeProgress p = nodes.get(n);
        if (p.released() == null) {
          nodes.put(n, with(p, new ReleasedNode(now, null, ""), p.observed()));
        }
      }
      u.failures()
          .forEach(
              (n, why) -> {
                NodeProgress p = nodes.get(n);
                if (!p.released().failed()) {
                  nodes.put(
                      n,
                      with(p, new ReleasedNode(p.released().releasedAt(), now, why), p.observed()));
                }
              });
    }

    List<String> released() {
      return nodes.values().stream()
          .filter(p -> p.released() != null)
          .map(p -> p.node().value())
          .sorted()
          .toList();
    }

    /** Every released node reports the given state of revision 2 from now. */
    void releasedReport(String state, String health) {
      for (NodeProgress p : List.copyOf(nodes.values())) {
        if (p.released() != null && p.observed().revision().equals("1")) {
          report(p.node().value(), "2", state, health);
        }
      }
    }

    void report(String node, String revision, String state, String health) {
      NodeProgress p = nodes.get(new NodeId(node));
      nodes.put(p.node(), with(p, p.released(), obs(revision, state, health, now)));
    }

    void state(String node, NodeState state) {
      NodeProgress p = nodes.get(new NodeId(node));
      nodes.put(
          p.node(), new NodeProgress(p.node(), p.labels(), state, now, p.released(), p.observed()));
    }

    void pass(Duration d) {
      now = now.plus(d);
    }

    Counts counts() {
      return RolloutEngine.count(rollout(), List.copyOf(nodes.values()), now);
    }

    List<String> noteTypes() {
      return notes.stream().map(RolloutEngine.Note::type).toList();
    }
  }

  static NodeProgress with(NodeProgress p, @Nullable ReleasedNode r, WorkloadObservation o) {
    return new NodeProgress(p.node(), p.labels(), p.state(), p.stateSince(), r, o);
  }

  static WorkloadObservation obs(String revision, String state, String health, Instant since) {
    return new WorkloadObservation("aq", revision, state, health, 0, "", since);
  }

  // ---- canary -------------------------------------------------------------------------------

  @Test
  void aCanaryReleasesItsFirstStepToItsShareOfTheNodesAndWaitsForTheHealthGate() {
    Fleet f = new Fleet(strategy(Type.CANARY), 20);
    f.step();
    assertEquals(2, f.released().size(), "10% of 20");
    assertEquals(RolloutState.PROGRESSING, f.record.state());
    assertEquals(0, f.record.step());
    f.pass(Duration.ofSeconds(5));
    f.releasedReport("RUNNING", "HEALTHY");
    f.step();
    assertEquals(0, f.record.step(), "healthy, but not for the soak time yet");
    assertEquals(2, f.counts().updating());
    f.pass(SOAK);
    f.step();
    assertEquals(1, f.record.step(), "the gate passed");
    assertEquals(f.now.plus(Duration.ofMinutes(5)), f.record.pausedUntil());
    assertEquals(2, f.released().size(), "nothing more during the pause");
    assertEquals(2, f.counts().updated());
  }

  @Test
  void aCanaryGoesOnAfterItsTimedPauseAndHoldsAtAPauseUntilResumed() {
    Fleet f = new Fleet(strategy(Type.CANARY), 20);
    passStep(f);
    f.pass(Duration.ofMinutes(4));
    f.step();
    assertEquals(2, f.released().size(), "still pausing");
    f.pass(Duration.ofMinutes(1));
    f.step();
    assertEquals(10, f.released().size(), "50% of 20 once the pause ran out");
    assertNull(f.record.pausedUntil());
    passStep(f);
    assertEquals(RolloutState.PAUSED, f.record.state());
    assertTrue(f.record.pauseReason().contains("step 2 of 3 (50%) passed"), f.record.pauseReason());
    f.pass(Duration.ofHours(3));
    f.step();
    assertEquals(10, f.released().size(), "held until resumed, however long");
    f.apply(RolloutEngine.resume(f.record, 0, f.now));
    f.step();
    assertEquals(20, f.released().size());
    passStep(f);
    assertEquals(RolloutState.SUCCEEDED, f.record.state());
    assertEquals(f.now, f.record.finishedAt());
    assertTrue(f.record.message().contains("20 of 20 nodes updated"), f.record.message());
  }

  @Test
  void aCanaryWhoseRevisionCrashLoopsStopsAtTheFirstStepAndRollsBack() {
    Fleet f = new Fleet(strategy(Type.CANARY), 20);
    f.step();
    List<String> canaries = f.released();
    f.pass(Duration.ofSeconds(20));
    f.report(canaries.get(0), "2", "CRASH_LOOP", "UNKNOWN");
    f.report(canaries.get(1), "2", "RUNNING", "HEALTHY");
    f.step();
    assertEquals(RolloutState.ROLLED_BACK, f.record.state());
    assertEquals(f.now, f.record.finishedAt());
    assertTrue(
        f.record.message().startsWith("rolled back to revision 1: 1 of 2"), f.record.message());
    assertTrue(f.record.message().contains(canaries.get(0) + ": revision 2 is crash-looping"));
    assertEquals(2, f.released().size(), "no step beyond the first");
    assertTrue(f.noteTypes().contains("rollout.node-failed"));
    assertTrue(f.noteTypes().contains("rollout.rolled-back"));
    assertNull(f.step().update(), "a finished rollout decides nothing more");
  }

  @Test
  void aRefusedImageAndAFailingProbeCountAsFailures() {
    for (String[] report : new String[][] {{"FAILED", "UNKNOWN"}, {"RUNNING", "UNHEALTHY"}}) {
      Fleet f = new Fleet(strategy(Type.CANARY), 10);
      f.step();
      f.releasedReport(report[0], report[1]);
      f.step();
      assertEquals(RolloutState.ROLLED_BACK, f.record.state(), String.join("/", report));
    }
  }

  @Test
  void withOnFailurePauseAnExceededThresholdPausesAndResumingAcceptsTheFailuresSoFar() {
    RolloutStrategy s = strategy(Type.ROLLING);
    Fleet f = new Fleet(with(s, OnFailure.PAUSE, Amount.count(0)), 8);
    f.step();
    assertEquals(2, f.released().size(), "25% of 8 at a time");
    f.report(f.released().get(0), "2", "CRASH_LOOP", "UNKNOWN");
    f.step();
    assertEquals(RolloutState.PAUSED, f.record.state());
    assertTrue(f.record.pauseReason().startsWith("error threshold exceeded: 1 of 2"));
    f.step();
    assertEquals(2, f.released().size(), "paused: nothing released");
    f.apply(RolloutEngine.resume(f.record, f.counts().failed(), f.now));
    assertEquals(1, f.record.acceptedFailures());
    f.pass(Duration.ofSeconds(1));
    f.releasedReport("RUNNING", "HEALTHY");
    f.pass(SOAK);
    f.step();
    assertEquals(
        RolloutState.PROGRESSING, f.record.state(), "the accepted failure is not judged again");
    assertEquals(4, f.released().size());
    String another =
        f.released().stream()
            .filter(n -> classify(f, n) != NodeCondition.FAILED)
            .findFirst()
            .orElseThrow();
    f.report(another, "2", "CRASH_LOOP", "UNKNOWN");
    f.step();
    assertEquals(RolloutState.PAUSED, f.record.state(), "a new failure is");
  }

  @Test
  void failuresWithinTheThresholdStayFailedButDoNotStopTheRollout() {
    RolloutStrategy s = with(strategy(Type.ALL_AT_ONCE), OnFailure.ROLLBACK, Amount.percent(20));
    Fleet f = new Fleet(s, 10);
    f.step();
    assertEquals(10, f.released().size());
    f.releasedReport("RUNNING", "HEALTHY");
    f.report("n03", "2", "CRASH_LOOP", "UNKNOWN");
    f.step();
    assertEquals(RolloutState.PROGRESSING, f.record.state(), "1 of 10 is within 20%");
    f.pass(Duration.ofSeconds(1));
    f.report("n03", "2", "RUNNING", "HEALTHY");
    f.pass(SOAK);
    f.step();
    assertEquals(RolloutState.SUCCEEDED, f.record.state());
    assertEquals(1, f.counts().failed(), "a crash-looping node stays failed for this rollout");
    assertTrue(f.record.message().contains("9 of 10 nodes updated, 1 failed"), f.record.message());
  }

  @Test
  void aNodeThatNeverPassesTheGateFailsAtTheProgressDeadline() {
    Fleet f = new Fleet(strategy(Type.ALL_AT_ONCE), 3);
    f.step();
    f.releasedReport("PULLING", "UNKNOWN");
    f.pass(Duration.ofMinutes(9));
    f.step();
    assertEquals(RolloutState.PROGRESSING, f.record.state());
    f.pass(Duration.ofMinutes(1));
    f.step();
    assertEquals(RolloutState.ROLLED_BACK, f.record.state());
    assertTrue(
        f.record
            .message()
            .contains("within the progress deadline of 10m; last reported revision 2 PULLING"),
        f.record.message());
  }

  // ---- unreachable nodes --------------------------------------------------------------------

  @Test
  void unreachableNodesNeitherPassNorFailAndDoNotHoldTheRolloutBack() {
    Fleet f = new Fleet(strategy(Type.ALL_AT_ONCE), 4);
    f.state("n01", NodeState.UNREACHABLE);
    f.step();
    assertEquals(4, f.released().size(), "the unreachable one gets it retained too");
    f.releasedReport("RUNNING", "HEALTHY");
    f.report("n01", "1", "RUNNING", "HEALTHY"); // its last report, from before
    f.pass(Duration.ofHours(2));
    f.step();
    assertEquals(RolloutState.SUCCEEDED, f.record.state());
    Counts c = f.counts();
    assertEquals(3, c.updated());
    assertEquals(1, c.unreachable());
    assertEquals(0, c.failed(), "hours unreachable is not a failure");
    assertTrue(f.record.message().contains("1 unreachable get it when they return"));
  }

  @Test
  void aCanaryPrefersReachableNodes() {
    Fleet f = new Fleet(strategy(Type.CANARY), 10);
    for (String n : List.of("n00", "n01", "n02", "n03", "n04", "n05", "n06", "n07", "n08")) {
      f.state(n, NodeState.UNREACHABLE);
    }
    f.step();
    assertEquals(List.of("n09"), f.released());
  }

  @Test
  void waitingForAQuorumHoldsAStepUntilEnoughNodesAreUpdated() {
    RolloutStrategy d = strategy(Type.ALL_AT_ONCE);
    RolloutStrategy s =
        new RolloutStrategy(
            d.type(),
            d.maxUpdating(),
            d.steps(),
            d.waves(),
            d.onNode(),
            d.blueGreen(),
            d.soak(),
            d.progressDeadline(),
            d.errorThreshold(),
            d.onFailure(),
            new Unreachable(true, Amount.percent(75)));
    Fleet f = new Fleet(s, 4);
    f.state("n00", NodeState.UNREACHABLE);
    f.state("n01", NodeState.UNREACHABLE);
    f.step();
    f.releasedReport("RUNNING", "HEALTHY");
    f.pass(SOAK);
    f.step();
    assertEquals(RolloutState.PROGRESSING, f.record.state(), "2 of 4 updated is below 75%");
    f.state("n00", NodeState.READY);
    f.report("n00", "2", "RUNNING", "HEALTHY");
    f.pass(SOAK);
    f.step();
    assertEquals(RolloutState.SUCCEEDED, f.record.state(), "3 of 4");
  }

  @Test
  void aNodeBackFromUnreachableGetsAFreshProgressDeadline() {
    Fleet f = new Fleet(strategy(Type.ALL_AT_ONCE), 2);
    f.state("n01", NodeState.UNREACHABLE);
    f.step();
    f.report("n00", "2", "RUNNING", "HEALTHY");
    f.pass(Duration.ofHours(1));
    f.state("n01", NodeState.READY);
    f.report("n01", "1", "RUNNING", "HEALTHY");
    f.step();
    assertEquals(RolloutState.PROGRESSING, f.record.state());
    assertEquals(NodeCondition.UPDATING, classify(f, "n01"));
    f.pass(Duration.ofMinutes(10));
    assertEquals(NodeCondition.FAILED, classify(f, "n01"));
  }

  // ---- maintenance windows ------------------------------------------------------------------

  @Test
  void aNodeWaitingForItsMaintenanceWindowHoldsTheStepWithoutFailingAndPassesOnceItUpdates() {
    Fleet f = new Fleet(strategy(Type.ALL_AT_ONCE), 2);
    f.step();
    f.report("n00", "2", "RUNNING", "HEALTHY");
    f.report("n01", "2", "WAITING", "HEALTHY");
    f.pass(Duration.ofHours(5));
    f.step();
    assertEquals(RolloutState.PROGRESSING, f.record.state(), "the window is closed for hours");
    assertEquals(1, f.counts().waiting());
    assertEquals(0, f.counts().failed());
    f.report("n01", "2", "RUNNING", "HEALTHY"); // the window opened; the agent applied it
    f.step();
    assertEquals(NodeCondition.UPDATING, classify(f, "n01"), "soaking");
    f.pass(SOAK);
    f.step();
    assertEquals(RolloutState.SUCCEEDED, f.record.state());
  }

  @Test
  void anOverrideOfTheWindowsIsStoredOnTheRollout() {
    Fleet f = new Fleet(strategy(Type.ALL_AT_ONCE), 1);
    f.apply(RolloutEngine.overrideWindows(f.record, f.now));
    assertTrue(f.record.overrideWindows());
  }

  // ---- rolling, all at once, waves ----------------------------------------------------------

  @Test
  void aRollingUpdateKeepsAtMostMaxUpdatingNodesInFlight() {
    Fleet f = new Fleet(strategy(Type.ROLLING), 10);
    f.step();
    assertEquals(3, f.released().size(), "25% of 10, rounded up");
    f.step();
    assertEquals(3, f.released().size());
    f.report(f.released().get(0), "2", "RUNNING", "HEALTHY");
    f.pass(SOAK);
    f.step();
    assertEquals(4, f.released().size(), "one updated, one more released");
    for (int i = 0; i < 10 && f.record.state() == RolloutState.PROGRESSING; i++) {
      f.releasedReport("RUNNING", "HEALTHY");
      f.pass(SOAK);
      f.step();
    }
    assertEquals(RolloutState.SUCCEEDED, f.record.state());
    assertEquals(10, f.counts().updated());
  }

  @Test
  void wavesGoInTheirOrderAndTheNextWaitsForTheSuccessThreshold() {
    Fleet f = new Fleet(strategy(Type.WAVES), 6);
    f.add("x", Map.of());
    f.step();
    assertEquals(List.of("n01", "n03", "n05"), f.released(), "district b first, as ordered");
    f.releasedReport("RUNNING", "HEALTHY");
    f.pass(SOAK);
    f.step();
    assertEquals(1, f.record.step());
    assertEquals(6, f.released().size(), "then district a");
    assertTrue(
        f.notes.stream().anyMatch(n -> n.message().contains("wave 1 of 3 (district=b) passed")));
    f.releasedReport("RUNNING", "HEALTHY");
    f.pass(SOAK);
    f.step();
    assertEquals(7, f.released().size(), "the unlabelled node goes last");
    f.releasedReport("RUNNING", "HEALTHY");
    f.pass(SOAK);
    f.step();
    assertEquals(RolloutState.SUCCEEDED, f.record.state());
  }

  @Test
  void aWaveJudgesItsErrorThresholdByItsOwnNodes() {
    Fleet f = new Fleet(strategy(Type.WAVES), 20);
    f.step();
    f.releasedReport("RUNNING", "HEALTHY");
    f.pass(SOAK);
    f.step();
    assertEquals(1, f.record.step());
    List<String> waveA =
        f.nodes.values().stream()
            .filter(p -> "a".equals(p.labels().get("district")))
            .map(p -> p.node().value())
            .toList();
    f.report(waveA.get(0), "2", "CRASH_LOOP", "UNKNOWN");
    f.report(waveA.get(1), "2", "CRASH_LOOP", "UNKNOWN");
    f.step();
    assertEquals(RolloutState.ROLLED_BACK, f.record.state(), "2 of 10 in district a is over 10%");
    assertTrue(f.record.message().contains("in wave 2 of 2 (district=a)"), f.record.message());
  }

  @Test
  void aWaveAdvancesAtItsSuccessThresholdWhileTheRestKeepUpdating() {
    RolloutStrategy d = strategy(Type.WAVES);
    RolloutStrategy s =
        new RolloutStrategy(
            d.type(),
            d.maxUpdating(),
            d.steps(),
            new Waves("district", List.of(), Amount.percent(50), Pause.UNTIL_RESUMED),
            d.onNode(),
            d.blueGreen(),
            d.soak(),
            d.progressDeadline(),
            d.errorThreshold(),
            d.onFailure(),
            d.unreachable());
    Fleet f = new Fleet(s, 4);
    f.step();
    assertEquals(List.of("n00", "n02"), f.released(), "sorted: district a first");
    f.report("n00", "2", "RUNNING", "HEALTHY");
    f.pass(SOAK);
    f.step();
    assertEquals(RolloutState.PAUSED, f.record.state(), "1 of 2 is 50%: passed, then a pause");
    f.apply(RolloutEngine.promote(f.record, 2, 0, f.now));
    f.step();
    assertEquals(4, f.released().size());
  }

  // ---- durability ---------------------------------------------------------------------------

  @Test
  void aControllerRestartedMidStepContinuesWithoutTakingAStepTwice() {
    Fleet f = new Fleet(strategy(Type.CANARY), 20);
    f.step();
    List<String> first = f.released();
    // A restart loses nothing but memory: the same record and released nodes, judged again.
    for (int i = 0; i < 3; i++) {
      Decision again = f.step();
      assertNull(again.update(), "nothing new to store");
      assertEquals(first, f.released());
    }
    f.releasedReport("RUNNING", "HEALTHY");
    f.pass(SOAK);
    f.step();
    RolloutRecord afterStep = f.record;
    f.step();
    assertEquals(afterStep, f.record, "a step already passed is not passed again");
    assertEquals(1, f.record.step());
  }

  @Test
  void aDecisionComputedFromAnOlderVersionCarriesThatVersionsFieldsOnly() {
    Fleet f = new Fleet(strategy(Type.ALL_AT_ONCE), 2);
    Decision d = RolloutEngine.step(f.rollout(), List.copyOf(f.nodes.values()), f.now);
    assertEquals(2, d.update().release().size());
    assertEquals(RolloutState.PROGRESSING, d.update().state());
  }

  // ---- operators' commands ------------------------------------------------------------------

  @Test
  void pauseResumePromoteAndAbortChangeTheStateOrSayWhyNot() {
    Fleet f = new Fleet(strategy(Type.CANARY), 10);
    f.apply(RolloutEngine.pause(f.record, f.now));
    assertEquals(RolloutState.PAUSED, f.record.state());
    assertEquals("paused by an operator", f.record.pauseReason());
    assertThrows(RolloutEngine.RefusedException.class, () -> RolloutEngine.pause(f.record, f.now));
    f.step();
    assertEquals(List.of(), f.released(), "a paused rollout releases nothing");
    f.apply(RolloutEngine.resume(f.record, 0, f.now));
    assertThrows(
        RolloutEngine.RefusedException.class, () -> RolloutEngine.resume(f.record, 0, f.now));
    f.step();
    assertEquals(1, f.released().size());
    f.apply(RolloutEngine.promote(f.record, 3, 0, f.now));
    assertEquals(1, f.record.step(), "promoted past the gate of step 1");
    f.step();
    assertEquals(5, f.released().size());
    f.apply(RolloutEngine.abort(f.record, f.now));
    assertEquals(RolloutState.ABORTED, f.record.state());
    assertTrue(f.record.message().contains("back to revision 1"));
    RolloutEngine.RefusedException e =
        assertThrows(
            RolloutEngine.RefusedException.class, () -> RolloutEngine.abort(f.record, f.now));
    assertEquals("cannot abort rollout 1: it is aborted", e.getMessage());
  }

  @Test
  void promotingAtTheLastStepWithoutAPauseIsRefused() {
    Fleet f = new Fleet(strategy(Type.ROLLING), 2);
    assertThrows(
        RolloutEngine.RefusedException.class, () -> RolloutEngine.promote(f.record, 1, 0, f.now));
  }

  @Test
  void aRolloutWithNoTargetedNodesSucceedsAtOnce() {
    Fleet f = new Fleet(strategy(Type.CANARY), 0);
    f.step();
    assertEquals(RolloutState.SUCCEEDED, f.record.state());
  }

  @Test
  void releaseOrderIsStableAndSpreadsOverIds() {
    Fleet f = new Fleet(strategy(Type.CANARY), 100);
    f.step();
    List<String> first = f.released();
    Fleet g = new Fleet(strategy(Type.CANARY), 100);
    g.step();
    assertEquals(first, g.released());
    Set<String> tens = first.stream().map(s -> s.substring(0, 2)).collect(Collectors.toSet());
    assertTrue(tens.size() > 3, "ten canaries over more than three id decades: " + first);
    assertFalse(
        first.equals(
            List.of("n00", "n01", "n02", "n03", "n04", "n05", "n06", "n07", "n08", "n09")));
  }

  static NodeCondition classify(Fleet f, String node) {
    return RolloutEngine.classify(f.rollout(), f.nodes.get(new NodeId(node)), f.now);
  }

  static RolloutStrategy with(RolloutStrategy d, OnFailure onFailure, Amount errors) {
    return new RolloutStrategy(
        d.type(),
        d.maxUpdating(),
        d.steps(),
        d.waves(),
        d.onNode(),
        d.blueGreen(),
        d.soak(),
        d.progressDeadline(),
        errors,
        onFailure,
        d.unreachable());
  }

  /** Every released node reports healthy, the soak passes, and the engine steps. */
  static void passStep(Fleet f) {
    f.step();
    f.pass(Duration.ofSeconds(1));
    f.releasedReport("RUNNING", "HEALTHY");
    f.pass(SOAK);
    f.step();
  }
}
