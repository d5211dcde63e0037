package dev.flotilla.controller.api;

import dev.flotilla.controller.Controller;
import dev.flotilla.controller.FleetService;
import dev.flotilla.controller.Role;
import dev.flotilla.controller.api.ApiModels.AppliedView;
import dev.flotilla.controller.api.ApiModels.DecisionView;
import dev.flotilla.controller.api.ApiModels.DeploymentView;
import dev.flotilla.controller.api.ApiModels.EnrollRequest;
import dev.flotilla.controller.api.ApiModels.EnrollmentTokenRequest;
import dev.flotilla.controller.api.ApiModels.EventList;
import dev.flotilla.controller.api.ApiModels.EventView;
import dev.flotilla.controller.api.ApiModels.LabelRequest;
import dev.flotilla.controller.api.ApiModels.NodeList;
import dev.flotilla.controller.api.ApiModels.NodeView;
import dev.flotilla.controller.api.ApiModels.PlacementView;
import dev.flotilla.controller.api.ApiModels.ProfileView;
import dev.flotilla.controller.api.ApiModels.RevisionView;
import dev.flotilla.controller.api.ApiModels.RolloutSummary;
import dev.flotilla.controller.api.ApiModels.RolloutView;
import dev.flotilla.controller.api.ApiModels.Summary;
import dev.flotilla.controller.api.ApiModels.TaintBody;
import dev.flotilla.controller.api.ApiModels.TaintRequest;
import dev.flotilla.controller.api.ApiModels.TokenRequest;
import dev.flotilla.controller.api.ApiModels.UndoRequest;
import dev.flotilla.controller.api.ApiModels.UndoView;
import dev.flotilla.controller.fleet.LabelSelector;
import dev.flotilla.controller.manifest.ManifestFormat;
import dev.flotilla.controller.model.Deployment;
import dev.flotilla.controller.model.FleetEvent;
import dev.flotilla.controller.model.InvalidInputException;
import dev.flotilla.controller.model.Node;
import dev.flotilla.controller.model.NodeState;
import dev.flotilla.controller.model.Taint;
import dev.flotilla.controller.placement.Explanation;
import dev.flotilla.controller.placement.Explanation.NodeDecision;
import dev.flotilla.controller.rollout.RolloutRecord;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/** The fleet API, version 1: nodes, deployments, events, enrollment and tokens. */
@io.micronaut.http.annotation.Controller("/api/v1")
@ExecuteOn(TaskExecutors.BLOCKING)
final class FleetApi {
  private static final String YAML = "application/yaml";

  private final FleetService fleet;

  FleetApi(Controller controller) {
    this.fleet = controller.fleet();
  }

  // ---- nodes --------------------------------------------------------------------------------

