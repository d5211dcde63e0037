package dev.flotilla.agent.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.agent.health.ProbeTracker;
import dev.flotilla.agent.health.ProbeVerdict;
import dev.flotilla.agent.model.ContainerInfo;
import dev.flotilla.agent.model.Labels;
import dev.flotilla.agent.model.NodeDesired;
import dev.flotilla.agent.model.ProbeSpec;
import dev.flotilla.agent.model.RestartSpec;
import dev.flotilla.agent.model.SpecHash;
import dev.flotilla.agent.model.UpdateSpec;
import dev.flotilla.agent.model.WorkloadSpec;
import dev.flotilla.agent.reconcile.Planner.Observed;
import dev.flotilla.agent.reconcile.Planner.Plan;
import dev.flotilla.agent.reconcile.Planner.Update;
import dev.flotilla.agent.store.AgentStore.BlueGreenState;
import dev.flotilla.agent.store.AgentStore.RestartState;
import dev.flotilla.protocol.MaintenanceWindows;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The planner's update rules: maintenance windows and blue-green, on fake times. */
class PlannerUpdateTest {
  /** A Sunday, 03:00 UTC. */
  static final Instant NOW = Instant.parse("2026-11-22T03:00:00Z");

  static final ZoneId UTC = ZoneOffset.UTC;

  /** Saturdays 02:00-04:00 UTC: closed at NOW, opens next on 2026-11-28T02:00Z. */
  static final MaintenanceWindows SATURDAY_NIGHTS =
      windows("02:00", "04:00", Optional.of(UTC), DayOfWeek.SATURDAY);

  static final Instant NEXT_SATURDAY = Instant.parse("2026-11-28T02:00:00Z");

  /** Every day 02:00-04:00 UTC: open at NOW. */
  static final MaintenanceWindows NIGHTLY = windows("02:00", "04:00", Optional.of(UTC));

  static final ProbeSpec EXEC_PROBE =
      new ProbeSpec(
          new ProbeSpec.Exec(List.of("test", "-f", "/tmp/ready")),
          Duration.ZERO,
          Duration.ofSeconds(1),
          Duration.ofSeconds(1),
          3);

  static MaintenanceWindows windows(
      String start, String end, Optional<ZoneId> zone, DayOfWeek... days) {
    return new MaintenanceWindows(
        List.of(
            new MaintenanceWindows.Window(
                LocalTime.parse(start), LocalTime.parse(end), zone, Set.of(days))));
  }

  static WorkloadSpec v1() {
    return PlannerTest.spec("app", "localhost/app:1", RestartSpec.Mode.ALWAYS);
  }

  static WorkloadSpec v2(UpdateSpec update) {
    return PlannerTest.spec("app", "localhost/app:2", RestartSpec.Mode.ALWAYS)
        .withRevision("rev-2")
        .withUpdate(update);
  }

  static UpdateSpec replaceIn(MaintenanceWindows windows) {
    return UpdateSpec.DEFAULT.withWindows(windows);
  }

  static UpdateSpec blueGreen(Duration switchAfter, Duration giveUpAfter) {
    return new UpdateSpec(
        UpdateSpec.Mode.BLUE_GREEN, switchAfter, giveUpAfter, MaintenanceWindows.ANY_TIME);
  }

  static final UpdateSpec BLUE_GREEN = blueGreen(Duration.ofSeconds(30), Duration.ofMinutes(5));

  /** v2 as blue-green with an exec probe. */
  static WorkloadSpec probed(UpdateSpec update) {
    WorkloadSpec w = v2(update);
    return new WorkloadSpec(
        w.name(),
        w.image(),
        w.revision(),
        w.command(),
        w.args(),
        w.env(),
        w.ports(),
        w.volumes(),
        w.cpuMillis(),
        w.memoryBytes(),
        Optional.of(EXEC_PROBE),
        w.restart(),
        w.update());
  }

