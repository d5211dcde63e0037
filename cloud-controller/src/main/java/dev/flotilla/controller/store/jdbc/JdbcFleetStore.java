package dev.flotilla.controller.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.flotilla.controller.model.FleetEvent;
import dev.flotilla.controller.model.Node;
import dev.flotilla.controller.model.NodeState;
import dev.flotilla.controller.model.NodeStates;
import dev.flotilla.controller.model.Presence;
import dev.flotilla.controller.model.Taint;
import dev.flotilla.controller.model.WorkloadObservation;
import dev.flotilla.controller.rollout.ReleasedNode;
import dev.flotilla.controller.rollout.RolloutRecord;
import dev.flotilla.controller.rollout.RolloutState;
import dev.flotilla.controller.rollout.RolloutUpdate;
import dev.flotilla.controller.store.FleetStore;
import dev.flotilla.controller.store.FleetStoreException;
import dev.flotilla.protocol.NodeId;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jspecify.annotations.Nullable;

/**
 * {@link FleetStore} over JDBC, with Flyway migrations from {@code db/migration}. The SQL is
 * portable between SQLite and PostgreSQL (see {@code V1__fleet.sql}).
 *
 * <p>On SQLite every write transaction begins {@code IMMEDIATE}, so two writers queue on the
 * database lock (busy timeout 10 s) instead of failing on a lock upgrade; the journal is WAL so
 * readers never wait for writers.
 */
