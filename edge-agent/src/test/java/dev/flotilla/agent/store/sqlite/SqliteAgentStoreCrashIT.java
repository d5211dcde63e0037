package dev.flotilla.agent.store.sqlite;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.flotilla.agent.store.AgentStore.OutboxEvent;
import dev.flotilla.agent.store.AgentStore.StoredDesired;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a process that writes to the store with SIGKILL at random moments and checks, after each
 * kill, that the file is intact and holds every write the process saw committed, and nothing
 * half-written.
 *
 * <p>What this proves and what it does not: SIGKILL stops the process between any two instructions,
 * including in the middle of a transaction, so it tests that every call is atomic and that SQLite
 * recovers the WAL left behind. It does not cut power: the kernel still writes out what the process
 * had handed to it. Surviving power loss is what {@code synchronous=FULL} is for, and testing it
 * needs a machine or a block device that can be cut off.
 */
class SqliteAgentStoreCrashIT {
  private static final int KILLS = 6;

  @TempDir Path dir;

  /** What the children reported, over all runs. */
  private static final class History {
    long maxEvent;
    long maxDesired;
    long maxStatus;
    long maxAck;
    long maxAckIntent;
    long dropped;
    final List<Long> events = new ArrayList<>();

    void record(int run, List<String> lines) {
      for (String line : lines) {
        String[] parts = line.split(" ");
        assertEquals(2, parts.length, () -> "run " + run + ": unexpected line '" + line + "'");
        long n = Long.parseLong(parts[1]);
        switch (parts[0]) {
          case "E" -> {
            assertTrue(
                n > maxEvent,
                () -> "run " + run + ": event sequence " + n + " after " + maxEvent + ": reused");
            maxEvent = n;
            events.add(n);
          }
          case "D" -> {
            assertTrue(n > maxDesired, () -> "run " + run + ": generation " + n + " went back");
            maxDesired = n;
          }
          case "S" -> {
            assertTrue(n > maxStatus, () -> "run " + run + ": status sequence " + n + " reused");
            maxStatus = n;
          }
          case "a" -> maxAckIntent = Math.max(maxAckIntent, n);
          case "A" -> maxAck = Math.max(maxAck, n);
          default -> fail("run " + run + ": unexpected line '" + line + "'");
        }
      }
    }
  }

  @Test
  void everyCommittedWriteSurvivesSigkillAtRandomMomentsAndNothingHalfWrittenDoes()
      throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    Path db = dir.resolve("agent.db");
    String java = ProcessHandle.current().info().command().orElseThrow();
    String classpath = System.getProperty("java.class.path");
    History history = new History();

    for (int run = 1; run <= KILLS; run++) {
      String context = "run " + run + " (seed " + seed + ")";
      Path out = dir.resolve("child-" + run + ".out");
      Path err = dir.resolve("child-" + run + ".err");
      Process child =
          new ProcessBuilder(java, "-cp", classpath, StoreCrashChild.class.getName(), db.toString())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      try {
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () ->
                    !child.isAlive()
                        || committedLines(out).stream().anyMatch(l -> l.startsWith("E ")));
        assertTrue(child.isAlive(), () -> context + ": the child stopped on its own: " + read(err));
        // The fault injection itself: a random moment in the child's loop, not a wait for
        // something to happen.
        Thread.sleep(random.nextInt(20, 400));
        assertTrue(child.isAlive(), () -> context + ": the child stopped on its own: " + read(err));
        child.destroyForcibly(); // SIGKILL
        assertTrue(child.waitFor(10, TimeUnit.SECONDS), context + ": the child did not die");
      } finally {
        child.destroyForcibly();
      }