  static ContainerInfo container(
      String id, WorkloadSpec spec, ContainerInfo.State state, int exit, Instant started) {
    return new ContainerInfo(
        id,
        "flotilla-" + spec.name() + "-" + id,
        spec.image(),
        Map.of(
            Labels.WORKLOAD,
            spec.name(),
            Labels.SPEC_HASH,
            SpecHash.of(spec),
            Labels.REVISION,
            spec.revision()),
        state,
        exit,
        Optional.ofNullable(started),
        Optional.empty());
  }

  static ContainerInfo running(String id, WorkloadSpec spec, Instant started) {
    return container(id, spec, ContainerInfo.State.RUNNING, 0, started);
  }

  static Plan plan(WorkloadSpec desired, List<ContainerInfo> containers) {
    return plan(desired, containers, Map.of(), Map.of(), NOW, UTC);
  }

  static Plan plan(
      WorkloadSpec desired,
      List<ContainerInfo> containers,
      Map<String, ProbeVerdict> health,
      Map<String, BlueGreenState> blueGreen,
      Instant now,
      ZoneId zone) {
    return Planner.plan(
        Optional.of(new NodeDesired(9, List.of(desired))),
        new Observed(containers, Map.of(), health, blueGreen),
        now,
        zone);
  }

  static BlueGreenState begunAt(WorkloadSpec spec, Instant at) {
    return BlueGreenState.begin(SpecHash.of(spec), spec.revision(), at);
  }

  static ProbeVerdict healthySince(Instant at) {
    return new ProbeVerdict(ProbeTracker.Health.HEALTHY, at);
  }

  // --- maintenance windows ----------------------------------------------------------------------

  @Test
  void anUpdateOutsideItsWindowsKeepsTheOldContainerReportsWaitingAndWakesAtTheNextOpening() {
    WorkloadSpec v2 = v2(replaceIn(SATURDAY_NIGHTS));
    ContainerInfo old = running("old", v1(), NOW.minusSeconds(3600));
    Plan plan = plan(v2, List.of(old));
    assertEquals(List.of(), plan.actions());
    assertEquals(Optional.of(NEXT_SATURDAY), plan.wakeAt());
    assertFalse(plan.converged());
    Update.Waiting waiting = assertInstanceOf(Update.Waiting.class, plan.updates().get("app"));
    assertEquals("rev-2", waiting.revision());
    assertEquals(old, waiting.old());
    assertEquals(NEXT_SATURDAY, waiting.nextOpening());
    assertEquals(
        "held for a maintenance window: revision rev-2 is applied when the next one opens, at"
            + " 2026-11-28T02:00Z; revision rev-1 keeps running",
        waiting.message());
  }

  @Test
  void anUpdateOfAWorkloadThatIsDownIsNotHeld() {
    // Windows protect a working service from interruption; one that has exited (a crash loop, or
    // the revision a rollout rolls back from) has nothing to protect, and the update may be its
    // fix.
    WorkloadSpec v2 = v2(replaceIn(SATURDAY_NIGHTS));
    ContainerInfo exited =
        container("old", v1(), ContainerInfo.State.EXITED, 1, NOW.minusSeconds(60));
    Plan plan = plan(v2, List.of(exited));
    assertEquals(
        List.of(
            new Action.Remove(exited, "app", "replaced: the workload's spec changed"),
            new Action.CreateAndStart(v2, SpecHash.of(v2))),
        plan.actions());
    assertEquals(Map.of(), plan.updates());
  }

  @Test
  void anUpdateOfAWorkloadFailingItsProbeOrRestartingIsNotHeld() {
    WorkloadSpec v2 = v2(replaceIn(SATURDAY_NIGHTS));
    ContainerInfo old = running("old", v1(), NOW.minusSeconds(600));
    Plan unhealthy =
        plan(
            v2,
            List.of(old),
            Map.of("old", new ProbeVerdict(ProbeTracker.Health.UNHEALTHY, NOW.minusSeconds(30))),
            Map.of(),
            NOW,
            UTC);
    assertEquals(Map.of(), unhealthy.updates(), "an unhealthy old revision is replaced at once");
    Plan restarting =
        Planner.plan(
            Optional.of(new NodeDesired(9, List.of(v2))),
            new Observed(
                List.of(old),
                Map.of("app", new RestartState(2, NOW.minusSeconds(5))),
                Map.of(),
                Map.of()),
            NOW,
            UTC);
    assertEquals(
        Map.of(), restarting.updates(), "a crash-looping old revision is replaced at once");
  }

