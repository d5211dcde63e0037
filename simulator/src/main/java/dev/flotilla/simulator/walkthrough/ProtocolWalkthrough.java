package dev.flotilla.simulator.walkthrough;

import dev.flotilla.protocol.DecodeLimits;
import dev.flotilla.protocol.DesiredStateSigner;
import dev.flotilla.protocol.DesiredStateVerifier;
import dev.flotilla.protocol.NodeId;
import dev.flotilla.protocol.ProtocolException;
import dev.flotilla.protocol.ProtocolException.Reason;
import dev.flotilla.protocol.SigningKeys;
import dev.flotilla.protocol.Timestamps;
import dev.flotilla.protocol.Topics;
import dev.flotilla.protocol.v1.DesiredState;
import dev.flotilla.protocol.v1.HealthProbe;
import dev.flotilla.protocol.v1.HttpCheck;
import dev.flotilla.protocol.v1.PortMapping;
import dev.flotilla.protocol.v1.ProtocolVersion;
import dev.flotilla.protocol.v1.Resources;
import dev.flotilla.protocol.v1.RestartPolicy;
import dev.flotilla.protocol.v1.SignedDesiredState;
import dev.flotilla.protocol.v1.Workload;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the demo runs until the simulated fleet exists: a controller key signs the full desired
 * state of every node, each node verifies what arrives on its desired topic with the key it pinned,
 * and a series of faults (redelivery, replay, tampering, misdelivery, a rogue key, oversize,
 * truncated and garbage bytes, a future protocol) is thrown at one node. Every outcome is computed
 * by the real protocol code, then compared with what the protocol promises.
 *
 * <p>Pure apart from key generation; the clock stamps {@code issued_at}.
 */
public final class ProtocolWalkthrough {
  private static final String SENSOR_IMAGE = "localhost:5000/sensor-reader:";

  /**
   * One delivery to a node and what the node did with it.
   *
   * @param label what was delivered, in words
   * @param node the receiving node
   * @param bytes the payload size on the wire
   * @param refusal the typed reason the node refused it, or empty when it applied it
   * @param expected the reason the protocol promises, or empty when it promises acceptance
   * @param appliedAfter the generation the node holds afterwards
   */
  public record Delivery(
      String label,
      NodeId node,
      int bytes,
      Optional<Reason> refusal,
      Optional<Reason> expected,
      long appliedAfter) {
    public Delivery {
      Objects.requireNonNull(label);
      Objects.requireNonNull(node);
      Objects.requireNonNull(refusal);
      Objects.requireNonNull(expected);
    }

    public boolean asPromised() {
      return refusal.equals(expected);
    }
  }

  /**
   * @param keyId the controller key every node pinned
   * @param rollout the first desired state of every node
   * @param faults the faults thrown at the first node, in order
   */
  public record Report(String keyId, List<Delivery> rollout, List<Delivery> faults) {
    public boolean allAsPromised() {
      return rollout.stream().allMatch(Delivery::asPromised)
          && faults.stream().allMatch(Delivery::asPromised);
    }
  }

  /** A node's view: the key it pinned and the generation it has applied. */
  private static final class Node {
    final NodeId id;
    final DesiredStateVerifier verifier;
    long applied;

    Node(NodeId id, KeyPair controller) {
      this.id = id;
      this.verifier = new DesiredStateVerifier(controller.getPublic(), id, DecodeLimits.DEFAULT);
    }

    Delivery receive(String label, byte[] wire, Optional<Reason> expected) {
      Optional<Reason> refusal;
      try {
        applied = verifier.verify(wire, applied).getGeneration();
        refusal = Optional.empty();
      } catch (ProtocolException e) {
        refusal = Optional.of(e.reason());
      }
      return new Delivery(label, id, wire == null ? 0 : wire.length, refusal, expected, applied);
    }
  }

  private final Clock clock;

