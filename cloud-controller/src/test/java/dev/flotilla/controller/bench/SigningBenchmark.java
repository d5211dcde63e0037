package dev.flotilla.controller.bench;

import dev.flotilla.controller.dispatch.BouncyCastleSigning;
import dev.flotilla.protocol.DesiredStateSigner;
import dev.flotilla.protocol.DesiredStateVerifier;
import dev.flotilla.protocol.NodeId;
import dev.flotilla.protocol.ProtocolException;
import dev.flotilla.protocol.ProtocolVersions;
import dev.flotilla.protocol.SigningKeys;
import dev.flotilla.protocol.v1.DesiredState;
import dev.flotilla.protocol.v1.Workload;
import java.security.KeyPair;
import java.util.Locale;

/**
 * Signing benchmark: what the dispatcher pays per node to sign a desired state, with the JDK's
 * Ed25519 provider and with the controller's {@link BouncyCastleSigning}, on one thread; and, for
 * scale, what an agent pays to verify one (the JDK's provider). The state is a gateway's with five
 * workloads. Each figure is the best of five rounds of {@code N} operations after a warm-up round.
 *
 * <p>{@code ./flotilla bench-signing [N]} (default 5000).
 */
public final class SigningBenchmark {
  private SigningBenchmark() {}

  public static void main(String[] args) throws ProtocolException {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
    KeyPair keys = SigningKeys.generate();
    String keyId = SigningKeys.keyId(keys.getPublic());
    DesiredStateSigner jdk = new DesiredStateSigner(keys);
    DesiredStateSigner fast =
        new DesiredStateSigner(keyId, BouncyCastleSigning.of(keys.getPrivate()));
    DesiredState state = state();
    DesiredStateVerifier verifier = new DesiredStateVerifier(keys.getPublic(), new NodeId("gw-1"));
    byte[] signed = fast.sign(state).toByteArray();

    double jdkSign = best(n, () -> jdk.sign(state));
    double fastSign = best(n, () -> fast.sign(state));
    double verify =
        best(
            n,
            () -> {
              try {
                verifier.verify(signed, 0);
              } catch (ProtocolException e) {
                throw new IllegalStateException(e);
              }
            });
    System.out.printf(
        Locale.ROOT,
        "sign, JDK provider:            %8.1f us per state (%,.0f per second per core)%n"
            + "sign, Bouncy Castle (used):    %8.1f us per state (%,.0f per second per core)%n"
            + "verify, JDK provider (agent):  %8.1f us per state%n"
            + "10,000 nodes' signatures on one core: JDK %.2f s, Bouncy Castle %.2f s%n",
        jdkSign,
        1e6 / jdkSign,
        fastSign,
        1e6 / fastSign,
        verify,
        jdkSign * 10_000 / 1e6,
        fastSign * 10_000 / 1e6);
  }

  /** The best of five timed rounds of {@code n} runs, after one untimed round, in µs per run. */
  private static double best(int n, Runnable op) {
    for (int i = 0; i < n; i++) {
      op.run();
    }
    double best = Double.MAX_VALUE;
    for (int round = 0; round < 5; round++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        op.run();
      }
      best = Math.min(best, (System.nanoTime() - t0) / 1000.0 / n);
    }
    return best;
  }

  private static DesiredState state() {
    DesiredState.Builder b =
        DesiredState.newBuilder()
            .setVersion(ProtocolVersions.current())
            .setNodeId("gw-1")
            .setGeneration(7);
    for (int i = 0; i < 5; i++) {
      b.addWorkloads(
          Workload.newBuilder()
              .setName("app-" + i)
              .setImage("registry.example/app-" + i + ":1.4." + i)
              .setRevision("3")
              .addArgs("--listen=:" + (8080 + i)));
    }
    return b.build();
  }
}
