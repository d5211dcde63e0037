package dev.flotilla.agent.store.sqlite;

import static dev.flotilla.agent.store.sqlite.SqliteAgentStoreIT.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.agent.store.AgentStore.BlueGreenState;
import dev.flotilla.agent.store.AgentStore.OutboxLimits;
import dev.flotilla.agent.store.AgentStore.RestartState;
import dev.flotilla.agent.store.AgentStore.StoredDesired;
import dev.flotilla.agent.store.sqlite.SchemaMigrations.Step;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaMigrationsIT {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2025-06-01T12:00:00Z"), ZoneOffset.UTC);

  @TempDir Path dir;

  private Path file() {
    return dir.resolve("agent.db");
  }

  private SqliteAgentStore open(SchemaMigrations migrations) {
    return SqliteAgentStore.open(file(), OutboxLimits.DEFAULT, CLOCK, migrations);
  }

  private static SchemaMigrations standardPlus(Step... more) {
    List<Step> steps = new ArrayList<>(SchemaMigrations.standard().steps());
    steps.addAll(List.of(more));
    return new SchemaMigrations(steps);
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + file());
  }

  @Test
  void anEmptyFileGetsEveryStepRecordedInSchemaVersion() throws SQLException {
    try (SqliteAgentStore store = open(SchemaMigrations.standard())) {
      store.appendEvent(SqliteAgentStoreIT.event("works"));
    }
    try (Connection c = connect()) {
      assertEquals(
          Integer.toString(SchemaMigrations.standard().latestVersion()),
          query(c, "SELECT MAX(version) FROM schema_version"));
      assertEquals(
          "1|agent_state|" + CLOCK.millis(),
          query(
              c,
              "SELECT version || '|' || name || '|' || applied_at_ms FROM schema_version"
                  + " WHERE version = 1"));
    }
  }

  @Test
  void aVersionOneStoreGainsTheBlueGreenTableAndKeepsItsData() {
    try (SqliteAgentStore store =
        open(new SchemaMigrations(List.of(SchemaMigrations.standard().steps().get(0))))) {
      store.saveDesired(new StoredDesired(8, new byte[] {8}));
      store.saveRestartState("a", new RestartState(2, CLOCK.instant()));
    }
    try (SqliteAgentStore store = open(SchemaMigrations.standard())) {
      assertEquals(8, store.desired().orElseThrow().generation());
      assertEquals(2, store.restartStates().get("a").failures());
      assertEquals(java.util.Map.of(), store.blueGreenStates());
      store.saveBlueGreenState(
          "a", BlueGreenState.begin("0123456789abcdef", "r2", CLOCK.instant()));
      assertEquals(1, store.blueGreenStates().size());
    }
  }

  @Test
  void anExistingEmptyFileIsTreatedAsANewStore() throws Exception {
    Files.createFile(file());
    try (SqliteAgentStore store = open(SchemaMigrations.standard())) {
      assertEquals(1, store.appendEvent(SqliteAgentStoreIT.event("first")));
    }
  }

  @Test
  void reopeningAppliesNoStepTwiceAndKeepsTheData() throws SQLException {
    try (SqliteAgentStore store = open(SchemaMigrations.standard())) {
      store.saveDesired(new StoredDesired(3, new byte[] {3}));
    }
    for (int i = 0; i < 3; i++) {
      try (SqliteAgentStore store = open(SchemaMigrations.standard())) {
        assertEquals(3, store.desired().orElseThrow().generation());
      }
    }
    try (Connection c = connect()) {
      assertEquals(
          Integer.toString(SchemaMigrations.standard().latestVersion()),
          query(c, "SELECT COUNT(*) FROM schema_version"));
    }
  }

  @Test
  void aLaterStepIsAppliedOnReopenOnTopOfTheExistingData() throws SQLException {
    try (SqliteAgentStore store = open(SchemaMigrations.standard())) {
      store.saveDesired(new StoredDesired(5, new byte[] {5}));
    }
    int next = SchemaMigrations.standard().latestVersion() + 1;
    SchemaMigrations newer =
        standardPlus(
            new Step(
                next,
                "labels",
                "CREATE TABLE node_labels (name TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
                    + "INSERT INTO node_labels VALUES ('zone', 'north');\n"));
    try (SqliteAgentStore store = open(newer)) {
      assertEquals(5, store.desired().orElseThrow().generation());
    }
    try (Connection c = connect()) {
      assertEquals(Integer.toString(next), query(c, "SELECT MAX(version) FROM schema_version"));
      assertEquals("north", query(c, "SELECT value FROM node_labels WHERE name = 'zone'"));
    }
  }

  @Test
  void aFailingStepIsRolledBackWholeAndTheStoreStaysAtThePreviousVersion() throws SQLException {
    try (SqliteAgentStore store = open(SchemaMigrations.standard())) {
      store.saveDesired(new StoredDesired(5, new byte[] {5}));
    }
    int previous = SchemaMigrations.standard().latestVersion();
    SchemaMigrations broken =
        standardPlus(
            new Step(
                previous + 1,
                "broken",
                "CREATE TABLE half_done (x INTEGER);\n"
                    + "INSERT INTO no_such_table VALUES (1);\n"));
    AgentStoreException e = assertThrows(AgentStoreException.class, () -> open(broken));
    assertTrue(
        e.getMessage().contains("migrate to schema version " + (previous + 1) + " (broken)"),
        e.getMessage());
    assertTrue(e.getMessage().contains(file().toString()), e.getMessage());
    try (Connection c = connect()) {
      assertEquals(Integer.toString(previous), query(c, "SELECT MAX(version) FROM schema_version"));
      assertEquals("0", query(c, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'half_done'"));
    }
    try (SqliteAgentStore store = open(SchemaMigrations.standard())) {
      assertEquals(5, store.desired().orElseThrow().generation(), "still usable");
    }
  }

  @Test
  void aStoreWrittenByANewerAgentIsRefusedAndLeftUntouched() throws SQLException {
    try (SqliteAgentStore store = open(SchemaMigrations.standard())) {
      store.appendEvent(SqliteAgentStoreIT.event("from the newer agent"));
    }
    int newer = SchemaMigrations.standard().latestVersion() + 6;
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO schema_version VALUES (" + newer + ", 'from the future', 0)");
    }

    AgentStoreException e =
        assertThrows(AgentStoreException.class, () -> open(SchemaMigrations.standard()));
    assertEquals("open", e.operation());
    assertTrue(e.getMessage().contains("newer agent"), e.getMessage());
    assertTrue(e.getMessage().contains("schema version is " + newer), e.getMessage());
    assertTrue(
        e.getMessage()
            .contains("knows versions up to " + SchemaMigrations.standard().latestVersion()),
        e.getMessage());
    assertTrue(e.getMessage().contains(file().toString()), e.getMessage());

    try (Connection c = connect()) {
      assertEquals(Integer.toString(newer), query(c, "SELECT MAX(version) FROM schema_version"));
      assertEquals("1", query(c, "SELECT COUNT(*) FROM outbox"));
    }
  }

  @Test
  void stepsMustBeNumberedOneToNWithoutGaps() {
    Step one = new Step(1, "one", "SELECT 1;");
    Step three = new Step(3, "three", "SELECT 1;");
    assertThrows(IllegalArgumentException.class, () -> new SchemaMigrations(List.of(one, three)));
    assertThrows(IllegalArgumentException.class, () -> new SchemaMigrations(List.of(three)));
  }

  @Test
  void aMissingScriptIsReportedByName() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> Step.fromResource(99, "nowhere"));
    assertTrue(e.getMessage().contains("V99__nowhere.sql"), e.getMessage());
  }
}
