package dev.flotilla.agent.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.agent.Agent;
import dev.flotilla.agent.model.ContainerInfo;
import dev.flotilla.agent.model.Labels;
import dev.flotilla.protocol.v1.Event;
import dev.flotilla.protocol.v1.ExecCheck;
import dev.flotilla.protocol.v1.HealthProbe;
import dev.flotilla.protocol.v1.MaintenanceWindow;
import dev.flotilla.protocol.v1.NodeStatus;
import dev.flotilla.protocol.v1.UpdatePolicy;
import dev.flotilla.protocol.v1.Workload;
import dev.flotilla.protocol.v1.WorkloadStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Updates on one node with real Podman, the real broker and the real agent core: blue-green that
 * switches only once the new container is healthy, one that falls back and stays fallen back, and
 * an update held outside its maintenance window until the agent's clock is inside it.
 */
class UpdatesE2E {
  /** Healthy once {@code /tmp/ready} exists in the container. */
  private static final HealthProbe READY_FILE =
      HealthProbe.newBuilder()
          .setExec(
              ExecCheck.newBuilder().addCommand("test").addCommand("-f").addCommand("/tmp/ready"))
          .setPeriodSeconds(1)
          .build();

  @TempDir Path dir;
  Harness h;

  @BeforeEach
  void setUp() {
    h = new Harness(dir);
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  /**
   * The workload "app" at {@code revision}: a shell that sleeps {@code seconds} (the spec hash
   * differs with it) and, when {@code ready}, creates the file its probe looks for at once.
   */
  private Workload app(String revision, String seconds, boolean ready, UpdatePolicy update) {
    return Workload.newBuilder()
        .setName("app")
        .setImage(h.image())
        .setRevision(revision)
        .addCommand("/bin/sh")
        .addArgs("-c")
        .addArgs(
            (ready ? "touch /tmp/ready; " : "")
                + "trap 'exit 0' TERM; sleep "
                + seconds
                + " & wait")
        .setHealth(READY_FILE)
        .setUpdate(update)
        .build();
  }

  private static UpdatePolicy blueGreen(int switchAfter, int giveUpAfter) {
    return UpdatePolicy.newBuilder()
        .setMode(UpdatePolicy.Mode.BLUE_GREEN)
        .setSwitchAfterSeconds(switchAfter)
        .setGiveUpAfterSeconds(giveUpAfter)
        .build();
  }

  private List<ContainerInfo> appContainers() {
    return h.containers().stream()
        .filter(c -> c.workload().filter("app"::equals).isPresent())
        .toList();
  }

  private Optional<ContainerInfo> appAt(String revision) {
    return appContainers().stream()
        .filter(c -> revision.equals(c.labels().get(Labels.REVISION)))
        .findFirst();
  }

  private Optional<WorkloadStatus> appStatus() {
    return h.latestStatus()
        .flatMap(
            s -> s.getWorkloadsList().stream().filter(w -> w.getName().equals("app")).findFirst());
  }

  private WorkloadStatus awaitStatus(String what, java.util.function.Predicate<WorkloadStatus> ok) {
    return await(what)
        .atMost(Harness.CONVERGE)
        .pollInterval(Duration.ofMillis(200))
        .until(this::appStatus, s -> s.filter(ok).isPresent())
        .orElseThrow();
  }

  private void awaitRunningHealthy(String revision, long generation) {
    await("revision " + revision + " running and healthy, generation " + generation + " applied")
        .atMost(Harness.CONVERGE)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                h.latestStatus().map(NodeStatus::getObservedGeneration).orElse(0L) == generation
                    && appStatus()
                        .filter(w -> w.getState() == WorkloadStatus.State.RUNNING)
                        .filter(w -> w.getHealth() == WorkloadStatus.Health.HEALTHY)
                        .filter(w -> w.getRevision().equals(revision))
                        .isPresent()
                    && appContainers().size() == 1);
  }

  private static Instant at(Event e) {
    return Instant.ofEpochSecond(e.getAt().getSeconds(), e.getAt().getNanos());
  }

