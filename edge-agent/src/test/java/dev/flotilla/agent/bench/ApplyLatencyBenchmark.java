package dev.flotilla.agent.bench;

import dev.flotilla.agent.Agent;
import dev.flotilla.agent.config.AgentConfig;
import dev.flotilla.agent.model.ContainerInfo;
import dev.flotilla.agent.model.Labels;
import dev.flotilla.agent.runtime.podman.PodmanContainerRuntime;
import dev.flotilla.agent.testing.TestBroker;
import dev.flotilla.agent.testing.TestMqttClient;
import dev.flotilla.agent.testing.TestPodman;
import dev.flotilla.protocol.DesiredStateSigner;
import dev.flotilla.protocol.NodeId;
import dev.flotilla.protocol.SigningKeys;
import dev.flotilla.protocol.Topics;
import dev.flotilla.protocol.v1.DesiredState;
import dev.flotilla.protocol.v1.Workload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Desired state published to the broker → the new container running in Podman, image present: the
 * latency an operator sees for one workload change on an idle gateway. Each run changes the
 * workload's spec (its args), so the agent removes the old container and creates and starts a new
 * one. Prints p50, p99 and max over the runs.
 *
 * <p>Run with {@code ./flotilla bench-agent latency [RUNS]}.
 */
public final class ApplyLatencyBenchmark {
  private ApplyLatencyBenchmark() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    Path dir = Files.createTempDirectory("flotilla-latency");
    KeyPair keys = SigningKeys.generate();
    DesiredStateSigner signer = new DesiredStateSigner(keys);
    NodeId node = new NodeId("gw-bench");
    try (TestPodman podman = TestPodman.start();
        TestBroker broker = TestBroker.start(dir.resolve("broker"))) {
      podman.removeAllWithLabel(Labels.WORKLOAD);
      String image = podman.busyboxImage();
      Properties p = new Properties();
      p.setProperty("node.id", node.value());
      p.setProperty("broker.url", broker.uri());
      p.setProperty("controller.public-key", SigningKeys.encodePublic(keys.getPublic()));
      p.setProperty("podman.socket", podman.socket().toString());
      p.setProperty("data.dir", dir.resolve("agent").toString());
      TestMqttClient controller = TestMqttClient.connect(broker.uri(), "bench-controller");
      List<Long> millis = new ArrayList<>();
      try (Agent agent =
              Agent.start(AgentConfig.from(p, Map.of(), "benchmark"), Clock.systemUTC());
          PodmanContainerRuntime runtime = new PodmanContainerRuntime(podman.socket())) {
        for (int run = 1; run <= runs + 1; run++) {
          String seconds = Integer.toString(3600 + run);
          DesiredState state =
              DesiredState.newBuilder()
                  .setNodeId(node.value())
                  .setGeneration(run)
                  .addWorkloads(
                      Workload.newBuilder()
                          .setName("probe")
                          .setImage(image)
                          .setRevision("r" + run)
                          // Stops at once on SIGTERM, as a well-behaved workload does.
                          .addCommand("/bin/sh")
                          .addArgs("-c")
                          .addArgs("trap 'exit 0' TERM; sleep " + seconds + " & wait"))
                  .build();
          long start = System.nanoTime();
          controller.publishRetained(Topics.desired(node), signer.sign(state).toByteArray());
          while (!running(runtime, "r" + run)) {
            Thread.sleep(5);
          }
          long elapsed = (System.nanoTime() - start) / 1_000_000;
          if (run > 1) { // the first run warms up the JVM and Podman
            millis.add(elapsed);
          }
        }
      } finally {
        controller.close();
        podman.removeAllWithLabel(Labels.WORKLOAD);
      }
      Collections.sort(millis);
      System.out.printf(
          Locale.ROOT,
          "desired published -> container running (image present), %d runs: p50 %d ms, p99 %d ms,"
              + " max %d ms%n",
          millis.size(),
          percentile(millis, 50),
          percentile(millis, 99),
          millis.get(millis.size() - 1));
    }
  }

  private static boolean running(PodmanContainerRuntime runtime, String revision) {
    for (ContainerInfo c : runtime.listByLabel(Labels.WORKLOAD)) {
      if (c.state() == ContainerInfo.State.RUNNING
          && revision.equals(c.labels().get(Labels.REVISION))) {
        return true;
      }
    }
    return false;
  }

  static long percentile(List<Long> sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }
}