  @Test
  void anUpdateInsideAWindowIsAppliedAtOnce() {
    WorkloadSpec v2 = v2(replaceIn(NIGHTLY));
    ContainerInfo old = running("old", v1(), NOW.minusSeconds(3600));
    Plan plan = plan(v2, List.of(old));
    assertEquals(
        List.of(
            new Action.Remove(old, "app", "replaced: the workload's spec changed"),
            new Action.CreateAndStart(v2, SpecHash.of(v2))),
        plan.actions());
    assertEquals(Map.of(), plan.updates());
  }

  @Test
  void theHeldUpdateIsAppliedWhenTheClockReachesTheNextOpening() {
    WorkloadSpec v2 = v2(replaceIn(SATURDAY_NIGHTS));
    ContainerInfo old = running("old", v1(), NOW.minusSeconds(3600));
    Instant wake = plan(v2, List.of(old)).wakeAt().orElseThrow();
    assertEquals(
        List.of(), plan(v2, List.of(old), Map.of(), Map.of(), wake.minusMillis(1), UTC).actions());
    Plan atOpening = plan(v2, List.of(old), Map.of(), Map.of(), wake, UTC);
    assertEquals(
        List.of(
            new Action.Remove(old, "app", "replaced: the workload's spec changed"),
            new Action.CreateAndStart(v2, SpecHash.of(v2))),
        atOpening.actions());
  }

  @Test
  void aFirstInstallIsNotHeldByTheWindows() {
    WorkloadSpec v2 = v2(replaceIn(SATURDAY_NIGHTS));
    Plan plan = plan(v2, List.of());
    assertEquals(List.of(new Action.CreateAndStart(v2, SpecHash.of(v2))), plan.actions());
    assertEquals(Map.of(), plan.updates());
  }

  @Test
  void theRemovalOfAWorkloadNoLongerDesiredIsNotHeld() {
    WorkloadSpec held = v2(replaceIn(SATURDAY_NIGHTS));
    ContainerInfo heldOld = running("old", v1(), NOW.minusSeconds(3600));
    WorkloadSpec gone = PlannerTest.spec("gone");
    ContainerInfo goneContainer = running("g", gone, NOW.minusSeconds(3600));
    Plan plan =
        Planner.plan(
            Optional.of(new NodeDesired(9, List.of(held))),
            new Observed(List.of(heldOld, goneContainer), Map.of(), Map.of(), Map.of()),
            NOW,
            UTC);
    assertEquals(
        List.of(new Action.Remove(goneContainer, "gone", "no longer desired")), plan.actions());
  }

  @Test
  void windowsWithoutAZoneAreInTheNodesZone() {
    WorkloadSpec v2 = v2(replaceIn(windows("02:00", "04:00", Optional.empty())));
    ContainerInfo old = running("old", v1(), NOW.minusSeconds(3600));
    // 03:00 UTC: inside. 12:00 in Tokyo: outside until 02:00 JST, 17:00 UTC.
    assertEquals(2, plan(v2, List.of(old), Map.of(), Map.of(), NOW, UTC).actions().size());
    Plan tokyo = plan(v2, List.of(old), Map.of(), Map.of(), NOW, ZoneId.of("Asia/Tokyo"));
    assertEquals(List.of(), tokyo.actions());
    assertEquals(Optional.of(Instant.parse("2026-11-22T17:00:00Z")), tokyo.wakeAt());
    assertTrue(tokyo.updates().get("app").message().contains("2026-11-23T02:00+09:00"));
  }

