package dev.flotilla.agent.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.agent.model.AgentEvent;
import dev.flotilla.agent.model.AgentEvent.Severity;
import dev.flotilla.agent.store.AgentStore.BlueGreenState;
import dev.flotilla.agent.store.AgentStore.OutboxEvent;
import dev.flotilla.agent.store.AgentStore.OutboxLimits;
import dev.flotilla.agent.store.AgentStore.OutboxSize;
import dev.flotilla.agent.store.AgentStore.RestartState;
import dev.flotilla.agent.store.AgentStore.StoredDesired;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteAgentStoreIT {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2025-06-01T12:00:00Z"), ZoneOffset.UTC);
  private static final OutboxLimits ROOMY = new OutboxLimits(10_000, 64L << 20);

  @TempDir Path dir;

  private Path file() {
    return dir.resolve("agent.db");
  }

  private SqliteAgentStore open(OutboxLimits limits) {
    return SqliteAgentStore.open(file(), limits, CLOCK);
  }

  private SqliteAgentStore open() {
    return open(ROOMY);
  }

  static AgentEvent event(String message) {
    return new AgentEvent(
        Instant.parse("2025-06-01T12:00:00.123456789Z"),
        Severity.WARNING,
        "workload.restarted",
        "sensor-reader",
        7,
        message,
        Map.of("reason", "EXITED", "exit_code", "137"));
  }

  // --- opening -------------------------------------------------------------------------------

  @Test
  void opensANewFileCreatingItsParentDirectories() {
    Path nested = dir.resolve("var/lib/flotilla/agent.db");
    try (SqliteAgentStore store = SqliteAgentStore.open(nested)) {
      assertEquals(nested.toAbsolutePath(), store.file());
      assertEquals(OutboxLimits.DEFAULT, store.limits());
      assertTrue(Files.isRegularFile(nested));
      assertEquals(new OutboxSize(0, 0), store.outboxSize());
    }
  }

  @Test
  void anInMemoryStoreHasTheSchemaKeepsWhatItIsGivenAndOpensNoFile() throws Exception {
    try (SqliteAgentStore store =
            SqliteAgentStore.openInMemory("sim-00001", OutboxLimits.DEFAULT, Clock.systemUTC());
        SqliteAgentStore other =
            SqliteAgentStore.openInMemory("sim-00002", OutboxLimits.DEFAULT, Clock.systemUTC())) {
      assertEquals(Path.of(":memory:"), store.file());
      assertEquals("1", store.pragma("foreign_keys"));
      long first = store.appendEvent(event("a"));
      long second = store.appendEvent(event("b"));
      assertEquals(first + 1, second);
      assertEquals(2, store.pendingEvents(10).size());
      store.saveLastStatus(new byte[] {1, 2, 3});
      assertArrayEquals(new byte[] {1, 2, 3}, store.lastStatus().orElseThrow());
      assertEquals(List.of(), other.pendingEvents(10), "each in-memory store is its own");
    }
    try (var files = Files.list(dir)) {
      assertEquals(List.of(), files.toList(), "nothing was written to disk");
    }
  }

  @Test
  void aNewStoreIsEmpty() {
    try (SqliteAgentStore store = open()) {
      assertTrue(store.desired().isEmpty());
      assertEquals(Map.of(), store.restartStates());
      assertTrue(store.lastStatus().isEmpty());
      assertEquals(List.of(), store.pendingEvents(10));
      assertEquals(0, store.droppedEvents());
      assertEquals(new OutboxSize(0, 0), store.outboxSize());
    }
  }

  @Test
  void usesWalWithFullSyncAndForeignKeys() throws SQLException {
    try (SqliteAgentStore store = open();
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file())) {
      assertEquals("wal", query(c, "PRAGMA journal_mode"), "WAL is a property of the file");
      // The others belong to a connection: the store's own.
      assertEquals("2", store.pragma("synchronous"), "2 is FULL");
      assertEquals("1", store.pragma("foreign_keys"));
      assertEquals(
          Long.toString(SqliteAgentStore.BUSY_TIMEOUT.toMillis()), store.pragma("busy_timeout"));
    }
  }

  @Test
  void refusesAFileThatIsNotADatabaseNamingThePath() throws Exception {
    Files.writeString(file(), "this is not an SQLite database, only some text ".repeat(100));
    AgentStoreException e = assertThrows(AgentStoreException.class, () -> open());
    assertTrue(e.getMessage().contains(file().toString()), e.getMessage());
    assertEquals("open", e.operation());
    assertEquals(file(), e.file());
  }

  // --- desired state, back-off, status --------------------------------------------------------

  @Test
  void desiredStateRoundTripsAndIsReplaced() throws SQLException {
    try (SqliteAgentStore store = open()) {
      byte[] wire = {1, 2, 3, 0, -1};
      store.saveDesired(new StoredDesired(7, wire));
      wire[0] = 99; // the store kept its own copy
      StoredDesired stored = store.desired().orElseThrow();
      assertEquals(7, stored.generation());
      assertArrayEquals(new byte[] {1, 2, 3, 0, -1}, stored.signedWire());

      store.saveDesired(new StoredDesired(8, new byte[] {8}));
      assertEquals(8, store.desired().orElseThrow().generation());
      assertArrayEquals(new byte[] {8}, store.desired().orElseThrow().signedWire());
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file())) {
      assertEquals("1", query(c, "SELECT COUNT(*) FROM desired_state"));
      assertEquals(
          Long.toString(CLOCK.millis()), query(c, "SELECT saved_at_ms FROM desired_state"));
    }
  }

  @Test
  void restartStatesRoundTripAreReplacedAndCleared() {
    try (SqliteAgentStore store = open()) {
      Instant t = Instant.parse("2025-06-01T12:00:30Z");
      store.saveRestartState("a", new RestartState(1, t));
      store.saveRestartState("b", new RestartState(4, t.plusSeconds(60)));
      store.saveRestartState("a", new RestartState(2, t.plusSeconds(5)));
      assertEquals(
          Map.of(
              "a", new RestartState(2, t.plusSeconds(5)),
              "b", new RestartState(4, t.plusSeconds(60))),
          store.restartStates());

      store.clearRestartState("a");
      store.clearRestartState("never-had-one");
      assertEquals(Map.of("b", new RestartState(4, t.plusSeconds(60))), store.restartStates());
    }
  }

  @Test
  void blueGreenStatesSurviveReopeningAreReplacedAndCleared() {
    Instant t = Instant.parse("2025-06-01T12:00:30Z");
    BlueGreenState inProgress =
        BlueGreenState.begin("0123456789abcdef", "rev-5", t).failed(t.plusSeconds(2));
    BlueGreenState given =
        BlueGreenState.begin("fedcba9876543210", "rev-9", t)
            .abandon(t.plusSeconds(300), "blue-green: revision rev-9 never became healthy");
    try (SqliteAgentStore store = open()) {
      assertEquals(Map.of(), store.blueGreenStates());
      store.saveBlueGreenState("a", BlueGreenState.begin("0123456789abcdef", "rev-5", t));
      store.saveBlueGreenState("a", inProgress);
      store.saveBlueGreenState("b", given);
    }
    try (SqliteAgentStore store = open()) {
      assertEquals(Map.of("a", inProgress, "b", given), store.blueGreenStates());
      assertEquals(Optional.of(t.plusSeconds(300)), store.blueGreenStates().get("b").abandonedAt());
      store.clearBlueGreenState("a");
      store.clearBlueGreenState("never-had-one");
      assertEquals(Map.of("b", given), store.blueGreenStates());
    }
  }

  @Test
  void restartNotBeforeIsKeptToTheMillisecondRoundedUpNeverEarlier() {
    try (SqliteAgentStore store = open()) {
      Instant t = Instant.parse("2025-06-01T12:00:30.000000001Z");
      store.saveRestartState("a", new RestartState(1, t));
      store.saveRestartState("far", new RestartState(1, Instant.MAX));
      Map<String, RestartState> states = store.restartStates();
      assertEquals(Instant.parse("2025-06-01T12:00:30.001Z"), states.get("a").notBefore());
      assertEquals(Instant.ofEpochMilli(Long.MAX_VALUE), states.get("far").notBefore());
    }
  }

  @Test
  void lastStatusRoundTripsAndIsReplaced() {
    try (SqliteAgentStore store = open()) {
      store.saveLastStatus(new byte[] {1, 2});
      store.saveLastStatus(new byte[] {3, 4, 5});
      assertArrayEquals(new byte[] {3, 4, 5}, store.lastStatus().orElseThrow());
      store.saveLastStatus(new byte[0]);
      assertArrayEquals(new byte[0], store.lastStatus().orElseThrow());
    }
  }

  @Test
  void statusSequencesIncreaseByOneFromOne() {
    try (SqliteAgentStore store = open()) {
      assertEquals(1, store.nextStatusSequence());
      assertEquals(2, store.nextStatusSequence());
      assertEquals(3, store.nextStatusSequence());
    }
  }

  // --- outbox --------------------------------------------------------------------------------

  @Test
  void anEventRoundTripsWithEveryFieldIncludingNanosecondsAndUnicode() {
    AgentEvent event =
        new AgentEvent(
            Instant.parse("1969-12-31T23:59:59.999999999Z"),
            Severity.ERROR,
            "desired.refused",
            "",
            0,
            "Signatur ungültig — 署名 🚢",
            Map.of("reason", "BAD_SIGNATURE", "ключ", "значение", "", ""));
    try (SqliteAgentStore store = open()) {
      long sequence = store.appendEvent(event);
      assertEquals(1, sequence);
      assertEquals(List.of(new OutboxEvent(1, event)), store.pendingEvents(10));
    }
  }

  @Test
  void sequencesStartAtOneAndIncreaseByOne() {
    try (SqliteAgentStore store = open()) {
      for (long expected = 1; expected <= 20; expected++) {
        assertEquals(expected, store.appendEvent(event("e" + expected)));
      }
      assertEquals(20, store.outboxSize().events());
    }
  }

  @Test
  void pendingEventsComeOldestFirstUpToMax() {
    try (SqliteAgentStore store = open()) {
      for (int i = 1; i <= 10; i++) {
        store.appendEvent(event("e" + i));
      }
      List<OutboxEvent> first = store.pendingEvents(3);
      assertEquals(List.of(1L, 2L, 3L), sequences(first));
      assertEquals("e1", first.get(0).event().message());
      assertEquals(10, store.pendingEvents(Integer.MAX_VALUE).size());
      assertEquals(List.of(), store.pendingEvents(0));
      assertThrows(IllegalArgumentException.class, () -> store.pendingEvents(-1));
    }
  }

  @Test
  void ackDeletesEventsUpToAndIncludingTheSequenceAndUpdatesTheSize() throws SQLException {
    try (SqliteAgentStore store = open()) {
      for (int i = 1; i <= 10; i++) {
        store.appendEvent(event(String.format("e%02d", i))); // all of one size
      }
      long eventSize = store.outboxSize().bytes() / 10;

      store.ackEventsThrough(4);
      assertEquals(List.of(5L, 6L, 7L, 8L, 9L, 10L), sequences(store.pendingEvents(100)));
      assertEquals(new OutboxSize(6, 6 * eventSize), store.outboxSize());

      store.ackEventsThrough(4); // again: nothing changes
      store.ackEventsThrough(0);
      store.ackEventsThrough(-5);
      assertEquals(new OutboxSize(6, 6 * eventSize), store.outboxSize());

      store.ackEventsThrough(1_000); // beyond the last: empties the outbox
      assertEquals(List.of(), store.pendingEvents(100));
      assertEquals(new OutboxSize(0, 0), store.outboxSize());
      assertEquals(0, store.droppedEvents(), "acknowledged events are not dropped ones");

      assertEquals(11, store.appendEvent(event("after")), "sequences are never reused");
    }
    assertCountersMatchRows();
  }

  @Test
  void theOutboxIsBoundByCountKeepingTheNewestAndCountingTheDropped() throws SQLException {
    try (SqliteAgentStore store = open(new OutboxLimits(5, 64L << 20))) {
      for (int i = 1; i <= 12; i++) {
        assertEquals(i, store.appendEvent(event("e" + i)));
      }
      List<OutboxEvent> pending = store.pendingEvents(100);
      assertEquals(List.of(8L, 9L, 10L, 11L, 12L), sequences(pending));
      assertEquals("e8", pending.get(0).event().message());
      assertEquals(7, store.droppedEvents());
      assertEquals(5, store.outboxSize().events());
    }
    assertCountersMatchRows();
  }

  @Test
  void theOutboxIsBoundByBytesKeepingTheNewestAndCountingTheDropped() throws SQLException {
    long eventSize = sizeOf(event("same size"));
    try (SqliteAgentStore store = open(new OutboxLimits(1_000, 3 * eventSize + eventSize / 2))) {
      for (int i = 1; i <= 10; i++) {
        store.appendEvent(event("same size"));
      }
      assertEquals(List.of(8L, 9L, 10L), sequences(store.pendingEvents(100)));
      assertEquals(7, store.droppedEvents());
      assertEquals(new OutboxSize(3, 3 * eventSize), store.outboxSize());
    }
    assertCountersMatchRows();
  }

  @Test
  void anEventThatExactlyFillsTheBytesReplacesTheOthersAndIsKept() {
    long eventSize = sizeOf(event("fills it"));
    try (SqliteAgentStore store = open(new OutboxLimits(1_000, eventSize))) {
      store.appendEvent(event("fills it"));
      store.appendEvent(event("fills it"));
      assertEquals(List.of(2L), sequences(store.pendingEvents(100)));
      assertEquals(1, store.droppedEvents());
    }
  }

  @Test
  void anEventLargerThanTheByteBoundIsDroppedAndCountedButTakesItsSequence() throws SQLException {
    long small = sizeOf(event("small"));
    try (SqliteAgentStore store = open(new OutboxLimits(1_000, small * 3))) {
      assertEquals(1, store.appendEvent(event("small")));
      assertEquals(2, store.appendEvent(event("x".repeat((int) small * 3))));
      assertEquals(3, store.appendEvent(event("small")));

      assertEquals(List.of(1L, 3L), sequences(store.pendingEvents(100)));
      assertEquals(1, store.droppedEvents());
      assertEquals(new OutboxSize(2, 2 * small), store.outboxSize());
    }
    assertCountersMatchRows();
  }

  @Test
  void loweredLimitsTakeEffectAtTheNextAppend() throws SQLException {
    try (SqliteAgentStore store = open()) {
      for (int i = 1; i <= 10; i++) {
        store.appendEvent(event("e" + i));
      }
    }
    try (SqliteAgentStore store = open(new OutboxLimits(3, 64L << 20))) {
      assertEquals(10, store.outboxSize().events());
      store.appendEvent(event("e11"));
      assertEquals(List.of(9L, 10L, 11L), sequences(store.pendingEvents(100)));
      assertEquals(8, store.droppedEvents());
    }
    assertCountersMatchRows();
  }

  @Test
  void concurrentAppendsGetUniqueGapFreeSequences() throws Exception {
    int threads = 8;
    int perThread = 150;
    ConcurrentLinkedQueue<Long> sequences = new ConcurrentLinkedQueue<>();
    CountDownLatch start = new CountDownLatch(1);
    try (SqliteAgentStore store = open();
        ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < perThread; i++) {
                    sequences.add(store.appendEvent(event("t" + thread + "-" + i)));
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get();
      }
      List<Long> sorted = sequences.stream().sorted().toList();
      assertEquals(
          LongStream.rangeClosed(1, threads * perThread).boxed().toList(),
          sorted,
          "every sequence once, none missing");
      assertEquals(sorted, sequences(store.pendingEvents(Integer.MAX_VALUE)));
      assertEquals(threads * perThread, store.outboxSize().events());
    }
    assertCountersMatchRows();
  }

  // --- restarts ------------------------------------------------------------------------------

  @Test
  void everythingSurvivesCloseAndReopen() {
    Instant t = Instant.parse("2025-06-01T12:01:00Z");
    try (SqliteAgentStore store = open()) {
      store.saveDesired(new StoredDesired(42, new byte[] {4, 2}));
      store.saveRestartState("a", new RestartState(3, t));
      store.saveLastStatus(new byte[] {9});
      store.appendEvent(event("one"));
      store.appendEvent(event("two"));
      store.nextStatusSequence();
    }
    try (SqliteAgentStore store = open()) {
      assertEquals(42, store.desired().orElseThrow().generation());
      assertArrayEquals(new byte[] {4, 2}, store.desired().orElseThrow().signedWire());
      assertEquals(Map.of("a", new RestartState(3, t)), store.restartStates());
      assertArrayEquals(new byte[] {9}, store.lastStatus().orElseThrow());
      assertEquals(List.of(1L, 2L), sequences(store.pendingEvents(10)));
      assertEquals("two", store.pendingEvents(10).get(1).event().message());
      assertEquals(2, store.nextStatusSequence());
    }
  }

  @Test
  void sequencesKeepGrowingAfterReopenEvenWhenTheOutboxWasEmptied() {
    try (SqliteAgentStore store = open(new OutboxLimits(2, 64L << 20))) {
      store.appendEvent(event("1"));
      store.appendEvent(event("2"));
      store.appendEvent(event("3"));
      store.ackEventsThrough(3);
      store.nextStatusSequence();
      store.nextStatusSequence();
    }
    try (SqliteAgentStore store = open(new OutboxLimits(2, 64L << 20))) {
      assertEquals(new OutboxSize(0, 0), store.outboxSize());
      assertEquals(1, store.droppedEvents(), "the drop counter survives too");
      assertEquals(4, store.appendEvent(event("4")));
      assertEquals(3, store.nextStatusSequence());
    }
  }

  @Test
  void closeIsIdempotentAndLaterCallsAreRefused() {
    SqliteAgentStore store = open();
    store.close();
    store.close();
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> store.appendEvent(event("late")));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
    assertThrows(IllegalStateException.class, store::desired);
  }

  @Test
  void aFailedCallRollsBackAndNamesTheFileAndTheOperation() throws SQLException {
    try (SqliteAgentStore store = open()) {
      store.appendEvent(event("kept"));
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file());
          Statement s = c.createStatement()) {
        // Sabotage: the insert of the next event fails after its sequence was taken.
        s.executeUpdate(
            "CREATE TRIGGER no_more BEFORE INSERT ON outbox"
                + " BEGIN SELECT RAISE(ABORT, 'sabotaged'); END");
      }
      AgentStoreException e =
          assertThrows(AgentStoreException.class, () -> store.appendEvent(event("refused")));
      assertEquals("appendEvent", e.operation());
      assertTrue(e.getMessage().contains(file().toString()), e.getMessage());
      assertTrue(e.getMessage().contains("appendEvent"), e.getMessage());
      assertTrue(e.getMessage().contains("sabotaged"), e.getMessage());
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file());
          Statement s = c.createStatement()) {
        s.executeUpdate("DROP TRIGGER no_more");
      }
      assertEquals(2, store.appendEvent(event("after")), "the failed call took no sequence");
      assertEquals(List.of(1L, 2L), sequences(store.pendingEvents(10)));
    }
    assertCountersMatchRows();
  }

  // --- helpers -------------------------------------------------------------------------------

  private long sizeOf(AgentEvent event) {
    Path other = dir.resolve("size-probe.db");
    try (SqliteAgentStore store = SqliteAgentStore.open(other, ROOMY, CLOCK)) {
      store.appendEvent(event);
      return store.outboxSize().bytes();
    }
  }

  private static List<Long> sequences(List<OutboxEvent> events) {
    return events.stream().map(OutboxEvent::sequence).toList();
  }

  /** The maintained counters agree with COUNT(*) and SUM(size_bytes) of the rows. */
  private void assertCountersMatchRows() throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file())) {
      assertEquals(
          query(c, "SELECT COUNT(*) || '/' || COALESCE(SUM(size_bytes), 0) FROM outbox"),
          query(c, "SELECT outbox_events || '/' || outbox_bytes FROM counters"));
      assertEquals("ok", query(c, "PRAGMA integrity_check"));
    }
  }

  static String query(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      assertTrue(rs.next(), sql);
      String value = rs.getString(1);
      assertFalse(rs.next(), sql);
      return value;
    }
  }
}
