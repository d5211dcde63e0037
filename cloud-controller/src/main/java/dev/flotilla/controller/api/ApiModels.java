package dev.flotilla.controller.api;

import dev.flotilla.controller.FleetService;
import dev.flotilla.controller.model.Deployment;
import dev.flotilla.controller.model.FleetEvent;
import dev.flotilla.controller.model.Node;
import dev.flotilla.controller.model.Taint;
import dev.flotilla.controller.model.WorkloadObservation;
import dev.flotilla.controller.placement.Explanation;
import dev.flotilla.controller.placement.Explanation.NodeDecision;
import dev.flotilla.controller.rollout.Counts;
import dev.flotilla.controller.rollout.RolloutRecord;
import dev.flotilla.profiles.Capacity;
import dev.flotilla.profiles.FirmwareProfile;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The JSON shapes of the API. Times are ISO-8601 strings in UTC. */
final class ApiModels {
  private ApiModels() {}

  static @Nullable String time(@Nullable Instant at) {
    return at == null ? null : at.toString();
  }

  /** A token as issued: its secret is shown this once. */
  record IssuedTokenView(String id, String token, String role, @Nullable String expiresAt) {
    static IssuedTokenView of(FleetService.IssuedToken t) {
      return new IssuedTokenView(t.id(), t.token(), t.role(), time(t.expiresAt()));
    }
  }

  /** A node in lists and on its own. */
  record NodeView(
      String id,
      String state,
      String stateSince,
      String presence,
      @Nullable String lastSeenAt,
      boolean cordoned,
      List<TaintBody> taints,
      String profile,
      Map<String, String> labels,
      String agentVersion,
      long desiredGeneration,
      long observedGeneration,
      String enrolledAt,
      Node.Usage usage,
      @Nullable List<WorkloadView> workloads) {
    static NodeView of(Node n, @Nullable List<WorkloadObservation> workloads) {
      return new NodeView(
          n.id().value(),
          n.state().name(),
          time(n.stateSince()),
          n.presence().name(),
          time(n.lastSeenAt()),
          n.cordoned(),
          n.taints().stream().map(TaintBody::of).toList(),
          n.profile(),
          n.labels(),
          n.agentVersion(),
          n.desiredGeneration(),
          n.observedGeneration(),
          time(n.enrolledAt()),
          n.usage(),
          workloads == null ? null : workloads.stream().map(WorkloadView::of).toList());
    }
  }

  /** A workload as its node reported it. */
  record WorkloadView(
      String name,
      String revision,
      String state,
      String health,
      long restartCount,
      String message,
      @Nullable String since) {
    static WorkloadView of(WorkloadObservation w) {
      return new WorkloadView(
          w.name(),
          w.revision(),
          w.state(),
          w.health(),
          w.restartCount(),
          w.message(),
          time(w.since()));
    }
  }

  /** A page of nodes; pass {@code continue} back to get the next page. */
  record NodeList(List<NodeView> items, @Nullable String continueToken) {}

  /** A deployment with where it stands. */
  record DeploymentView(
      String name,
      int revision,
      String selector,
      String image,
      @Nullable Integer replicas,
      String createdAt,
      Map<String, Long> nodes,
      int stableRevision,
      @Nullable RolloutSummary rollout) {
    /**
     * @param rollout the deployment's active rollout, if any: then {@code revision} is the one it
     *     brings and {@code stableRevision} the one the nodes it has not released run
     */
    static DeploymentView of(
        Deployment d, Map<String, Long> nodes, @Nullable RolloutRecord rollout) {
      return new DeploymentView(
          d.name(),
          d.revision(),
          d.selector().toString(),
          d.template().image(),
          d.placement().replicas(),
          time(d.createdAt()),
          nodes,
          rollout == null ? d.revision() : rollout.fromRevision(),
          rollout == null ? null : RolloutSummary.of(rollout));
    }
  }

  /** A taint on a node, in requests and answers; {@code effect} is NoSchedule or NoExecute. */
  record TaintBody(String key, @Nullable String value, String effect) {
    static TaintBody of(Taint t) {
      return new TaintBody(t.key(), t.value(), t.effect().manifestName());
    }
  }

  /**
   * Why a deployment runs where it runs.
   *
   * @param replicas null for an every-node deployment
   * @param placed on how many nodes it is placed
   * @param reasons for the nodes left out, how many failed each constraint (all nodes, not the
   *     page)
   * @param nodes the page of per-node decisions asked for
   * @param continueToken pass back as {@code continue} for the next page; null on the last
   */
  record PlacementView(
      String deployment,
      @Nullable Integer replicas,
      int placed,
      Map<String, Long> reasons,
      List<DecisionView> nodes,
      @Nullable String continueToken) {}

  /** Placement's decision for one node; {@code note} is kept or chosen for a placed node. */
  record DecisionView(String node, boolean placed, String note, List<Explanation.Reason> reasons) {
    static DecisionView of(NodeDecision d) {
      return new DecisionView(d.node().value(), d.placed(), d.note(), d.reasons());
    }
  }