  @Test
  void changingOnlyTheUpdatePolicyOrTheWindowsReplacesNothing() {
    WorkloadSpec v1 = v1();
    WorkloadSpec v1BlueGreenHeld =
        v1.withUpdate(
            new UpdateSpec(
                UpdateSpec.Mode.BLUE_GREEN,
                Duration.ofSeconds(5),
                Duration.ofMinutes(1),
                SATURDAY_NIGHTS));
    Plan plan = plan(v1BlueGreenHeld, List.of(running("a", v1, NOW.minusSeconds(600))));
    assertEquals(List.of(), plan.actions());
    assertTrue(plan.converged());
    assertEquals(Map.of(), plan.updates());
  }

  // --- blue-green -------------------------------------------------------------------------------

  @Test
  void blueGreenStartsTheNewContainerBesideTheRunningOldOne() {
    WorkloadSpec v2 = v2(BLUE_GREEN);
    ContainerInfo old = running("old", v1(), NOW.minusSeconds(3600));
    Plan plan = plan(v2, List.of(old));
    assertEquals(List.of(new Action.CreateBeside(v2, SpecHash.of(v2), old)), plan.actions());
    Update.Switching switching =
        assertInstanceOf(Update.Switching.class, plan.updates().get("app"));
    assertEquals(Optional.empty(), switching.candidate());
    assertEquals("rev-2", switching.revision());
    assertFalse(plan.converged());
  }

  @Test
  void blueGreenWithoutARunningOldContainerIsAPlainReplace() {
    WorkloadSpec v2 = v2(BLUE_GREEN);
    ContainerInfo exited =
        container("old", v1(), ContainerInfo.State.EXITED, 1, NOW.minusSeconds(60));
    assertEquals(
        List.of(
            new Action.Remove(exited, "app", "replaced: the workload's spec changed"),
            new Action.CreateAndStart(v2, SpecHash.of(v2))),
        plan(v2, List.of(exited)).actions());
  }

  @Test
  void blueGreenWithoutAnyOldContainerIsAPlainCreate() {
    WorkloadSpec v2 = v2(BLUE_GREEN);
    assertEquals(
        List.of(new Action.CreateAndStart(v2, SpecHash.of(v2))), plan(v2, List.of()).actions());
  }

  @Test
  void thereIsNoSwitchWhileTheNewContainerIsNotHealthyAndItIsNotRestartedForIt() {
    WorkloadSpec v2 = probed(BLUE_GREEN);
    ContainerInfo old = running("old", v1(), NOW.minusSeconds(3600));
    ContainerInfo candidate = running("new", v2, NOW.minusSeconds(10));
    Map<String, BlueGreenState> begun = Map.of("app", begunAt(v2, NOW.minusSeconds(12)));
    for (Map<String, ProbeVerdict> health :
        List.<Map<String, ProbeVerdict>>of(
            Map.of(),
            Map.of("new", new ProbeVerdict(ProbeTracker.Health.UNKNOWN, NOW.minusSeconds(10))),
            Map.of("new", new ProbeVerdict(ProbeTracker.Health.UNHEALTHY, NOW.minusSeconds(2))))) {
      Plan plan = plan(v2, List.of(old, candidate), health, begun, NOW, UTC);
      assertEquals(List.of(), plan.actions(), health.toString());
      assertEquals(Optional.of(NOW.minusSeconds(12).plus(Duration.ofMinutes(5))), plan.wakeAt());
      Update.Switching switching =
          assertInstanceOf(Update.Switching.class, plan.updates().get("app"));
      assertEquals(Optional.of(candidate), switching.candidate());
      assertEquals(Optional.empty(), switching.healthySince());
    }
  }