  @Tag(name = "nodes")
  @Operation(summary = "List nodes, paged, filtered by a label selector and a state")
  @Get("/nodes")
  NodeList nodes(
      @QueryValue(defaultValue = "") String labelSelector,
      @QueryValue(defaultValue = "") String state,
      @QueryValue(defaultValue = "100") int limit,
      @QueryValue(value = "continue", defaultValue = "") String continueToken) {
    NodeState s = null;
    if (!state.isEmpty()) {
      try {
        s = NodeState.valueOf(state.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException(
            "state", "must be one of " + java.util.Arrays.toString(NodeState.values()));
      }
    }
    FleetService.NodePage page =
        fleet.nodes(LabelSelector.parse(labelSelector), s, limit, continueToken);
    return new NodeList(
        page.nodes().stream().map(n -> NodeView.of(n, null)).toList(),
        page.next().isEmpty() ? null : page.next());
  }

  @Tag(name = "nodes")
  @Operation(summary = "One node with the workloads it reported")
  @Get("/nodes/{id}")
  NodeView node(@PathVariable String id) {
    Node n = fleet.node(id);
    return NodeView.of(n, fleet.workloads(id));
  }

  @Tag(name = "nodes")
  @Operation(summary = "Add, change or (with null) remove labels of a node")
  @Patch(value = "/nodes/{id}/labels", consumes = MediaType.APPLICATION_JSON)
  NodeView label(@PathVariable String id, @Body String body) {
    LabelRequest request = JsonBodies.read(body, LabelRequest.class);
    if (request.labels() == null) {
      throw new InvalidInputException("labels", "is required: an object of label changes");
    }
    return NodeView.of(fleet.label(id, request.labels()), null);
  }

  @Tag(name = "nodes")
  @Operation(
      summary = "Replace a node's taints",
      description =
          "Taints keep deployments that do not tolerate them off the node: NoSchedule keeps new"
              + " ones off, NoExecute also takes off what runs. An empty list removes them all.")
  @Put(value = "/nodes/{id}/taints", consumes = MediaType.APPLICATION_JSON)
  NodeView taint(@PathVariable String id, @Body String body) {
    TaintRequest request = JsonBodies.read(body, TaintRequest.class);
    if (request.taints() == null) {
      throw new InvalidInputException("taints", "is required: a list of taints, empty for none");
    }
    List<Taint> taints = new ArrayList<>();
    for (int i = 0; i < request.taints().size(); i++) {
      TaintBody t = request.taints().get(i);
      String at = "taints[" + i + "]";
      if (t == null || t.key() == null) {
        throw new InvalidInputException(at + ".key", "is required");
      }
      Taint.Effect effect = t.effect() == null ? null : Taint.Effect.fromManifestName(t.effect());
      if (effect == null) {
        throw new InvalidInputException(at + ".effect", "must be NoSchedule or NoExecute");
      }
      taints.add(new Taint(t.key(), t.value() == null ? "" : t.value(), effect));
    }
    return NodeView.of(fleet.taint(id, taints), null);
  }

  @Tag(name = "nodes")
  @Operation(summary = "Cordon a node: it keeps what it runs and receives nothing new")
  @Post("/nodes/{id}/cordon")
  NodeView cordon(@PathVariable String id) {
    return NodeView.of(fleet.cordon(id, true), null);
  }

  @Tag(name = "nodes")
  @Operation(summary = "Uncordon a node")
  @Post("/nodes/{id}/uncordon")
  NodeView uncordon(@PathVariable String id) {
    return NodeView.of(fleet.cordon(id, false), null);
  }

  @Tag(name = "nodes")
  @Operation(summary = "Delete a node: its credentials stop working, its desired state is cleared")
  @Delete("/nodes/{id}")
  HttpResponse<Void> deleteNode(@PathVariable String id) {
    fleet.deleteNode(id);
    return HttpResponse.noContent();
  }

  // ---- deployments --------------------------------------------------------------------------

  @Tag(name = "deployments")
  @Operation(summary = "Create or replace a deployment from a YAML or JSON manifest")
  @Post("/deployments")
  @Consumes({MediaType.APPLICATION_JSON, YAML, "application/x-yaml", "text/yaml"})
  HttpResponse<AppliedView> apply(HttpRequest<?> request, @Body String body) {
    return applied(fleet.apply(body, format(request)));
  }

  private HttpResponse<AppliedView> applied(FleetService.Applied applied) {
    AppliedView view =
        new AppliedView(
            view(applied.deployment()),
            applied.created(),
            applied.newRevision(),
            applied.nodesChanged(),
            applied.rollout() == null ? null : RolloutSummary.of(applied.rollout()));
    return HttpResponse.status(applied.created() ? HttpStatus.CREATED : HttpStatus.OK).body(view);
  }

  @Tag(name = "deployments")
  @Operation(summary = "Replace a deployment; the manifest's metadata.name must match the path")
  @Put("/deployments/{name}")
  @Consumes({MediaType.APPLICATION_JSON, YAML, "application/x-yaml", "text/yaml"})
  HttpResponse<AppliedView> replace(
      HttpRequest<?> request, @PathVariable String name, @Body String body) {
    return applied(fleet.apply(body, format(request), name));
  }

  private static ManifestFormat format(HttpRequest<?> request) {
    return ManifestFormat.fromContentType(
        request.getContentType().map(MediaType::getName).orElse(""));
  }

  @Tag(name = "deployments")
  @Operation(summary = "List deployments with the states of the nodes they select")
  @Get("/deployments")
  List<DeploymentView> deployments() {
    List<Deployment> all = fleet.deployments();
    Map<String, Map<String, Long>> nodes = fleet.deploymentNodes(all);
    Map<String, RolloutRecord> rollouts = fleet.activeRollouts();
    return all.stream()
        .map(d -> DeploymentView.of(d, nodes.get(d.name()), rollouts.get(d.name())))
        .toList();
  }

  @Tag(name = "deployments")
  @Operation(summary = "One deployment")
  @Get("/deployments/{name}")
  DeploymentView deployment(@PathVariable String name) {
    return view(fleet.deployment(name));
  }

  @Tag(name = "deployments")
  @Operation(summary = "A deployment's canonical manifest, as JSON or YAML by the Accept header")
  @Get(
      value = "/deployments/{name}/manifest",
      produces = {MediaType.APPLICATION_JSON, YAML})
  HttpResponse<?> manifest(
      @PathVariable String name, @Header(value = "Accept", defaultValue = "") String accept) {
    Map<String, Object> doc = fleet.manifest(name);
    if (accept.contains("yaml")) {
      return HttpResponse.ok(new org.yaml.snakeyaml.Yaml().dump(doc))
          .contentType(MediaType.of(YAML));
    }
    return HttpResponse.ok(doc).contentType(MediaType.APPLICATION_JSON_TYPE);
  }

  @Tag(name = "deployments")
  @Operation(summary = "Every revision of a deployment, oldest first")
  @Get("/deployments/{name}/revisions")
  List<RevisionView> revisions(@PathVariable String name) {
    return fleet.revisions(name).stream().map(RevisionView::of).toList();
  }

  @Tag(name = "deployments")
  @Operation(
      summary = "Why the deployment runs where it runs",
      description =
          "Per node: placed (kept or newly chosen) or not, with every failed constraint and its"
              + " numbers. Filter with placed=true|false or node=ID; paged by node id.")
  @Get("/deployments/{name}/placement")
  PlacementView placement(
      @PathVariable String name,
      @QueryValue(defaultValue = "") String placed,
      @QueryValue(defaultValue = "") String node,
      @QueryValue(defaultValue = "1000") int limit,
      @QueryValue(value = "continue", defaultValue = "") String continueToken) {
    if (limit < 1 || limit > 10_000) {
      throw new InvalidInputException("limit", "must be 1 to 10000, was " + limit);
    }
    Boolean wantPlaced =
        switch (placed) {
          case "" -> null;
          case "true" -> true;
          case "false" -> false;
          default -> throw new InvalidInputException("placed", "must be true or false");
        };
    Explanation e = fleet.placement(name);
    Map<String, Long> reasons = new TreeMap<>();
    List<DecisionView> page = new ArrayList<>();
    String next = null;
    for (NodeDecision d : e.nodes()) {
      for (Explanation.Reason r : d.reasons()) {
        reasons.merge(r.constraint(), 1L, Long::sum);
      }
      boolean wanted =
          (wantPlaced == null || d.placed() == wantPlaced)
              && (node.isEmpty() || d.node().value().equals(node))
              && d.node().value().compareTo(continueToken) > 0;
      if (!wanted || next != null) {
        continue;
      }
      if (page.size() == limit) {
        next = page.get(page.size() - 1).node();
        continue;
      }
      page.add(DecisionView.of(d));
    }
    return new PlacementView(e.deployment(), e.replicas(), e.placed(), reasons, page, next);
  }

  @Tag(name = "deployments")
  @Operation(summary = "Delete a deployment: its workload leaves every node")
  @Delete("/deployments/{name}")
  HttpResponse<Void> deleteDeployment(@PathVariable String name) {
    fleet.deleteDeployment(name);
    return HttpResponse.noContent();
  }

  // ---- rollouts -----------------------------------------------------------------------------

  @Tag(name = "rollouts")
  @Operation(
      summary = "The deployment's rollout in progress, or else its latest, with its progress",
      description =
          "Counts the targeted nodes by condition (pending, updating, waiting, updated, failed,"
              + " unreachable) and names failed nodes with why, unreachable nodes and nodes"
              + " waiting for a maintenance window (up to 100 each).")
  @Get("/deployments/{name}/rollout")
  RolloutView rollout(@PathVariable String name) {
    return RolloutView.of(fleet.rollout(name));
  }

  @Tag(name = "rollouts")
  @Operation(summary = "The deployment's rollouts, newest first")
  @Get("/deployments/{name}/rollouts")
  List<RolloutSummary> rollouts(
      @PathVariable String name, @QueryValue(defaultValue = "100") int limit) {
    return fleet.rollouts(name, limit).stream().map(RolloutSummary::of).toList();
  }

  @Tag(name = "rollouts")
  @Operation(
      summary = "Pause, resume, promote or abort the rollout in progress, or lift its windows",
      description =
          "command: pause (release nothing more), resume (go on; failures so far are accepted),"
              + " promote (skip the current pause, or the current step's gate), abort (every node"
              + " back to the revision the rollout started from), override-windows (an emergency:"
              + " nodes update outside their maintenance windows). 409 when no rollout is in"
              + " progress or the command does not apply.")
  @Post("/deployments/{name}/rollout/{command}")
  RolloutView command(@PathVariable String name, @PathVariable String command) {
    return RolloutView.of(fleet.command(name, FleetService.RolloutCommand.of(command)));
  }

  @Tag(name = "rollouts")
  @Operation(
      summary = "Return to an earlier revision through a new rollout",
      description =
          "Body {\"toRevision\": N}; without it, the revision the current (or last) rollout"
              + " started from. The deployment's strategy takes the nodes there.")
  @Post(value = "/deployments/{name}/undo", consumes = MediaType.APPLICATION_JSON)
  UndoView undo(@PathVariable String name, @Body @Nullable String body) {
    Integer to =
        body == null || body.isBlank()
            ? null
            : JsonBodies.read(body, UndoRequest.class).toRevision();
    if (to != null && to < 1) {
      throw new InvalidInputException("toRevision", "must be a revision number (1 or more)");
    }
    FleetService.Undone u = fleet.undo(name, to);
    return new UndoView(u.revision(), u.rollout() == null ? null : RolloutView.of(u.rollout()));
  }

  private DeploymentView view(Deployment d) {
    return DeploymentView.of(
        d, fleet.deploymentNodes(List.of(d)).get(d.name()), fleet.activeRollouts().get(d.name()));
  }

  // ---- events and summary -------------------------------------------------------------------

  @Tag(name = "events")
  @Operation(summary = "Events in the order they were stored, filtered by node or deployment")
  @Get("/events")
  EventList events(
      @QueryValue(defaultValue = "") String node,
      @QueryValue(defaultValue = "") String deployment,
      @QueryValue(defaultValue = "0") long after,
      @QueryValue(defaultValue = "100") int limit) {
    List<FleetEvent> events =
        fleet.events(
            node.isEmpty() ? null : node, deployment.isEmpty() ? null : deployment, after, limit);
    long next = events.isEmpty() ? after : events.get(events.size() - 1).order();
    return new EventList(events.stream().map(EventView::of).toList(), next);
  }

  @Tag(name = "fleet")
  @Operation(summary = "Node counts by state and the number of deployments")
  @Get("/fleet/summary")
  Summary summary() {
    Map<NodeState, Long> counts = fleet.summary();
    Map<String, Long> byState = new TreeMap<>();
    long total = 0;
    for (Map.Entry<NodeState, Long> e : counts.entrySet()) {
      byState.put(e.getKey().name(), e.getValue());
      total += e.getValue();
    }
    return new Summary(total, byState, fleet.deployments().size());
  }

  // ---- firmware profiles --------------------------------------------------------------------

  @Tag(name = "profiles")
  @Operation(summary = "The firmware profiles nodes may name: built-in and the operator's own")
  @Get("/profiles")
  List<ProfileView> profiles() {
    return fleet.profiles().all().stream().map(ProfileView::of).toList();
  }

  @Tag(name = "profiles")
  @Operation(summary = "One firmware profile")
  @Get("/profiles/{name}")
  ProfileView profile(@PathVariable String name) {
    return fleet
        .profiles()
        .find(name)
        .map(ProfileView::of)
        .orElseThrow(() -> new FleetService.NotFoundException("no profile " + name));
  }

  // ---- enrollment and tokens ----------------------------------------------------------------

  @Tag(name = "enrollment")
  @Operation(
      summary = "Enroll a node with a bootstrap token",
      description = "Answers the node's MQTT credentials, the broker URL and the controller's key.")
  @Post(value = "/enroll", consumes = MediaType.APPLICATION_JSON)
  FleetService.Enrollment enroll(HttpRequest<?> request, @Body String body) {
    EnrollRequest r = JsonBodies.read(body, EnrollRequest.class);
    if (r.token() == null || r.token().isEmpty()) {
      throw new InvalidInputException("token", "is required: the bootstrap token");
    }
    if (r.nodeId() == null) {
      throw new InvalidInputException("nodeId", "is required");
    }
    String host = request.getHeaders().get("Host");
    String hostName = host == null ? "" : host.replaceFirst(":\\d+$", "");
    return fleet.enroll(r.token(), r.nodeId(), r.labels(), r.profile(), hostName);
  }

  @Tag(name = "tokens")
  @Operation(summary = "Create an API token (ADMIN or VIEWER); the secret is shown once")
  @Post(value = "/tokens", consumes = MediaType.APPLICATION_JSON)
  HttpResponse<ApiModels.IssuedTokenView> createToken(@Body String body) {
    TokenRequest r = JsonBodies.read(body, TokenRequest.class);
    Role role;
    try {
      role = Role.valueOf(String.valueOf(r.role()).toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("role", "must be ADMIN or VIEWER");
    }
    Duration ttl = r.ttl() == null ? null : duration("ttl", r.ttl());
    return HttpResponse.created(
        ApiModels.IssuedTokenView.of(
            fleet.createApiToken(role, r.description() == null ? "" : r.description(), ttl)));
  }

  @Tag(name = "tokens")
  @Operation(summary = "Create a bootstrap token for enrollment; the secret is shown once")
  @Post(value = "/enrollment-tokens", consumes = MediaType.APPLICATION_JSON)
  HttpResponse<ApiModels.IssuedTokenView> createEnrollmentToken(@Body String body) {
    EnrollmentTokenRequest r = JsonBodies.read(body, EnrollmentTokenRequest.class);
    return HttpResponse.created(
        ApiModels.IssuedTokenView.of(
            fleet.createEnrollmentToken(
                r.description() == null ? "" : r.description(),
                r.maxUses() == null ? 1 : r.maxUses(),
                r.ttl() == null ? Duration.ofHours(24) : duration("ttl", r.ttl()))));
  }

  static Duration duration(String field, String text) {
    return ApiDurations.parse(text)
        .orElseThrow(
            () -> new InvalidInputException(field, "must be a duration such as 30m, 24h or 7d"));
  }
}
