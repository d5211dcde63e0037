package dev.flotilla.protocol;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.protocol.v1.DayOfWeek;
import dev.flotilla.protocol.v1.DesiredState;
import dev.flotilla.protocol.v1.ExecCheck;
import dev.flotilla.protocol.v1.HealthProbe;
import dev.flotilla.protocol.v1.HttpCheck;
import dev.flotilla.protocol.v1.MaintenanceWindow;
import dev.flotilla.protocol.v1.PortMapping;
import dev.flotilla.protocol.v1.RestartPolicy;
import dev.flotilla.protocol.v1.TcpCheck;
import dev.flotilla.protocol.v1.UpdatePolicy;
import dev.flotilla.protocol.v1.VolumeMount;
import dev.flotilla.protocol.v1.Workload;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DesiredStateRulesTest {
  private static DesiredState withWorkload(UnaryOperator<Workload.Builder> change) {
    return Fixtures.desired("gw-001", 3).toBuilder()
        .setWorkloads(0, change.apply(Fixtures.sensorReader().toBuilder()))
        .build();
  }

  private static DesiredState withUpdate(UpdatePolicy.Builder update) {
    return withWorkload(w -> w.setUpdate(update));
  }

  /** The fixture without ports and with an exec probe, so that it may be BLUE_GREEN. */
  private static DesiredState blueGreen(UnaryOperator<UpdatePolicy.Builder> change) {
    return withWorkload(
        w ->
            w.clearPorts()
                .setHealth(
                    HealthProbe.newBuilder()
                        .setExec(ExecCheck.newBuilder().addCommand("test").addCommand("-f")))
                .setUpdate(
                    change.apply(UpdatePolicy.newBuilder().setMode(UpdatePolicy.Mode.BLUE_GREEN))));
  }

  private static MaintenanceWindow.Builder window(String start, String end) {
    return MaintenanceWindow.newBuilder().setStart(start).setEnd(end);
  }

  @Test
  void aRealisticStatePasses() {
    assertDoesNotThrow(() -> DesiredStateRules.check(Fixtures.desired("gw-001", 1)));
  }

  @Test
  void anEmptyWorkloadListIsValidAndMeansRunNothing() {
    DesiredState empty = Fixtures.desired("gw-001", 4).toBuilder().clearWorkloads().build();
    assertDoesNotThrow(() -> DesiredStateRules.check(empty));
  }

  static Stream<Arguments> breaches() {
    return Stream.of(
        Arguments.of(Fixtures.desired("gw-001", 0), "generation"),
        Arguments.of(withWorkload(w -> w.setName("Sensor_Reader")), "workloads[0].name"),
        Arguments.of(withWorkload(w -> w.setName("")), "workloads[0].name"),
        Arguments.of(
            Fixtures.desired("gw-001", 3).toBuilder()
                .addWorkloads(Fixtures.sensorReader().toBuilder().clearPorts())
                .build(),
            "workloads[1].name"),
        Arguments.of(withWorkload(w -> w.setImage("")), "workloads[0].image"),
        Arguments.of(withWorkload(w -> w.setImage("busybox latest")), "workloads[0].image"),
        Arguments.of(withWorkload(w -> w.putEnv("A=B", "c")), "workloads[0].env"),
        Arguments.of(
            withWorkload(w -> w.setPorts(0, PortMapping.newBuilder().setContainerPort(0))),
            "workloads[0].ports[0].container_port"),
        Arguments.of(
            withWorkload(w -> w.setPorts(0, PortMapping.newBuilder().setContainerPort(70000))),
            "workloads[0].ports[0].container_port"),
        Arguments.of(
            withWorkload(
                w ->
                    w.setPorts(
                        0, PortMapping.newBuilder().setContainerPort(80).setHostPort(70000))),
            "workloads[0].ports[0].host_port"),
        Arguments.of(
            withWorkload(
                w ->
                    w.addPorts(PortMapping.newBuilder().setContainerPort(9000).setHostPort(18080))),
            "workloads[0].ports[1].host_port"),
        Arguments.of(
            withWorkload(w -> w.setVolumes(0, VolumeMount.newBuilder().setTarget("/data"))),
            "workloads[0].volumes[0].source"),
        Arguments.of(
            withWorkload(
                w -> w.setVolumes(0, VolumeMount.newBuilder().setSource("v").setTarget("data"))),
            "workloads[0].volumes[0].target"),
        Arguments.of(
            withWorkload(w -> w.setHealth(HealthProbe.newBuilder().setPeriodSeconds(5))),
            "workloads[0].health"),
        Arguments.of(
            withWorkload(
                w -> w.setHealth(HealthProbe.newBuilder().setHttp(HttpCheck.newBuilder()))),
            "workloads[0].health.http.port"),
        Arguments.of(
            withWorkload(
                w ->
                    w.setHealth(HealthProbe.newBuilder().setTcp(TcpCheck.newBuilder().setPort(0)))),
            "workloads[0].health.tcp.port"),
        Arguments.of(
            withWorkload(
                w -> w.setHealth(HealthProbe.newBuilder().setExec(ExecCheck.newBuilder()))),
            "workloads[0].health.exec.command"),
        Arguments.of(
            withWorkload(
                w ->
                    w.setRestartPolicy(
                        RestartPolicy.newBuilder()
                            .setInitialBackoffMs(5000)
                            .setMaxBackoffMs(1000))),
            "workloads[0].restart_policy.max_backoff_ms"),
        Arguments.of(
            withWorkload(w -> w.setRestartPolicy(RestartPolicy.newBuilder().setModeValue(42))),
            "workloads[0].restart_policy.mode"),
        Arguments.of(
            withWorkload(w -> w.setRestartPolicy(RestartPolicy.newBuilder().setMaxBackoffMs(100))),
            "workloads[0].restart_policy.max_backoff_ms"),
        Arguments.of(
            withWorkload(
                w -> w.setRestartPolicy(RestartPolicy.newBuilder().setInitialBackoffMs(600_000))),
            "workloads[0].restart_policy.initial_backoff_ms"),
        Arguments.of(
            withWorkload(
                w ->
                    w.setHealth(
                        HealthProbe.newBuilder().setExec(ExecCheck.newBuilder().addCommand(" ")))),
            "workloads[0].health.exec.command"),
        Arguments.of(
            withWorkload(
                w ->
                    w.setHealth(
                        HealthProbe.newBuilder()
                            .setHttp(HttpCheck.newBuilder().setPort(80).setPath("healthz")))),
            "workloads[0].health.http.path"),
        Arguments.of(
            withWorkload(
                w ->
                    w.setPorts(
                        0, PortMapping.newBuilder().setContainerPort(80).setTransportValue(9))),
            "workloads[0].ports[0].transport"),
        Arguments.of(
            withWorkload(
                w ->
                    w.setPorts(
                        0, PortMapping.newBuilder().setContainerPort(80).setHostIp("gateway"))),
            "workloads[0].ports[0].host_ip"),
        Arguments.of(
            withWorkload(
                w ->
                    w.addPorts(
                        PortMapping.newBuilder()
                            .setContainerPort(18080)
                            .setHostIp("192.168.1.10"))),
            "workloads[0].ports[1].host_port"),
        Arguments.of(
            withWorkload(
                w ->
                    w.setPorts(
                            0,
                            PortMapping.newBuilder()
                                .setContainerPort(8080)
                                .setHostPort(18080)
                                .setHostIp("10.0.0.2"))
                        .addPorts(
                            PortMapping.newBuilder()
                                .setContainerPort(9000)
                                .setHostPort(18080)
                                .setHostIp("0.0.0.0"))),
            "workloads[0].ports[1].host_port"));
  }

  static Stream<Arguments> updateBreaches() {
    return Stream.of(
        Arguments.of(
            withUpdate(UpdatePolicy.newBuilder().setModeValue(7)), "workloads[0].update.mode"),
        Arguments.of(
            withUpdate(UpdatePolicy.newBuilder().setSwitchAfterSeconds(3601)),
            "workloads[0].update.switch_after_seconds"),
        Arguments.of(
            withUpdate(UpdatePolicy.newBuilder().setSwitchAfterSeconds(-1)),
            "workloads[0].update.switch_after_seconds"),
        Arguments.of(
            withUpdate(UpdatePolicy.newBuilder().setGiveUpAfterSeconds(86_401)),
            "workloads[0].update.give_up_after_seconds"),
        Arguments.of(
            withUpdate(UpdatePolicy.newBuilder().setMode(UpdatePolicy.Mode.BLUE_GREEN)),
            "workloads[0].update.mode"),
        Arguments.of(
            withWorkload(
                w ->
                    w.clearPorts()
                        .setUpdate(
                            UpdatePolicy.newBuilder().setMode(UpdatePolicy.Mode.BLUE_GREEN))),
            "workloads[0].update.mode"),
        Arguments.of(
            withUpdate(UpdatePolicy.newBuilder().addWindows(window("2:00", "04:00"))),
            "workloads[0].update.windows[0].start"),
        Arguments.of(
            withUpdate(UpdatePolicy.newBuilder().addWindows(window("02:00", "24:00"))),
            "workloads[0].update.windows[0].end"),
        Arguments.of(
            withUpdate(UpdatePolicy.newBuilder().addWindows(window("02:60", "04:00"))),
            "workloads[0].update.windows[0].start"),
        Arguments.of(
            withUpdate(
                UpdatePolicy.newBuilder()
                    .addWindows(window("01:00", "02:00"))
                    .addWindows(window("02:00", ""))),
            "workloads[0].update.windows[1].end"),
        Arguments.of(
            withUpdate(UpdatePolicy.newBuilder().addWindows(window("03:00", "03:00"))),
            "workloads[0].update.windows[0].end"),
        Arguments.of(
            withUpdate(
                UpdatePolicy.newBuilder()
                    .addWindows(window("02:00", "04:00").setTimeZone("Mars/Olympus_Mons"))),
            "workloads[0].update.windows[0].time_zone"),
        Arguments.of(
            withUpdate(
                UpdatePolicy.newBuilder()
                    .addWindows(
                        window("02:00", "04:00")
                            .addDays(DayOfWeek.SATURDAY)
                            .addDays(DayOfWeek.SUNDAY)
                            .addDays(DayOfWeek.SATURDAY))),
            "workloads[0].update.windows[0].days[2]"),
        Arguments.of(
            withUpdate(
                UpdatePolicy.newBuilder()
                    .addWindows(
                        window("02:00", "04:00").addDays(DayOfWeek.DAY_OF_WEEK_UNSPECIFIED))),
            "workloads[0].update.windows[0].days[0]"),
        Arguments.of(
            withUpdate(
                UpdatePolicy.newBuilder().addWindows(window("02:00", "04:00").addDaysValue(8))),
            "workloads[0].update.windows[0].days[0]"),
        Arguments.of(
            withUpdate(
                UpdatePolicy.newBuilder()
                    .addAllWindows(
                        java.util.Collections.nCopies(17, window("02:00", "04:00").build()))),
            "workloads[0].update.windows"));
  }

  @ParameterizedTest
  @MethodSource("updateBreaches")
  void eachUpdatePolicyBreachIsRefusedNamingItsField(DesiredState state, String field) {
    eachBreachIsRefusedNamingItsField(state, field);
  }

  @Test
  void validUpdatePoliciesPass() {
    assertDoesNotThrow(
        () ->
            DesiredStateRules.check(
                blueGreen(
                    u ->
                        u.setSwitchAfterSeconds(3600)
                            .setGiveUpAfterSeconds(86_400)
                            .addWindows(
                                window("22:00", "02:00")
                                    .setTimeZone("Europe/Berlin")
                                    .addDays(DayOfWeek.SATURDAY)
                                    .addDays(DayOfWeek.SUNDAY))
                            .addWindows(window("00:00", "23:59")))));
    assertDoesNotThrow(
        () ->
            DesiredStateRules.check(
                withUpdate(
                    UpdatePolicy.newBuilder()
                        .setMode(UpdatePolicy.Mode.REPLACE)
                        .addAllWindows(
                            java.util.Collections.nCopies(16, window("02:00", "04:00").build())))));
    assertDoesNotThrow(
        () ->
            DesiredStateRules.check(
                withWorkload(
                    w ->
                        w.clearPorts()
                            .clearHealth()
                            .setUpdate(
                                UpdatePolicy.newBuilder().setMode(UpdatePolicy.Mode.BLUE_GREEN)))));
  }

  @Test
  void blueGreenWithAHostPortSaysWhyAndWhatToUseInstead() {
    ProtocolException e =
        assertThrows(
            ProtocolException.class,
            () ->
                DesiredStateRules.check(
                    withUpdate(UpdatePolicy.newBuilder().setMode(UpdatePolicy.Mode.BLUE_GREEN))));
    assertEquals(
        "INVALID_FIELD: desired state: workloads[0].update.mode BLUE_GREEN runs the old and the"
            + " new revision side by side, so the workload must not publish host ports, but"
            + " workloads[0].ports[0] publishes 18080; use REPLACE",
        e.getMessage());
  }

  @ParameterizedTest
  @MethodSource("breaches")
  void eachBreachIsRefusedNamingItsField(DesiredState state, String field) {
    ProtocolException e =
        assertThrows(ProtocolException.class, () -> DesiredStateRules.check(state));
    assertEquals(ProtocolException.Reason.INVALID_FIELD, e.reason());
    assertTrue(e.getMessage().contains(field + " "), e.getMessage());
  }

  @Test
  void theSameHostPortOnTwoSpecificAddressesDoesNotClash() {
    DesiredState state =
        withWorkload(
            w ->
                w.setPorts(
                        0,
                        PortMapping.newBuilder()
                            .setContainerPort(8080)
                            .setHostPort(18080)
                            .setHostIp("10.0.0.2"))
                    .addPorts(
                        PortMapping.newBuilder()
                            .setContainerPort(8080)
                            .setHostPort(18080)
                            .setHostIp("fd00::2")));
    assertDoesNotThrow(() -> DesiredStateRules.check(state));
  }

  @Test
  void backOffsWithinTheDefaultsPass() {
    DesiredState state =
        withWorkload(
            w ->
                w.setRestartPolicy(
                    RestartPolicy.newBuilder().setInitialBackoffMs(500).setMaxBackoffMs(0)));
    assertDoesNotThrow(() -> DesiredStateRules.check(state));
  }

  @Test
  void theSameHostPortOnUdpAndTcpDoesNotClash() {
    DesiredState state =
        withWorkload(
            w ->
                w.addPorts(
                    PortMapping.newBuilder()
                        .setContainerPort(8080)
                        .setHostPort(18080)
                        .setTransport(PortMapping.Transport.UDP)));
    assertDoesNotThrow(() -> DesiredStateRules.check(state));
  }
}