  @Test
  void theOldContainerIsRemovedOnceTheNewOneHasBeenHealthyForSwitchAfter() {
    WorkloadSpec v2 = probed(BLUE_GREEN);
    ContainerInfo old = running("old", v1(), NOW.minusSeconds(3600));
    ContainerInfo candidate = running("new", v2, NOW.minusSeconds(60));
    Map<String, BlueGreenState> begun = Map.of("app", begunAt(v2, NOW.minusSeconds(60)));

    Plan early =
        plan(
            v2,
            List.of(old, candidate),
            Map.of("new", healthySince(NOW.minusSeconds(10))),
            begun,
            NOW,
            UTC);
    assertEquals(List.of(), early.actions());
    assertEquals(Optional.of(NOW.plusSeconds(20)), early.wakeAt());
    assertEquals(
        Optional.of(NOW.minusSeconds(10)),
        ((Update.Switching) early.updates().get("app")).healthySince());

    Plan due =
        plan(
            v2,
            List.of(old, candidate),
            Map.of("new", healthySince(NOW.minusSeconds(30))),
            begun,
            NOW,
            UTC);
    assertEquals(List.of(new Action.Switch(v2, candidate, List.of(old))), due.actions());
  }

  @Test
  void withoutAProbeRunningCountsAsHealthy() {
    WorkloadSpec v2 = v2(BLUE_GREEN);
    ContainerInfo old = running("old", v1(), NOW.minusSeconds(3600));
    ContainerInfo candidate = running("new", v2, NOW.minusSeconds(30));
    Plan plan =
        plan(
            v2,
            List.of(old, candidate),
            Map.of(),
            Map.of("app", begunAt(v2, NOW.minusSeconds(31))),
            NOW,
            UTC);
    assertEquals(List.of(new Action.Switch(v2, candidate, List.of(old))), plan.actions());
  }

  @Test
  void aHealthyVerdictFromBeforeTheNewContainersLastStartDoesNotCount() {
    WorkloadSpec v2 = probed(BLUE_GREEN);
    ContainerInfo old = running("old", v1(), NOW.minusSeconds(3600));
    ContainerInfo restarted = running("new", v2, NOW.minusSeconds(5));
    Plan plan =
        plan(
            v2,
            List.of(old, restarted),
            Map.of("new", healthySince(NOW.minusSeconds(100))),
            Map.of("app", begunAt(v2, NOW.minusSeconds(120))),
            NOW,
            UTC);
    assertEquals(List.of(), plan.actions());
  }

  @Test
  void theNodeFallsBackWhenTheNewContainerIsNotHealthyWhenTheGiveUpTimeComes() {
    WorkloadSpec v2 = probed(BLUE_GREEN);
    ContainerInfo old = running("old", v1(), NOW.minusSeconds(3600));
    ContainerInfo candidate = running("new", v2, NOW.minusSeconds(299));
    Map<String, BlueGreenState> begun =
        Map.of("app", begunAt(v2, NOW.minus(Duration.ofMinutes(5))));
    Plan plan = plan(v2, List.of(old, candidate), Map.of(), begun, NOW, UTC);
    String reason =
        "blue-green: revision rev-2 never became healthy within 5m; kept revision rev-1 running";
    assertEquals(
        List.of(new Action.FallBack(v2, SpecHash.of(v2), List.of(candidate), reason)),
        plan.actions());
    Update.FellBack fellBack = assertInstanceOf(Update.FellBack.class, plan.updates().get("app"));
    assertEquals(reason, fellBack.message());
    assertEquals("rev-2", fellBack.revision());

    // Healthy at that moment: no give-up; the switch follows after switchAfter.
    Plan healthy =
        plan(
            v2,
            List.of(old, candidate),
            Map.of("new", healthySince(NOW.minusSeconds(1))),
            begun,
            NOW,
            UTC);
    assertEquals(List.of(), healthy.actions());
    assertEquals(Optional.of(NOW.plusSeconds(29)), healthy.wakeAt());
  }

