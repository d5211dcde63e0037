package dev.flotilla.controller.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.controller.model.FleetEvent;
import dev.flotilla.controller.model.Node;
import dev.flotilla.controller.model.NodeState;
import dev.flotilla.controller.model.Presence;
import dev.flotilla.controller.model.Taint;
import dev.flotilla.controller.model.WorkloadObservation;
import dev.flotilla.controller.rollout.ReleasedNode;
import dev.flotilla.controller.rollout.RolloutRecord;
import dev.flotilla.controller.rollout.RolloutState;
import dev.flotilla.controller.rollout.RolloutUpdate;
import dev.flotilla.controller.store.FleetStore.DesiredRow;
import dev.flotilla.controller.store.FleetStore.EnrollOutcome;
import dev.flotilla.controller.store.FleetStore.NoSuchRevisionException;
import dev.flotilla.controller.store.FleetStore.PutResult;
import dev.flotilla.controller.store.jdbc.JdbcFleetStore;
import dev.flotilla.protocol.NodeId;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JDBC store on a real SQLite file. */
class JdbcFleetStoreIT {
  static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  static final Duration STALE = Duration.ofMinutes(15);
  static final Instant T1 = T0.plusSeconds(60);
  static final Instant T2 = T0.plusSeconds(120);
  static final Instant T3 = T0.plusSeconds(180);
  static final NodeId A = new NodeId("gw-a");
  static final NodeId B = new NodeId("gw-b");
  static final NodeId C = new NodeId("gw-c");

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

  // ---- rollouts -----------------------------------------------------------------------------

  /** Applies template {@code n} (manifest {@code {"v":n}}, hash {@code hash-n}) to {@code web}. */
  private static PutResult apply(FleetStore s, int n, Instant now) {
    return s.putDeployment("web", "{\"v\":" + n + "}", "hash-" + n, now);
  }

  private static RolloutRecord stored(FleetStore s, RolloutRecord r) {
    return s.rollout(r.id()).orElseThrow();
  }

  private static RolloutUpdate marks(
      RolloutRecord r, List<NodeId> release, Map<NodeId, String> failures) {
    RolloutUpdate u = RolloutUpdate.of(r);
    return new RolloutUpdate(
        u.state(),
        u.step(),
        u.stepStartedAt(),
        u.pausedUntil(),
        u.pauseReason(),
        u.acceptedFailures(),
        u.overrideWindows(),
        u.message(),
        u.finishedAt(),
        release,
        failures);
  }

  private static RolloutUpdate finish(RolloutRecord r, RolloutState state, Instant at) {
    return new RolloutUpdate(
        state,
        r.step(),
        r.stepStartedAt(),
        null,
        "",
        r.acceptedFailures(),
        r.overrideWindows(),
        "finished: " + state,
        at,
        List.of(),
        Map.of());
  }

  @Test
  void aFirstInstallStartsNoRollout() {
    try (JdbcFleetStore s = open()) {
      PutResult put = apply(s, 1, T0);
      assertTrue(put.created());
      assertNull(put.rollout());
      assertEquals(1, put.deployment().revision());
      assertEquals("{\"v\":1}", put.deployment().templateManifest());
      assertEquals(Optional.empty(), s.activeRollout("web"));
      assertEquals(List.of(), s.activeRollouts());
      assertEquals(List.of(), s.rollouts("web", 10));
    }
  }

  @Test
  void aNewTemplateStartsARolloutFromTheStableRevisionAndBecomesTheTarget() {
    try (JdbcFleetStore s = open()) {
      apply(s, 1, T0);
      PutResult put = apply(s, 2, T1);
      assertTrue(put.newRevision());
      RolloutRecord r = put.rollout();
      assertNotNull(r);
      assertEquals("web", r.deployment());
      assertEquals(1, r.fromRevision());
      assertEquals(2, r.toRevision());
      assertEquals(RolloutState.PROGRESSING, r.state());
      assertEquals(0, r.step());
      assertEquals(T1, r.stepStartedAt());
      assertNull(r.pausedUntil());
      assertEquals("", r.pauseReason());
      assertEquals(0, r.acceptedFailures());
      assertFalse(r.overrideWindows());
      assertEquals("apply", r.cause());
      assertEquals("started: revision 1 -> 2", r.message());
      assertEquals(T1, r.createdAt());
      assertNull(r.finishedAt());
      assertEquals(1, r.version());
      assertEquals(r, stored(s, r));
      assertEquals(Optional.of(r), s.activeRollout("web"));
      assertEquals(List.of(r), s.activeRollouts());
      assertEquals(2, put.deployment().revision());
      assertEquals("{\"v\":2}", put.deployment().templateManifest());
      assertEquals(2, s.deployment("web").orElseThrow().revision());
    }
  }