  /** A firmware profile as the catalog holds it; CPU in millicores, memory and storage in bytes. */
  record ProfileView(
      String name,
      String description,
      String architecture,
      String firmware,
      String firmwareVersion,
      Capacity capacity,
      Capacity reserved,
      Capacity allocatable,
      Map<String, Integer> peripherals,
      String connectivity,
      Map<String, String> agentSettings) {
    static ProfileView of(FirmwareProfile p) {
      return new ProfileView(
          p.name(),
          p.description(),
          p.architecture().ociName(),
          p.firmware().name(),
          p.firmware().version().toString(),
          p.capacity(),
          p.reserved(),
          p.allocatable(),
          p.peripherals(),
          p.connectivity().yamlName(),
          p.agent().agentSettings());
    }
  }

  /** What applying a manifest did. */
  /**
   * @param rollout the rollout the change started; null when none
   */
  record AppliedView(
      DeploymentView deployment,
      boolean created,
      boolean newRevision,
      int nodesChanged,
      @Nullable RolloutSummary rollout) {}

  /** A rollout without its nodes. */
  record RolloutSummary(
      long id,
      String deployment,
      int fromRevision,
      int toRevision,
      String state,
      int step,
      String stepStartedAt,
      @Nullable String pausedUntil,
      String pauseReason,
      int acceptedFailures,
      boolean overrideWindows,
      String cause,
      String message,
      String createdAt,
      String updatedAt,
      @Nullable String finishedAt) {
    static RolloutSummary of(RolloutRecord r) {
      return new RolloutSummary(
          r.id(),
          r.deployment(),
          r.fromRevision(),
          r.toRevision(),
          r.state().name(),
          r.step(),
          time(r.stepStartedAt()),
          r.pausedUntil() == null ? null : time(r.pausedUntil()),
          r.pauseReason(),
          r.acceptedFailures(),
          r.overrideWindows(),
          r.cause(),
          r.message(),
          time(r.createdAt()),
          time(r.updatedAt()),
          r.finishedAt() == null ? null : time(r.finishedAt()));
    }
  }

  /**
   * A rollout with its progress: {@code steps} (canary steps or waves; 1 otherwise), {@code
   * progress} (null once finished), failed nodes with why, unreachable and waiting nodes.
   */
  record RolloutView(
      RolloutSummary rollout,
      int steps,
      @Nullable ProgressView progress,
      List<FailedNodeView> failedNodes,
      List<String> unreachableNodes,
      List<String> waitingNodes) {
    static RolloutView of(FleetService.RolloutStatus s) {
      Counts c = s.counts();
      return new RolloutView(
          RolloutSummary.of(s.rollout()),
          s.steps(),
          c == null
              ? null
              : new ProgressView(
                  c.targeted(),
                  c.released(),
                  c.pending(),
                  c.updating(),
                  c.waiting(),
                  c.updated(),
                  c.failed(),
                  c.unreachable()),
          s.failed().stream().map(n -> new FailedNodeView(n.node(), n.note())).toList(),
          s.unreachable(),
          s.waiting());
    }
  }

  record ProgressView(
      int targeted,
      int released,
      int pending,
      int updating,
      int waiting,
      int updated,
      int failed,
      int unreachable) {}

  record FailedNodeView(String node, String reason) {}

  /**
   * @param rollout the rollout the undo started; null when every node simply runs it again
   */
  record UndoView(int revision, @Nullable RolloutView rollout) {}

  /**
   * @param toRevision null: the revision the current or last rollout started from
   */
  record UndoRequest(@Nullable Integer toRevision) {}

  record RevisionView(
      int revision, String templateHash, String createdAt, Map<String, Object> manifest) {
    static RevisionView of(FleetService.Revision r) {
      return new RevisionView(r.revision(), r.templateHash(), time(r.createdAt()), r.manifest());
    }
  }

  /** An event; {@code node} is empty for the controller's own. */
  record EventView(
      long order,
      String node,
      long sequence,
      String at,
      String receivedAt,
      String severity,
      String type,
      String workload,
      long generation,
      String message,
      Map<String, String> attributes) {
    static EventView of(FleetEvent e) {
      return new EventView(
          e.order(),
          e.node(),
          e.sequence(),
          time(e.at()),
          time(e.receivedAt()),
          e.severity(),
          e.type(),
          e.workload(),
          e.generation(),
          e.message(),
          e.attributes());
    }
  }

  /** A page of events; pass {@code next} as {@code after} for the following page. */
  record EventList(List<EventView> items, long next) {}

  record Summary(long total, Map<String, Long> byState, long deployments) {}

  // ---- request bodies -------------------------------------------------------------------------

  record EnrollRequest(
      String token,
      String nodeId,
      @Nullable Map<String, String> labels,
      @Nullable String profile) {}

  record LabelRequest(Map<String, @Nullable String> labels) {}

  record TaintRequest(@Nullable List<TaintBody> taints) {}

  record TokenRequest(String role, @Nullable String description, @Nullable String ttl) {}

  record EnrollmentTokenRequest(
      @Nullable String description, @Nullable Integer maxUses, @Nullable String ttl) {}
}