  @Test
  void aCrashingNewContainerIsRestartedOnItsOwnBackOffAndTheNodeFallsBackAtTheThirdFailure() {
    WorkloadSpec v2 = v2(BLUE_GREEN);
    ContainerInfo old = running("old", v1(), NOW.minusSeconds(3600));
    ContainerInfo crashed =
        container("new", v2, ContainerInfo.State.EXITED, 2, NOW.minusSeconds(5));
    BlueGreenState begun = begunAt(v2, NOW.minusSeconds(20));
    String hash = SpecHash.of(v2);

    Plan first = plan(v2, List.of(old, crashed), Map.of(), Map.of("app", begun), NOW, UTC);
    assertEquals(
        List.of(new Action.RestartCandidate(crashed, v2, hash, "exited with code 2")),
        first.actions());

    BlueGreenState once = begun.failed(NOW.plusSeconds(1));
    Plan backingOff = plan(v2, List.of(old, crashed), Map.of(), Map.of("app", once), NOW, UTC);
    assertEquals(List.of(), backingOff.actions());
    assertEquals(Optional.of(NOW.plusSeconds(1)), backingOff.wakeAt());

    BlueGreenState twice = once.failed(NOW.minusSeconds(1));
    Plan third = plan(v2, List.of(old, crashed), Map.of(), Map.of("app", twice), NOW, UTC);
    assertEquals(
        List.of(
            new Action.FallBack(
                v2,
                hash,
                List.of(crashed),
                "blue-green: revision rev-2 crash-looped (failed 3 times before it was healthy);"
                    + " kept revision rev-1 running")),
        third.actions());
  }

  @Test
  void underRestartPolicyNeverTheFirstExitOfTheNewContainerFallsBack() {
    WorkloadSpec never =
        PlannerTest.spec("app", "localhost/app:2", RestartSpec.Mode.NEVER)
            .withRevision("rev-2")
            .withUpdate(BLUE_GREEN);
    ContainerInfo old = running("old", v1(), NOW.minusSeconds(3600));
    ContainerInfo exited = container("new", never, ContainerInfo.State.EXITED, 0, NOW);
    Plan plan =
        plan(
            never,
            List.of(old, exited),
            Map.of(),
            Map.of("app", begunAt(never, NOW.minusSeconds(3))),
            NOW,
            UTC);
    Action.FallBack fallBack = assertInstanceOf(Action.FallBack.class, plan.actions().get(0));
    assertTrue(fallBack.reason().contains("restart policy is NEVER"), fallBack.reason());
  }

  @Test
  void aCreatedNewContainerIsStartedWithoutCountingAFailure() {
    WorkloadSpec v2 = v2(BLUE_GREEN);
    ContainerInfo old = running("old", v1(), NOW.minusSeconds(3600));
    ContainerInfo created = container("new", v2, ContainerInfo.State.CREATED, 0, null);
    Plan plan =
        plan(v2, List.of(old, created), Map.of(), Map.of("app", begunAt(v2, NOW)), NOW, UTC);
    assertEquals(
        List.of(new Action.Start(created, v2, false, "created, never started")), plan.actions());
  }

  @Test
  void anOldContainerThatDiesWhileSwitchingIsRestartedByItsPolicy() {
    WorkloadSpec v2 = probed(BLUE_GREEN);
    ContainerInfo old =
        container("old", v1(), ContainerInfo.State.EXITED, 137, NOW.minusSeconds(3600));
    ContainerInfo candidate = running("new", v2, NOW.minusSeconds(10));
    Plan plan =
        plan(
            v2,
            List.of(old, candidate),
            Map.of(),
            Map.of("app", begunAt(v2, NOW.minusSeconds(10))),
            NOW,
            UTC);
    assertEquals(List.of(new Action.Start(old, v2, true, "exited with code 137")), plan.actions());
  }

