package dev.flotilla.controller.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.controller.model.FleetEvent;
import dev.flotilla.controller.model.Node;
import dev.flotilla.controller.model.NodeState;
import dev.flotilla.controller.model.Presence;
import dev.flotilla.controller.model.Taint;
import dev.flotilla.controller.model.WorkloadObservation;
import dev.flotilla.controller.store.FleetStore.DesiredRow;
import dev.flotilla.controller.store.FleetStore.EnrollOutcome;
import dev.flotilla.controller.store.jdbc.JdbcFleetStore;
import dev.flotilla.protocol.NodeId;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JDBC store on a real SQLite file. */
class JdbcFleetStoreIT {
  static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  static final Duration STALE = Duration.ofMinutes(15);
  static final NodeId A = new NodeId("gw-a");

  @TempDir Path dir;

  private JdbcFleetStore open() {
    return JdbcFleetStore.openSqlite(dir.resolve("controller.db"));
  }

  private static void token(FleetStore s, String hash, int uses) {
    s.createEnrollmentToken(
        new FleetStore.EnrollmentToken("t-" + hash, "", uses, 0, T0, T0.plusSeconds(3600)), hash);
  }

  @Test
  void aBootstrapTokenEnrollsAsManyNodesAsItHasUsesAndNotAfterItExpires() {
    try (JdbcFleetStore s = open()) {
      token(s, "h1", 2);
      assertEquals(EnrollOutcome.ENROLLED, s.enroll("h1", A, "rpi4", new TreeMap<>(), "c", T0));
      assertEquals(EnrollOutcome.NODE_EXISTS, s.enroll("h1", A, "rpi4", new TreeMap<>(), "c", T0));
      assertEquals(
          EnrollOutcome.ENROLLED,
          s.enroll("h1", new NodeId("gw-b"), "x", new TreeMap<>(), "c", T0));
      assertEquals(
          EnrollOutcome.TOKEN_REFUSED,
          s.enroll("h1", new NodeId("gw-c"), "x", new TreeMap<>(), "c", T0));
      token(s, "h2", 5);
      assertEquals(
          EnrollOutcome.TOKEN_REFUSED,
          s.enroll("h2", new NodeId("gw-d"), "x", new TreeMap<>(), "c", T0.plusSeconds(3601)));
      assertEquals(NodeState.PENDING, s.node(A).orElseThrow().state());
    }
  }

  @Test
  void statusesAreDeduplicatedBySequenceAndEventsByNodeAndSequence() {
    try (JdbcFleetStore s = open()) {
      token(s, "h", 1);
      s.enroll("h", A, "p", new TreeMap<>(), "c", T0);
      var running = List.of(new WorkloadObservation("w", "1", "RUNNING", "HEALTHY", 0, "", null));
      var status = new FleetStore.StatusUpdate(A, 5, 0, Node.Usage.UNKNOWN, running);
      var event =
          new FleetEvent(
              "gw-a", 1, 0, T0, T0, "INFO", "workload.started", "w", 1, "up", new TreeMap<>());
      var r1 = s.ingest(List.of(status), List.of(), List.of(event), T0, STALE);
      assertEquals(1, r1.statusesStored());
      assertEquals(1, r1.eventsStored());
      assertEquals(List.of(A), r1.changed());
      assertEquals(NodeState.READY, s.node(A).orElseThrow().state());

      var stale = new FleetStore.StatusUpdate(A, 5, 0, Node.Usage.UNKNOWN, List.of());
      var r2 = s.ingest(List.of(stale), List.of(), List.of(event, event), T0, STALE);
      assertEquals(0, r2.statusesStored());
      assertEquals(3, r2.duplicates());
      assertEquals(1, s.workloads(A).size());
      assertEquals(1, s.events(null, null, 0, 100).size());
      assertEquals(1, s.events("gw-a", "w", 0, 100).size());
      assertEquals(0, s.events(null, "other", 0, 100).size());
    }
  }

