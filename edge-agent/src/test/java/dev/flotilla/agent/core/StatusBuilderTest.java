package dev.flotilla.agent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flotilla.agent.health.ProbeTracker;
import dev.flotilla.agent.health.ProbeVerdict;
import dev.flotilla.agent.model.ContainerInfo;
import dev.flotilla.agent.model.Labels;
import dev.flotilla.agent.model.NodeDesired;
import dev.flotilla.agent.model.ProbeSpec;
import dev.flotilla.agent.model.RestartSpec;
import dev.flotilla.agent.model.SpecHash;
import dev.flotilla.agent.model.WorkloadSpec;
import dev.flotilla.agent.reconcile.Planner;
import dev.flotilla.agent.store.AgentStore.RestartState;
import dev.flotilla.protocol.Timestamps;
import dev.flotilla.protocol.v1.WorkloadStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StatusBuilderTest {
  static final Instant NOW = Instant.parse("2026-11-22T03:00:00Z");

  static WorkloadSpec spec(String image, String revision) {
    return new WorkloadSpec(
        "app",
        image,
        revision,
        List.of(),
        List.of(),
        Map.of(),
        List.of(),
        List.of(),
        0,
        0,
        Optional.of(
            new ProbeSpec(
                new ProbeSpec.Exec(List.of("true")),
                Duration.ZERO,
                Duration.ofSeconds(1),
                Duration.ofSeconds(1),
                3)),
        RestartSpec.DEFAULT);
  }

  static final WorkloadSpec V1 = spec("localhost/app:1", "r1");
  static final WorkloadSpec V2 = spec("localhost/app:2", "r2");

  static ContainerInfo running(String id, WorkloadSpec spec, Instant started) {
    return new ContainerInfo(
        id,
        "flotilla-app-" + id,
        spec.image(),
        Map.of(
            Labels.WORKLOAD,
            "app",
            Labels.SPEC_HASH,
            SpecHash.of(spec),
            Labels.REVISION,
            spec.revision()),
        ContainerInfo.State.RUNNING,
        0,
        Optional.of(started),
        Optional.empty());
  }

  static final ContainerInfo OLD = running("old", V1, NOW.minusSeconds(3600));
  static final ContainerInfo NEW = running("new", V2, NOW.minusSeconds(20));
  static final Map<String, ProbeVerdict> VERDICTS =
      Map.of(
          "old", new ProbeVerdict(ProbeTracker.Health.HEALTHY, NOW.minusSeconds(3000)),
          "new", new ProbeVerdict(ProbeTracker.Health.UNKNOWN, NOW.minusSeconds(20)));

  static WorkloadStatus status(
      List<ContainerInfo> containers, Planner.Update update, Set<String> pulling) {
    return StatusBuilder.full(
            "gw-1",
            6,
            Optional.of(new NodeDesired(7, List.of(V2))),
            containers,
            Map.of("app", new RestartState(1, NOW)),
            VERDICTS,
            pulling,
            Map.of("app", update))
        .getWorkloads(0);
  }

  @Test
  void waitingReportsTheNewRevisionWithTheOldContainersHealth() {
    WorkloadStatus w =
        status(
            List.of(OLD),
            new Planner.Update.Waiting(
                "app", SpecHash.of(V2), "r2", OLD, NOW.plusSeconds(60), "held: opens at X"),
            Set.of());
    assertEquals(WorkloadStatus.State.WAITING, w.getState());
    assertEquals("r2", w.getRevision());
    assertEquals(WorkloadStatus.Health.HEALTHY, w.getHealth());
    assertEquals("held: opens at X", w.getMessage());
    assertEquals(Timestamps.of(OLD.startedAt().orElseThrow()), w.getSince());
    assertEquals(1, w.getRestartCount());
  }

  @Test
  void switchingReportsTheNewRevisionWithTheNewContainersHealth() {
    WorkloadStatus w =
        status(
            List.of(OLD, NEW),
            new Planner.Update.Switching(
                "app",
                SpecHash.of(V2),
                "r2",
                OLD,
                Optional.of(NEW),
                Optional.empty(),
                0,
                "blue-green: not healthy yet"),
            Set.of());
    assertEquals(WorkloadStatus.State.SWITCHING, w.getState());
    assertEquals("r2", w.getRevision());
    assertEquals(WorkloadStatus.Health.UNKNOWN, w.getHealth());
    assertEquals(Timestamps.of(NEW.startedAt().orElseThrow()), w.getSince());
    assertEquals(0, w.getRestartCount(), "the new container's failures, not the old one's");
  }

  @Test
  void aBlueGreenUpdateWhoseImageIsBeingPulledIsPulling() {
    WorkloadStatus w =
        status(
            List.of(OLD),
            new Planner.Update.Switching(
                "app", SpecHash.of(V2), "r2", OLD, Optional.empty(), Optional.empty(), 0, "x"),
            Set.of(V2.image()));
    assertEquals(WorkloadStatus.State.PULLING, w.getState());
    assertEquals("blue-green: pulling localhost/app:2; revision r1 keeps running", w.getMessage());
  }

  @Test
  void aGivenUpUpdateIsFailedWithTheReasonAndTheOldContainersHealth() {
    Instant at = NOW.minusSeconds(5);
    WorkloadStatus w =
        status(
            List.of(OLD),
            new Planner.Update.FellBack(
                "app",
                SpecHash.of(V2),
                "r2",
                OLD,
                at,
                "blue-green: revision r2 never became healthy within 5m; kept revision r1 running"),
            Set.of());
    assertEquals(WorkloadStatus.State.FAILED, w.getState());
    assertEquals("r2", w.getRevision());
    assertEquals(WorkloadStatus.Health.HEALTHY, w.getHealth());
    assertEquals(
        "blue-green: revision r2 never became healthy within 5m; kept revision r1 running",
        w.getMessage());
    assertEquals(Timestamps.of(at), w.getSince());
  }
}