  @Test
  void aGivenUpRevisionIsNotTriedAgainWhileTheOldContainerRuns() {
    WorkloadSpec v2 = v2(BLUE_GREEN);
    ContainerInfo old = running("old", v1(), NOW.minusSeconds(3600));
    BlueGreenState givenUp =
        begunAt(v2, NOW.minus(Duration.ofMinutes(10)))
            .abandon(NOW.minus(Duration.ofMinutes(5)), "blue-green: revision rev-2 never ...");
    Plan plan = plan(v2, List.of(old), Map.of(), Map.of("app", givenUp), NOW, UTC);
    assertEquals(List.of(), plan.actions());
    assertFalse(plan.converged());
    Update.FellBack fellBack = assertInstanceOf(Update.FellBack.class, plan.updates().get("app"));
    assertEquals("blue-green: revision rev-2 never ...", fellBack.message());
    assertEquals(NOW.minus(Duration.ofMinutes(5)), fellBack.at());

    // A new container left behind (a crash between remembering and removing) is removed.
    ContainerInfo leftover = running("new", v2, NOW.minusSeconds(400));
    assertEquals(
        List.of(
            new Action.Remove(leftover, "app", "blue-green: the node gave up on this revision")),
        plan(v2, List.of(old, leftover), Map.of(), Map.of("app", givenUp), NOW, UTC).actions());

    // Windows opening later change nothing either.
    WorkloadSpec v2Held = v2.withUpdate(BLUE_GREEN.withWindows(SATURDAY_NIGHTS));
    assertEquals(
        List.of(),
        plan(v2Held, List.of(old), Map.of(), Map.of("app", givenUp), NEXT_SATURDAY, UTC).actions());
  }

  @Test
  void theMemoryOfAGivenUpRevisionIsDroppedWhenTheDesiredSpecChanges() {
    WorkloadSpec v2 = v2(BLUE_GREEN);
    WorkloadSpec v3 =
        PlannerTest.spec("app", "localhost/app:3", RestartSpec.Mode.ALWAYS)
            .withRevision("rev-3")
            .withUpdate(BLUE_GREEN);
    ContainerInfo old = running("old", v1(), NOW.minusSeconds(3600));
    Map<String, BlueGreenState> givenUp =
        Map.of("app", begunAt(v2, NOW.minusSeconds(900)).abandon(NOW.minusSeconds(600), "no"));

    // Another new revision: forgotten, and tried.
    Plan plan = plan(v3, List.of(old), Map.of(), givenUp, NOW, UTC);
    assertEquals(
        List.of(
            new Action.ForgetBlueGreen("app", "the desired spec changed"),
            new Action.CreateBeside(v3, SpecHash.of(v3), old)),
        plan.actions());

    // A rollback to the revision that runs: forgotten, and the node is converged.
    WorkloadSpec rollback = v1().withUpdate(BLUE_GREEN);
    Plan back = plan(rollback, List.of(old), Map.of(), givenUp, NOW, UTC);
    assertEquals(
        List.of(new Action.ForgetBlueGreen("app", "the desired spec changed")), back.actions());
    assertTrue(back.converged());
    assertEquals(Map.of(), back.updates());
  }

  @Test
  void theBlueGreenStateIsForgottenOnceNoOlderContainerIsLeft() {
    WorkloadSpec v2 = v2(BLUE_GREEN);
    ContainerInfo switched = running("new", v2, NOW.minusSeconds(60));
    Plan plan =
        plan(
            v2,
            List.of(switched),
            Map.of(),
            Map.of("app", begunAt(v2, NOW.minusSeconds(90))),
            NOW,
            UTC);
    assertEquals(
        List.of(new Action.ForgetBlueGreen("app", "no older container is left")), plan.actions());
    assertTrue(plan.converged());
  }

  @Test
  void aNewContainerThatVanishedIsCreatedAgainUntilTheGiveUpTime() {
    WorkloadSpec v2 = v2(BLUE_GREEN);
    ContainerInfo old = running("old", v1(), NOW.minusSeconds(3600));
    Map<String, BlueGreenState> begun = Map.of("app", begunAt(v2, NOW.minusSeconds(60)));
    Plan again = plan(v2, List.of(old), Map.of(), begun, NOW, UTC);
    assertEquals(List.of(new Action.CreateBeside(v2, SpecHash.of(v2), old)), again.actions());
    assertEquals(Optional.of(NOW.minusSeconds(60).plus(Duration.ofMinutes(5))), again.wakeAt());

    Plan late = plan(v2, List.of(old), Map.of(), begun, NOW.plus(Duration.ofMinutes(5)), UTC);
    assertInstanceOf(Action.FallBack.class, late.actions().get(0));

    // A create the runtime refused counts as a failure with its own back-off.
    Map<String, BlueGreenState> refused =
        Map.of("app", begunAt(v2, NOW.minusSeconds(60)).failed(NOW.plusSeconds(2)));
    Plan backingOff = plan(v2, List.of(old), Map.of(), refused, NOW, UTC);
    assertEquals(List.of(), backingOff.actions());
    assertEquals(Optional.of(NOW.plusSeconds(2)), backingOff.wakeAt());
  }

