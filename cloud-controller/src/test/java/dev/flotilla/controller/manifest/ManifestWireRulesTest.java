package dev.flotilla.controller.manifest;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import dev.flotilla.controller.model.WorkloadTemplate;
import dev.flotilla.protocol.DesiredStateRules;
import dev.flotilla.protocol.v1.DesiredState;
import dev.flotilla.protocol.v1.ExecCheck;
import dev.flotilla.protocol.v1.HealthProbe;
import dev.flotilla.protocol.v1.HttpCheck;
import dev.flotilla.protocol.v1.PortMapping;
import dev.flotilla.protocol.v1.Resources;
import dev.flotilla.protocol.v1.RestartPolicy;
import dev.flotilla.protocol.v1.TcpCheck;
import dev.flotilla.protocol.v1.VolumeMount;
import dev.flotilla.protocol.v1.Workload;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whatever the reader accepts must also pass the wire's {@link DesiredStateRules} once mapped, or a
 * deployment the API took would be refused on every node. The mapping here is the plain
 * field-for-field one; the controller's own mapper must not be looser than it.
 */
class ManifestWireRulesTest {
  static Stream<String> acceptedManifests() {
    return ManifestWriterTest.manifests();
  }

  @ParameterizedTest
  @MethodSource("acceptedManifests")
  void everyAcceptedManifestPassesTheWireRules(String yaml) {
    DeploymentManifest m = ManifestReader.read(yaml, ManifestFormat.YAML);
    DesiredState state =
        DesiredState.newBuilder().setGeneration(1).addWorkloads(workload(m)).build();
    assertDoesNotThrow(() -> DesiredStateRules.check(state));
  }

  private static Workload workload(DeploymentManifest m) {
    WorkloadTemplate t = m.template();
    Workload.Builder w =
        Workload.newBuilder()
            .setName(m.name())
            .setImage(t.image())
            .addAllCommand(t.command())
            .addAllArgs(t.args())
            .putAllEnv(t.env())
            .setLimits(resources(t.limits()))
            .setRequests(resources(t.requests()))
            .setRestartPolicy(
                RestartPolicy.newBuilder()
                    .setMode(
                        switch (t.restart().mode()) {
                          case ALWAYS -> RestartPolicy.Mode.ALWAYS;
                          case ON_FAILURE -> RestartPolicy.Mode.ON_FAILURE;
                          case NEVER -> RestartPolicy.Mode.NEVER;
                        })
                    .setInitialBackoffMs((int) t.restart().initialBackoffMs())
                    .setMaxBackoffMs((int) t.restart().maxBackoffMs()));
    for (WorkloadTemplate.Port p : t.ports()) {
      w.addPorts(
          PortMapping.newBuilder()
              .setContainerPort(p.containerPort())
              .setHostPort(p.hostPort())
              .setTransport(
                  p.transport() == WorkloadTemplate.Transport.UDP
                      ? PortMapping.Transport.UDP
                      : PortMapping.Transport.TCP)
              .setHostIp(p.hostIp()));
    }
    for (WorkloadTemplate.Volume v : t.volumes()) {
      w.addVolumes(
          VolumeMount.newBuilder()
              .setSource(v.source())
              .setTarget(v.target())
              .setReadOnly(v.readOnly()));
    }
    if (t.probe() != null) {
      WorkloadTemplate.Probe p = t.probe();
      HealthProbe.Builder h =
          HealthProbe.newBuilder()
              .setInitialDelaySeconds(p.initialDelaySeconds())
              .setPeriodSeconds(p.periodSeconds())
              .setTimeoutSeconds(p.timeoutSeconds())
              .setFailureThreshold(p.failureThreshold());
      switch (p.kind()) {
        case HTTP -> h.setHttp(HttpCheck.newBuilder().setPort(p.port()).setPath(p.path()));
        case TCP -> h.setTcp(TcpCheck.newBuilder().setPort(p.port()));
        case EXEC -> h.setExec(ExecCheck.newBuilder().addAllCommand(p.command()));
      }
      w.setHealth(h);
    }
    return w.build();
  }

  private static Resources resources(WorkloadTemplate.Resources r) {
    return Resources.newBuilder()
        .setCpuMillis(r.cpuMillis())
        .setMemoryBytes(r.memoryBytes())
        .build();
  }
}