  @Test
  void anOfflinePresenceOrSilenceMakesANodeUnreachableNeverDeleted() {
    try (JdbcFleetStore s = open()) {
      token(s, "h", 2);
      s.enroll("h", A, "p", new TreeMap<>(), "c", T0);
      NodeId b = new NodeId("gw-b");
      s.enroll("h", b, "p", new TreeMap<>(), "c", T0);
      s.ingest(
          List.of(),
          List.of(
              new FleetStore.PresenceUpdate(A, Presence.ONLINE, "0.1.0", "boot"),
              new FleetStore.PresenceUpdate(b, Presence.ONLINE, "0.1.0", "boot")),
          List.of(),
          T0,
          STALE);
      assertEquals(NodeState.READY, s.node(A).orElseThrow().state());
      s.ingest(
          List.of(),
          List.of(new FleetStore.PresenceUpdate(A, Presence.OFFLINE, "0.1.0", "boot")),
          List.of(),
          T0.plusSeconds(1),
          STALE);
      assertEquals(NodeState.UNREACHABLE, s.node(A).orElseThrow().state());
      assertEquals(List.of(), s.markStale(T0.plusSeconds(60), STALE));
      assertEquals(List.of(b), s.markStale(T0.plus(STALE).plusSeconds(2), STALE));
      assertEquals(NodeState.UNREACHABLE, s.node(b).orElseThrow().state());
      assertEquals(2, s.allNodes().size());
      assertEquals(2L, s.countByState().get(NodeState.UNREACHABLE));
    }
  }

  @Test
  void taintsAreStoredInOrderAndSurviveReopening() {
    List<Taint> taints =
        List.of(
            new Taint("dedicated", "traffic", Taint.Effect.NO_SCHEDULE),
            new Taint("repair", "", Taint.Effect.NO_EXECUTE));
    try (JdbcFleetStore s = open()) {
      token(s, "h", 1);
      s.enroll("h", A, "raspberry-pi-4", new TreeMap<>(), "c", T0);
      assertEquals(List.of(), s.node(A).orElseThrow().taints());
      assertTrue(s.setTaints(A, taints));
      assertFalse(s.setTaints(new NodeId("gw-none"), taints));
    }
    try (JdbcFleetStore s = open()) {
      assertEquals(taints, s.node(A).orElseThrow().taints());
      assertEquals(taints, s.allNodes().get(0).taints());
      assertTrue(s.setTaints(A, List.of()));
      assertEquals(List.of(), s.node(A).orElseThrow().taints());
    }
  }

  @Test
  void aDeploymentGetsANewRevisionOnlyWhenItsTemplateChanges() {
    try (JdbcFleetStore s = open()) {
      assertTrue(s.putDeployment("web", "{\"v\":1}", "hash-1", T0).newRevision());
      var same = s.putDeployment("web", "{\"v\":1,\"selector\":2}", "hash-1", T0);
      assertFalse(same.newRevision());
      assertEquals(1, same.deployment().revision());
      var changed = s.putDeployment("web", "{\"v\":2}", "hash-2", T0);
      assertEquals(2, changed.deployment().revision());
      assertEquals(2, s.revisions("web").size());
      assertTrue(s.deleteDeployment("web"));
      assertEquals(List.of(), s.revisions("web"));
    }
  }

  @Test
  void desiredStatesSurviveReopeningAndOnlyTheAcknowledgedGenerationIsMarkedPublished() {
    try (JdbcFleetStore s = open()) {
      token(s, "h", 1);
      s.enroll("h", A, "p", new TreeMap<>(), "c", T0);
      s.saveDesired(
          List.of(
              new DesiredRow(
                  A, 1, "c1", new TreeMap<>(Map.of("web", 1)), new byte[] {1, 2}, false, T0)));
      s.saveDesired(
          List.of(
              new DesiredRow(
                  A, 2, "c2", new TreeMap<>(Map.of("web", 2)), new byte[] {3}, false, T0)));
      s.markPublished(Map.of(A, 1L));
      assertEquals(1, s.unpublished().size());
    }
    try (JdbcFleetStore s = open()) {
      DesiredRow row = s.unpublished().get(0);
      assertEquals(2, row.generation());
      assertEquals(3, row.signed()[0]);
      s.markPublished(Map.of(A, 2L));
      assertTrue(s.unpublished().isEmpty());
      assertEquals("c2", s.desiredSummaries().get(A).contentHash());
      assertEquals(2, s.node(A).orElseThrow().desiredGeneration());
    }
  }
}
