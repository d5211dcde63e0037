package dev.flotilla.agent.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.agent.model.ContainerInfo;
import dev.flotilla.agent.model.Labels;
import dev.flotilla.agent.model.NodeDesired;
import dev.flotilla.agent.model.RestartSpec;
import dev.flotilla.agent.model.SpecHash;
import dev.flotilla.agent.model.WorkloadSpec;
import dev.flotilla.agent.reconcile.Planner.Observed;
import dev.flotilla.agent.reconcile.Planner.Plan;
import dev.flotilla.agent.store.AgentStore.RestartState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlannerTest {
  static final Instant NOW = Instant.parse("2026-11-22T03:00:00Z");

  static WorkloadSpec spec(String name, String image, RestartSpec.Mode mode) {
    return new WorkloadSpec(
        name,
        image,
        "rev-1",
        List.of(),
        List.of("sleep", "3600"),
        Map.of(),
        List.of(),
        List.of(),
        0,
        0,
        Optional.empty(),
        new RestartSpec(mode, Duration.ofSeconds(1), Duration.ofMinutes(5)));
  }

  static WorkloadSpec spec(String name) {
    return spec(name, "localhost/app:1", RestartSpec.Mode.ALWAYS);
  }

  static ContainerInfo container(
      String id, WorkloadSpec spec, ContainerInfo.State state, int exit, Instant started) {
    return container(id, spec.name(), SpecHash.of(spec), state, exit, started);
  }

  static ContainerInfo container(
      String id,
      String workload,
      String hash,
      ContainerInfo.State state,
      int exit,
      Instant started) {
    return new ContainerInfo(
        id,
        "flotilla-" + workload + "-" + id,
        "localhost/app:1",
        Map.of(Labels.WORKLOAD, workload, Labels.SPEC_HASH, hash, Labels.REVISION, "rev-1"),
        state,
        exit,
        Optional.ofNullable(started),
        Optional.empty());
  }

  static Plan plan(List<WorkloadSpec> desired, List<ContainerInfo> containers) {
    return plan(desired, containers, Map.of(), Set.of());
  }

  static Plan plan(
      List<WorkloadSpec> desired,
      List<ContainerInfo> containers,
      Map<String, RestartState> restarts,
      Set<String> unhealthy) {
    return Planner.plan(
        Optional.of(new NodeDesired(7, desired)),
        new Observed(containers, restarts, unhealthy),
        NOW);
  }

  @Test
  void withoutAnyDesiredStateNothingIsTouched() {
    Plan plan =
        Planner.plan(
            Optional.empty(),
            new Observed(
                List.of(container("a", spec("x"), ContainerInfo.State.EXITED, 1, null)),
                Map.of(),
                Set.of()),
            NOW);
    assertEquals(List.of(), plan.actions());
  }

  @Test
  void aWorkloadWithoutAContainerGetsOneCreatedAndStarted() {
    WorkloadSpec app = spec("app");
    Plan plan = plan(List.of(app), List.of());
    assertEquals(List.of(new Action.CreateAndStart(app, SpecHash.of(app))), plan.actions());
    assertFalse(plan.converged());
  }

  @Test
  void aRunningMatchingContainerIsLeftAloneAndTheNodeIsConverged() {
    WorkloadSpec app = spec("app");
    Plan plan =
        plan(List.of(app), List.of(container("a", app, ContainerInfo.State.RUNNING, 0, NOW)));
    assertEquals(List.of(), plan.actions());
    assertTrue(plan.converged());
  }

  @Test
  void aChangedSpecRemovesTheOldContainerBeforeCreatingTheNewOne() {
    WorkloadSpec v1 = spec("app", "localhost/app:1", RestartSpec.Mode.ALWAYS);
    WorkloadSpec v2 = spec("app", "localhost/app:2", RestartSpec.Mode.ALWAYS);
    ContainerInfo old = container("a", v1, ContainerInfo.State.RUNNING, 0, NOW);
    Plan plan = plan(List.of(v2), List.of(old));
    assertEquals(2, plan.actions().size());
    assertInstanceOf(Action.Remove.class, plan.actions().get(0));
    assertEquals(old, ((Action.Remove) plan.actions().get(0)).container());
    assertEquals(new Action.CreateAndStart(v2, SpecHash.of(v2)), plan.actions().get(1));
  }

  @Test
  void aRevisionOrProbeChangeAloneDoesNotReplaceTheContainer() {
    WorkloadSpec v1 = spec("app");
    WorkloadSpec v2 =
        new WorkloadSpec(
            v1.name(),
            v1.image(),
            "rev-2",
            v1.command(),
            v1.args(),
            v1.env(),
            v1.ports(),
            v1.volumes(),
            0,
            0,
            Optional.empty(),
            RestartSpec.DEFAULT);
    Plan plan = plan(List.of(v2), List.of(container("a", v1, ContainerInfo.State.RUNNING, 0, NOW)));
    assertEquals(List.of(), plan.actions());
  }

  @Test
  void aWorkloadNoLongerDesiredIsRemoved() {
    WorkloadSpec gone = spec("gone");
    ContainerInfo c = container("g", gone, ContainerInfo.State.RUNNING, 0, NOW);
    Plan plan = plan(List.of(), List.of(c));
    assertEquals(List.of(new Action.Remove(c, "gone", "no longer desired")), plan.actions());
  }

  @Test
  void containersWithoutTheWorkloadLabelAreNeverTouched() {
    ContainerInfo foreign =
        new ContainerInfo(
            "f",
            "grafana",
            "grafana:10",
            Map.of("maintainer", "ops"),
            ContainerInfo.State.EXITED,
            1,
            Optional.empty(),
            Optional.empty());
    Plan plan = plan(List.of(), List.of(foreign));
    assertEquals(List.of(), plan.actions());
  }

  @Test
  void duplicatesAreRemovedKeepingTheRunningOne() {
    WorkloadSpec app = spec("app");
    ContainerInfo running = container("b", app, ContainerInfo.State.RUNNING, 0, NOW);
    ContainerInfo stale = container("a", app, ContainerInfo.State.EXITED, 0, NOW.minusSeconds(60));
    Plan plan = plan(List.of(app), List.of(stale, running));
    assertEquals(List.of(new Action.Remove(stale, "app", "duplicate container")), plan.actions());
  }

  @Test
  void aCreatedContainerIsStartedWithoutCountingAFailure() {
    WorkloadSpec app = spec("app");
    ContainerInfo c = container("a", app, ContainerInfo.State.CREATED, 0, null);
    Plan plan = plan(List.of(app), List.of(c));
    assertEquals(
        List.of(new Action.Start(c, app, false, "created, never started")), plan.actions());
  }

  @Test
  void anExitedContainerIsRestartedUnderAlways() {
    WorkloadSpec app = spec("app");
    ContainerInfo c = container("a", app, ContainerInfo.State.EXITED, 0, NOW.minusSeconds(5));
    Plan plan = plan(List.of(app), List.of(c));
    assertEquals(List.of(new Action.Start(c, app, true, "exited with code 0")), plan.actions());
  }

  @Test
  void onFailureRestartsOnlyANonZeroExit() {
    WorkloadSpec app = spec("app", "localhost/app:1", RestartSpec.Mode.ON_FAILURE);
    ContainerInfo clean = container("a", app, ContainerInfo.State.EXITED, 0, NOW);
    assertEquals(List.of(), plan(List.of(app), List.of(clean)).actions());
    ContainerInfo crashed = container("a", app, ContainerInfo.State.EXITED, 137, NOW);
    assertEquals(
        List.of(new Action.Start(crashed, app, true, "exited with code 137")),
        plan(List.of(app), List.of(crashed)).actions());
  }

  @Test
  void neverLeavesAnExitedContainerAlone() {
    WorkloadSpec app = spec("app", "localhost/app:1", RestartSpec.Mode.NEVER);
    ContainerInfo crashed = container("a", app, ContainerInfo.State.EXITED, 1, NOW);
    Plan plan = plan(List.of(app), List.of(crashed));
    assertEquals(List.of(), plan.actions());
    assertTrue(plan.converged());
  }

  @Test
  void aBackOffHoldsTheRestartBackAndSaysWhenToLookAgain() {
    WorkloadSpec app = spec("app");
    ContainerInfo c = container("a", app, ContainerInfo.State.EXITED, 1, NOW.minusSeconds(2));
    Instant until = NOW.plusSeconds(8);
    Plan plan = plan(List.of(app), List.of(c), Map.of("app", new RestartState(3, until)), Set.of());
    assertEquals(List.of(), plan.actions());
    assertEquals(Optional.of(until), plan.wakeAt());
    assertFalse(plan.converged());
  }

  @Test
  void aBackOffThatHasEndedLetsTheRestartThrough() {
    WorkloadSpec app = spec("app");
    ContainerInfo c = container("a", app, ContainerInfo.State.EXITED, 1, NOW.minusSeconds(20));
    Plan plan =
        plan(
            List.of(app),
            List.of(c),
            Map.of("app", new RestartState(3, NOW.minusMillis(1))),
            Set.of());
    assertEquals(List.of(new Action.Start(c, app, true, "exited with code 1")), plan.actions());
  }

  @Test
  void anUnhealthyRunningContainerIsRestartedUnlessThePolicyIsNever() {
    WorkloadSpec app = spec("app");
    ContainerInfo c = container("a", app, ContainerInfo.State.RUNNING, 0, NOW.minusSeconds(30));
    assertEquals(
        List.of(new Action.RestartUnhealthy(c, app)),
        plan(List.of(app), List.of(c), Map.of(), Set.of("app")).actions());
    WorkloadSpec never = spec("app", "localhost/app:1", RestartSpec.Mode.NEVER);
    ContainerInfo n = container("a", never, ContainerInfo.State.RUNNING, 0, NOW);
    assertEquals(List.of(), plan(List.of(never), List.of(n), Map.of(), Set.of("app")).actions());
  }

  @Test
  void aWorkloadRunningLongEnoughHasItsBackOffForgotten() {
    WorkloadSpec app = spec("app");
    ContainerInfo stable =
        container("a", app, ContainerInfo.State.RUNNING, 0, NOW.minus(Planner.STABLE_AFTER));
    Map<String, RestartState> restarts = Map.of("app", new RestartState(4, NOW.minusSeconds(90)));
    assertEquals(
        List.of(new Action.ResetBackoff("app")),
        plan(List.of(app), List.of(stable), restarts, Set.of()).actions());

    ContainerInfo fresh = container("a", app, ContainerInfo.State.RUNNING, 0, NOW.minusSeconds(5));
    Plan waiting = plan(List.of(app), List.of(fresh), restarts, Set.of());
    assertEquals(List.of(), waiting.actions());
    assertEquals(
        Optional.of(NOW.minusSeconds(5).plus(Planner.STABLE_AFTER).plusMillis(1)),
        waiting.wakeAt());
  }

  @Test
  void aCreateHeldByBackOffWaitsToo() {
    WorkloadSpec app = spec("app");
    Instant until = NOW.plusSeconds(30);
    Plan plan = plan(List.of(app), List.of(), Map.of("app", new RestartState(1, until)), Set.of());
    assertEquals(List.of(), plan.actions());
    assertEquals(Optional.of(until), plan.wakeAt());
  }

  @Test
  void removalsComeBeforeEveryCreateSoPortsAreFree() {
    WorkloadSpec a1 = spec("a", "localhost/a:1", RestartSpec.Mode.ALWAYS);
    WorkloadSpec a2 = spec("a", "localhost/a:2", RestartSpec.Mode.ALWAYS);
    WorkloadSpec b = spec("b");
    ContainerInfo old = container("x", a1, ContainerInfo.State.RUNNING, 0, NOW);
    ContainerInfo orphan = container("y", "c", "h", ContainerInfo.State.RUNNING, 0, NOW);
    Plan plan = plan(List.of(b, a2), List.of(old, orphan));
    List<Class<?>> kinds = plan.actions().stream().<Class<?>>map(Object::getClass).toList();
    assertEquals(
        List.of(
            Action.Remove.class,
            Action.Remove.class,
            Action.CreateAndStart.class,
            Action.CreateAndStart.class),
        kinds);
  }
}
