package dev.flotilla.agent.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.agent.Agent;
import dev.flotilla.protocol.v1.Event;
import dev.flotilla.protocol.v1.EventBatch;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Events made while the broker is away reach the controller when it returns. */
class OutboxE2E {
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

  /** Kills the workload's container {@code times} times, waiting for each restart. */
  private void crash(String workload, int times) {
    for (int i = 0; i < times; i++) {
      h.killAndAwaitRestart(workload, Duration.ofSeconds(60));
    }
  }

  private long lastSequenceSoFar() {
    List<Event> events = h.events();
    return events.isEmpty() ? 0 : events.get(events.size() - 1).getSequence();
  }

  @Test
  void eventsMadeOfflineArriveInOrderWithoutGapsOrDuplicatesWhenTheBrokerReturns() {
    try (Agent agent = h.startAgent()) {
      h.publishDesired(1, Harness.sleeper("pump", h.image(), "r1", "3600"));
      h.awaitRunning("pump");
      await().atMost(Harness.CONVERGE).until(() -> !h.eventsOfType("desired.applied").isEmpty());
      long beforeOutage = lastSequenceSoFar();

      h.broker.stop();
      crash("pump", 3);
      h.broker.start();
      // The agent may deliver its outbox before the controller is back; the broker must keep
      // those events for the controller's session. Waiting makes that order certain.
      h.awaitOutboxDelivered();
      h.reconnectController();

      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  h.eventsOfType("workload.restarted").stream()
                          .filter(e -> e.getSequence() > beforeOutage)
                          .count()
                      >= 3);
      List<Event> events = h.events();
      for (int i = 1; i < events.size(); i++) {
        assertEquals(
            events.get(i - 1).getSequence() + 1,
            events.get(i).getSequence(),
            "sequences after the outage must be contiguous: " + events);
      }
      // In order as they arrived, too: dropping repeats, the sequence numbers only grow.
      long previous = 0;
      for (EventBatch batch : h.batches()) {
        for (Event e : batch.getEventsList()) {
          if (e.getSequence() > previous) {
            assertEquals(previous == 0 ? e.getSequence() : previous + 1, e.getSequence());
            previous = e.getSequence();
          }
        }
      }
      assertEquals(0, h.batches().get(h.batches().size() - 1).getDroppedTotal());
    }
  }

  @Test
  void withATinyOutboxTheOldestEventsAreDroppedAndTheDropsReported() {
    try (Agent agent =
        h.startAgent(Map.of("outbox.max-events", "3"), dev.flotilla.agent.core.StepHook.NONE)) {
      h.publishDesired(1, Harness.sleeper("valve", h.image(), "r1", "3600"));
      h.awaitRunning("valve");
      await().atMost(Harness.CONVERGE).until(() -> !h.eventsOfType("desired.applied").isEmpty());
      long beforeOutage = lastSequenceSoFar();

      h.broker.stop();
      crash("valve", 4); // at least 8 events: restarted and health/start events
      h.broker.start();
      // The agent may deliver its outbox before the controller is back; the broker must keep
      // those events for the controller's session. Waiting makes that order certain.
      h.awaitOutboxDelivered();
      h.reconnectController();

      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  h.batches().stream().mapToLong(EventBatch::getDroppedTotal).max().orElse(0) > 0);
      long dropped =
          h.batches().stream().mapToLong(EventBatch::getDroppedTotal).max().orElseThrow();
      List<Event> after = h.events().stream().filter(e -> e.getSequence() > beforeOutage).toList();
      assertTrue(after.size() <= 3, "the outbox kept at most 3 events: " + after);
      long firstKept = after.get(0).getSequence();
      assertEquals(
          dropped,
          firstKept - beforeOutage - 1,
          "every missing sequence number is accounted for as a drop");
    }
  }
}