  @Test
  void blueGreenKeepsTheOldContainerUntilTheNewOneHasBeenHealthyForSwitchAfter() {
    try (Agent agent = h.startAgent()) {
      h.publishDesired(1, app("r1", "3600", true, blueGreen(2, 120)));
      awaitRunningHealthy("r1", 1);
      ContainerInfo old = appAt("r1").orElseThrow();

      // r2 never creates /tmp/ready by itself: it is not healthy until the test says so.
      h.publishDesired(2, app("r2", "3601", false, blueGreen(2, 120)));
      ContainerInfo fresh =
          await("r2's container beside r1's")
              .atMost(Harness.CONVERGE)
              .until(() -> appAt("r2"), Optional::isPresent)
              .orElseThrow();
      WorkloadStatus switching =
          awaitStatus("SWITCHING r2", w -> w.getState() == WorkloadStatus.State.SWITCHING);
      assertEquals("r2", switching.getRevision());
      assertTrue(switching.getMessage().startsWith("blue-green: "), switching.getMessage());

      // Not healthy: both stay, the old one running, for longer than switch_after.
      await("both containers kept while r2 is not healthy")
          .during(Duration.ofSeconds(5))
          .atMost(Duration.ofSeconds(15))
          .until(
              () ->
                  appContainers().size() == 2
                      && appAt("r1")
                          .filter(c -> c.id().equals(old.id()))
                          .filter(c -> c.state() == ContainerInfo.State.RUNNING)
                          .isPresent()
                      && appAt("r2").filter(c -> c.id().equals(fresh.id())).isPresent());
      assertFalse(h.eventsOfType("workload.blue-green-started").isEmpty());
      assertTrue(h.eventsOfType("workload.switched").isEmpty());

      // Healthy now: r1 goes after two more seconds, r2 stays.
      Instant ready = Instant.now();
      h.podman.podman("exec", fresh.id(), "touch", "/tmp/ready");
      awaitRunningHealthy("r2", 2);
      assertEquals(fresh.id(), appAt("r2").orElseThrow().id(), "the same new container");
      assertTrue(h.containers().stream().noneMatch(c -> c.id().equals(old.id())));

      Event switched =
          await()
              .atMost(Duration.ofSeconds(10))
              .until(() -> h.eventsOfType("workload.switched"), l -> !l.isEmpty())
              .get(0);
      Event healthy =
          h.eventsOfType("workload.health").stream()
              .filter(e -> fresh.id().equals(e.getAttributesMap().get("container")))
              .filter(e -> "HEALTHY".equals(e.getAttributesMap().get("health")))
              .findFirst()
              .orElseThrow();
      Duration healthyFor = Duration.between(at(healthy), at(switched));
      assertTrue(
          healthyFor.compareTo(Duration.ofMillis(1_900)) >= 0,
          "switched " + healthyFor.toMillis() + " ms after r2 turned healthy; switch_after is 2 s");
      assertTrue(at(switched).isAfter(ready.plusMillis(1_900)), switched.getMessage());
      assertEquals(
          "blue-green: switched to revision r2 after it was healthy for 2s; removed revision r1",
          switched.getMessage());
    }
  }

  @Test
  void aNewRevisionThatNeverBecomesHealthyFallsBackAndIsNotTriedAgainEvenAfterARestart() {
    String reason =
        "blue-green: revision r2 never became healthy within 4s; kept revision r1 running";
    ContainerInfo old;
    try (Agent agent = h.startAgent()) {
      h.publishDesired(1, app("r1", "3600", true, blueGreen(0, 4)));
      awaitRunningHealthy("r1", 1);
      old = appAt("r1").orElseThrow();

      h.publishDesired(2, app("r2", "3601", false, blueGreen(0, 4)));
      await("r2's container beside r1's")
          .atMost(Harness.CONVERGE)
          .until(() -> appAt("r2").isPresent());
      WorkloadStatus failed =
          awaitStatus(
              "FAILED after the fall-back", w -> w.getState() == WorkloadStatus.State.FAILED);
      assertEquals("r2", failed.getRevision());
      assertEquals(reason, failed.getMessage());
      assertEquals(WorkloadStatus.Health.HEALTHY, failed.getHealth(), "r1's health");
      await("r2's container removed")
          .atMost(Duration.ofSeconds(10))
          .until(() -> appAt("r2").isEmpty());
      assertEquals(
          reason,
          await()
              .atMost(Duration.ofSeconds(10))
              .until(() -> h.eventsOfType("workload.fell-back"), l -> !l.isEmpty())
              .get(0)
              .getMessage());

      await("r1 alone, running, and r2 not tried again")
          .during(Duration.ofSeconds(5))
          .atMost(Duration.ofSeconds(15))
          .until(
              () ->
                  appContainers().size() == 1
                      && appAt("r1")
                          .filter(c -> c.id().equals(old.id()))
                          .filter(c -> c.state() == ContainerInfo.State.RUNNING)
                          .isPresent());
    }
    long statusesBefore = h.latestStatus().map(NodeStatus::getSequence).orElse(0L);

    // The memory is in the store: a restarted agent does not try r2 again either.
    try (Agent agent = h.startAgent()) {
      await("the restarted agent's status: still FAILED")
          .atMost(Harness.CONVERGE)
          .until(
              () ->
                  h.latestStatus()
                      .filter(s -> s.getSequence() > statusesBefore)
                      .flatMap(s -> s.getWorkloadsList().stream().findFirst())
                      .filter(w -> w.getState() == WorkloadStatus.State.FAILED)
                      .filter(w -> w.getMessage().equals(reason))
                      .isPresent());
      await("r2 still not tried after the restart")
          .during(Duration.ofSeconds(4))
          .atMost(Duration.ofSeconds(15))
          .until(() -> appContainers().size() == 1 && appAt("r2").isEmpty());
      assertEquals(1, h.eventsOfType("workload.blue-green-started").size());

      // The controller rolls back to r1: converged, nothing replaced.
      h.publishDesired(3, app("r1", "3600", true, blueGreen(0, 4)));
      awaitRunningHealthy("r1", 3);
      assertEquals(old.id(), appAt("r1").orElseThrow().id());
    }
  }

