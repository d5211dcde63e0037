package dev.flotilla.agent.store.sqlite;

import dev.flotilla.agent.model.AgentEvent;
import dev.flotilla.agent.model.AgentEvent.Severity;
import dev.flotilla.agent.store.AgentStore.OutboxLimits;
import dev.flotilla.agent.store.AgentStore.StoredDesired;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The process {@link SqliteAgentStoreCrashIT} kills. Writes to the store in a tight loop and prints
 * one line to stdout after each call has returned, i.e. after its transaction committed:
 *
 * <ul>
 *   <li>{@code E <sequence>} after {@code appendEvent};
 *   <li>{@code D <generation>} after {@code saveDesired};
 *   <li>{@code S <sequence>} after {@code nextStatusSequence};
 *   <li>{@code a <sequence>} before {@code ackEventsThrough} (it may commit unreported) and {@code
 *       A <sequence>} after it.
 * </ul>
 *
 * The rules the checker relies on: acknowledgements go through 30 below the newest event, every 40
 * events of a run; the desired generation goes up by one from what the store holds; its bytes are
 * {@link #wireFor(long)}.
 */
final class StoreCrashChild {
  static final OutboxLimits LIMITS = new OutboxLimits(50, 64L << 20);
  static final int ACK_EVERY = 40;
  static final int ACK_KEEP = 30;

  private StoreCrashChild() {}

  public static void main(String[] args) {
    Path file = Path.of(args[0]);
    PrintStream out = System.out;
    SplittableRandom random = new SplittableRandom();
    try (SqliteAgentStore store = SqliteAgentStore.open(file, LIMITS)) {
      long generation = store.desired().map(StoredDesired::generation).orElse(0L);
      for (long i = 0; ; i++) {
        long sequence = store.appendEvent(event(i, random));
        report(out, "E " + sequence);
        if (i % 3 == 0) {
          generation++;
          store.saveDesired(new StoredDesired(generation, wireFor(generation)));
          report(out, "D " + generation);
        }
        if (i % 5 == 0) {
          report(out, "S " + store.nextStatusSequence());
        }
        if (i % ACK_EVERY == ACK_EVERY - 1) {
          long through = sequence - ACK_KEEP;
          report(out, "a " + through);
          store.ackEventsThrough(through);
          report(out, "A " + through);
        }
      }
    }
  }

  private static void report(PrintStream out, String line) {
    out.println(line);
    out.flush(); // a write(2) per line: what the parent reads survives the kill
  }

  static AgentEvent event(long i, SplittableRandom random) {
    return new AgentEvent(
        Instant.ofEpochSecond(1_750_000_000L + i, i % 1_000_000_000),
        Severity.INFO,
        "crash.test",
        "w" + (i % 7),
        i,
        "event " + i,
        Map.of("i", Long.toString(i), "pad", "p".repeat(random.nextInt(200))));
  }

  /** The signed-wire bytes saved with {@code generation}: length and content depend on it. */
  static byte[] wireFor(long generation) {
    byte[] bytes = new byte[64 + (int) (generation % 997) * 4];
    new SplittableRandom(generation).nextBytes(bytes);
    return bytes;
  }
}