  public ProtocolWalkthrough(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * @param nodeCount how many nodes receive a desired state, at least 2
   */
  public Report run(int nodeCount) {
    if (nodeCount < 2) {
      throw new IllegalArgumentException(
          "the walkthrough needs at least 2 nodes, got " + nodeCount);
    }
    KeyPair controller = SigningKeys.generate();
    DesiredStateSigner signer = new DesiredStateSigner(controller);

    List<Node> nodes = new ArrayList<>();
    List<Delivery> rollout = new ArrayList<>();
    for (int i = 1; i <= nodeCount; i++) {
      Node node = new Node(new NodeId(String.format("gw-%04d", i)), controller);
      nodes.add(node);
      byte[] wire = signer.sign(desired(node.id, 1, "1.4.2")).toByteArray();
      rollout.add(node.receive("generation 1", wire, Optional.empty()));
    }

    Node first = nodes.get(0);
    Node second = nodes.get(1);
    byte[] gen1 = signer.sign(desired(first.id, 1, "1.4.2")).toByteArray();
    SignedDesiredState gen2 = signer.sign(desired(first.id, 2, "1.5.0"));
    List<Delivery> faults = new ArrayList<>();
    faults.add(
        first.receive(
            "retained generation 1 redelivered on reconnect",
            gen1,
            Optional.of(Reason.DUPLICATE_GENERATION)));
    faults.add(first.receive("generation 2 (image 1.5.0)", gen2.toByteArray(), Optional.empty()));
    faults.add(
        first.receive(
            "old generation 1 replayed by an attacker",
            gen1,
            Optional.of(Reason.STALE_GENERATION)));
    faults.add(
        first.receive(
            "generation 3 with its image swapped in transit",
            tampered(signer.sign(desired(first.id, 3, "1.5.1"))),
            Optional.of(Reason.BAD_SIGNATURE)));
    faults.add(
        first.receive(
            "generation 3 meant for " + second.id,
            signer.sign(desired(second.id, 3, "1.5.1")).toByteArray(),
            Optional.of(Reason.WRONG_NODE)));
    faults.add(
        first.receive(
            "generation 3 signed by a rogue controller key",
            new DesiredStateSigner(SigningKeys.generate())
                .sign(desired(first.id, 3, "1.5.1"))
                .toByteArray(),
            Optional.of(Reason.UNKNOWN_KEY)));
    faults.add(
        first.receive(
            "generation 3 of 300 KiB",
            signer.sign(oversize(desired(first.id, 3, "1.5.1"))).toByteArray(),
            Optional.of(Reason.OVERSIZE)));
    byte[] gen3 = signer.sign(desired(first.id, 3, "1.5.1")).toByteArray();
    faults.add(
        first.receive(
            "generation 3 cut short by a dropped link",
            Arrays.copyOf(gen3, gen3.length / 2),
            Optional.of(Reason.MALFORMED)));
    faults.add(
        first.receive(
            "random garbage on the desired topic",
            "{\"not\": \"protobuf\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
            Optional.of(Reason.MALFORMED)));
    faults.add(
        first.receive(
            "generation 3 from a controller speaking protocol 2.0",
            gen2.toBuilder()
                .setVersion(ProtocolVersion.newBuilder().setMajor(2))
                .build()
                .toByteArray(),
            Optional.of(Reason.UNSUPPORTED_VERSION)));
    faults.add(first.receive("generation 3 (image 1.5.1)", gen3, Optional.empty()));
    return new Report(SigningKeys.keyId(controller.getPublic()), rollout, faults);
  }

  /** The topic a delivery arrives on. */
  public static String topic(Delivery delivery) {
    return Topics.desired(delivery.node());
  }

  private DesiredState desired(NodeId node, long generation, String version) {
    Instant now = clock.instant();
    return DesiredState.newBuilder()
        .setNodeId(node.value())
        .setGeneration(generation)
        .setIssuedAt(Timestamps.of(now))
        .addWorkloads(
            Workload.newBuilder()
                .setName("sensor-reader")
                .setImage(SENSOR_IMAGE + version)
                .setRevision("v" + version)
                .putEnv("SAMPLE_PERIOD", "5s")
                .addPorts(PortMapping.newBuilder().setContainerPort(8080).setHostPort(18080))
                .setLimits(Resources.newBuilder().setCpuMillis(250).setMemoryBytes(64L << 20))
                .setHealth(
                    HealthProbe.newBuilder()
                        .setHttp(HttpCheck.newBuilder().setPort(8080).setPath("/healthz"))
                        .setPeriodSeconds(10)
                        .setFailureThreshold(3))
                .setRestartPolicy(RestartPolicy.newBuilder().setMode(RestartPolicy.Mode.ALWAYS)))
        .build();
  }

  private static byte[] tampered(SignedDesiredState signed) {
    try {
      DesiredState original = DesiredState.parseFrom(signed.getPayload());
      DesiredState swapped =
          original.toBuilder()
              .setWorkloads(
                  0, original.getWorkloads(0).toBuilder().setImage("evil.example/miner:latest"))
              .build();
      return signed.toBuilder().setPayload(swapped.toByteString()).build().toByteArray();
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException("a state this class just signed does not parse", e);
    }
  }

  private static DesiredState oversize(DesiredState state) {
    return state.toBuilder()
        .setWorkloads(
            0,
            state.getWorkloads(0).toBuilder().putEnv("CALIBRATION_TABLE", "0".repeat(300 * 1024)))
        .build();
  }
}
