package dev.flotilla.agent.store.sqlite;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * The store's schema as an ordered list of steps, version 1 to N. Opening a store applies the steps
 * it lacks, each in its own transaction together with its row in {@code schema_version}, so that a
 * crash between two steps leaves a store at one version or the next, never in between. A store
 * whose version is above N was written by a newer agent and is refused: this agent does not know
 * what the newer steps changed and never downgrades.
 *
 * <p>The {@code schema_version} table itself is outside the steps and must keep its shape forever:
 * it is how any agent, older or newer, tells which version a file has.
 *
 * <p>The steps are SQL scripts next to this class ({@code V<n>__<name>.sql}), listed in {@link
 * #standard()} rather than discovered, so that the order is in code and a missing script fails
 * every test. Immutable and thread-safe.
 */
final class SchemaMigrations {
  private static final System.Logger LOG = System.getLogger(SchemaMigrations.class.getName());

  /**
   * @param version the schema version this step produces, 1 for the first
   * @param name a short name, stored in {@code schema_version}
   * @param sql one or more SQL statements separated by semicolons
   */
  record Step(int version, String name, String sql) {
    Step {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(sql, "sql");
    }

    /** The step whose script is the resource {@code V<version>__<name>.sql} next to this class. */
    static Step fromResource(int version, String name) {
      String resource = "V" + version + "__" + name + ".sql";
      try (InputStream in = SchemaMigrations.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException(
              "schema migration script " + resource + " is missing from the agent's classpath");
        }
        return new Step(version, name, new String(in.readAllBytes(), UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read schema migration script " + resource, e);
      }
    }
  }

  private static final SchemaMigrations STANDARD =
      new SchemaMigrations(
          List.of(Step.fromResource(1, "agent_state"), Step.fromResource(2, "blue_green")));

  private final List<Step> steps;

  /**
   * @param steps versions 1 to N in order, without gaps
   */
  SchemaMigrations(List<Step> steps) {
    this.steps = List.copyOf(steps);
    for (int i = 0; i < this.steps.size(); i++) {
      if (this.steps.get(i).version() != i + 1) {
        throw new IllegalArgumentException(
            "schema migration steps must be versions 1 to N in order; position "
                + i
                + " holds version "
                + this.steps.get(i).version());
      }
    }
  }

  /** The migrations of this agent's schema. */
  static SchemaMigrations standard() {
    return STANDARD;
  }

  /** The steps, version 1 first. */
  List<Step> steps() {
    return steps;
  }

  /** The newest version this agent knows. */
  int latestVersion() {
    return steps.size();
  }

  /**
   * Brings the database on {@code connection} (in auto-commit mode, no transaction open) to {@link
   * #latestVersion()}.
   *
   * @return the version the database had before
   * @throws AgentStoreException when a step fails (that step is rolled back; earlier ones stay) or
   *     when the database is newer than this agent
   */
  int migrate(Connection connection, Path file, Clock clock) {
    try (Statement statement = connection.createStatement()) {
      statement.executeUpdate(
          "CREATE TABLE IF NOT EXISTS schema_version ("
              + "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at_ms INTEGER NOT NULL)");
    } catch (SQLException e) {
      throw new AgentStoreException(
          file, "open", "cannot read its schema version: " + e.getMessage(), e);
    }
    int initial = -1;
    while (true) {
      // One transaction per step; the version is read again inside it so that two processes
      // opening the same file at once cannot both apply a step.
      int current;
      Step applied = null;
      String operation = "open";
      try (Statement statement = connection.createStatement()) {
        statement.executeUpdate("BEGIN IMMEDIATE");
        try {
          current = currentVersion(connection);
          if (current < latestVersion()) {
            applied = steps.get(current);
            operation =
                "migrate to schema version " + applied.version() + " (" + applied.name() + ")";
            statement.executeUpdate(applied.sql());
            try (PreparedStatement insert =
                connection.prepareStatement(
                    "INSERT INTO schema_version (version, name, applied_at_ms) VALUES (?, ?, ?)")) {
              insert.setInt(1, applied.version());
              insert.setString(2, applied.name());
              insert.setLong(3, clock.millis());
              insert.executeUpdate();
            }
          }
          statement.executeUpdate("COMMIT");
        } catch (SQLException | RuntimeException e) {
          rollback(statement, e);
          throw e;
        }
      } catch (SQLException e) {
        throw new AgentStoreException(file, operation, e.getMessage(), e);
      }
      if (initial < 0) {
        initial = current;
      }
      if (applied == null) {
        if (current > latestVersion()) {
          throw newerAgent(file, current);
        }
        return initial;
      }
      int from = current;
      Step step = applied;
      LOG.log(
          Level.INFO,
          () ->
              "agent.store.migrated path="
                  + file
                  + " from_version="
                  + from
                  + " to_version="
                  + step.version()
                  + " step="
                  + step.name());
    }
  }

  /** The version recorded in {@code schema_version}; 0 for a new file. */
  static int currentVersion(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs =
            statement.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private AgentStoreException newerAgent(Path file, int version) {
    return new AgentStoreException(
        file,
        "open",
        "the store was written by a newer agent: its schema version is "
            + version
            + " and this agent knows versions up to "
            + latestVersion()
            + ". It is refused rather than downgraded. Run an agent at least as new as the one that"
            + " wrote it, or move the file aside to start from an empty store (its outbox and its"
            + " desired state are then lost).");
  }

  private static void rollback(Statement statement, Exception failure) {
    try {
      statement.executeUpdate("ROLLBACK");
    } catch (SQLException e) {
      // No transaction left to roll back (BEGIN failed, or SQLite already rolled back).
      failure.addSuppressed(e);
    }
  }
}