      history.record(run, committedLines(out));
      verify(db, history, context);
    }

    System.err.println(
        +history.maxEvent
            + " dropped="
            + history.dropped
            + " maxAck="
            + history.maxAck
            + " desired="
            + history.maxDesired);
    if (history.maxEvent >= 200) {
      assertTrue(history.dropped > 0, "the outbox bound was reached and enforced across kills");
      assertTrue(history.maxAck > 0, "acknowledgements happened across kills");
    }
  }

  private static void verify(Path db, History history, String context) throws SQLException {
    long hi;
    long nextStatus;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      assertEquals("ok", single(s, "PRAGMA integrity_check"), context + ": integrity_check");
      assertEquals(
          single(s, "SELECT COUNT(*) || '/' || COALESCE(SUM(size_bytes), 0) FROM outbox"),
          single(s, "SELECT outbox_events || '/' || outbox_bytes FROM counters"),
          context + ": the maintained outbox counters match the rows");
      hi = Long.parseLong(single(s, "SELECT next_event_sequence - 1 FROM counters"));
      nextStatus = Long.parseLong(single(s, "SELECT next_status_sequence FROM counters"));
    }
    // The child may have committed one more call than it reported, never fewer.
    assertTrue(
        hi == history.maxEvent || hi == history.maxEvent + 1,
        context + ": last event sequence " + hi + ", reported " + history.maxEvent);
    long lastStatus = nextStatus - 1;
    assertTrue(
        lastStatus == history.maxStatus || lastStatus == history.maxStatus + 1,
        context + ": last status sequence " + lastStatus + ", reported " + history.maxStatus);

    try (SqliteAgentStore store = SqliteAgentStore.open(db, StoreCrashChild.LIMITS)) {
      List<OutboxEvent> pending = store.pendingEvents(Integer.MAX_VALUE);
      assertEquals(pending.size(), store.outboxSize().events(), context);
      assertTrue(pending.size() <= StoreCrashChild.LIMITS.maxEvents(), context + ": over bound");
      for (int i = 1; i < pending.size(); i++) {
        assertEquals(
            pending.get(i - 1).sequence() + 1,
            pending.get(i).sequence(),
            context + ": the outbox is one run of sequences, oldest first, no duplicates");
      }
      for (OutboxEvent e : pending) {
        assertEquals(
            "event " + e.event().attributes().get("i"),
            e.event().message(),
            context + ": event " + e.sequence() + " is a complete row");
      }
      long lo = pending.isEmpty() ? hi + 1 : pending.get(0).sequence();
      if (!pending.isEmpty()) {
        assertEquals(hi, pending.getLast().sequence(), context + ": the newest event is kept");
      }
      Set<Long> present = new HashSet<>();
      pending.forEach(e -> present.add(e.sequence()));
      for (long reported : history.events) {
        assertTrue(
            reported < lo || present.contains(reported),
            context + ": committed event " + reported + " is missing");
      }
      // Everything below lo was removed, and only for a reason: acknowledged or over the bound.
      long removedThrough = lo - 1;
      assertTrue(
          removedThrough >= history.maxAck,
          context + ": events up to " + history.maxAck + " were acknowledged but are back");
      assertTrue(
          removedThrough <= Math.max(history.maxAckIntent, hi - StoreCrashChild.LIMITS.maxEvents()),
          context + ": events up to " + removedThrough + " are gone without ack or overflow");
      long dropped = store.droppedEvents();
      assertTrue(dropped >= history.dropped, context + ": the drop counter went back");
      history.dropped = dropped;

      Optional<StoredDesired> desired = store.desired();
      if (history.maxDesired == 0) {
        assertTrue(desired.isEmpty() || desired.get().generation() == 1, context);
      } else {
        long g =
            desired.orElseThrow(() -> new AssertionError(context + ": desired lost")).generation();
        assertTrue(
            g == history.maxDesired || g == history.maxDesired + 1,
            context + ": stored generation " + g + ", reported " + history.maxDesired);
      }
      desired.ifPresent(
          d ->
              assertArrayEquals(
                  StoreCrashChild.wireFor(d.generation()),
                  d.signedWire(),
                  context + ": the desired row holds the bytes of its own generation"));
      history.maxDesired =
          Math.max(history.maxDesired, desired.map(StoredDesired::generation).orElse(0L));
      history.maxStatus = Math.max(history.maxStatus, lastStatus);
      history.maxEvent = Math.max(history.maxEvent, hi);
    }
  }

  /** The lines the child finished writing; a line cut by the kill is not one. */
  private static List<String> committedLines(Path out) throws IOException {
    String text = Files.readString(out, StandardCharsets.UTF_8);
    int end = text.lastIndexOf('\n');
    return end < 0 ? List.of() : text.substring(0, end).lines().toList();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")";
    }
  }

  private static String single(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      assertTrue(rs.next(), sql);
      String value = rs.getString(1);
      assertFalse(rs.next(), sql);
      return value;
    }
  }
}