  @Test
  void reapplyingTheTargetTemplateStartsNothingAndOnlyReplacesTheManifest() {
    try (JdbcFleetStore s = open()) {
      apply(s, 1, T0);
      RolloutRecord r = apply(s, 2, T1).rollout();
      PutResult again = s.putDeployment("web", "{\"v\":2,\"selector\":1}", "hash-2", T2);
      assertFalse(again.newRevision());
      assertNull(again.rollout());
      assertEquals(2, again.deployment().revision());
      assertEquals("{\"v\":2,\"selector\":1}", again.deployment().manifest());
      assertEquals("{\"v\":2}", again.deployment().templateManifest());
      assertEquals(List.of(again.deployment()), s.deployments());
      assertEquals(Optional.of(r), s.activeRollout("web"));
    }
  }

  @Test
  void applyingTheStableTemplateDuringARolloutSupersedesItAndStartsNone() {
    try (JdbcFleetStore s = open()) {
      apply(s, 1, T0);
      RolloutRecord r = apply(s, 2, T1).rollout();
      PutResult back = apply(s, 1, T2);
      assertFalse(back.newRevision());
      assertNull(back.rollout());
      assertEquals(1, back.deployment().revision());
      assertEquals("{\"v\":1}", back.deployment().templateManifest());
      assertEquals(2, s.revisions("web").size());
      RolloutRecord superseded = stored(s, r);
      assertEquals(RolloutState.SUPERSEDED, superseded.state());
      assertEquals("superseded by revision 1", superseded.message());
      assertEquals(T2, superseded.finishedAt());
      assertEquals(2, superseded.version());
      assertEquals(Optional.empty(), s.activeRollout("web"));
      assertEquals(List.of(), s.activeRollouts());
    }
  }

  @Test
  void applyingAThirdTemplateDuringARolloutSupersedesItAndStartsOneFromTheStableRevision() {
    try (JdbcFleetStore s = open()) {
      apply(s, 1, T0);
      RolloutRecord first = apply(s, 2, T1).rollout();
      PutResult third = apply(s, 3, T2);
      RolloutRecord second = third.rollout();
      assertNotNull(second);
      assertTrue(third.newRevision());
      assertEquals(1, second.fromRevision());
      assertEquals(3, second.toRevision());
      assertTrue(second.id() > first.id());
      assertEquals(3, third.deployment().revision());
      assertEquals("superseded by revision 3", stored(s, first).message());
      assertEquals(List.of(second, stored(s, first)), s.rollouts("web", 10));
      assertEquals(List.of(second), s.rollouts("web", 1));
      assertEquals(List.of(second), s.activeRollouts());
    }
  }

  @Test
  void undoToAnEarlierRevisionStartsARolloutWithCauseUndo() {
    try (JdbcFleetStore s = open()) {
      apply(s, 1, T0);
      RolloutRecord r = apply(s, 2, T1).rollout();
      assertTrue(s.updateRollout(r.id(), 1, finish(r, RolloutState.SUCCEEDED, T2), T2));
      assertEquals(Optional.empty(), s.undo("web", 2, T3));

      RolloutRecord undo = s.undo("web", 1, T3).orElseThrow();
      assertEquals("undo", undo.cause());
      assertEquals(2, undo.fromRevision());
      assertEquals(1, undo.toRevision());
      assertEquals(Optional.of(undo), s.activeRollout("web"));
      var web = s.deployment("web").orElseThrow();
      assertEquals(1, web.revision());
      assertEquals("{\"v\":1}", web.templateManifest());
      assertEquals("{\"v\":2}", web.manifest());
      assertEquals(2, s.revisions("web").size());
    }
  }

  @Test
  void undoToTheTargetDuringARolloutLeavesTheRolloutGoingOn() {
    try (JdbcFleetStore s = open()) {
      apply(s, 1, T0);
      RolloutRecord r = apply(s, 2, T1).rollout();
      assertEquals(Optional.empty(), s.undo("web", 2, T2));
      assertEquals(r, stored(s, r));
      assertEquals(Optional.empty(), s.undo("web", 1, T2));
      assertEquals(RolloutState.SUPERSEDED, stored(s, r).state());
      assertEquals(1, s.deployment("web").orElseThrow().revision());
    }
  }

