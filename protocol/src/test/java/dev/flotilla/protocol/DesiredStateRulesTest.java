package dev.flotilla.protocol;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.protocol.v1.DesiredState;
import dev.flotilla.protocol.v1.ExecCheck;
import dev.flotilla.protocol.v1.HealthProbe;
import dev.flotilla.protocol.v1.HttpCheck;
import dev.flotilla.protocol.v1.PortMapping;
import dev.flotilla.protocol.v1.RestartPolicy;
import dev.flotilla.protocol.v1.TcpCheck;
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
