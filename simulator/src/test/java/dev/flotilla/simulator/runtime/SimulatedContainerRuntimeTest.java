package dev.flotilla.simulator.runtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.agent.model.ContainerInfo;
import dev.flotilla.agent.model.ContainerInfo.State;
import dev.flotilla.agent.model.Labels;
import dev.flotilla.agent.runtime.ContainerRuntime.ExecResult;
import dev.flotilla.agent.runtime.ContainerRuntime.RuntimeEvent;
import dev.flotilla.agent.runtime.ContainerRuntime.Stats;
import dev.flotilla.agent.runtime.ContainerRuntimeException;
import dev.flotilla.agent.runtime.ContainerRuntimeException.Kind;
import dev.flotilla.agent.runtime.ContainerSpec;
import dev.flotilla.simulator.runtime.SimulatedContainerRuntime.Counters;
import dev.flotilla.simulator.testing.ManualScheduler;
import dev.flotilla.simulator.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class SimulatedContainerRuntimeTest {
  private static final Instant T0 = Instant.parse("2025-06-01T12:00:00Z");
  private static final String APP = "registry.local/app:1.0";
  private static final String SLOW = "registry.local/slow:2.1";
  private static final String MISSING = "registry.local/missing:3";
  private static final String CRASHING = "registry.local/crashing:1";
  private static final String SICK = "registry.local/sick:1";
  private static final List<String> PROBE = List.of("/bin/check");
  private static final Duration ONE_SECOND = Duration.ofSeconds(1);

  private final MutableClock clock = new MutableClock(T0);
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private final ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
  private final SimulatedContainerRuntime runtime = runtime(new Random(42));

  private SimulatedContainerRuntime runtime(Random random) {
    return new SimulatedContainerRuntime(
        clock,
        scheduler,
        random,
        ImageBehaviour.HEALTHY,
        Map.of(
            SLOW,
            ImageBehaviour.HEALTHY
                .withPullTime(Duration.ofSeconds(30))
                .withStartDelay(Duration.ofSeconds(5)),
            MISSING,
            ImageBehaviour.HEALTHY.withPullTime(Duration.ofSeconds(2)).withPullFails(true),
            CRASHING,
            ImageBehaviour.HEALTHY.withCrashAfter(Duration.ofSeconds(10)),
            SICK,
            ImageBehaviour.HEALTHY.withProbeHealthy(false)),
        Set.of(APP, CRASHING, SICK));
  }

  @AfterEach
  void stopCallers() {
    callers.shutdownNow();
  }

  // --- containers ------------------------------------------------------------------------------

  @Test
  void aCreatedContainerKeepsItsLabelsAndIsFoundByIdOrName() {
    String id = runtime.create(spec("web", APP));

    ContainerInfo byId = runtime.inspect(id).orElseThrow();
    assertEquals(id, byId.id());
    assertEquals("flotilla-web-1", byId.name());
    assertEquals(APP, byId.image());
    assertEquals(State.CREATED, byId.state());
    assertEquals(Optional.of("web"), byId.workload());
    assertEquals(Optional.of("hash-web"), byId.specHash());
    assertEquals(Optional.empty(), byId.startedAt());
    assertEquals(Optional.empty(), byId.finishedAt());
    assertEquals(Optional.of(byId), runtime.inspect("flotilla-web-1"));
    assertEquals(Optional.empty(), runtime.inspect("flotilla-nothing"));
  }

  @Test
  void containerIdsAre64HexDigitsAndTheSameSeedGivesTheSameIds() {
    String first = runtime.create(spec("a", APP));
    String second = runtime.create(spec("b", APP));

    assertTrue(first.matches("[0-9a-f]{64}"), first);
    assertNotEquals(first, second);
    SimulatedContainerRuntime again = runtime(new Random(42));
    assertEquals(first, again.create(spec("a", APP)));
  }

  private String logs(String id, int tail) {
    StringBuilder out = new StringBuilder();
    runtime.logs(
        id,
        tail,
        Duration.ofMinutes(1),
        chunk -> {
          out.append(new String(chunk, java.nio.charset.StandardCharsets.UTF_8));
          return true;
        });
    return out.toString();
  }

  @Test
  void theLogIsGeneratedFromTheContainersRunAndTheClockTheSameEveryTime() {
    String id = runtime.create(spec("web", APP));
    clock.advance(ONE_SECOND);
    runtime.start(id);
    clock.advance(Duration.ofSeconds(35));

    String all = logs(id, -1);
    assertEquals(
        T0.plusSeconds(1)
            + " [flotilla-web-1] starting "
            + APP
            + " (run 1)\n"
            + T0.plusSeconds(1)
            + " [flotilla-web-1] ready\n"
            + T0.plusSeconds(11)
            + " [flotilla-web-1] probe ok\n"
            + T0.plusSeconds(21)
            + " [flotilla-web-1] probe ok\n"
            + T0.plusSeconds(31)
            + " [flotilla-web-1] probe ok\n",
        all);
    assertEquals(all, logs(id, -1));
    assertEquals(T0.plusSeconds(31) + " [flotilla-web-1] probe ok\n", logs(id, 1), "the tail");

    runtime.stop(id, ONE_SECOND);
    clock.advance(Duration.ofMinutes(5));
    assertEquals(
        T0.plusSeconds(31)
            + " [flotilla-web-1] probe ok\n"
            + T0.plusSeconds(36)
            + " [flotilla-web-1] exited with code 0\n",
        logs(id, 2),
        "a stopped container keeps its log, which ends at its exit");
  }

  @Test
  void theLogOfAMissingContainerIsNotFound() {
    ContainerRuntimeException e =
        assertThrows(
            ContainerRuntimeException.class,
            () -> runtime.logs("nope", 10, Duration.ZERO, c -> true));
    assertEquals(Kind.NOT_FOUND, e.kind());
  }

  @Test
  void startRunsTheContainerAndStartingARunningOneIsNotAnError() {
    String id = runtime.create(spec("web", APP));
    clock.advance(ONE_SECOND);

    runtime.start(id);
    clock.advance(ONE_SECOND);
    runtime.start(id);

    ContainerInfo running = runtime.inspect(id).orElseThrow();
    assertEquals(State.RUNNING, running.state());
    assertEquals(Optional.of(T0.plus(ONE_SECOND)), running.startedAt());
    assertEquals(1, runtime.counters().started());
  }

  @Test
  void stopExitsWithCodeZeroAndStoppingAStoppedOrNeverStartedContainerIsNotAnError() {
    String id = runtime.create(spec("web", APP));
    String idle = runtime.create(spec("idle", APP));
    runtime.start(id);
    clock.advance(ONE_SECOND);

    runtime.stop(id, Duration.ofSeconds(10));
    runtime.stop(id, Duration.ofSeconds(10));
    runtime.stop(idle, Duration.ofSeconds(10));

    ContainerInfo stopped = runtime.inspect(id).orElseThrow();
    assertEquals(State.EXITED, stopped.state());
    assertEquals(0, stopped.exitCode());
    assertEquals(Optional.of(T0.plus(ONE_SECOND)), stopped.finishedAt());
    assertEquals(State.CREATED, runtime.inspect(idle).orElseThrow().state());
  }

  @Test
  void startingAnExitedContainerRunsItAgainAndCountsARestart() {
    String id = runtime.create(spec("web", APP));
    runtime.start(id);
    runtime.stop(id, ONE_SECOND);
    clock.advance(ONE_SECOND);

    runtime.start(id);

    ContainerInfo again = runtime.inspect(id).orElseThrow();
    assertEquals(State.RUNNING, again.state());
    assertEquals(Optional.of(T0.plus(ONE_SECOND)), again.startedAt());
    assertEquals(new Counters(1, 2, 1, 0, 0, 0, 0, 1, 0), runtime.counters());
  }

  @Test
  void recreatingTheSameRevisionOfARunningWorkloadIsANeedlessRestartAndAnUpdateIsNot() {
    String first = runtime.create(spec("web", APP));
    runtime.start(first);
    runtime.remove(first, true);
    String same = runtime.create(spec("web", APP));
    runtime.start(same);
    assertEquals(1, runtime.counters().needlessRestarts(), "same spec hash, recreated");

    runtime.remove(same, true);
    ContainerSpec update = spec("web", APP);
    Map<String, String> labels = new java.util.HashMap<>(update.labels());
    labels.put(Labels.SPEC_HASH, "hash-web-2");
    String updated =
        runtime.create(
            new ContainerSpec(
                update.name(),
                update.image(),
                update.command(),
                update.args(),
                update.env(),
                update.ports(),
                update.volumes(),
                update.cpuMillis(),
                update.memoryBytes(),
                labels));
    runtime.start(updated);
    assertEquals(1, runtime.counters().needlessRestarts(), "a new spec hash is an update");
  }

  @Test
  void aCrashOrAPowerCycleEndsContainersWithoutTheApiSoStartingThemAgainIsNoNeedlessRestart() {
    runtime.setBehaviour(APP, ImageBehaviour.HEALTHY.withCrashAfter(ONE_SECOND));
    String id = runtime.create(spec("web", APP));
    runtime.start(id);
    scheduler.advance(ONE_SECOND);
    assertEquals(State.EXITED, runtime.inspect(id).orElseThrow().state());
    runtime.start(id);
    runtime.setBehaviour(APP, ImageBehaviour.HEALTHY);
    runtime.start(id);

    String other = runtime.create(spec("db", APP));
    runtime.start(other);
    runtime.powerCycle();
    assertEquals(State.EXITED, runtime.inspect(other).orElseThrow().state());
    assertEquals(137, runtime.inspect(other).orElseThrow().exitCode());
    runtime.start(other);

    assertEquals(0, runtime.counters().needlessRestarts());
    assertEquals(1, runtime.counters().powerCycles());
  }

  @Test
  void removingARunningContainerWithoutForceIsAConflictAndWithForceRemovesIt() {
    String id = runtime.create(spec("web", APP));
    runtime.start(id);

    ContainerRuntimeException e = refused(Kind.CONFLICT, () -> runtime.remove(id, false));
    assertTrue(e.getMessage().contains("cannot remove container " + id), e.getMessage());
    assertEquals(State.RUNNING, runtime.inspect(id).orElseThrow().state());

    runtime.remove(id, true);
    assertEquals(Optional.empty(), runtime.inspect(id));
    assertEquals(Optional.empty(), runtime.inspect("flotilla-web-1"));
    assertEquals(1, runtime.counters().removed());
  }

  @Test
  void removingAStoppedContainerFreesItsNameAndRemovingAMissingOneIsNotAnError() {
    String id = runtime.create(spec("web", APP));

    runtime.remove(id, false);
    runtime.remove(id, false);
    runtime.remove("flotilla-nothing", true);

    assertNotEquals(id, runtime.create(spec("web", APP)));
    assertEquals(1, runtime.counters().removed());
  }

  @Test
  void creatingATakenNameIsAConflictThatKeepsPodmansWords() {
    String first = runtime.create(spec("web", APP));

    ContainerRuntimeException e = refused(Kind.CONFLICT, () -> runtime.create(spec("web", APP)));

    assertTrue(e.getMessage().contains("is already in use"), e.getMessage());
    assertTrue(e.getMessage().contains("flotilla-web-1"), e.getMessage());
    assertTrue(e.getMessage().contains(first), e.getMessage());
    assertEquals(1, runtime.listByLabel(Labels.WORKLOAD).size());
  }

  @Test
  void creatingFromAnAbsentImageIsNotFoundAndPullsNothing() {
    ContainerRuntimeException e = refused(Kind.NOT_FOUND, () -> runtime.create(spec("s", SLOW)));

    assertTrue(e.getMessage().contains("image not known"), e.getMessage());
    assertFalse(runtime.imageExists(SLOW));
    assertEquals(0, scheduler.pending());
  }

  @Test
  void callsOnAMissingContainerAreNotFoundExceptInspectAndRemove() {
    String missing = "flotilla-missing";
    List<Executable> calls =
        List.of(
            () -> runtime.start(missing),
            () -> runtime.stop(missing, ONE_SECOND),
            () -> runtime.exec(missing, PROBE, ONE_SECOND),
            () -> runtime.stats(missing),
            () -> runtime.kill(missing, 9));
    for (Executable call : calls) {
      ContainerRuntimeException e = refused(Kind.NOT_FOUND, call);
      assertTrue(e.getMessage().contains(missing), e.getMessage());
    }
  }

  @Test
  void listByLabelReturnsEveryContainerCarryingTheKeyWhateverItsValueOrState() {
    String a = runtime.create(spec("a", APP));
    String b = runtime.create(spec("b", APP));
    runtime.start(b);
    String other =
        runtime.create(
            new ContainerSpec(
                "not-ours",
                APP,
                List.of(),
                List.of(),
                Map.of(),
                List.of(),
                List.of(),
                0,
                0,
                Map.of("team", "x")));

    assertEquals(
        List.of(a, b),
        runtime.listByLabel(Labels.WORKLOAD).stream().map(ContainerInfo::id).toList());
    assertEquals(
        List.of(other), runtime.listByLabel("team").stream().map(ContainerInfo::id).toList());
    assertEquals(List.of(), runtime.listByLabel("nobody"));
  }

  // --- images ----------------------------------------------------------------------------------

  @Test
  void aPullTakesItsPullTimeOnTheSchedulerThenTheImageIsPresent() {
    assertFalse(runtime.imageExists(SLOW));

    CompletableFuture<Void> pull = CompletableFuture.runAsync(() -> runtime.pull(SLOW), callers);
    await("the pull's timer").atMost(Duration.ofSeconds(5)).until(() -> scheduler.pending() == 1);
    scheduler.advance(Duration.ofSeconds(29));
    assertFalse(pull.isDone(), "the pull ended before its pull time");
    scheduler.advance(ONE_SECOND);
    pull.join();

    assertTrue(runtime.imageExists(SLOW));
    runtime.create(spec("slow", SLOW));
    assertEquals(1, runtime.counters().pulls());
  }

  @Test
  void aPullOfAnImageWithoutPullTimeEndsAtOnce() {
    runtime.pull("registry.local/other:1");

    assertTrue(runtime.imageExists("registry.local/other:1"));
    assertEquals(0, scheduler.pending());
  }

  @Test
  void aFailingPullIsAnEngineErrorSayingManifestUnknownAndLeavesTheImageAbsent() {
    CompletableFuture<Void> pull = CompletableFuture.runAsync(() -> runtime.pull(MISSING), callers);
    await("the pull's timer").atMost(Duration.ofSeconds(5)).until(() -> scheduler.pending() == 1);
    scheduler.advance(Duration.ofSeconds(2));

    ContainerRuntimeException e = assertThrows(ContainerRuntimeException.class, () -> unwrap(pull));
    assertEquals(Kind.ENGINE_ERROR, e.kind());
    assertTrue(
        e.getMessage().contains("reading manifest 3 in registry.local/missing: manifest unknown"),
        e.getMessage());
    assertFalse(runtime.imageExists(MISSING));
    assertEquals(1, runtime.counters().failedPulls());
  }

  // --- exec, the agent's probes ----------------------------------------------------------------

  @Test
  void execExitsZeroInAHealthyImageAndOneInAnImageThatFailsItsProbe() {
    String healthy = startContainer("web", APP);
    String sick = startContainer("sick", SICK);

    assertEquals(new ExecResult(0, ""), runtime.exec(healthy, PROBE, ONE_SECOND));
    assertEquals(1, runtime.exec(sick, PROBE, ONE_SECOND).exitCode());
  }

  @Test
  void aChangedBehaviourTurnsTheProbeOfARunningContainerAtOnce() {
    String id = startContainer("web", APP);

    runtime.setBehaviour(APP, ImageBehaviour.HEALTHY.withProbeHealthy(false));
    assertEquals(1, runtime.exec(id, PROBE, ONE_SECOND).exitCode());
    runtime.setBehaviour(APP, ImageBehaviour.HEALTHY);
    assertEquals(0, runtime.exec(id, PROBE, ONE_SECOND).exitCode());
  }

  @Test
  void execFailsUntilTheImagesStartDelayHasPassedSinceTheStart() {
    runtime.setBehaviour(APP, ImageBehaviour.HEALTHY.withStartDelay(Duration.ofSeconds(5)));
    String id = startContainer("web", APP);

    clock.advance(Duration.ofMillis(4_999));
    ExecResult starting = runtime.exec(id, PROBE, ONE_SECOND);
    clock.advance(Duration.ofMillis(1));
    ExecResult ready = runtime.exec(id, PROBE, ONE_SECOND);

    assertEquals(1, starting.exitCode());
    assertTrue(starting.output().contains("still starting"), starting.output());
    assertEquals(0, ready.exitCode());
    assertEquals(State.RUNNING, runtime.inspect(id).orElseThrow().state());
  }

  @Test
  void execInAContainerThatIsNotRunningIsAConflictAndBadArgumentsAreRefused() {
    String id = runtime.create(spec("web", APP));

    ContainerRuntimeException e = refused(Kind.CONFLICT, () -> runtime.exec(id, PROBE, ONE_SECOND));
    assertTrue(
        e.getMessage().contains("can only create exec sessions on running containers"),
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> runtime.exec(id, List.of(), ONE_SECOND));
    assertThrows(IllegalArgumentException.class, () -> runtime.exec(id, PROBE, Duration.ZERO));
  }

  // --- crashes ---------------------------------------------------------------------------------

  @Test
  void aContainerOfACrashingImageDiesWithExitCodeOneCrashAfterItsStart() {
    List<RuntimeEvent> events = subscribe();
    String id = startContainer("crash", CRASHING);

    scheduler.advance(Duration.ofMillis(9_999));
    assertEquals(State.RUNNING, runtime.inspect(id).orElseThrow().state());
    scheduler.advance(Duration.ofMillis(1));

    ContainerInfo died = runtime.inspect(id).orElseThrow();
    assertEquals(State.EXITED, died.state());
    assertEquals(1, died.exitCode());
    assertEquals(Optional.of(T0.plusSeconds(10)), died.finishedAt());
    assertEquals(List.of("create", "start", "died"), actions(events, id));
    assertEquals(1, runtime.counters().crashes());

    runtime.start(id);
    scheduler.advance(Duration.ofSeconds(10));
    assertEquals(State.EXITED, runtime.inspect(id).orElseThrow().state());
    assertEquals(2, runtime.counters().crashes());
    assertEquals(1, runtime.counters().restarts());
  }

  @Test
  void aCrashDueForAnEarlierRunNeverEndsALaterOne() {
    String id = startContainer("crash", CRASHING);
    scheduler.advance(Duration.ofSeconds(6));
    runtime.stop(id, ONE_SECOND);
    runtime.start(id);

    scheduler.advance(Duration.ofSeconds(6)); // the first run's crash time has passed
    assertEquals(State.RUNNING, runtime.inspect(id).orElseThrow().state());
    scheduler.advance(Duration.ofSeconds(4)); // the second run's

    assertEquals(State.EXITED, runtime.inspect(id).orElseThrow().state());
    assertEquals(1, runtime.counters().crashes());
  }

  @Test
  void killEndsARunningContainerWithTheGivenCodeAndCountsACrash() {
    List<RuntimeEvent> events = subscribe();
    String id = startContainer("web", APP);

    runtime.kill("flotilla-web-1", 137);

    ContainerInfo killed = runtime.inspect(id).orElseThrow();
    assertEquals(State.EXITED, killed.state());
    assertEquals(137, killed.exitCode());
    assertEquals(List.of("create", "start", "died"), actions(events, id));
    assertEquals(1, runtime.counters().crashes());
    refused(Kind.CONFLICT, () -> runtime.kill(id, 137));
  }

  // --- events ----------------------------------------------------------------------------------

  @Test
  void eventsReportEveryChangeWithItsWorkloadUntilTheHandleIsClosed() throws Exception {
    List<RuntimeEvent> events = new CopyOnWriteArrayList<>();
    AutoCloseable handle = runtime.events(events::add);
    String id = startContainer("web", APP);
    runtime.stop(id, ONE_SECOND);
    runtime.start(id);
    runtime.remove(id, true);

    assertEquals(
        List.of("create", "start", "died", "stop", "start", "died", "remove"), actions(events, id));
    assertTrue(events.stream().allMatch(e -> e.workload().equals(Optional.of("web"))));

    handle.close();
    startContainer("later", APP);
    assertEquals(7, events.size());
  }

  @Test
  void aListenerThatThrowsOrCallsTheRuntimeDoesNotDisturbDeliveryOrder() {
    List<String> seen = new ArrayList<>();
    runtime.events(
        e -> {
          throw new IllegalStateException("a broken listener");
        });
    runtime.events(
        e -> {
          seen.add(e.action());
          if (e.action().equals("create")) {
            runtime.start(e.containerId()); // its own event comes after this one
          }
        });

    runtime.create(spec("web", APP));

    assertEquals(List.of("create", "start"), seen);
  }

  // --- stats, outages, close -------------------------------------------------------------------

  @Test
  void statsOfARunningContainerAreSmallAndWithinItsLimitAndOfAStoppedOneAConflict() {
    String id =
        runtime.create(
            new ContainerSpec(
                "limited",
                APP,
                List.of(),
                List.of(),
                Map.of(),
                List.of(),
                List.of(),
                250,
                16L * 1024 * 1024,
                Map.of(Labels.WORKLOAD, "limited")));
    runtime.start(id);

    for (int i = 0; i < 20; i++) {
      Stats stats = runtime.stats(id);
      assertTrue(stats.cpuMillis() >= 5 && stats.cpuMillis() <= 50, stats.toString());
      assertTrue(
          stats.memoryBytes() >= 8L * 1024 * 1024 && stats.memoryBytes() <= 16L * 1024 * 1024,
          stats.toString());
      assertEquals(16L * 1024 * 1024, stats.memoryLimitBytes());
    }
    runtime.stop(id, ONE_SECOND);
    refused(Kind.CONFLICT, () -> runtime.stats(id));
  }

  @Test
  void anInjectedOutageMakesEveryCallUnavailableUntilItIsLifted() {
    String id = startContainer("web", APP);

    runtime.setAvailable(false);
    for (Executable call :
        List.<Executable>of(
            () -> runtime.listByLabel(Labels.WORKLOAD),
            () -> runtime.inspect(id),
            () -> runtime.create(spec("other", APP)),
            () -> runtime.stop(id, ONE_SECOND),
            () -> runtime.pull(APP),
            () -> runtime.imageExists(APP),
            () -> runtime.exec(id, PROBE, ONE_SECOND))) {
      refused(Kind.UNAVAILABLE, call);
    }
    // An event stream waits for the service, as Podman's does.
    assertDoesNotThrow(() -> runtime.events(e -> {}).close());
    runtime.setAvailable(true);

    assertEquals(State.RUNNING, runtime.inspect(id).orElseThrow().state());
  }

  @Test
  void closingFailsAWaitingPullCancelsCrashesAndMakesEveryLaterCallUnavailable() {
    startContainer("crash", CRASHING);
    CompletableFuture<Void> pull = CompletableFuture.runAsync(() -> runtime.pull(SLOW), callers);
    await("the pull's timer").atMost(Duration.ofSeconds(5)).until(() -> scheduler.pending() == 2);

    runtime.close();
    runtime.close();

    ContainerRuntimeException e = assertThrows(ContainerRuntimeException.class, () -> unwrap(pull));
    assertEquals(Kind.UNAVAILABLE, e.kind());
    assertEquals(0, scheduler.pending(), "a timer outlived the runtime");
    refused(Kind.UNAVAILABLE, () -> runtime.listByLabel(Labels.WORKLOAD));
    scheduler.advance(Duration.ofMinutes(1));
    assertEquals(0, runtime.counters().crashes());
  }

  // ---------------------------------------------------------------------------------------------

  private static ContainerSpec spec(String workload, String image) {
    return new ContainerSpec(
        "flotilla-" + workload + "-1",
        image,
        List.of(),
        List.of(),
        Map.of(),
        List.of(),
        List.of(),
        0,
        0,
        Map.of(
            Labels.WORKLOAD,
            workload,
            Labels.REVISION,
            "r1",
            Labels.SPEC_HASH,
            "hash-" + workload));
  }

  private String startContainer(String workload, String image) {
    String id = runtime.create(spec(workload, image));
    runtime.start(id);
    return id;
  }

  private List<RuntimeEvent> subscribe() {
    List<RuntimeEvent> events = new CopyOnWriteArrayList<>();
    runtime.events(events::add);
    return events;
  }

  private static List<String> actions(List<RuntimeEvent> events, String id) {
    return events.stream()
        .filter(e -> e.containerId().equals(id))
        .map(RuntimeEvent::action)
        .toList();
  }

  private static ContainerRuntimeException refused(Kind kind, Executable call) {
    ContainerRuntimeException e = assertThrows(ContainerRuntimeException.class, call);
    assertEquals(kind, e.kind(), e.getMessage());
    return e;
  }

  /** Waits for a caller thread's call and rethrows what it threw. */
  private static void unwrap(CompletableFuture<Void> call) {
    try {
      call.join();
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }
}