  @Test
  void undoToAMissingRevisionOrDeploymentIsRefusedAndChangesNothing() {
    try (JdbcFleetStore s = open()) {
      apply(s, 1, T0);
      RolloutRecord r = apply(s, 2, T1).rollout();
      var missing = assertThrows(NoSuchRevisionException.class, () -> s.undo("web", 7, T2));
      assertEquals(
          "deployment web has no revision 7; its revisions go from 1 to 2", missing.getMessage());
      assertThrows(NoSuchRevisionException.class, () -> s.undo("web", 0, T2));
      var none = assertThrows(NoSuchRevisionException.class, () -> s.undo("db", 1, T2));
      assertEquals("no deployment db", none.getMessage());
      assertEquals(r, stored(s, r));
      assertEquals(2, s.deployment("web").orElseThrow().revision());
    }
  }

  @Test
  void anUpdateComputedFromAStaleVersionChangesNothing() {
    try (JdbcFleetStore s = open()) {
      apply(s, 1, T0);
      RolloutRecord r = apply(s, 2, T1).rollout();
      assertTrue(s.updateRollout(r.id(), 1, marks(r, List.of(A), Map.of()), T2));
      RolloutRecord now = stored(s, r);
      assertEquals(2, now.version());
      assertEquals(T2, now.updatedAt());

      assertFalse(s.updateRollout(r.id(), 1, marks(r, List.of(B), Map.of(A, "late")), T3));
      assertFalse(s.updateRollout(r.id() + 100, 1, marks(r, List.of(B), Map.of()), T3));
      assertEquals(now, stored(s, r));
      assertEquals(Map.of(A, new ReleasedNode(T2, null, "")), s.releasedNodes(r.id()));
    }
  }

  @Test
  void releasesAndFailuresAreStoredOnceAndReadBack() {
    try (JdbcFleetStore s = open()) {
      apply(s, 1, T0);
      RolloutRecord r = apply(s, 2, T1).rollout();
      RolloutUpdate paused =
          new RolloutUpdate(
              RolloutState.PAUSED,
              1,
              T1,
              T3,
              "2 of 5 failed",
              1,
              true,
              "paused at step 1",
              null,
              List.of(A, B),
              Map.of());
      assertTrue(s.updateRollout(r.id(), 1, paused, T1));
      RolloutRecord p = stored(s, r);
      assertEquals(RolloutState.PAUSED, p.state());
      assertEquals(1, p.step());
      assertEquals(T3, p.pausedUntil());
      assertEquals("2 of 5 failed", p.pauseReason());
      assertEquals(1, p.acceptedFailures());
      assertTrue(p.overrideWindows());
      assertEquals("paused at step 1", p.message());
      assertEquals(Optional.of(p), s.activeRollout("web"));

      assertTrue(s.updateRollout(r.id(), 2, marks(p, List.of(A, C), Map.of(A, "crash")), T2));
      RolloutRecord q = stored(s, r);
      assertTrue(
          s.updateRollout(r.id(), 3, marks(q, List.of(), Map.of(A, "other", B, "probe")), T3));
      assertEquals(
          Map.of(
              A, new ReleasedNode(T1, T2, "crash"),
              B, new ReleasedNode(T1, T3, "probe"),
              C, new ReleasedNode(T2, null, "")),
          s.releasedNodes(r.id()));
      assertEquals(List.of(A, B, C), List.copyOf(s.releasedNodes(r.id()).keySet()));

      // A failure of a node it never released is not a released node.
      RolloutRecord t = stored(s, r);
      assertTrue(
          s.updateRollout(r.id(), 4, marks(t, List.of(), Map.of(new NodeId("gw-z"), "x")), T3));
      assertEquals(3, s.releasedNodes(r.id()).size());
    }
  }

  @Test
  void aRolledBackRolloutSetsTheTargetBackToWhereItStartedAndIsNoLongerActive() {
    try (JdbcFleetStore s = open()) {
      apply(s, 1, T0);
      RolloutRecord r = apply(s, 2, T1).rollout();
      assertTrue(s.updateRollout(r.id(), 1, finish(r, RolloutState.ROLLED_BACK, T2), T2));
      RolloutRecord done = stored(s, r);
      assertEquals(RolloutState.ROLLED_BACK, done.state());
      assertEquals(T2, done.finishedAt());
      var web = s.deployment("web").orElseThrow();
      assertEquals(1, web.revision());
      assertEquals("{\"v\":1}", web.templateManifest());
      assertEquals(Optional.empty(), s.activeRollout("web"));
      assertEquals(List.of(), s.activeRollouts());
      assertFalse(s.updateRollout(r.id(), 2, finish(done, RolloutState.ABORTED, T3), T3));
      assertEquals(done, stored(s, r));

      // Applying revision 2's template again starts a new rollout to it, from revision 1.
      RolloutRecord retry = apply(s, 2, T3).rollout();
      assertNotNull(retry);
      assertEquals(1, retry.fromRevision());
      assertEquals(2, retry.toRevision());
    }
  }

