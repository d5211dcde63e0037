package dev.flotilla.agent.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.agent.Agent;
import dev.flotilla.agent.model.ContainerInfo;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Offline is the normal case: nothing here has a broker when it matters. */
class OfflineE2E {
  private static final System.Logger LOG = System.getLogger(OfflineE2E.class.getName());

  @TempDir Path dir;
  Harness h;

  @BeforeEach
  void setUp() {
    h = new Harness(dir);
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  @Test
  void withTheBrokerStoppedAKilledContainerIsStillRestarted() {
    try (Agent agent = h.startAgent()) {
      h.publishDesired(1, Harness.sleeper("sensor", h.image(), "r1", "3600"));
      h.awaitRunning("sensor");
      h.broker.stop();
      h.killAndAwaitRestart("sensor", Duration.ofSeconds(30));
    }
  }

  @Test
  void anAgentKilledAndRebootedWhileOfflineBringsEveryWorkloadBackWithoutABroker()
      throws Exception {
    List<String> workloads = List.of("w1", "w2", "w3", "w4", "w5");
    Process agent = h.startAgentProcess(Map.of());
    try {
      h.publishDesired(
          1,
          workloads.stream()
              .map(w -> Harness.sleeper(w, h.image(), "r1", "3600"))
              .toArray(dev.flotilla.protocol.v1.Workload[]::new));
      h.awaitRunning(workloads.toArray(String[]::new));
      await().atMost(Harness.CONVERGE).until(() -> !h.eventsOfType("desired.applied").isEmpty());
    } finally {
      agent.destroyForcibly().waitFor();
    }
    h.broker.stop();

    // The containers' own start time, measured the same way the agent starts them: by Podman.
    String[] ids = h.containers().stream().map(ContainerInfo::id).toArray(String[]::new);
    stopAll(ids);
    long baselineStart = System.nanoTime();
    for (String id : ids) {
      h.podman.podman("start", id);
    }
    Duration containersOwnStart = Duration.ofNanos(System.nanoTime() - baselineStart);

    // "Reboot": every container stopped, the agent starts again, and there is no broker.
    stopAll(ids);
    long bootStart = System.nanoTime();
    Process rebooted = h.startAgentProcess(Map.of());
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> workloads.stream().allMatch(w -> h.running(w).isPresent()));
      Duration recovered = Duration.ofNanos(System.nanoTime() - bootStart);
      LOG.log(
          Level.INFO,
          "reboot-while-offline recovered={0}ms containers-own-start={1}ms workloads={2}",
          recovered.toMillis(),
          containersOwnStart.toMillis(),
          workloads.size());
      assertTrue(
          recovered.compareTo(Duration.ofSeconds(5).plus(containersOwnStart)) < 0,
          "recovery took "
              + recovered.toMillis()
              + " ms; budget 5 s + "
              + containersOwnStart.toMillis()
              + " ms");
    } finally {
      rebooted.destroyForcibly().waitFor();
    }
  }

  private void stopAll(String[] ids) {
    String[] args = new String[ids.length + 3];
    args[0] = "stop";
    args[1] = "-t";
    args[2] = "0";
    System.arraycopy(ids, 0, args, 3, ids.length);
    h.podman.podman(args);
  }
}
