package dev.flotilla.agent.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.protocol.MaintenanceWindows;
import dev.flotilla.protocol.v1.DayOfWeek;
import dev.flotilla.protocol.v1.DesiredState;
import dev.flotilla.protocol.v1.ExecCheck;
import dev.flotilla.protocol.v1.HealthProbe;
import dev.flotilla.protocol.v1.HttpCheck;
import dev.flotilla.protocol.v1.MaintenanceWindow;
import dev.flotilla.protocol.v1.PortMapping;
import dev.flotilla.protocol.v1.RestartPolicy;
import dev.flotilla.protocol.v1.UpdatePolicy;
import dev.flotilla.protocol.v1.Workload;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModelTest {
  static WorkloadSpec base() {
    return new WorkloadSpec(
        "app",
        "localhost/app:1",
        "rev-1",
        List.of(),
        List.of("sleep", "60"),
        Map.of("A", "1", "B", "2"),
        List.of(new WorkloadSpec.PortSpec(8080, 18080, false, "")),
        List.of(new WorkloadSpec.VolumeSpec("/data", "/data", false)),
        250,
        64L << 20,
        Optional.empty(),
        RestartSpec.DEFAULT);
  }

  static WorkloadSpec withArgs(WorkloadSpec w, List<String> args) {
    return new WorkloadSpec(
        w.name(),
        w.image(),
        w.revision(),
        w.command(),
        args,
        w.env(),
        w.ports(),
        w.volumes(),
        w.cpuMillis(),
        w.memoryBytes(),
        w.probe(),
        w.restart());
  }

  @Test
  void theSpecHashIsStableAndSixteenHexCharacters() {
    assertEquals(SpecHash.of(base()), SpecHash.of(base()));
    assertTrue(SpecHash.of(base()).matches("[0-9a-f]{16}"));
  }

  @Test
  void theSpecHashChangesWithWhatTheContainerIsMadeOf() {
    WorkloadSpec b = base();
    assertNotEquals(SpecHash.of(b), SpecHash.of(withArgs(b, List.of("sleep", "61"))));
    // Length prefixes keep ["ab","c"] and ["a","bc"] apart.
    assertNotEquals(
        SpecHash.of(withArgs(b, List.of("ab", "c"))), SpecHash.of(withArgs(b, List.of("a", "bc"))));
  }

  @Test
  void theSpecHashIgnoresEnvOrderRevisionProbeAndRestartPolicy() {
    WorkloadSpec b = base();
    WorkloadSpec other =
        new WorkloadSpec(
            b.name(),
            b.image(),
            "rev-9",
            b.command(),
            b.args(),
            Map.of("B", "2", "A", "1"),
            b.ports(),
            b.volumes(),
            b.cpuMillis(),
            b.memoryBytes(),
            Optional.of(
                new ProbeSpec(
                    new ProbeSpec.Tcp(8080),
                    Duration.ZERO,
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(1),
                    2)),
            new RestartSpec(RestartSpec.Mode.NEVER, Duration.ofSeconds(2), Duration.ofSeconds(9)));
    assertEquals(SpecHash.of(b), SpecHash.of(other));
  }

  @Test
  void theSpecHashIgnoresTheUpdatePolicyAndTheWindowsSoChangingThemReplacesNothing() {
    WorkloadSpec b = base();
    WorkloadSpec blueGreenInAWindow =
        b.withUpdate(
            new UpdateSpec(
                UpdateSpec.Mode.BLUE_GREEN,
                Duration.ofSeconds(30),
                Duration.ofMinutes(10),
                new MaintenanceWindows(
                    List.of(
                        new MaintenanceWindows.Window(
                            LocalTime.of(2, 0),
                            LocalTime.of(4, 0),
                            Optional.of(ZoneId.of("Europe/Berlin")),
                            Set.of(java.time.DayOfWeek.SUNDAY))))));
    assertEquals(SpecHash.of(b), SpecHash.of(blueGreenInAWindow));
  }

  @Test
  void theMapperCarriesTheUpdatePolicyWithItsDefaults() {
    DesiredState state =
        DesiredState.newBuilder()
            .setNodeId("gw-1")
            .setGeneration(5)
            .addWorkloads(
                Workload.newBuilder()
                    .setName("bg")
                    .setImage("localhost/bg:2")
                    .setUpdate(
                        UpdatePolicy.newBuilder()
                            .setMode(UpdatePolicy.Mode.BLUE_GREEN)
                            .setSwitchAfterSeconds(20)
                            .addWindows(
                                MaintenanceWindow.newBuilder()
                                    .setStart("22:00")
                                    .setEnd("02:00")
                                    .addDays(DayOfWeek.SATURDAY))))
            .addWorkloads(Workload.newBuilder().setName("plain").setImage("localhost/plain:1"))
            .build();
    NodeDesired d = DesiredStateMapper.toDomain(state);
    UpdateSpec bg = d.workload("bg").orElseThrow().update();
    assertEquals(UpdateSpec.Mode.BLUE_GREEN, bg.mode());
    assertEquals(Duration.ofSeconds(20), bg.switchAfter());
    assertEquals(Duration.ofMinutes(5), bg.giveUpAfter(), "0 reads as the 5 minute default");
    assertEquals(
        new MaintenanceWindows(
            List.of(
                new MaintenanceWindows.Window(
                    LocalTime.of(22, 0),
                    LocalTime.of(2, 0),
                    Optional.empty(),
                    Set.of(java.time.DayOfWeek.SATURDAY)))),
        bg.windows());
    assertEquals(UpdateSpec.DEFAULT, d.workload("plain").orElseThrow().update());
  }

  @Test
  void backOffDoublesFromTheFirstWaitUpToTheCeiling() {
    RestartSpec r =
        new RestartSpec(RestartSpec.Mode.ALWAYS, Duration.ofSeconds(1), Duration.ofSeconds(10));
    assertEquals(Duration.ofSeconds(1), r.backoff(1));
    assertEquals(Duration.ofSeconds(2), r.backoff(2));
    assertEquals(Duration.ofSeconds(4), r.backoff(3));
    assertEquals(Duration.ofSeconds(8), r.backoff(4));
    assertEquals(Duration.ofSeconds(10), r.backoff(5));
    assertEquals(Duration.ofSeconds(10), r.backoff(500));
  }

  @Test
  void theMapperAppliesTheDocumentedDefaults() {
    DesiredState state =
        DesiredState.newBuilder()
            .setNodeId("gw-1")
            .setGeneration(4)
            .addWorkloads(
                Workload.newBuilder()
                    .setName("web")
                    .setImage("localhost/web:2")
                    .setRevision("r2")
                    .addPorts(PortMapping.newBuilder().setContainerPort(80))
                    .setHealth(
                        HealthProbe.newBuilder().setHttp(HttpCheck.newBuilder().setPort(80))))
            .addWorkloads(
                Workload.newBuilder()
                    .setName("job")
                    .setImage("localhost/job:1")
                    .setHealth(
                        HealthProbe.newBuilder()
                            .setExec(ExecCheck.newBuilder().addCommand("true"))
                            .setPeriodSeconds(3)
                            .setFailureThreshold(5))
                    .setRestartPolicy(
                        RestartPolicy.newBuilder()
                            .setMode(RestartPolicy.Mode.ON_FAILURE)
                            .setMaxBackoffMs(30_000)))
            .build();
    NodeDesired d = DesiredStateMapper.toDomain(state);
    assertEquals(4, d.generation());
    WorkloadSpec web = d.workload("web").orElseThrow();
    assertEquals(List.of(new WorkloadSpec.PortSpec(80, 80, false, "")), web.ports());
    ProbeSpec probe = web.probe().orElseThrow();
    assertEquals(new ProbeSpec.Http(80, "/"), probe.check());
    assertEquals(Duration.ofSeconds(10), probe.period());
    assertEquals(Duration.ofSeconds(2), probe.timeout());
    assertEquals(3, probe.failureThreshold());
    assertEquals(RestartSpec.DEFAULT, web.restart());
    WorkloadSpec job = d.workload("job").orElseThrow();
    assertEquals(Duration.ofSeconds(3), job.probe().orElseThrow().period());
    assertEquals(5, job.probe().orElseThrow().failureThreshold());
    assertEquals(
        new RestartSpec(RestartSpec.Mode.ON_FAILURE, Duration.ofSeconds(1), Duration.ofSeconds(30)),
        job.restart());
  }
}
