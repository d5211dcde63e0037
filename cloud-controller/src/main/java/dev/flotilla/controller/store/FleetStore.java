package dev.flotilla.controller.store;

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
 * The controller's durable state: nodes, deployments with their revisions and rollouts, what each
 * node was sent, what it reported, events and tokens. One port; {@code JdbcFleetStore} is the
 * adapter (SQLite by default, PostgreSQL for several controllers).
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

  /**
   * A deployment as stored.
   *
   * @param revision the target revision: what every node runs once no rollout is active. While one
   *     is, nodes it has not released stay on its {@link RolloutRecord#fromRevision()}
   * @param manifest the canonical JSON manifest last applied: selector, placement, strategy and
   *     windows are read from it
   * @param templateManifest the canonical JSON manifest of {@code revision} as stored with that
   *     revision: the template is read from it (after an undo it is an older template than {@code
   *     manifest}'s)
   */
  record DeploymentRow(
      String name,
      int revision,
      String manifest,
      String templateManifest,
      Instant createdAt,
      Instant updatedAt) {}

  /** One immutable revision of a deployment's template. */
  record RevisionRow(
      String deployment, int revision, String templateHash, String manifest, Instant createdAt) {}

  /**
   * What {@link #putDeployment} did.
   *
   * @param newRevision a revision was added (false when the template is the target's or an older
   *     revision's)
   * @param rollout the rollout it started; null when none (a first install, the target's template
   *     again, or going back to the revision an active rollout started from)
   */
  record PutResult(
      DeploymentRow deployment,
      boolean created,
      boolean newRevision,
      @Nullable RolloutRecord rollout) {}

  /**
   * Creates or replaces a deployment, in one transaction. The manifest is always replaced. A new
   * deployment gets revision 1 and no rollout. Otherwise the template hash decides: the target
   * revision's hash changes no revision; an older revision's hash makes that revision the target
   * again; a hash never seen adds revision max + 1. A target change starts a rollout to it (cause
   * {@code apply}) as {@link #undo} does.
   */
  PutResult putDeployment(String name, String manifest, String templateHash, Instant now);

  Optional<DeploymentRow> deployment(String name);

  /** Every deployment, by name. */
  List<DeploymentRow> deployments();

  /** Deletes the deployment with its revisions and rollouts. */
  boolean deleteDeployment(String name);

  /** The deployment's revisions, oldest first; empty when there is no such deployment. */
  List<RevisionRow> revisions(String deployment);

  // ---- rollouts -----------------------------------------------------------------------------

  /** The deployment or the revision asked for does not exist; nothing was written. */
  final class NoSuchRevisionException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public NoSuchRevisionException(String message) {
      super(message);
    }
  }

  /**
   * Makes {@code toRevision} the deployment's target again, in one transaction. An active rollout
   * is superseded. The new rollout (cause {@code undo}) starts from the stable revision: the active
   * rollout's {@code fromRevision}, or the target when none is active.
   *
   * @return the rollout started; empty when {@code toRevision} is already the target (nothing
   *     changes, an active rollout to it goes on) or is the stable revision (the active rollout is
   *     superseded and every node runs {@code toRevision} again)
   * @throws NoSuchRevisionException when the deployment or its revision does not exist
   */
  Optional<RolloutRecord> undo(String deployment, int toRevision, Instant now);

  /**
   * Every active rollout (PROGRESSING or PAUSED), by deployment name: one read of an index that
   * holds only the active ones, cheap when there are none.
   */
  List<RolloutRecord> activeRollouts();

  /** The deployment's active rollout; empty when none (or no such deployment). */
  Optional<RolloutRecord> activeRollout(String deployment);

  Optional<RolloutRecord> rollout(long id);

  /** The deployment's last {@code limit} rollouts, newest first. */
  List<RolloutRecord> rollouts(String deployment, int limit);

  /** The nodes a rollout released, by node id; empty when none or no such rollout. */
  Map<NodeId, ReleasedNode> releasedNodes(long rolloutId);

  /**
   * Applies a change to an active rollout in one transaction, if its stored version is still {@code
   * expectedVersion}: writes every scalar field of the update, bumps the version and sets {@code
   * updatedAt}; records {@code update.release()} released at {@code now} (nodes already released
   * keep their time); marks {@code update.failures()} failed at {@code now} (nodes already failed
   * keep their time and reason; nodes it never released are ignored). A rollout finishing {@link
   * RolloutState#ROLLED_BACK} or {@link RolloutState#ABORTED} sets its deployment's revision back
   * to {@code fromRevision} if it is still {@code toRevision}.
   *
   * @return false, having changed nothing, when the version moved on, the rollout is no longer
   *     active or there is no such rollout
   */
  boolean updateRollout(long id, long expectedVersion, RolloutUpdate update, Instant now);

  /** Every node's workload of that name in its last full status, by node. */
  Map<NodeId, WorkloadObservation> observations(String workload);

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
