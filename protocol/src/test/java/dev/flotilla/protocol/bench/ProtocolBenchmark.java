package dev.flotilla.protocol.bench;

import com.google.protobuf.Timestamp;
import dev.flotilla.protocol.DesiredStateSigner;
import dev.flotilla.protocol.DesiredStateVerifier;
import dev.flotilla.protocol.NodeId;
import dev.flotilla.protocol.ProtocolException;
import dev.flotilla.protocol.ProtocolVersions;
import dev.flotilla.protocol.SigningKeys;
import dev.flotilla.protocol.WireDecoder;
import dev.flotilla.protocol.v1.DesiredState;
import dev.flotilla.protocol.v1.HealthProbe;
import dev.flotilla.protocol.v1.HttpCheck;
import dev.flotilla.protocol.v1.NodeStatus;
import dev.flotilla.protocol.v1.PortMapping;
import dev.flotilla.protocol.v1.Resources;
import dev.flotilla.protocol.v1.Workload;
import dev.flotilla.protocol.v1.WorkloadStatus;
import java.security.KeyPair;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The protocol's per-message costs: what the dispatcher pays to sign one node's desired state
 * (times the fleet size on a fleet-wide change), what an agent pays to verify one, and what ingest
 * pays to decode one status report. Run with {@code ./flotilla bench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ProtocolBenchmark {
  private DesiredStateSigner signer;
  private DesiredStateVerifier verifier;
  private WireDecoder decoder;
  private DesiredState desired;
  private byte[] signedWire;
  private byte[] statusWire;

  @Setup
  public void setUp() {
    KeyPair keys = SigningKeys.generate();
    signer = new DesiredStateSigner(keys);
    verifier = new DesiredStateVerifier(keys.getPublic(), new NodeId("gw-0001"));
    decoder = new WireDecoder();
    DesiredState.Builder state =
        DesiredState.newBuilder()
            .setVersion(ProtocolVersions.current())
            .setNodeId("gw-0001")
            .setGeneration(42)
            .setIssuedAt(Timestamp.newBuilder().setSeconds(1_795_000_000L));
    NodeStatus.Builder status =
        NodeStatus.newBuilder()
            .setVersion(ProtocolVersions.current())
            .setNodeId("gw-0001")
            .setSequence(1000)
            .setObservedGeneration(42)
            .setKind(NodeStatus.Kind.FULL);
    // A busy gateway: five workloads with ports, limits and probes.
    for (int i = 0; i < 5; i++) {
      state.addWorkloads(
          Workload.newBuilder()
              .setName("app-" + i)
              .setImage("localhost:5000/app-" + i + ":1.0." + i)
              .setRevision("rev-" + i)
              .putEnv("MODE", "production")
              .addPorts(PortMapping.newBuilder().setContainerPort(8080).setHostPort(18080 + i))
              .setLimits(Resources.newBuilder().setCpuMillis(250).setMemoryBytes(64L << 20))
              .setHealth(
                  HealthProbe.newBuilder()
                      .setHttp(HttpCheck.newBuilder().setPort(8080).setPath("/healthz"))));
      status.addWorkloads(
          WorkloadStatus.newBuilder()
              .setName("app-" + i)
              .setRevision("rev-" + i)
              .setState(WorkloadStatus.State.RUNNING)
              .setHealth(WorkloadStatus.Health.HEALTHY));
    }
    desired = state.build();
    signedWire = signer.sign(desired).toByteArray();
    statusWire = status.build().toByteArray();
  }

  @Benchmark
  public byte[] signDesiredState() {
    return signer.sign(desired).toByteArray();
  }

  @Benchmark
  public DesiredState verifyDesiredState() throws ProtocolException {
    return verifier.verify(signedWire, 41);
  }

  @Benchmark
  public NodeStatus decodeNodeStatus() throws ProtocolException {
    return decoder.nodeStatus(statusWire);
  }
}
