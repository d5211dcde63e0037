package dev.flotilla.controller.store;

import dev.flotilla.controller.model.FleetEvent;
import dev.flotilla.controller.model.Node;
import dev.flotilla.controller.model.NodeState;
import dev.flotilla.controller.model.Presence;
import dev.flotilla.controller.model.Taint;
import dev.flotilla.controller.model.WorkloadObservation;
import dev.flotilla.protocol.NodeId;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import org.jspecify.annotations.Nullable;

/**
 * The controller's durable state: nodes, deployments and their revisions, what each node was sent,
 * what it reported, events and tokens. One port; {@code JdbcFleetStore} is the adapter (SQLite by
 * default, PostgreSQL for several controllers).
 *
 * <p>Thread-safe. Every method is one transaction; a failure throws {@link FleetStoreException} and
 * leaves nothing half-written.
 */
public interface FleetStore extends AutoCloseable {

  // ---- nodes ------------------------------------------------------------------------------

  /** The outcome of {@link #enroll}. */
  enum EnrollOutcome {
    ENROLLED,
    /** The bootstrap token is unknown, expired or used up. */
    TOKEN_REFUSED,
    /** A node with that id is already enrolled. */
    NODE_EXISTS
  }

  /**
   * Uses one of the bootstrap token's uses and enrolls the node, both or neither.
   *
   * @param credentialHash SHA-256 (hex) of the node's new MQTT password
   */
  EnrollOutcome enroll(
      String tokenHash,
      NodeId node,
      String profile,
      SortedMap<String, String> labels,
      String credentialHash,
      Instant now);

  Optional<Node> node(NodeId id);

  /** Up to {@code limit} nodes with ids after {@code afterId} (empty: from the start), by id. */
  List<Node> nodes(String afterId, int limit);

  /** Every node, by id. */
  List<Node> allNodes();

  /**
   * @return false when there is no such node
   */
  boolean setLabels(NodeId id, SortedMap<String, String> labels);

  /**
   * Replaces the node's taints.
   *
   * @return false when there is no such node
   */
  boolean setTaints(NodeId id, List<Taint> taints);

  /**
   * @return false when there is no such node
   */
  boolean setCordoned(NodeId id, boolean cordoned);

  /** Deletes the node with everything stored about it, its events aside. */
  boolean deleteNode(NodeId id);

  /** Node id to credential hash, for the broker's authenticator. */
  Map<String, String> credentialHashes();

  /** The workloads in the node's last full status, by name. */
  List<WorkloadObservation> workloads(NodeId id);

  Map<NodeState, Long> countByState();

  /**
   * Marks {@code UNREACHABLE} every seen node whose last message is older than {@code now -
   * staleAfter}.
   *
   * @return the nodes that changed
   */
  List<NodeId> markStale(Instant now, Duration staleAfter);

  // ---- deployments --------------------------------------------------------------------------

  /** A deployment as stored; {@code manifest} is its canonical JSON manifest. */
  record DeploymentRow(
      String name, int revision, String manifest, Instant createdAt, Instant updatedAt) {}

  /** One immutable revision of a deployment's template. */
  record RevisionRow(
      String deployment, int revision, String templateHash, String manifest, Instant createdAt) {}

  /** What {@link #putDeployment} did. */
  record PutResult(DeploymentRow deployment, boolean created, boolean newRevision) {}

  /**
   * Creates or replaces a deployment. A template hash that differs from the current revision's
   * makes a new revision; otherwise only the manifest (selector, labels) changes.
   */
  PutResult putDeployment(String name, String manifest, String templateHash, Instant now);

  Optional<DeploymentRow> deployment(String name);

  /** Every deployment, by name. */
  List<DeploymentRow> deployments();

  /** Deletes the deployment and its revisions. */
  boolean deleteDeployment(String name);

  /** The deployment's revisions, oldest first; empty when there is no such deployment. */
  List<RevisionRow> revisions(String deployment);

  // ---- desired states ---------------------------------------------------------------------

  /**
   * What a node was last sent.
   *
   * @param revisions deployment name to revision, the content of that generation
   * @param signed the signed message as published, kept until the broker acknowledged it
   */
  record DesiredRow(
      NodeId node,
      long generation,
      String contentHash,
      SortedMap<String, Integer> revisions,
      byte[] signed,
      boolean published,
      Instant issuedAt) {
    public DesiredRow {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(contentHash, "contentHash");
      Objects.requireNonNull(signed, "signed");
    }
  }

  /** Every node's last desired state, without the signed payload (empty array). */
  Map<NodeId, DesiredRow> desiredSummaries();

  /** Stores new desired states (unpublished), in one transaction for the whole batch. */
  void saveDesired(Collection<DesiredRow> rows);

  /** Marks the given generations published; a newer generation stored since stays unpublished. */
  void markPublished(Map<NodeId, Long> generations);

  /** Desired states not yet acknowledged by the broker, with their payloads. */
  List<DesiredRow> unpublished();

  // ---- ingest -------------------------------------------------------------------------------

  /** A status as received. {@code workloads} is null for a summary, which leaves them as are. */
  record StatusUpdate(
      NodeId node,
      long sequence,
      long observedGeneration,
      Node.Usage usage,
      @Nullable List<WorkloadObservation> workloads) {}

  /** A presence as received. */
  record PresenceUpdate(NodeId node, Presence presence, String agentVersion, String bootId) {}

  /** What {@link #ingest} stored and skipped. */
  record IngestResult(int statusesStored, int duplicates, int eventsStored, List<NodeId> changed) {}

  /**
   * Stores a batch of messages in one transaction: statuses whose sequence is not above the stored
   * one and events already stored are skipped (de-duplication by node and sequence); messages for
   * nodes that are not enrolled are skipped. Touched nodes get their state re-derived.
   *
   * @param now the time of receipt, recorded as the nodes' last seen time
   */
  IngestResult ingest(
      List<StatusUpdate> statuses,
      List<PresenceUpdate> presences,
      List<FleetEvent> events,
      Instant now,
      Duration staleAfter);

  /** Re-derives the state of the given nodes, e.g. after a new generation was dispatched. */
  List<NodeId> rederive(Collection<NodeId> nodes, Instant now, Duration staleAfter);

  // ---- events -------------------------------------------------------------------------------

  /**
   * Events by the order they were stored.
   *
   * @param node only this node's ({@code ""} for the controller's own); null for all
   * @param workload only those about this workload; null for all
   * @param afterOrder events stored after this one (0 from the start)
   */
  List<FleetEvent> events(
      @Nullable String node, @Nullable String workload, long afterOrder, int limit);

  /** Adds events the controller itself raised (node {@code ""}), numbering them. */
  void addControllerEvents(List<FleetEvent> events);

  // ---- tokens -------------------------------------------------------------------------------

  /** An API token as stored (the secret itself is never stored). */
  record ApiToken(
      String id, String role, String description, Instant createdAt, @Nullable Instant expiresAt) {}

  void createApiToken(ApiToken token, String tokenHash);

  Optional<ApiToken> apiTokenByHash(String tokenHash);

  List<ApiToken> apiTokens();

  boolean deleteApiToken(String id);

  /** A bootstrap token for enrollment as stored. */
  record EnrollmentToken(
      String id, String description, int maxUses, int uses, Instant createdAt, Instant expiresAt) {}

  void createEnrollmentToken(EnrollmentToken token, String tokenHash);

  List<EnrollmentToken> enrollmentTokens();

  @Override
  void close();
}