  @Test
  void aSucceededRolloutKeepsItsRevisionAsTheTarget() {
    try (JdbcFleetStore s = open()) {
      apply(s, 1, T0);
      RolloutRecord r = apply(s, 2, T1).rollout();
      assertTrue(s.updateRollout(r.id(), 1, finish(r, RolloutState.SUCCEEDED, T2), T2));
      assertEquals(2, s.deployment("web").orElseThrow().revision());
      assertEquals(List.of(), s.activeRollouts());
      RolloutRecord next = apply(s, 3, T3).rollout();
      assertNotNull(next);
      assertEquals(2, next.fromRevision());
    }
  }

  @Test
  void rolloutsAndTheirNodesSurviveReopening() {
    RolloutRecord r;
    try (JdbcFleetStore s = open()) {
      apply(s, 1, T0);
      r = apply(s, 2, T1).rollout();
      s.updateRollout(r.id(), 1, marks(r, List.of(A), Map.of(A, "crash")), T2);
    }
    try (JdbcFleetStore s = open()) {
      RolloutRecord back = s.activeRollout("web").orElseThrow();
      assertEquals(r.id(), back.id());
      assertEquals(2, back.version());
      assertEquals(List.of(back), s.activeRollouts());
      assertEquals(Map.of(A, new ReleasedNode(T2, T2, "crash")), s.releasedNodes(r.id()));
      assertEquals("{\"v\":2}", s.deployments().get(0).templateManifest());
      RolloutRecord next = apply(s, 3, T3).rollout();
      assertTrue(next.id() > r.id());
    }
  }

  @Test
  void rolloutsAreDeletedWithTheirDeploymentAndTheirIdsAreNotReused() {
    try (JdbcFleetStore s = open()) {
      apply(s, 1, T0);
      RolloutRecord r = apply(s, 2, T1).rollout();
      s.updateRollout(r.id(), 1, marks(r, List.of(A), Map.of()), T1);
      assertTrue(s.deleteDeployment("web"));
      assertEquals(Optional.empty(), s.rollout(r.id()));
      assertEquals(Map.of(), s.releasedNodes(r.id()));
      assertEquals(List.of(), s.activeRollouts());
      assertEquals(List.of(), s.rollouts("web", 10));

      apply(s, 1, T2);
      RolloutRecord again = apply(s, 2, T3).rollout();
      assertTrue(again.id() > r.id());
      assertEquals(Map.of(), s.releasedNodes(again.id()));
    }
  }

  @Test
  void observationsGiveEveryNodesLastReportOfOneWorkload() {
    try (JdbcFleetStore s = open()) {
      token(s, "h", 3);
      for (NodeId n : List.of(A, B, C)) {
        s.enroll("h", n, "p", new TreeMap<>(), "c", T0);
      }
      var wOnA = new WorkloadObservation("web", "2", "RUNNING", "HEALTHY", 0, "", T1);
      var wOnB = new WorkloadObservation("web", "1", "CRASH_LOOP", "UNKNOWN", 4, "exit 1", null);
      var other = new WorkloadObservation("db", "1", "RUNNING", "NO_PROBE", 0, "", null);
      s.ingest(
          List.of(
              new FleetStore.StatusUpdate(A, 1, 0, Node.Usage.UNKNOWN, List.of(wOnA, other)),
              new FleetStore.StatusUpdate(B, 1, 0, Node.Usage.UNKNOWN, List.of(wOnB)),
              new FleetStore.StatusUpdate(C, 1, 0, Node.Usage.UNKNOWN, List.of(other))),
          List.of(),
          List.of(),
          T1,
          STALE);
      assertEquals(Map.of(A, wOnA, B, wOnB), s.observations("web"));
      assertEquals(Map.of(A, other, C, other), s.observations("db"));
      assertEquals(Map.of(), s.observations("none"));
    }
  }
}
