package dev.flotilla.agent.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.agent.Agent;
import dev.flotilla.agent.model.ContainerInfo;
import dev.flotilla.agent.model.Labels;
import dev.flotilla.protocol.v1.NodeStatus;
import dev.flotilla.protocol.v1.WorkloadStatus;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent against real Podman and the real broker, driven only through MQTT. */
class AgentE2E {
  @TempDir Path dir;
  Harness h;

  @BeforeEach
  void setUp() {
    h = new Harness(dir);
  }

  @AfterEach
  void tearDown() {
    h.podman.podman("rm", "-f", "--ignore", "bystander");
    h.close();
  }

  @Test
  void desiredStatesFromTheBrokerBecomeContainersAndStatusFollowsEveryChange() {
    h.podman.podman("run", "-d", "--name", "bystander", h.image(), "/bin/sleep", "3600");
    try (Agent agent = h.startAgent()) {
      // 1. Two workloads: both run, labelled, and the status reports them.
      h.publishDesired(
          1,
          Harness.sleeper("alpha", h.image(), "r1", "3600"),
          Harness.sleeper("beta", h.image(), "r1", "3600"));
      h.awaitRunning("alpha", "beta");
      ContainerInfo beta = h.running("beta").orElseThrow();
      assertEquals("r1", beta.labels().get(Labels.REVISION));
      await()
          .atMost(Harness.CONVERGE)
          .until(
              () ->
                  h.latestStatus()
                      .filter(s -> s.getObservedGeneration() == 1)
                      .filter(s -> s.getWorkloadsCount() == 2)
                      .filter(
                          s ->
                              s.getWorkloadsList().stream()
                                  .allMatch(w -> w.getState() == WorkloadStatus.State.RUNNING))
                      .isPresent());

      // 2. A changed spec replaces alpha's container; beta's is left as it was.
      ContainerInfo alphaBefore = h.running("alpha").orElseThrow();
      h.publishDesired(
          2,
          Harness.sleeper("alpha", h.image(), "r2", "3601"),
          Harness.sleeper("beta", h.image(), "r1", "3600"));
      await()
          .atMost(Harness.CONVERGE)
          .until(
              () ->
                  h.running("alpha")
                      .filter(c -> !c.id().equals(alphaBefore.id()))
                      .filter(c -> "r2".equals(c.labels().get(Labels.REVISION)))
                      .isPresent());
      assertTrue(h.containers().stream().noneMatch(c -> c.id().equals(alphaBefore.id())));
      assertEquals(beta.id(), h.running("beta").orElseThrow().id());
      await()
          .atMost(Harness.CONVERGE)
          .until(() -> h.latestStatus().map(NodeStatus::getObservedGeneration).orElse(0L) == 2);

      // 3. A workload no longer desired is removed.
      h.publishDesired(3, Harness.sleeper("alpha", h.image(), "r2", "3601"));
      await()
          .atMost(Harness.CONVERGE)
          .until(
              () -> h.containers().stream().noneMatch(c -> c.workload().orElse("").equals("beta")));
      await()
          .atMost(Harness.CONVERGE)
          .until(
              () ->
                  h.latestStatus()
                      .filter(s -> s.getObservedGeneration() == 3 && s.getWorkloadsCount() == 1)
                      .isPresent());

      // The unlabelled container was never touched.
      String bystander =
          h.podman.podman("inspect", "--format", "{{.State.Status}}", "bystander").strip();
      assertEquals("running", bystander);
      assertFalse(h.eventsOfType("workload.started").isEmpty());
      assertNotEquals(0, h.eventsOfType("desired.applied").size());
    }
  }

  @Test
  void aContainerThatDiesIsRestartedAndTheRestartIsReported() {
    try (Agent agent = h.startAgent()) {
      h.publishDesired(1, Harness.sleeper("gamma", h.image(), "r1", "3600"));
      h.awaitRunning("gamma");
      String id = h.running("gamma").orElseThrow().id();
      h.killAndAwaitRestart("gamma", Duration.ofSeconds(30));
      assertEquals(id, h.running("gamma").orElseThrow().id(), "the same container, started again");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> !h.eventsOfType("workload.restarted").isEmpty());
    }
  }
}