  @Test
  void anUpdateIsHeldOutsideItsWindowAndAppliedOnceTheAgentsClockIsInside() {
    ShiftableClock clock = new ShiftableClock();
    // A daily window in the node's zone (the agent's node.time-zone), two hours from now.
    ZoneId nodeZone = ZoneId.of("Asia/Kolkata");
    LocalTime start =
        Instant.now()
            .plus(Duration.ofHours(2))
            .atZone(nodeZone)
            .toLocalTime()
            .truncatedTo(ChronoUnit.MINUTES);
    DateTimeFormatter hhmm = DateTimeFormatter.ofPattern("HH:mm");
    UpdatePolicy inTheWindow =
        UpdatePolicy.newBuilder()
            .addWindows(
                MaintenanceWindow.newBuilder()
                    .setStart(start.format(hhmm))
                    .setEnd(start.plusMinutes(30).format(hhmm)))
            .build();
    try (Agent agent = h.startAgent(Map.of("node.time-zone", nodeZone.getId()), clock)) {
      h.publishDesired(1, Harness.sleeper("app", h.image(), "r1", "3600"));
      h.awaitRunning("app");
      ContainerInfo old = appAt("r1").orElseThrow();

      h.publishDesired(
          2,
          Harness.sleeper("app", h.image(), "r2", "3601").toBuilder()
              .setUpdate(inTheWindow)
              .build());
      WorkloadStatus waiting =
          awaitStatus("WAITING for the window", w -> w.getState() == WorkloadStatus.State.WAITING);
      assertEquals("r2", waiting.getRevision());
      assertTrue(
          waiting.getMessage().startsWith("held for a maintenance window: revision r2"),
          waiting.getMessage());
      assertTrue(waiting.getMessage().contains("+05:30"), waiting.getMessage());
      await("the old container kept while the window is closed")
          .during(Duration.ofSeconds(4))
          .atMost(Duration.ofSeconds(15))
          .until(
              () ->
                  appContainers().size() == 1
                      && appAt("r1")
                          .filter(c -> c.id().equals(old.id()))
                          .filter(c -> c.state() == ContainerInfo.State.RUNNING)
                          .isPresent());
      assertEquals(1, h.eventsOfType("workload.update-held").size());
      assertEquals(
          1, h.latestStatus().orElseThrow().getObservedGeneration(), "generation 2 not applied");

      // The agent's clock moves into the window: the next pass applies the update.
      clock.shift(Duration.ofHours(2).plusMinutes(5));
      await("r2 running in the window")
          .atMost(Harness.CONVERGE)
          .until(
              () ->
                  appAt("r2").filter(c -> c.state() == ContainerInfo.State.RUNNING).isPresent()
                      && appAt("r1").isEmpty());
      awaitStatus(
          "RUNNING r2",
          w -> w.getState() == WorkloadStatus.State.RUNNING && w.getRevision().equals("r2"));
      await()
          .atMost(Harness.CONVERGE)
          .until(() -> h.latestStatus().map(NodeStatus::getObservedGeneration).orElse(0L) == 2);
    }
  }
}