public final class JdbcFleetStore implements FleetStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<TreeMap<String, String>> STRING_MAP = new TypeReference<>() {};
  private static final TypeReference<TreeMap<String, Integer>> INT_MAP = new TypeReference<>() {};
  private static final TypeReference<List<Map<String, String>>> TAINTS = new TypeReference<>() {};
  private static final String CONTROLLER_NODE = "";
  private static final int BATCH = 500;

  private static final String NODE_COLUMNS =
      "id, profile, labels, cordoned, taints, enrolled_at, state, state_since, presence,"
          + " presence_at, last_seen_at, agent_version, status_sequence, observed_generation,"
          + " cpu_millis, memory_bytes, memory_limit_bytes, disk_free_bytes, (SELECT d.generation"
          + " FROM node_desired d WHERE d.node_id = nodes.id) AS desired";

  private static final String WORKLOAD_COLUMNS =
      "name, revision, state, health, restart_count, message, since FROM node_workloads";

  /** A deployment with its target revision's manifest. */
  private static final String DEPLOYMENT_COLUMNS =
      "d.name, d.revision, d.manifest, r.manifest, d.created_at, d.updated_at FROM deployments d"
          + " JOIN revisions r ON r.deployment = d.name AND r.revision = d.revision";

  private static final String ROLLOUT_COLUMNS =
      "id, deployment, from_revision, to_revision, state, step, step_started_at, paused_until,"
          + " pause_reason, accepted_failures, override_windows, cause, message, created_at,"
          + " updated_at, finished_at, version FROM rollouts";

  /** The same condition as the partial index {@code rollouts_active}, so that it is used. */
  private static final String ACTIVE = "state IN ('PROGRESSING', 'PAUSED')";

  private final HikariDataSource dataSource;
  private final AtomicLong ingestOrder;
  private final Object eventOrderLock = new Object();

  private JdbcFleetStore(HikariDataSource dataSource) {
    this.dataSource = dataSource;
    this.ingestOrder =
        new AtomicLong(queryLong("SELECT COALESCE(MAX(ingest_order), 0) FROM events"));
  }

  /** Opens (creating and migrating when needed) the SQLite store in {@code file}. */
  public static JdbcFleetStore openSqlite(Path file) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("flotilla-store");
    config.setJdbcUrl(
        "jdbc:sqlite:"
            + file.toAbsolutePath()
            + "?journal_mode=WAL&synchronous=NORMAL&foreign_keys=true&busy_timeout=10000"
            + "&transaction_mode=IMMEDIATE");
    config.setMaximumPoolSize(4);
    return open(config);
  }

  /** Opens the store at a JDBC URL (PostgreSQL), migrating it when needed. */
  public static JdbcFleetStore open(String jdbcUrl, String user, String password) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("flotilla-store");
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(8);
    return open(config);
  }

  private static JdbcFleetStore open(HikariConfig config) {
    HikariDataSource ds;
    try {
      ds = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new FleetStoreException(
          "cannot open the store at " + config.getJdbcUrl() + ": " + rootMessage(e), e);
    }
    try {
      migrate(ds);
      return new JdbcFleetStore(ds);
    } catch (RuntimeException e) {
      ds.close();
      throw e;
    }
  }

  private static void migrate(DataSource ds) {
    try {
      Flyway.configure()
          .dataSource(ds)
          .locations("classpath:db/migration")
          .failOnMissingLocations(true)
          .load()
          .migrate();
    } catch (RuntimeException e) {
      throw new FleetStoreException("cannot migrate the store: " + rootMessage(e), e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return String.valueOf(t.getMessage());
  }

  // ---- transactions -----------------------------------------------------------------------

  @FunctionalInterface
  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> T read(String what, Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw new FleetStoreException("store: cannot " + what + ": " + e.getMessage(), e);
    }
  }

  private <T> T write(String what, Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new FleetStoreException("store: cannot " + what + ": " + e.getMessage(), e);
    }
  }

  private long queryLong(String sql) {
    return query("read a number", sql, rs -> rs.getLong(1)).stream().findFirst().orElse(0L);
  }

  /** Maps the current row of a result set. */
  @FunctionalInterface
  private interface Row<T> {
    T map(ResultSet rs) throws SQLException;
  }

  /** Runs a query on its own connection and maps every row. */
  private <T> List<T> query(String what, String sql, Row<T> row, Object... params) {
    return read(what, c -> list(c, sql, row, params));
  }

  private static <T> List<T> list(Connection c, String sql, Row<T> row, Object... params)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, params);
      List<T> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(row.map(rs));
        }
      }
      return out;
    }
  }

  /** Binds String, Integer, Long and Boolean parameters in order. */
  private static void bind(PreparedStatement ps, Object... params) throws SQLException {
    for (int i = 0; i < params.length; i++) {
      switch (params[i]) {
        case String v -> ps.setString(i + 1, v);
        case Integer v -> ps.setInt(i + 1, v);
        case Long v -> ps.setLong(i + 1, v);
        case Boolean v -> ps.setBoolean(i + 1, v);
        default ->
            throw new IllegalArgumentException("cannot bind a " + params[i].getClass().getName());
      }
    }
  }

  // ---- nodes --------------------------------------------------------------------------------

  @Override
  public EnrollOutcome enroll(
      String tokenHash,
      NodeId node,
      String profile,
      SortedMap<String, String> labels,
      String credentialHash,
      Instant now) {
    return write(
        "enroll " + node,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE enrollment_tokens SET uses = uses + 1"
                      + " WHERE token_hash = ? AND uses < max_uses AND expires_at > ?")) {
            ps.setString(1, tokenHash);
            ps.setLong(2, now.toEpochMilli());
            if (ps.executeUpdate() != 1) {
              return EnrollOutcome.TOKEN_REFUSED;
            }
          }
          try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM nodes WHERE id = ?")) {
            ps.setString(1, node.value());
            try (ResultSet rs = ps.executeQuery()) {
              if (rs.next()) {
                c.rollback();
                return EnrollOutcome.NODE_EXISTS;
              }
            }
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO nodes (id, profile, labels, cordoned, credential_hash, enrolled_at,"
                      + " state, state_since, presence, presence_at, last_seen_at, agent_version,"
                      + " boot_id, status_sequence, observed_generation, cpu_millis, memory_bytes,"
                      + " memory_limit_bytes, disk_free_bytes)"
                      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, '', '', 0, 0, 0, 0, 0, 0)")) {
            ps.setString(1, node.value());
            ps.setString(2, profile);
            ps.setString(3, json(labels));
            ps.setBoolean(4, false);
            ps.setString(5, credentialHash);
            ps.setLong(6, now.toEpochMilli());
            ps.setString(7, NodeState.PENDING.name());
            ps.setLong(8, now.toEpochMilli());
            ps.setString(9, Presence.UNKNOWN.name());
            ps.setLong(10, now.toEpochMilli());
            ps.executeUpdate();
          }
          return EnrollOutcome.ENROLLED;
        });
  }

  @Override
  public Optional<Node> node(NodeId id) {
    return query(
            "read node " + id,
            "SELECT " + NODE_COLUMNS + " FROM nodes WHERE id = ?",
            JdbcFleetStore::node,
            id.value())
        .stream()
        .findFirst();
  }

  @Override
  public List<Node> nodes(String afterId, int limit) {
    return query(
        "list nodes",
        "SELECT " + NODE_COLUMNS + " FROM nodes WHERE id > ? ORDER BY id LIMIT ?",
        JdbcFleetStore::node,
        afterId,
        limit);
  }

  @Override
  public List<Node> allNodes() {
    return query(
        "list nodes", "SELECT " + NODE_COLUMNS + " FROM nodes ORDER BY id", JdbcFleetStore::node);
  }

  private static Node node(ResultSet rs) throws SQLException {
    long lastSeen = rs.getLong("last_seen_at");
    boolean neverSeen = rs.wasNull();
    return new Node(
        new NodeId(rs.getString("id")),
        rs.getString("profile"),
        stringMap(rs.getString("labels")),
        rs.getBoolean("cordoned"),
        taints(rs.getString("taints")),
        Instant.ofEpochMilli(rs.getLong("enrolled_at")),
        NodeState.valueOf(rs.getString("state")),
        Instant.ofEpochMilli(rs.getLong("state_since")),
        Presence.valueOf(rs.getString("presence")),
        neverSeen ? null : Instant.ofEpochMilli(lastSeen),
        rs.getString("agent_version"),
        rs.getLong("desired"),
        rs.getLong("observed_generation"),
        new Node.Usage(
            rs.getLong("cpu_millis"),
            rs.getLong("memory_bytes"),
            rs.getLong("memory_limit_bytes"),
            rs.getLong("disk_free_bytes")));
  }

  @Override
  public boolean setLabels(NodeId id, SortedMap<String, String> labels) {
    return update(
        "label node " + id, "UPDATE nodes SET labels = ? WHERE id = ?", json(labels), id.value());
  }

  @Override
  public boolean setTaints(NodeId id, List<Taint> taints) {
    List<Map<String, String>> rows = new ArrayList<>();
    for (Taint t : taints) {
      rows.add(Map.of("key", t.key(), "value", t.value(), "effect", t.effect().manifestName()));
    }
    String json;
    try {
      json = JSON.writeValueAsString(rows);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write taints as JSON", e);
    }
    return update("taint node " + id, "UPDATE nodes SET taints = ? WHERE id = ?", json, id.value());
  }

  private static List<Taint> taints(String json) {
    try {
      List<Taint> out = new ArrayList<>();
      for (Map<String, String> row : JSON.readValue(json, TAINTS)) {
        Taint.Effect effect = Taint.Effect.fromManifestName(row.get("effect"));
        if (effect == null) {
          throw new IllegalStateException("a stored taint has an unknown effect: " + row);
        }
        out.add(new Taint(row.get("key"), row.getOrDefault("value", ""), effect));
      }
      return out;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored JSON column is corrupt: " + e.getMessage(), e);
    }
  }

  @Override
  public boolean setCordoned(NodeId id, boolean cordoned) {
    return update(
        "cordon node " + id, "UPDATE nodes SET cordoned = ? WHERE id = ?", cordoned, id.value());
  }

  @Override
  public boolean deleteNode(NodeId id) {
    return update("delete node " + id, "DELETE FROM nodes WHERE id = ?", id.value());
  }

  private boolean update(String what, String sql, Object... params) {
    return write(
        what,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            return ps.executeUpdate() > 0;
          }
        });
  }

  @Override
  public Map<String, String> credentialHashes() {
    Map<String, String> out = new HashMap<>();
    for (String[] row :
        query(
            "read credentials",
            "SELECT id, credential_hash FROM nodes",
            rs -> new String[] {rs.getString(1), rs.getString(2)})) {
      out.put(row[0], row[1]);
    }
    return out;
  }

  @Override
  public List<WorkloadObservation> workloads(NodeId id) {
    return read("read workloads of " + id, c -> workloads(c, id));
  }

  private static List<WorkloadObservation> workloads(Connection c, NodeId id) throws SQLException {
    return list(
        c,
        "SELECT " + WORKLOAD_COLUMNS + " WHERE node_id = ? ORDER BY name",
        rs -> workloadObservation(rs, 1),
        id.value());
  }

  /** Maps {@link #WORKLOAD_COLUMNS} starting at column {@code first}. */
  private static WorkloadObservation workloadObservation(ResultSet rs, int first)
      throws SQLException {
    return new WorkloadObservation(
        rs.getString(first),
        rs.getString(first + 1),
        rs.getString(first + 2),
        rs.getString(first + 3),
        rs.getLong(first + 4),
        rs.getString(first + 5),
        instantOrNull(rs, first + 6));
  }

  @Override
  public Map<NodeState, Long> countByState() {
    return read(
        "count nodes",
        c -> {
          Map<NodeState, Long> out = new EnumMap<>(NodeState.class);
          for (NodeState s : NodeState.values()) {
            out.put(s, 0L);
          }
          try (PreparedStatement ps =
                  c.prepareStatement("SELECT state, COUNT(*) FROM nodes GROUP BY state");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.put(NodeState.valueOf(rs.getString(1)), rs.getLong(2));
            }
          }
          return out;
        });
  }

  @Override
  public List<NodeId> markStale(Instant now, Duration staleAfter) {
    long cutoff = now.minus(staleAfter).toEpochMilli();
    return write(
        "mark stale nodes",
        c -> {
          List<NodeId> stale = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT id FROM nodes WHERE state <> 'UNREACHABLE' AND state <> 'PENDING'"
                      + " AND (last_seen_at IS NULL OR last_seen_at < ?)")) {
            ps.setLong(1, cutoff);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                stale.add(new NodeId(rs.getString(1)));
              }
            }
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE nodes SET state = 'UNREACHABLE', state_since = ? WHERE id = ?")) {
            for (NodeId id : stale) {
              ps.setLong(1, now.toEpochMilli());
              ps.setString(2, id.value());
              ps.addBatch();
            }
            ps.executeBatch();
          }
          return stale;
        });
  }

  // ---- deployments --------------------------------------------------------------------------

  @Override
  public PutResult putDeployment(String name, String manifest, String templateHash, Instant now) {
    long at = now.toEpochMilli();
    return write(
        "store deployment " + name,
        c -> {
          Optional<DeploymentRow> existing = deployment(c, name);
          if (existing.isEmpty()) {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "INSERT INTO deployments (name, revision, manifest, created_at, updated_at)"
                        + " VALUES (?, 1, ?, ?, ?)")) {
              ps.setString(1, name);
              ps.setString(2, manifest);
              ps.setLong(3, at);
              ps.setLong(4, at);
              ps.executeUpdate();
            }
            insertRevision(c, name, 1, templateHash, manifest, at);
            // A first install has nothing running to protect: no rollout.
            return new PutResult(
                new DeploymentRow(name, 1, manifest, manifest, now, now), true, true, null);
          }
          int target = existing.get().revision();
          int revision;
          boolean newRevision = false;
          @Nullable RolloutRecord started = null;
          if (templateHash.equals(templateHash(c, name, target))) {
            revision = target;
          } else {
            // An older revision's template is that revision again (no copy under a new number);
            // the newest such one, as revisions stored before V3 may repeat a hash.
            @Nullable Integer older =
                list(
                        c,
                        "SELECT MAX(revision) FROM revisions WHERE deployment = ?"
                            + " AND template_hash = ?",
                        rs -> {
                          int r = rs.getInt(1);
                          return rs.wasNull() ? null : r;
                        },
                        name,
                        templateHash)
                    .get(0);
            if (older != null) {
              revision = older;
            } else {
              revision = maxRevision(c, name) + 1;
              insertRevision(c, name, revision, templateHash, manifest, at);
              newRevision = true;
            }
            started = startRollout(c, name, revision, "apply", at);
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE deployments SET manifest = ?, updated_at = ? WHERE name = ?")) {
            ps.setString(1, manifest);
            ps.setLong(2, at);
            ps.setString(3, name);
            ps.executeUpdate();
          }
          return new PutResult(deployment(c, name).orElseThrow(), false, newRevision, started);
        });
  }

  private static String templateHash(Connection c, String name, int revision) throws SQLException {
    return list(
            c,
            "SELECT template_hash FROM revisions WHERE deployment = ? AND revision = ?",
            rs -> rs.getString(1),
            name,
            revision)
        .stream()
        .findFirst()
        .orElse("");
  }

  private static int maxRevision(Connection c, String name) throws SQLException {
    return list(
            c,
            "SELECT COALESCE(MAX(revision), 0) FROM revisions WHERE deployment = ?",
            rs -> rs.getInt(1),
            name)
        .get(0);
  }

  private static void insertRevision(
      Connection c, String name, int revision, String hash, String manifest, long at)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO revisions (deployment, revision, template_hash, manifest, created_at)"
                + " VALUES (?, ?, ?, ?, ?)")) {
      ps.setString(1, name);
      ps.setInt(2, revision);
      ps.setString(3, hash);
      ps.setString(4, manifest);
      ps.setLong(5, at);
      ps.executeUpdate();
    }
  }

  @Override
  public Optional<DeploymentRow> deployment(String name) {
    return read("read deployment " + name, c -> deployment(c, name));
  }

  private static Optional<DeploymentRow> deployment(Connection c, String name) throws SQLException {
    return list(
            c,
            "SELECT " + DEPLOYMENT_COLUMNS + " WHERE d.name = ?",
            JdbcFleetStore::deploymentRow,
            name)
        .stream()
        .findFirst();
  }

  private static DeploymentRow deploymentRow(ResultSet rs) throws SQLException {
    return new DeploymentRow(
        rs.getString(1),
        rs.getInt(2),
        rs.getString(3),
        rs.getString(4),
        Instant.ofEpochMilli(rs.getLong(5)),
        Instant.ofEpochMilli(rs.getLong(6)));
  }

  @Override
  public List<DeploymentRow> deployments() {
    return query(
        "list deployments",
        "SELECT " + DEPLOYMENT_COLUMNS + " ORDER BY d.name",
        JdbcFleetStore::deploymentRow);
  }

  @Override
  public boolean deleteDeployment(String name) {
    return update("delete deployment " + name, "DELETE FROM deployments WHERE name = ?", name);
  }

  @Override
  public List<RevisionRow> revisions(String deployment) {
    return query(
        "list revisions of " + deployment,
        "SELECT deployment, revision, template_hash, manifest, created_at FROM revisions"
            + " WHERE deployment = ? ORDER BY revision",
        rs ->
            new RevisionRow(
                rs.getString(1),
                rs.getInt(2),
                rs.getString(3),
                rs.getString(4),
                Instant.ofEpochMilli(rs.getLong(5))),
        deployment);
  }

  // ---- rollouts -----------------------------------------------------------------------------

  private static RolloutRecord rolloutRecord(ResultSet rs) throws SQLException {
    return new RolloutRecord(
        rs.getLong(1),
        rs.getString(2),
        rs.getInt(3),
        rs.getInt(4),
        RolloutState.valueOf(rs.getString(5)),
        rs.getInt(6),
        Instant.ofEpochMilli(rs.getLong(7)),
        instantOrNull(rs, 8),
        rs.getString(9),
        rs.getInt(10),
        rs.getBoolean(11),
        rs.getString(12),
        rs.getString(13),
        Instant.ofEpochMilli(rs.getLong(14)),
        Instant.ofEpochMilli(rs.getLong(15)),
        instantOrNull(rs, 16),
        rs.getLong(17));
  }

  private static @Nullable Instant instantOrNull(ResultSet rs, int column) throws SQLException {
    long millis = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
  }

  private static void setInstantOrNull(PreparedStatement ps, int index, @Nullable Instant at)
      throws SQLException {
    if (at == null) {
      ps.setNull(index, Types.BIGINT);
    } else {
      ps.setLong(index, at.toEpochMilli());
    }
  }

  private static Optional<RolloutRecord> activeRollout(Connection c, String deployment)
      throws SQLException {
    return list(
            c,
            "SELECT " + ROLLOUT_COLUMNS + " WHERE deployment = ? AND " + ACTIVE,
            JdbcFleetStore::rolloutRecord,
            deployment)
        .stream()
        .findFirst();
  }

  /**
   * Makes {@code to} the deployment's target and starts a rollout to it from the stable revision,
   * superseding the active rollout. Starts none when {@code to} is the stable revision: every node
   * simply runs it again.
   *
   * @return the rollout started; null when none
   */
  private static @Nullable RolloutRecord startRollout(
      Connection c, String deployment, int to, String cause, long at) throws SQLException {
    Optional<RolloutRecord> active = activeRollout(c, deployment);
    int from;
    if (active.isPresent()) {
      from = active.get().fromRevision();
      try (PreparedStatement ps =
          c.prepareStatement(
              "UPDATE rollouts SET state = ?, message = ?, updated_at = ?, finished_at = ?,"
                  + " version = version + 1 WHERE id = ?")) {
        ps.setString(1, RolloutState.SUPERSEDED.name());
        ps.setString(2, "superseded by revision " + to);
        ps.setLong(3, at);
        ps.setLong(4, at);
        ps.setLong(5, active.get().id());
        ps.executeUpdate();
      }
    } else {
      from =
          list(c, "SELECT revision FROM deployments WHERE name = ?", rs -> rs.getInt(1), deployment)
              .get(0);
    }
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE deployments SET revision = ?, updated_at = ? WHERE name = ?")) {
      ps.setInt(1, to);
      ps.setLong(2, at);
      ps.setString(3, deployment);
      ps.executeUpdate();
    }
    if (from == to) {
      return null;
    }
    Instant now = Instant.ofEpochMilli(at);
    RolloutRecord r =
        new RolloutRecord(
            nextId(c, "rollouts"),
            deployment,
            from,
            to,
            RolloutState.PROGRESSING,
            0,
            now,
            null,
            "",
            0,
            false,
            cause,
            "started: revision " + from + " -> " + to,
            now,
            now,
            null,
            1);
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO rollouts (id, deployment, from_revision, to_revision, state, step,"
                + " step_started_at, paused_until, pause_reason, accepted_failures,"
                + " override_windows, cause, message, created_at, updated_at, finished_at,"
                + " version) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, NULL, ?)")) {
      ps.setLong(1, r.id());
      ps.setString(2, r.deployment());
      ps.setInt(3, r.fromRevision());
      ps.setInt(4, r.toRevision());
      ps.setString(5, r.state().name());
      ps.setInt(6, r.step());
      ps.setLong(7, at);
      ps.setString(8, r.pauseReason());
      ps.setInt(9, r.acceptedFailures());
      ps.setBoolean(10, r.overrideWindows());
      ps.setString(11, r.cause());
      ps.setString(12, r.message());
      ps.setLong(13, at);
      ps.setLong(14, at);
      ps.setLong(15, r.version());
      ps.executeUpdate();
    }
    return r;
  }

  /** Takes the next value of a counter in {@code id_counters}; the row lock serialises takers. */
  private static long nextId(Connection c, String counter) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE id_counters SET next_value = next_value + 1 WHERE name = ?")) {
      ps.setString(1, counter);
      if (ps.executeUpdate() != 1) {
        throw new IllegalStateException("the store has no id counter '" + counter + "'");
      }
    }
    return list(
            c,
            "SELECT next_value - 1 FROM id_counters WHERE name = ?",
            rs -> rs.getLong(1),
            counter)
        .get(0);
  }

  @Override
  public Optional<RolloutRecord> undo(String deployment, int toRevision, Instant now) {
    return write(
        "undo deployment " + deployment + " to revision " + toRevision,
        c -> {
          Optional<DeploymentRow> row = deployment(c, deployment);
          if (row.isEmpty()) {
            throw new NoSuchRevisionException("no deployment " + deployment);
          }
          if (templateHash(c, deployment, toRevision).isEmpty()) {
            throw new NoSuchRevisionException(
                "deployment "
                    + deployment
                    + " has no revision "
                    + toRevision
                    + "; its revisions go from 1 to "
                    + maxRevision(c, deployment));
          }
          if (toRevision == row.get().revision()) {
            return Optional.empty();
          }
          return Optional.ofNullable(
              startRollout(c, deployment, toRevision, "undo", now.toEpochMilli()));
        });
  }

  @Override
  public List<RolloutRecord> activeRollouts() {
    return query(
        "list active rollouts",
        "SELECT " + ROLLOUT_COLUMNS + " WHERE " + ACTIVE + " ORDER BY deployment",
        JdbcFleetStore::rolloutRecord);
  }

  @Override
  public Optional<RolloutRecord> activeRollout(String deployment) {
    return read("read the active rollout of " + deployment, c -> activeRollout(c, deployment));
  }

  @Override
  public Optional<RolloutRecord> rollout(long id) {
    return read("read rollout " + id, c -> rollout(c, id));
  }

  private static Optional<RolloutRecord> rollout(Connection c, long id) throws SQLException {
    return list(c, "SELECT " + ROLLOUT_COLUMNS + " WHERE id = ?", JdbcFleetStore::rolloutRecord, id)
        .stream()
        .findFirst();
  }

  @Override
  public List<RolloutRecord> rollouts(String deployment, int limit) {
    return query(
        "list rollouts of " + deployment,
        "SELECT " + ROLLOUT_COLUMNS + " WHERE deployment = ? ORDER BY id DESC LIMIT ?",
        JdbcFleetStore::rolloutRecord,
        deployment,
        limit);
  }

  @Override
  public Map<NodeId, ReleasedNode> releasedNodes(long rolloutId) {
    Map<NodeId, ReleasedNode> out = new LinkedHashMap<>();
    read(
        "read the nodes of rollout " + rolloutId,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT node_id, released_at, failed_at, failure FROM rollout_nodes"
                      + " WHERE rollout_id = ? ORDER BY node_id")) {
            ps.setLong(1, rolloutId);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.put(
                    new NodeId(rs.getString(1)),
                    new ReleasedNode(
                        Instant.ofEpochMilli(rs.getLong(2)),
                        instantOrNull(rs, 3),
                        rs.getString(4)));
              }
            }
          }
          return null;
        });
    return out;
  }

  @Override
  public boolean updateRollout(long id, long expectedVersion, RolloutUpdate update, Instant now) {
    long at = now.toEpochMilli();
    return write(
        "update rollout " + id,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE rollouts SET state = ?, step = ?, step_started_at = ?, paused_until = ?,"
                      + " pause_reason = ?, accepted_failures = ?, override_windows = ?,"
                      + " message = ?, finished_at = ?, updated_at = ?, version = version + 1"
                      + " WHERE id = ? AND version = ? AND "
                      + ACTIVE)) {
            ps.setString(1, update.state().name());
            ps.setInt(2, update.step());
            ps.setLong(3, update.stepStartedAt().toEpochMilli());
            setInstantOrNull(ps, 4, update.pausedUntil());
            ps.setString(5, shorten(update.pauseReason(), 1024));
            ps.setInt(6, update.acceptedFailures());
            ps.setBoolean(7, update.overrideWindows());
            ps.setString(8, shorten(update.message(), 1024));
            setInstantOrNull(ps, 9, update.finishedAt());
            ps.setLong(10, at);
            ps.setLong(11, id);
            ps.setLong(12, expectedVersion);
            if (ps.executeUpdate() != 1) {
              return false;
            }
          }
          if (!update.release().isEmpty()) {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "INSERT INTO rollout_nodes (rollout_id, node_id, released_at, failed_at,"
                        + " failure) VALUES (?, ?, ?, NULL, '')"
                        + " ON CONFLICT (rollout_id, node_id) DO NOTHING")) {
              for (NodeId node : update.release()) {
                ps.setLong(1, id);
                ps.setString(2, node.value());
                ps.setLong(3, at);
                ps.addBatch();
              }
              ps.executeBatch();
            }
          }
          if (!update.failures().isEmpty()) {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "UPDATE rollout_nodes SET failed_at = ?, failure = ?"
                        + " WHERE rollout_id = ? AND node_id = ? AND failed_at IS NULL")) {
              for (Map.Entry<NodeId, String> f : update.failures().entrySet()) {
                ps.setLong(1, at);
                ps.setString(2, shorten(f.getValue(), 1024));
                ps.setLong(3, id);
                ps.setString(4, f.getKey().value());
                ps.addBatch();
              }
              ps.executeBatch();
            }
          }
          if (update.state() == RolloutState.ROLLED_BACK
              || update.state() == RolloutState.ABORTED) {
            // Only while the target is still this rollout's: never undo a newer target.
            RolloutRecord r = rollout(c, id).orElseThrow();
            try (PreparedStatement ps =
                c.prepareStatement(
                    "UPDATE deployments SET revision = ?, updated_at = ?"
                        + " WHERE name = ? AND revision = ?")) {
              ps.setInt(1, r.fromRevision());
              ps.setLong(2, at);
              ps.setString(3, r.deployment());
              ps.setInt(4, r.toRevision());
              ps.executeUpdate();
            }
          }
          return true;
        });
  }

  @Override
  public Map<NodeId, WorkloadObservation> observations(String workload) {
    Map<NodeId, WorkloadObservation> out = new LinkedHashMap<>();
    read(
        "read observations of workload " + workload,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT node_id, " + WORKLOAD_COLUMNS + " WHERE name = ? ORDER BY node_id")) {
            ps.setString(1, workload);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.put(new NodeId(rs.getString(1)), workloadObservation(rs, 2));
              }
            }
          }
          return null;
        });
    return out;
  }

  // ---- desired states ---------------------------------------------------------------------

  @Override
  public Map<NodeId, DesiredRow> desiredSummaries() {
    Map<NodeId, DesiredRow> out = new HashMap<>();
    for (DesiredRow row :
        query(
            "read desired states",
            "SELECT node_id, generation, content_hash, revisions, published, issued_at"
                + " FROM node_desired",
            rs ->
                new DesiredRow(
                    new NodeId(rs.getString(1)),
                    rs.getLong(2),
                    rs.getString(3),
                    intMap(rs.getString(4)),
                    new byte[0],
                    rs.getBoolean(5),
                    Instant.ofEpochMilli(rs.getLong(6))))) {
      out.put(row.node(), row);
    }
    return out;
  }

  @Override
  public void saveDesired(Collection<DesiredRow> rows) {
    if (rows.isEmpty()) {
      return;
    }
    write(
        "store " + rows.size() + " desired states",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO node_desired (node_id, generation, content_hash, revisions, signed,"
                      + " published, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
                      + " ON CONFLICT (node_id) DO UPDATE SET generation = excluded.generation,"
                      + " content_hash = excluded.content_hash, revisions = excluded.revisions,"
                      + " signed = excluded.signed, published = excluded.published,"
                      + " issued_at = excluded.issued_at")) {
            int n = 0;
            for (DesiredRow row : rows) {
              ps.setString(1, row.node().value());
              ps.setLong(2, row.generation());
              ps.setString(3, row.contentHash());
              ps.setString(4, json(row.revisions()));
              ps.setString(5, Base64.getEncoder().encodeToString(row.signed()));
              ps.setBoolean(6, row.published());
              ps.setLong(7, row.issuedAt().toEpochMilli());
              ps.addBatch();
              if (++n % BATCH == 0) {
                ps.executeBatch();
              }
            }
            ps.executeBatch();
          }
          return null;
        });
  }

  @Override
  public void markPublished(Map<NodeId, Long> generations) {
    if (generations.isEmpty()) {
      return;
    }
    write(
        "mark " + generations.size() + " desired states published",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE node_desired SET published = ? WHERE node_id = ? AND generation = ?")) {
            int n = 0;
            for (Map.Entry<NodeId, Long> e : generations.entrySet()) {
              ps.setBoolean(1, true);
              ps.setString(2, e.getKey().value());
              ps.setLong(3, e.getValue());
              ps.addBatch();
              if (++n % BATCH == 0) {
                ps.executeBatch();
              }
            }
            ps.executeBatch();
          }
          return null;
        });
  }

  @Override
  public List<DesiredRow> unpublished() {
    return query(
        "read unpublished desired states",
        "SELECT node_id, generation, content_hash, revisions, signed, issued_at"
            + " FROM node_desired WHERE published = ? ORDER BY node_id",
        rs ->
            new DesiredRow(
                new NodeId(rs.getString(1)),
                rs.getLong(2),
                rs.getString(3),
                intMap(rs.getString(4)),
                Base64.getDecoder().decode(rs.getString(5)),
                false,
                Instant.ofEpochMilli(rs.getLong(6))),
        false);
  }

  // ---- ingest -------------------------------------------------------------------------------

  @Override
  public IngestResult ingest(
      List<StatusUpdate> statuses,
      List<PresenceUpdate> presences,
      List<FleetEvent> events,
      Instant now,
      Duration staleAfter) {
    long at = now.toEpochMilli();
    return write(
        "store " + (statuses.size() + presences.size() + events.size()) + " messages",
        c -> {
          Set<NodeId> touched = new HashSet<>();
          int stored = 0;
          int duplicates = 0;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE nodes SET status_sequence = ?, observed_generation = ?, cpu_millis = ?,"
                      + " memory_bytes = ?, memory_limit_bytes = ?, disk_free_bytes = ?,"
                      + " last_seen_at = ? WHERE id = ? AND status_sequence < ?")) {
            for (StatusUpdate s : statuses) {
              ps.setLong(1, s.sequence());
              ps.setLong(2, s.observedGeneration());
              ps.setLong(3, s.usage().cpuMillis());
              ps.setLong(4, s.usage().memoryBytes());
              ps.setLong(5, s.usage().memoryLimitBytes());
              ps.setLong(6, s.usage().diskFreeBytes());
              ps.setLong(7, at);
              ps.setString(8, s.node().value());
              ps.setLong(9, s.sequence());
              if (ps.executeUpdate() == 1) {
                stored++;
                touched.add(s.node());
                if (s.workloads() != null) {
                  replaceWorkloads(c, s.node(), s.workloads());
                }
              } else {
                duplicates++;
              }
            }
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE nodes SET presence = ?, presence_at = ?, last_seen_at = ?,"
                      + " agent_version = ?, boot_id = ? WHERE id = ?")) {
            for (PresenceUpdate p : presences) {
              ps.setString(1, p.presence().name());
              ps.setLong(2, at);
              ps.setLong(3, at);
              ps.setString(4, p.agentVersion());
              ps.setString(5, p.bootId());
              ps.setString(6, p.node().value());
              if (ps.executeUpdate() == 1) {
                touched.add(p.node());
              }
            }
          }
          // A status from a node proves it is connected, whatever its retained presence said.
          if (!statuses.isEmpty()) {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "UPDATE nodes SET presence = 'ONLINE' WHERE id = ? AND presence <> 'ONLINE'"
                        + " AND presence_at < ?")) {
              for (StatusUpdate s : statuses) {
                ps.setString(1, s.node().value());
                ps.setLong(2, at);
                ps.addBatch();
              }
              ps.executeBatch();
            }
          }
          int eventsStored = insertEvents(c, events, at);
          duplicates += events.size() - eventsStored;
          List<NodeId> changed = rederive(c, touched, now, staleAfter);
          return new IngestResult(stored, duplicates, eventsStored, changed);
        });
  }

  private static void replaceWorkloads(
      Connection c, NodeId node, List<WorkloadObservation> workloads) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM node_workloads WHERE node_id = ?")) {
      ps.setString(1, node.value());
      ps.executeUpdate();
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO node_workloads (node_id, name, revision, state, health, restart_count,"
                + " message, since) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (node_id, name) DO NOTHING")) {
      for (WorkloadObservation w : workloads) {
        ps.setString(1, node.value());
        ps.setString(2, w.name());
        ps.setString(3, w.revision());
        ps.setString(4, w.state());
        ps.setString(5, w.health());
        ps.setLong(6, w.restartCount());
        ps.setString(7, shorten(w.message(), 1024));
        if (w.since() == null) {
          ps.setNull(8, Types.BIGINT);
        } else {
          ps.setLong(8, w.since().toEpochMilli());
        }
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private List<NodeId> rederive(Connection c, Set<NodeId> touched, Instant now, Duration staleAfter)
      throws SQLException {
    List<NodeId> changed = new ArrayList<>();
    if (touched.isEmpty()) {
      return changed;
    }
    try (PreparedStatement read =
            c.prepareStatement("SELECT " + NODE_COLUMNS + " FROM nodes WHERE id = ?");
        PreparedStatement write =
            c.prepareStatement("UPDATE nodes SET state = ?, state_since = ? WHERE id = ?")) {
      for (NodeId id : touched) {
        read.setString(1, id.value());
        Node node;
        try (ResultSet rs = read.executeQuery()) {
          if (!rs.next()) {
            continue;
          }
          node = node(rs);
        }
        NodeState state =
            NodeStates.derive(
                node.presence(),
                node.lastSeenAt(),
                now,
                staleAfter,
                node.desiredGeneration(),
                node.observedGeneration(),
                workloads(c, id));
        if (state != node.state()) {
          write.setString(1, state.name());
          write.setLong(2, now.toEpochMilli());
          write.setString(3, id.value());
          write.addBatch();
          changed.add(id);
        }
      }
      write.executeBatch();
    }
    return changed;
  }

  @Override
  public List<NodeId> rederive(Collection<NodeId> nodes, Instant now, Duration staleAfter) {
    return write("re-derive node states", c -> rederive(c, new HashSet<>(nodes), now, staleAfter));
  }

  private int insertEvents(Connection c, List<FleetEvent> events, long receivedAt)
      throws SQLException {
    if (events.isEmpty()) {
      return 0;
    }
    int stored = 0;
    synchronized (eventOrderLock) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO events (node_id, sequence, ingest_order, at, received_at, severity,"
                  + " type, workload, generation, message, attributes)"
                  + " SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
                  + " WHERE EXISTS (SELECT 1 FROM nodes WHERE id = ?) OR ? = ''"
                  + " ON CONFLICT (node_id, sequence) DO NOTHING")) {
        for (FleetEvent e : events) {
          long order = ingestOrder.incrementAndGet();
          ps.setString(1, e.node());
          ps.setLong(2, e.sequence());
          ps.setLong(3, order);
          ps.setLong(4, e.at().toEpochMilli());
          ps.setLong(5, receivedAt);
          ps.setString(6, e.severity());
          ps.setString(7, shorten(e.type(), 128));
          ps.setString(8, shorten(e.workload(), 63));
          ps.setLong(9, e.generation());
          ps.setString(10, shorten(e.message(), 2048));
          ps.setString(11, json(e.attributes()));
          ps.setString(12, e.node());
          ps.setString(13, e.node());
          stored += ps.executeUpdate();
        }
      }
    }
    return stored;
  }

  // ---- events -------------------------------------------------------------------------------

  @Override
  public List<FleetEvent> events(
      @Nullable String node, @Nullable String workload, long afterOrder, int limit) {
    StringBuilder sql =
        new StringBuilder(
            "SELECT node_id, sequence, ingest_order, at, received_at, severity, type, workload,"
                + " generation, message, attributes FROM events WHERE ingest_order > ?");
    List<Object> params = new ArrayList<>();
    params.add(afterOrder);
    if (node != null) {
      sql.append(" AND node_id = ?");
      params.add(node);
    }
    if (workload != null) {
      sql.append(" AND workload = ?");
      params.add(workload);
    }
    sql.append(" ORDER BY ingest_order LIMIT ?");
    params.add(limit);
    return query(
        "list events",
        sql.toString(),
        rs ->
            new FleetEvent(
                rs.getString(1),
                rs.getLong(2),
                rs.getLong(3),
                Instant.ofEpochMilli(rs.getLong(4)),
                Instant.ofEpochMilli(rs.getLong(5)),
                rs.getString(6),
                rs.getString(7),
                rs.getString(8),
                rs.getLong(9),
                rs.getString(10),
                stringMap(rs.getString(11))),
        params.toArray());
  }

  @Override
  public void addControllerEvents(List<FleetEvent> events) {
    if (events.isEmpty()) {
      return;
    }
    write(
        "store controller events",
        c -> {
          long next;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT COALESCE(MAX(sequence), 0) FROM events WHERE node_id = ?")) {
            ps.setString(1, CONTROLLER_NODE);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              next = rs.getLong(1);
            }
          }
          List<FleetEvent> numbered = new ArrayList<>();
          for (FleetEvent e : events) {
            numbered.add(
                new FleetEvent(
                    CONTROLLER_NODE,
                    ++next,
                    0,
                    e.at(),
                    e.receivedAt(),
                    e.severity(),
                    e.type(),
                    e.workload(),
                    e.generation(),
                    e.message(),
                    e.attributes()));
          }
          insertEvents(c, numbered, events.get(0).receivedAt().toEpochMilli());
          return null;
        });
  }

  // ---- tokens -------------------------------------------------------------------------------

  @Override
  public void createApiToken(ApiToken token, String tokenHash) {
    write(
        "create an API token",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO api_tokens (id, token_hash, role, description, created_at,"
                      + " expires_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, token.id());
            ps.setString(2, tokenHash);
            ps.setString(3, token.role());
            ps.setString(4, token.description());
            ps.setLong(5, token.createdAt().toEpochMilli());
            if (token.expiresAt() == null) {
              ps.setNull(6, Types.BIGINT);
            } else {
              ps.setLong(6, token.expiresAt().toEpochMilli());
            }
            ps.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public Optional<ApiToken> apiTokenByHash(String tokenHash) {
    return query(
            "read an API token",
            "SELECT id, role, description, created_at, expires_at FROM api_tokens"
                + " WHERE token_hash = ?",
            JdbcFleetStore::apiToken,
            tokenHash)
        .stream()
        .findFirst();
  }

  private static ApiToken apiToken(ResultSet rs) throws SQLException {
    long expires = rs.getLong(5);
    boolean never = rs.wasNull();
    return new ApiToken(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        Instant.ofEpochMilli(rs.getLong(4)),
        never ? null : Instant.ofEpochMilli(expires));
  }

  @Override
  public List<ApiToken> apiTokens() {
    return query(
        "list API tokens",
        "SELECT id, role, description, created_at, expires_at FROM api_tokens"
            + " ORDER BY created_at, id",
        JdbcFleetStore::apiToken);
  }

  @Override
  public boolean deleteApiToken(String id) {
    return update("delete API token " + id, "DELETE FROM api_tokens WHERE id = ?", id);
  }

  @Override
  public void createEnrollmentToken(EnrollmentToken token, String tokenHash) {
    write(
        "create a bootstrap token",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO enrollment_tokens (id, token_hash, description, max_uses, uses,"
                      + " created_at, expires_at) VALUES (?, ?, ?, ?, 0, ?, ?)")) {
            ps.setString(1, token.id());
            ps.setString(2, tokenHash);
            ps.setString(3, token.description());
            ps.setInt(4, token.maxUses());
            ps.setLong(5, token.createdAt().toEpochMilli());
            ps.setLong(6, token.expiresAt().toEpochMilli());
            ps.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public List<EnrollmentToken> enrollmentTokens() {
    return query(
        "list bootstrap tokens",
        "SELECT id, description, max_uses, uses, created_at, expires_at"
            + " FROM enrollment_tokens ORDER BY created_at, id",
        rs ->
            new EnrollmentToken(
                rs.getString(1),
                rs.getString(2),
                rs.getInt(3),
                rs.getInt(4),
                Instant.ofEpochMilli(rs.getLong(5)),
                Instant.ofEpochMilli(rs.getLong(6))));
  }

  @Override
  public void close() {
    dataSource.close();
  }

  // ---- JSON columns -------------------------------------------------------------------------

  private static String json(Map<String, ?> map) {
    try {
      return JSON.writeValueAsString(new TreeMap<>(map));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a map as JSON", e);
    }
  }

  private static SortedMap<String, String> stringMap(String json) {
    try {
      return JSON.readValue(json, STRING_MAP);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored JSON column is corrupt: " + e.getMessage(), e);
    }
  }

  private static SortedMap<String, Integer> intMap(String json) {
    try {
      return JSON.readValue(json, INT_MAP);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored JSON column is corrupt: " + e.getMessage(), e);
    }
  }

  private static String shorten(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }
}
