package dev.flotilla.protocol;

import com.google.protobuf.Timestamp;
import dev.flotilla.protocol.v1.DesiredState;
import dev.flotilla.protocol.v1.HealthProbe;
import dev.flotilla.protocol.v1.HttpCheck;
import dev.flotilla.protocol.v1.PortMapping;
import dev.flotilla.protocol.v1.Resources;
import dev.flotilla.protocol.v1.RestartPolicy;
import dev.flotilla.protocol.v1.VolumeMount;
import dev.flotilla.protocol.v1.Workload;

/** Realistic messages for tests. */
final class Fixtures {
  private Fixtures() {}

  static Workload sensorReader() {
    return Workload.newBuilder()
        .setName("sensor-reader")
        .setImage("localhost:5000/sensor-reader:1.4.2")
        .setRevision("rev-3")
        .addArgs("--bus=/dev/ttyUSB0")
        .putEnv("LOG_LEVEL", "info")
        .addPorts(PortMapping.newBuilder().setContainerPort(8080).setHostPort(18080))
        .addVolumes(VolumeMount.newBuilder().setSource("/var/lib/sensors").setTarget("/data"))
        .setLimits(Resources.newBuilder().setCpuMillis(250).setMemoryBytes(64L << 20))
        .setHealth(
            HealthProbe.newBuilder()
                .setHttp(HttpCheck.newBuilder().setPort(8080).setPath("/healthz"))
                .setPeriodSeconds(10)
                .setFailureThreshold(3))
        .setRestartPolicy(RestartPolicy.newBuilder().setMode(RestartPolicy.Mode.ALWAYS))
        .build();
  }

  static DesiredState desired(String node, long generation) {
    return DesiredState.newBuilder()
        .setVersion(ProtocolVersions.current())
        .setNodeId(node)
        .setGeneration(generation)
        .setIssuedAt(Timestamp.newBuilder().setSeconds(1_795_000_000L))
        .addWorkloads(sensorReader())
        .build();
  }
}
