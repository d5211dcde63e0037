package dev.flotilla.agent.store.sqlite;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.flotilla.agent.model.AgentEvent;
import dev.flotilla.agent.store.AgentStore;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link AgentStore} in one SQLite file, for a gateway that can lose power at any moment.
 *
 * <p>Durability: every method is one SQLite transaction, committed before the method returns, in
 * WAL mode with {@code synchronous=FULL}; what a method has returned survives a crash of the
 * process and a power cut, and a method that threw left nothing behind (its transaction was rolled
 * back).
 *
 * <p>Threading: one JDBC connection, used under one lock, so calls from several threads run one
 * after the other. SQLite serializes writers anyway; a second connection would only add lock
 * contention. A busy timeout covers another process (an operator's {@code sqlite3}) holding the
 * file for a moment.
 *
 * <p>Outbox bound: {@link #appendEvent} enforces {@link OutboxLimits} in the same transaction as
 * the insert, dropping the oldest events and counting them. The event being appended is never the
 * one dropped, unless it alone is larger than {@code maxBytes}: then it is not kept at all, but it
 * still takes its sequence number (the gap tells the controller something is missing) and counts in
 * {@link #droppedEvents()}, and the events already waiting stay. A row's size is {@link
 * #storedSize}: the UTF-8 bytes of its texts, its attribute blob and a fixed amount for the numeric
 * columns; SQLite's own page overhead is not counted, so the file can be somewhat larger than
 * {@code maxBytes}. Lowered limits take effect at the next append.
 *
 * <p>Errors: a failed SQLite call surfaces as {@link AgentStoreException} naming the file and the
 * operation; a call after {@link #close()} throws {@link IllegalStateException}. Arguments are
 * never null (checked, {@link NullPointerException}).
 */
public final class SqliteAgentStore implements AgentStore {
  private static final System.Logger LOG = System.getLogger(SqliteAgentStore.class.getName());

  /** How long a call waits for another process that holds the database lock. */
  static final Duration BUSY_TIMEOUT = Duration.ofSeconds(5);

  /**
   * What the numeric columns of an outbox row count for: sequence, seconds, nanos, severity,
   * generation, size.
   */
  static final int FIXED_ROW_BYTES = 32;

  private final Path file;
  private final OutboxLimits limits;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();

  // Guarded by lock.
  private final Connection connection;
  private boolean closed;
  private boolean reportedFull;

  private SqliteAgentStore(Path file, OutboxLimits limits, Clock clock, Connection connection) {
    this.file = file;
    this.limits = limits;
    this.clock = clock;
    this.connection = connection;
  }

  /** Opens (creating if needed) the store in {@code file} with the default outbox limits. */
  public static SqliteAgentStore open(Path file) {
    return open(file, OutboxLimits.DEFAULT);
  }

  /** Opens (creating if needed) the store in {@code file}; the system clock stamps saved rows. */
  public static SqliteAgentStore open(Path file, OutboxLimits limits) {
    return open(file, limits, Clock.systemUTC());
  }

  /**
   * Opens the store in {@code file}, creating the file and its parent directories if needed, and
   * brings its schema up to this agent's version.
   *
   * @param clock stamps when rows were saved (diagnostics only; nothing is decided on it)
   * @throws AgentStoreException when the file cannot be created or opened, is not an SQLite
   *     database, fails a schema migration, or was written by a newer agent
   */
  public static SqliteAgentStore open(Path file, OutboxLimits limits, Clock clock) {
    return open(file, limits, clock, SchemaMigrations.standard());
  }

  /**
   * Opens a store held in memory only, with the same schema, migrations and rules as a file store,
   * that lasts until it is closed. For the simulator's virtual nodes: ten thousand of them in one
   * process cannot each hold the three file descriptors of a WAL database (the machine's limit on
   * open files is the bound, not memory). A gateway never uses it: what the agent has stored must
   * survive a power cut. {@link #file()} answers {@code :memory:}.
   *
   * @param name names the store in its log lines and errors (the virtual node's id)
   */
  public static SqliteAgentStore openInMemory(String name, OutboxLimits limits, Clock clock) {
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(clock, "clock");
    Path label = Path.of(":memory:" + Objects.requireNonNull(name, "name"));
    Connection connection;
    try {
      connection = DriverManager.getConnection("jdbc:sqlite::memory:");
    } catch (SQLException e) {
      throw new AgentStoreException(label, "open", e.getMessage(), e);
    }
    try (Statement statement = connection.createStatement()) {
      statement.executeUpdate("PRAGMA foreign_keys = ON");
      SchemaMigrations.standard().migrate(connection, label, clock);
      return new SqliteAgentStore(Path.of(":memory:"), limits, clock, connection);
    } catch (SQLException | RuntimeException e) {
      try {
        connection.close();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      if (e instanceof SQLException sql) {
        throw new AgentStoreException(label, "open", sql.getMessage(), sql);
      }
      throw (RuntimeException) e;
    }
  }

  static SqliteAgentStore open(
      Path file, OutboxLimits limits, Clock clock, SchemaMigrations migrations) {
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(clock, "clock");
    Path path = Objects.requireNonNull(file, "file").toAbsolutePath().normalize();
    Path directory = path.getParent();
    try {
      if (directory != null) {
        Files.createDirectories(directory);
      }
    } catch (IOException e) {
      throw new AgentStoreException(
          path,
          "open",
          "cannot create the directory " + directory + " (" + e + "); check its permissions",
          e);
    }
    Connection connection;
    try {
      connection = DriverManager.getConnection("jdbc:sqlite:" + path);
    } catch (SQLException e) {
      throw new AgentStoreException(path, "open", e.getMessage(), e);
    }
    try {
      String journalMode = configure(connection, path);
      int before = migrations.migrate(connection, path, clock);
      LOG.log(
          Level.INFO,
          () ->
              "agent.store.opened path="
                  + path
                  + " schema_version="
                  + migrations.latestVersion()
                  + " previous_schema_version="
                  + before
                  + " journal_mode="
                  + journalMode
                  + " max_events="
                  + limits.maxEvents()
                  + " max_bytes="
                  + limits.maxBytes());
      return new SqliteAgentStore(path, limits, clock, connection);
    } catch (RuntimeException e) {
      try {
        connection.close();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** Sets the connection's pragmas; returns the journal mode SQLite actually chose. */
  private static String configure(Connection connection, Path path) {
    try (Statement statement = connection.createStatement()) {
      // First, so that switching the journal mode also waits for another process's lock.
      statement.executeUpdate("PRAGMA busy_timeout = " + BUSY_TIMEOUT.toMillis());
      // WAL: a commit appends to the log instead of rewriting pages through a rollback
      // journal, which means fewer fsyncs per commit on slow flash, and readers never block
      // the writer.
      String journalMode;
      try (ResultSet rs = statement.executeQuery("PRAGMA journal_mode = WAL")) {
        rs.next();
        journalMode = rs.getString(1);
      }
      if (!"wal".equalsIgnoreCase(journalMode)) {
        // Still durable with synchronous=FULL, only slower; happens on file systems without
        // shared-memory support.
        LOG.log(
            Level.WARNING,
            () -> "agent.store.wal_unavailable path=" + path + " journal_mode=" + journalMode);
      }
      // FULL, not WAL's usual NORMAL: with NORMAL the log is synced only at checkpoints, so a
      // power cut can undo transactions that had already returned. The agent acts on what it
      // stored as soon as a call returns: it publishes event and status sequence numbers, on
      // which the controller de-duplicates, so an undone counter would make the agent reuse
      // numbers and the controller discard the new events as duplicates; and it confirms a
      // desired generation it could then forget. One fsync per commit is a small price at the
      // agent's write rate.
      statement.executeUpdate("PRAGMA synchronous = FULL");
      statement.executeUpdate("PRAGMA foreign_keys = ON");
      return journalMode;
    } catch (SQLException e) {
      throw new AgentStoreException(path, "open", e.getMessage(), e);
    }
  }

  /** The database file, absolute. */
  public Path file() {
    return file;
  }

  /** The outbox bounds this store enforces. */
  public OutboxLimits limits() {
    return limits;
  }

  @Override
  public Optional<StoredDesired> desired() {
    return read(
        "desired",
        c -> {
          try (Statement s = c.createStatement();
              ResultSet rs =
                  s.executeQuery(
                      "SELECT generation, signed_wire FROM desired_state WHERE id = 1")) {
            return rs.next()
                ? Optional.of(new StoredDesired(rs.getLong(1), rs.getBytes(2)))
                : Optional.empty();
          }
        });
  }

  @Override
  public void saveDesired(StoredDesired desired) {
    Objects.requireNonNull(desired, "desired");
    byte[] wire = desired.signedWire().clone();
    write(
        "saveDesired",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO desired_state (id, generation, signed_wire, saved_at_ms)"
                      + " VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
                      + " generation = excluded.generation, signed_wire = excluded.signed_wire,"
                      + " saved_at_ms = excluded.saved_at_ms")) {
            ps.setLong(1, desired.generation());
            ps.setBytes(2, wire);
            ps.setLong(3, clock.millis());
            ps.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public Map<String, RestartState> restartStates() {
    return read(
        "restartStates",
        c -> {
          Map<String, RestartState> states = new HashMap<>();
          try (Statement s = c.createStatement();
              ResultSet rs =
                  s.executeQuery("SELECT workload, failures, not_before_ms FROM restart_state")) {
            while (rs.next()) {
              states.put(
                  rs.getString(1),
                  new RestartState(rs.getInt(2), Instant.ofEpochMilli(rs.getLong(3))));
            }
          }
          return Map.copyOf(states);
        });
  }

  /**
   * Stores the back-off state of {@code workload}, replacing any. {@code notBefore} is kept to the
   * millisecond, rounded up so that the workload is never restarted early.
   */
  @Override
  public void saveRestartState(String workload, RestartState state) {
    Objects.requireNonNull(workload, "workload");
    Objects.requireNonNull(state, "state");
    long notBefore = epochMillisRoundedUp(state.notBefore());
    write(
        "saveRestartState",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO restart_state (workload, failures, not_before_ms) VALUES (?, ?, ?)"
                      + " ON CONFLICT (workload) DO UPDATE SET failures = excluded.failures,"
                      + " not_before_ms = excluded.not_before_ms")) {
            ps.setString(1, workload);
            ps.setInt(2, state.failures());
            ps.setLong(3, notBefore);
            ps.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public void clearRestartState(String workload) {
    Objects.requireNonNull(workload, "workload");
    write(
        "clearRestartState",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM restart_state WHERE workload = ?")) {
            ps.setString(1, workload);
            ps.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public Map<String, BlueGreenState> blueGreenStates() {
    return read(
        "blueGreenStates",
        c -> {
          Map<String, BlueGreenState> states = new HashMap<>();
          try (Statement s = c.createStatement();
              ResultSet rs =
                  s.executeQuery(
                      "SELECT workload, spec_hash, revision, started_at_ms, failures,"
                          + " not_before_ms, abandoned_at_ms, reason FROM blue_green")) {
            while (rs.next()) {
              long abandoned = rs.getLong(7);
              Optional<Instant> abandonedAt =
                  rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(abandoned));
              states.put(
                  rs.getString(1),
                  new BlueGreenState(
                      rs.getString(2),
                      rs.getString(3),
                      Instant.ofEpochMilli(rs.getLong(4)),
                      rs.getInt(5),
                      Instant.ofEpochMilli(rs.getLong(6)),
                      abandonedAt,
                      rs.getString(8)));
            }
          }
          return Map.copyOf(states);
        });
  }

  /**
   * Stores the blue-green state of {@code workload}, replacing any. Instants are kept to the
   * millisecond: {@code startedAt} and {@code abandonedAt} rounded down (the give-up clock never
   * runs late), {@code notBefore} rounded up (never restarted early).
   */
  @Override
  public void saveBlueGreenState(String workload, BlueGreenState state) {
    Objects.requireNonNull(workload, "workload");
    Objects.requireNonNull(state, "state");
    write(
        "saveBlueGreenState",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO blue_green (workload, spec_hash, revision, started_at_ms, failures,"
                      + " not_before_ms, abandoned_at_ms, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                      + " ON CONFLICT (workload) DO UPDATE SET spec_hash = excluded.spec_hash,"
                      + " revision = excluded.revision, started_at_ms = excluded.started_at_ms,"
                      + " failures = excluded.failures, not_before_ms = excluded.not_before_ms,"
                      + " abandoned_at_ms = excluded.abandoned_at_ms, reason = excluded.reason")) {
            ps.setString(1, workload);
            ps.setString(2, state.specHash());
            ps.setString(3, state.revision());
            ps.setLong(4, state.startedAt().toEpochMilli());
            ps.setInt(5, state.failures());
            ps.setLong(6, epochMillisRoundedUp(state.notBefore()));
            if (state.abandonedAt().isPresent()) {
              ps.setLong(7, state.abandonedAt().get().toEpochMilli());
            } else {
              ps.setNull(7, java.sql.Types.INTEGER);
            }
            ps.setString(8, state.reason());
            ps.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public void clearBlueGreenState(String workload) {
    Objects.requireNonNull(workload, "workload");
    write(
        "clearBlueGreenState",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM blue_green WHERE workload = ?")) {
            ps.setString(1, workload);
            ps.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public long appendEvent(AgentEvent event) {
    Objects.requireNonNull(event, "event");
    byte[] attributes = AttributeCodec.encode(event.attributes());
    long size = storedSize(event, attributes);
    Appended appended =
        write(
            "appendEvent",
            c -> {
              Counters before = Counters.read(c);
              long sequence = before.nextEventSequence();
              if (size > limits.maxBytes()) {
                before
                    .withNextEventSequence(sequence + 1)
                    .withDropped(before.dropped() + 1)
                    .write(c);
                return new Appended(sequence, false, 0, 0, before.dropped() + 1);
              }
              insert(c, sequence, event, attributes, size);
              long events = before.outboxEvents() + 1;
              long bytes = before.outboxBytes() + size;
              long evicted = 0;
              long evictedThrough = 0;
              if (events > limits.maxEvents() || bytes > limits.maxBytes()) {
                try (PreparedStatement ps =
                    c.prepareStatement(
                        "SELECT sequence, size_bytes FROM outbox WHERE sequence < ?"
                            + " ORDER BY sequence")) {
                  ps.setLong(1, sequence);
                  try (ResultSet rs = ps.executeQuery()) {
                    while ((events > limits.maxEvents() || bytes > limits.maxBytes())
                        && rs.next()) {
                      evictedThrough = rs.getLong(1);
                      bytes -= rs.getLong(2);
                      events--;
                      evicted++;
                    }
                  }
                }
                if (events > limits.maxEvents() || bytes > limits.maxBytes()) {
                  // Every older row is gone and the new event fits on its own, so the counters
                  // disagree with the rows. Refuse rather than store counters that are wrong.
                  throw new SQLException(
                      "the outbox counters ("
                          + before.outboxEvents()
                          + " events, "
                          + before.outboxBytes()
                          + " bytes) disagree with its rows");
                }
                try (PreparedStatement ps =
                    c.prepareStatement("DELETE FROM outbox WHERE sequence <= ?")) {
                  ps.setLong(1, evictedThrough);
                  ps.executeUpdate();
                }
              }
              long dropped = before.dropped() + evicted;
              new Counters(sequence + 1, before.nextStatusSequence(), dropped, events, bytes)
                  .write(c);
              return new Appended(sequence, true, evicted, evictedThrough, dropped);
            });
    logAppended(event, size, appended);
    return appended.sequence();
  }

  private static void insert(
      Connection c, long sequence, AgentEvent event, byte[] attributes, long size)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO outbox (sequence, at_seconds, at_nanos, severity, type, workload,"
                + " generation, message, attributes, size_bytes)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setLong(1, sequence);
      ps.setLong(2, event.at().getEpochSecond());
      ps.setInt(3, event.at().getNano());
      ps.setString(4, event.severity().name());
      ps.setString(5, event.type());
      ps.setString(6, event.workload());
      ps.setLong(7, event.generation());
      ps.setString(8, event.message());
      ps.setBytes(9, attributes);
      ps.setLong(10, size);
      ps.executeUpdate();
    }
  }

  private void logAppended(AgentEvent event, long size, Appended appended) {
    if (!appended.kept()) {
      LOG.log(
          Level.WARNING,
          () ->
              "agent.store.event_too_large path="
                  + file
                  + " sequence="
                  + appended.sequence()
                  + " type="
                  + event.type()
                  + " size_bytes="
                  + size
                  + " max_bytes="
                  + limits.maxBytes()
                  + " dropped_total="
                  + appended.droppedTotal());
      return;
    }
    if (appended.evicted() == 0) {
      return;
    }
    // One warning when the outbox starts overflowing, then debug lines: while the link is down
    // every append drops one event, and a warning each time would flood the log.
    boolean first;
    lock.lock();
    try {
      first = !reportedFull;
      reportedFull = true;
    } finally {
      lock.unlock();
    }
    LOG.log(
        first ? Level.WARNING : Level.DEBUG,
        () ->
            "agent.store.outbox_full path="
                + file
                + " dropped="
                + appended.evicted()
                + " dropped_through_sequence="
                + appended.evictedThrough()
                + " dropped_total="
                + appended.droppedTotal()
                + " max_events="
                + limits.maxEvents()
                + " max_bytes="
                + limits.maxBytes());
  }

  @Override
  public List<OutboxEvent> pendingEvents(int max) {
    if (max < 0) {
      throw new IllegalArgumentException("max must not be negative: " + max);
    }
    if (max == 0) {
      return List.of();
    }
    return read(
        "pendingEvents",
        c -> {
          List<OutboxEvent> events = new ArrayList<>(Math.min(max, 1024));
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT sequence, at_seconds, at_nanos, severity, type, workload, generation,"
                      + " message, attributes FROM outbox ORDER BY sequence LIMIT ?")) {
            ps.setInt(1, max);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                events.add(outboxEvent(rs));
              }
            }
          }
          return List.copyOf(events);
        });
  }

  private static OutboxEvent outboxEvent(ResultSet rs) throws SQLException {
    long sequence = rs.getLong(1);
    try {
      AgentEvent event =
          new AgentEvent(
              Instant.ofEpochSecond(rs.getLong(2), rs.getInt(3)),
              AgentEvent.Severity.valueOf(rs.getString(4)),
              rs.getString(5),
              rs.getString(6),
              rs.getLong(7),
              rs.getString(8),
              AttributeCodec.decode(rs.getBytes(9)));
      return new OutboxEvent(sequence, event);
    } catch (IllegalArgumentException e) {
      throw new SQLException("outbox event " + sequence + " is corrupt: " + e.getMessage(), e);
    }
  }

  @Override
  public void ackEventsThrough(long sequence) {
    write(
        "ackEventsThrough",
        c -> {
          long events;
          long bytes;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT COUNT(*), COALESCE(SUM(size_bytes), 0)"
                      + " FROM outbox WHERE sequence <= ?")) {
            ps.setLong(1, sequence);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              events = rs.getLong(1);
              bytes = rs.getLong(2);
            }
          }
          if (events == 0) {
            return null;
          }
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM outbox WHERE sequence <= ?")) {
            ps.setLong(1, sequence);
            ps.executeUpdate();
          }
          Counters before = Counters.read(c);
          before.withOutbox(before.outboxEvents() - events, before.outboxBytes() - bytes).write(c);
          return null;
        });
    lock.lock();
    try {
      reportedFull = false;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long droppedEvents() {
    return read("droppedEvents", c -> Counters.read(c).dropped());
  }

  @Override
  public OutboxSize outboxSize() {
    return read(
        "outboxSize",
        c -> {
          Counters counters = Counters.read(c);
          return new OutboxSize(counters.outboxEvents(), counters.outboxBytes());
        });
  }

  @Override
  public long nextStatusSequence() {
    return write(
        "nextStatusSequence",
        c -> {
          Counters before = Counters.read(c);
          before.withNextStatusSequence(before.nextStatusSequence() + 1).write(c);
          return before.nextStatusSequence();
        });
  }

  @Override
  public Optional<byte[]> lastStatus() {
    return read(
        "lastStatus",
        c -> {
          try (Statement s = c.createStatement();
              ResultSet rs = s.executeQuery("SELECT status FROM last_status WHERE id = 1")) {
            return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
          }
        });
  }

  @Override
  public void saveLastStatus(byte[] status) {
    Objects.requireNonNull(status, "status");
    byte[] copy = status.clone();
    write(
        "saveLastStatus",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO last_status (id, status) VALUES (1, ?)"
                      + " ON CONFLICT (id) DO UPDATE SET status = excluded.status")) {
            ps.setBytes(1, copy);
            ps.executeUpdate();
          }
          return null;
        });
  }

  /** Closes the connection; later calls throw {@link IllegalStateException}. Idempotent. */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      connection.close();
      LOG.log(Level.DEBUG, () -> "agent.store.closed path=" + file);
    } catch (SQLException e) {
      throw new AgentStoreException(file, "close", e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  /** The value of a pragma on the store's connection, for tests and diagnostics. */
  String pragma(String name) {
    if (!name.matches("[a-z_]+")) {
      throw new IllegalArgumentException("not a pragma name: " + name);
    }
    return read(
        "pragma " + name,
        c -> {
          try (Statement s = c.createStatement();
              ResultSet rs = s.executeQuery("PRAGMA " + name)) {
            return rs.next() ? rs.getString(1) : "";
          }
        });
  }

  /**
   * What an outbox row counts against {@link OutboxLimits#maxBytes()}: the UTF-8 bytes of the type,
   * workload and message, the attribute blob, and {@link #FIXED_ROW_BYTES}.
   */
  static long storedSize(AgentEvent event, byte[] encodedAttributes) {
    return FIXED_ROW_BYTES
        + utf8Length(event.type())
        + utf8Length(event.workload())
        + utf8Length(event.message())
        + encodedAttributes.length;
  }

  private static long utf8Length(String s) {
    return s.getBytes(UTF_8).length;
  }

  /**
   * Epoch milliseconds of {@code t}, rounded up; instants beyond what a long holds are clamped
   * (they mean "never" or "always" either way).
   */
  static long epochMillisRoundedUp(Instant t) {
    try {
      long millis = t.toEpochMilli(); // rounds down
      return t.getNano() % 1_000_000 == 0 ? millis : Math.addExact(millis, 1);
    } catch (ArithmeticException e) {
      return t.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  @FunctionalInterface
  private interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private <T> T read(String operation, Work<T> work) {
    // Deferred: takes no write lock, so an operator's sqlite3 reading along is never blocked.
    return transaction(operation, "BEGIN", work);
  }

  private <T> T write(String operation, Work<T> work) {
    // Immediate: takes the write lock up front, so a transaction never fails half-way upgrading
    // its lock against another process.
    return transaction(operation, "BEGIN IMMEDIATE", work);
  }

  private <T> T transaction(String operation, String begin, Work<T> work) {
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException(
            "agent store " + file + " is closed; " + operation + " needs an open store");
      }
      try (Statement statement = connection.createStatement()) {
        statement.executeUpdate(begin);
        try {
          T result = work.run(connection);
          statement.executeUpdate("COMMIT");
          return result;
        } catch (SQLException | RuntimeException | Error e) {
          // Error too: a transaction left open would make every later call fail to BEGIN.
          try {
            statement.executeUpdate("ROLLBACK");
          } catch (SQLException rollbackFailure) {
            // No transaction left to roll back: SQLite had already rolled it back.
            e.addSuppressed(rollbackFailure);
          }
          throw e;
        }
      } catch (SQLException e) {
        throw new AgentStoreException(file, operation, e.getMessage(), e);
      }
    } finally {
      lock.unlock();
    }
  }

  /** The single row of {@code counters}. */
  private record Counters(
      long nextEventSequence,
      long nextStatusSequence,
      long dropped,
      long outboxEvents,
      long outboxBytes) {

    static Counters read(Connection c) throws SQLException {
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT next_event_sequence, next_status_sequence, dropped_events,"
                      + " outbox_events, outbox_bytes FROM counters WHERE id = 1")) {
        if (!rs.next()) {
          throw new SQLException("the counters row is missing");
        }
        return new Counters(
            rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5));
      }
    }

    void write(Connection c) throws SQLException {
      try (PreparedStatement ps =
          c.prepareStatement(
              "UPDATE counters SET next_event_sequence = ?, next_status_sequence = ?,"
                  + " dropped_events = ?, outbox_events = ?, outbox_bytes = ? WHERE id = 1")) {
        ps.setLong(1, nextEventSequence);
        ps.setLong(2, nextStatusSequence);
        ps.setLong(3, dropped);
        ps.setLong(4, outboxEvents);
        ps.setLong(5, outboxBytes);
        ps.executeUpdate();
      }
    }

    Counters withNextEventSequence(long next) {
      return new Counters(next, nextStatusSequence, dropped, outboxEvents, outboxBytes);
    }

    Counters withNextStatusSequence(long next) {
      return new Counters(nextEventSequence, next, dropped, outboxEvents, outboxBytes);
    }

    Counters withDropped(long total) {
      return new Counters(nextEventSequence, nextStatusSequence, total, outboxEvents, outboxBytes);
    }

    Counters withOutbox(long events, long bytes) {
      return new Counters(nextEventSequence, nextStatusSequence, dropped, events, bytes);
    }
  }

  /**
   * @param kept false when the event alone was over the byte bound and was dropped
   * @param evicted older events dropped to make room
   * @param evictedThrough the highest sequence dropped to make room; 0 when none
   */
  private record Appended(
      long sequence, boolean kept, long evicted, long evictedThrough, long droppedTotal) {}
}