  @Test
  void windowsHoldABlueGreenUpdateUntilTheyOpenButNotOneAlreadyUnderWay() {
    WorkloadSpec v2 = v2(BLUE_GREEN.withWindows(SATURDAY_NIGHTS));
    ContainerInfo old = running("old", v1(), NOW.minusSeconds(3600));

    Plan closed = plan(v2, List.of(old));
    assertEquals(List.of(), closed.actions());
    assertInstanceOf(Update.Waiting.class, closed.updates().get("app"));
    assertEquals(Optional.of(NEXT_SATURDAY), closed.wakeAt());

    Plan open = plan(v2, List.of(old), Map.of(), Map.of(), NEXT_SATURDAY, UTC);
    assertEquals(List.of(new Action.CreateBeside(v2, SpecHash.of(v2), old)), open.actions());

    // Begun in the window, which closed since: the switch goes on.
    Instant afterTheWindow = NEXT_SATURDAY.plus(Duration.ofHours(3));
    ContainerInfo candidate = running("new", v2, afterTheWindow.minusSeconds(60));
    Plan switching =
        plan(
            v2,
            List.of(old, candidate),
            Map.of(),
            Map.of("app", begunAt(v2, afterTheWindow.minusSeconds(61))),
            afterTheWindow,
            UTC);
    assertEquals(List.of(new Action.Switch(v2, candidate, List.of(old))), switching.actions());
  }

  @Test
  void switchingToReplaceInTheMiddleOfABlueGreenUpdateReplaces() {
    WorkloadSpec v2 = v2(UpdateSpec.DEFAULT);
    ContainerInfo old = running("old", v1(), NOW.minusSeconds(3600));
    ContainerInfo candidate = running("new", v2, NOW.minusSeconds(10));
    Plan plan =
        plan(
            v2,
            List.of(old, candidate),
            Map.of(),
            Map.of("app", begunAt(v2, NOW.minusSeconds(10))),
            NOW,
            UTC);
    assertEquals(
        List.of(
            new Action.Remove(old, "app", "replaced: the workload's spec changed"),
            new Action.ForgetBlueGreen("app", "the update mode is now REPLACE")),
        plan.actions());
  }

  @Test
  void withoutARecordTheGiveUpTimeCountsFromTheNewContainersStart() {
    WorkloadSpec v2 = probed(BLUE_GREEN);
    ContainerInfo old = running("old", v1(), NOW.minusSeconds(3600));
    ContainerInfo candidate = running("new", v2, NOW.minusSeconds(100));
    Plan plan = plan(v2, List.of(old, candidate), Map.of(), Map.of(), NOW, UTC);
    assertEquals(List.of(), plan.actions());
    assertEquals(Optional.of(NOW.plusSeconds(200)), plan.wakeAt());
  }

  @Test
  void restartStatesOfTheOldContainerDoNotHoldTheBlueGreenCreate() {
    WorkloadSpec v2 = v2(BLUE_GREEN);
    ContainerInfo old = running("old", v1(), NOW.minusSeconds(10));
    Plan plan =
        Planner.plan(
            Optional.of(new NodeDesired(9, List.of(v2))),
            new Observed(
                List.of(old),
                Map.of("app", new RestartState(2, NOW.plusSeconds(30))),
                Map.of(),
                Map.of()),
            NOW,
            UTC);
    assertEquals(List.of(new Action.CreateBeside(v2, SpecHash.of(v2), old)), plan.actions());
  }
}
