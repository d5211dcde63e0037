package dev.flotilla.controller;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flotilla.controller.dispatch.DesiredStateComposer;
import dev.flotilla.controller.dispatch.Dispatcher;
import dev.flotilla.controller.fleet.LabelRules;
import dev.flotilla.controller.fleet.LabelSelector;
import dev.flotilla.controller.manifest.DeploymentManifest;
import dev.flotilla.controller.manifest.ManifestFormat;
import dev.flotilla.controller.manifest.ManifestReader;
import dev.flotilla.controller.manifest.ManifestWriter;
import dev.flotilla.controller.model.Deployment;
import dev.flotilla.controller.model.FleetEvent;
import dev.flotilla.controller.model.InvalidInputException;
import dev.flotilla.controller.model.Node;
import dev.flotilla.controller.model.NodeState;
import dev.flotilla.controller.model.Taint;
import dev.flotilla.controller.model.WorkloadObservation;
import dev.flotilla.controller.model.WorkloadTemplate;
import dev.flotilla.controller.mqtt.ControllerLink;
import dev.flotilla.controller.placement.Explanation;
import dev.flotilla.controller.placement.FleetSnapshot;
import dev.flotilla.controller.placement.Placement;
import dev.flotilla.controller.placement.Scheduler;
import dev.flotilla.controller.rollout.Counts;
import dev.flotilla.controller.rollout.NodeCondition;
import dev.flotilla.controller.rollout.NodeProgress;
import dev.flotilla.controller.rollout.ReleasedNode;
import dev.flotilla.controller.rollout.Rollout;
import dev.flotilla.controller.rollout.RolloutEngine;
import dev.flotilla.controller.rollout.RolloutRecord;
import dev.flotilla.controller.rollout.RolloutUpdate;
import dev.flotilla.controller.store.FleetStore;
import dev.flotilla.controller.store.FleetStore.DeploymentRow;
import dev.flotilla.profiles.ProfileCatalog;
import dev.flotilla.protocol.NodeId;
import dev.flotilla.protocol.SigningKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet operations behind the API: enrollment, nodes, deployments, events, tokens. Every change
 * is stored first, then dispatch is asked to recompute.
 *
 * <p>Thread-safe. Input errors throw {@link InvalidInputException} (a 400 or 422), a missing object
 * {@link NotFoundException} (404), a conflict {@link ConflictException} (409).
 */
public final class FleetService {
  private static final Logger LOG = LoggerFactory.getLogger(FleetService.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How long an API call that changes placements waits for its dispatch before answering. */
  private static final long DISPATCH_WAIT_SECONDS = 30;

  private final FleetStore store;
  private final StoreCredentials credentials;
  private final ControllerSecrets secrets;
  private final Clock clock;
  private final ControllerSettings settings;
  private final String linkBrokerUrl;
  private final boolean embedded;
  private final ProfileCatalog profiles;
  private final Map<String, Deployment> parsed = new ConcurrentHashMap<>();
  private Dispatcher dispatcher;
  private ControllerLink link;

  /** The object asked for does not exist. */
  public static final class NotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NotFoundException(String message) {
      super(message);
    }
  }

  /** The change conflicts with what exists. */
  public static final class ConflictException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConflictException(String message) {
      super(message);
    }
  }

  FleetService(
      FleetStore store,
      StoreCredentials credentials,
      ControllerSecrets secrets,
      Clock clock,
      ControllerSettings settings,
      String linkBrokerUrl,
      boolean embedded,
      ProfileCatalog profiles) {
    this.store = store;
    this.credentials = credentials;
    this.secrets = secrets;
    this.clock = clock;
    this.settings = settings;
    this.linkBrokerUrl = linkBrokerUrl;
    this.embedded = embedded;
    this.profiles = profiles;
  }

  void attach(Dispatcher dispatcher, ControllerLink link) {
    this.dispatcher = dispatcher;
    this.link = link;
  }

  Instant now() {
    return clock.instant();
  }

  public FleetStore store() {
    return store;
  }

  // ---- tokens -------------------------------------------------------------------------------

  /** A token as handed out: the secret is shown once and never stored. */
  public record IssuedToken(String id, String token, String role, Instant expiresAt) {}

  /** Writes a first admin token to {@code admin-token} in the data directory, once. */
  void ensureAdminToken() {
    if (!store.apiTokens().isEmpty()) {
      return;
    }
    Path file = settings.dataDir().resolve("admin-token");
    try {
      Files.deleteIfExists(file);
      IssuedToken t = createApiToken(Role.ADMIN, "first admin token", null);
      ControllerSecrets.writeSecret(file, t.token() + "\n");
      LOG.info("controller.admin-token file={}", file.toAbsolutePath());
    } catch (IOException e) {
      throw new IllegalStateException("cannot write the first admin token to " + file, e);
    }
  }

  public IssuedToken createApiToken(Role role, String description, @Nullable Duration ttl) {
    checkDescription(description);
    String secret = Tokens.API_PREFIX + ControllerSecrets.randomSecret();
    String id = ControllerSecrets.randomId();
    Instant now = clock.instant();
    Instant expires = ttl == null ? null : now.plus(ttl);
    store.createApiToken(
        new FleetStore.ApiToken(id, role.name(), description, now, expires), Tokens.sha256(secret));
    return new IssuedToken(id, secret, role.name(), expires);
  }

  /** The role of a presented API token; empty when unknown or expired. */
  public Optional<Role> authenticate(String token) {
    return apiToken(token).map(t -> Role.valueOf(t.role()));
  }

  /**
   * The stored token (role, description, expiry; never the secret) a presented API token stands
   * for; empty when unknown or expired. The one token check the API filter and {@code whoami} use.
   */
  public Optional<FleetStore.ApiToken> apiToken(String token) {
    if (token == null || !token.startsWith(Tokens.API_PREFIX)) {
      return Optional.empty();
    }
    return store
        .apiTokenByHash(Tokens.sha256(token))
        .filter(t -> t.expiresAt() == null || t.expiresAt().isAfter(clock.instant()));
  }

  public IssuedToken createEnrollmentToken(String description, int maxUses, Duration ttl) {
    checkDescription(description);
    if (maxUses < 1 || maxUses > 1_000_000) {
      throw new InvalidInputException("maxUses", "must be 1 to 1000000, was " + maxUses);
    }
    if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(Duration.ofDays(365)) > 0) {
      throw new InvalidInputException("ttl", "must be more than 0 and at most 365 days");
    }
    String secret = Tokens.BOOTSTRAP_PREFIX + ControllerSecrets.randomSecret();
    String id = ControllerSecrets.randomId();
    Instant now = clock.instant();
    store.createEnrollmentToken(
        new FleetStore.EnrollmentToken(id, description, maxUses, 0, now, now.plus(ttl)),
        Tokens.sha256(secret));
    return new IssuedToken(id, secret, "BOOTSTRAP", now.plus(ttl));
  }

  private static void checkDescription(String description) {
    if (description == null || description.length() > 256) {
      throw new InvalidInputException("description", "must be at most 256 characters");
    }
  }

  // ---- enrollment ---------------------------------------------------------------------------

  /**
   * What a node gets back from enrollment: everything its agent configuration needs, with the link
   * tuning of its profile's connectivity class ({@code agentSettings}, agent configuration keys to
   * values).
   */
  public record Enrollment(
      String nodeId,
      String brokerUrl,
      String username,
      String password,
      String controllerPublicKey,
      String keyId,
      SortedMap<String, String> agentSettings) {}

  /**
   * Enrolls a node with a bootstrap token.
   *
   * @param requestHost the host name the node reached the API on; the broker URL it is given uses
   *     it when no advertised URL is configured and the broker listens on every address
   */
  public Enrollment enroll(
      String token,
      String nodeId,
      @Nullable Map<String, String> labels,
      @Nullable String profile,
      String requestHost) {
    if (!NodeId.isValid(nodeId)) {
      throw new InvalidInputException(
          "nodeId",
          "'"
              + shorten(String.valueOf(nodeId))
              + "' is invalid: 1 to 63 characters of a-z, 0-9 and '-', starting with a letter or"
              + " digit");
    }
    SortedMap<String, String> l = new TreeMap<>(labels == null ? Map.of() : labels);
    LabelRules.validate("labels", l);
    if (profile == null || profile.isEmpty()) {
      throw new InvalidInputException(
          "profile", "is required: the node's firmware profile, one of " + profiles.names());
    }
    String p = profile;
    if (profiles.find(p).isEmpty()) {
      throw new InvalidInputException(
          "profile",
          "'"
              + shorten(p)
              + "' is not a known firmware profile; known: "
              + profiles.names()
              + " (operators add their own in flotilla.profiles.dir)");
    }
    String password = ControllerSecrets.randomSecret();
    String credentialHash = Tokens.sha256(password);
    FleetStore.EnrollOutcome outcome =
        store.enroll(
            Tokens.sha256(token == null ? "" : token),
            new NodeId(nodeId),
            p,
            l,
            credentialHash,
            clock.instant());
    switch (outcome) {
      case TOKEN_REFUSED -> throw new TokenRefusedException();
      case NODE_EXISTS ->
          throw new ConflictException(
              "node "
                  + nodeId
                  + " is already enrolled; delete it first to enroll it again with new"
                  + " credentials");
      case ENROLLED -> {}
    }
    credentials.added(new NodeId(nodeId), credentialHash);
    LOG.debug("enroll.done node={} profile={} labels={}", nodeId, p, l);
    dispatcher.request();
    var key = secrets.signingKey().getPublic();
    return new Enrollment(
        nodeId,
        advertisedBrokerUrl(requestHost),
        nodeId,
        password,
        SigningKeys.encodePublic(key),
        SigningKeys.keyId(key),
        profiles.find(p).orElseThrow().agent().agentSettings());
  }

  /** The bootstrap token was unknown, expired or used up (a 401 without detail). */
  public static final class TokenRefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TokenRefusedException() {
      super("the bootstrap token is unknown, expired or used up");
    }
  }

  private String advertisedBrokerUrl(String requestHost) {
    if (settings.advertisedBrokerUrl() != null) {
      return settings.advertisedBrokerUrl();
    }
    if (!embedded) {
      return linkBrokerUrl;
    }
    String host = settings.brokerHost();
    if (host.equals("0.0.0.0") || host.equals("::")) {
      host = requestHost == null || requestHost.isBlank() ? "localhost" : requestHost;
    }
    int port = URIPort.of(linkBrokerUrl);
    return "tcp://" + host + ":" + port;
  }

  // ---- nodes --------------------------------------------------------------------------------

  /** A page of nodes; {@code next} is the continue token, empty on the last page. */
  public record NodePage(List<Node> nodes, String next) {}

  public NodePage nodes(
      LabelSelector selector, @Nullable NodeState state, int limit, String after) {
    if (limit < 1 || limit > 1000) {
      throw new InvalidInputException("limit", "must be 1 to 1000, was " + limit);
    }
    List<Node> out = new ArrayList<>();
    String cursor = after == null ? "" : after;
    while (out.size() < limit) {
      List<Node> chunk = store.nodes(cursor, Math.max(limit, 500));
      if (chunk.isEmpty()) {
        return new NodePage(out, "");
      }
      for (Node n : chunk) {
        cursor = n.id().value();
        if (selector.matches(n.labels()) && (state == null || n.state() == state)) {
          out.add(n);
          if (out.size() == limit) {
            return new NodePage(out, cursor);
          }
        }
      }
    }
    return new NodePage(out, cursor);
  }

  public Node node(String id) {
    return store.node(nodeId(id)).orElseThrow(() -> new NotFoundException("no node " + id));
  }

  public List<WorkloadObservation> workloads(String id) {
    return store.workloads(node(id).id());
  }

  /**
   * Changes a node's labels: {@code set} adds or replaces, a null value removes the key.
   *
   * @return the node after the change
   */
  public Node label(String id, Map<String, @Nullable String> changes) {
    Node node = node(id);
    SortedMap<String, String> labels = new TreeMap<>(node.labels());
    for (Map.Entry<String, @Nullable String> e : changes.entrySet()) {
      if (e.getValue() == null) {
        labels.remove(e.getKey());
      } else {
        labels.put(e.getKey(), e.getValue());
      }
    }
    LabelRules.validate("labels", labels);
    store.setLabels(node.id(), labels);
    awaitDispatch();
    return node(id);
  }

  /**
   * Replaces a node's taints.
   *
   * @return the node after the change
   */
  public Node taint(String id, List<Taint> taints) {
    Node node = node(id);
    for (int i = 0; i < taints.size(); i++) {
      Taint t = taints.get(i);
      LabelRules.validateKey("taints[" + i + "].key", t.key());
      LabelRules.validateValue("taints[" + i + "].value", t.value());
      for (int j = 0; j < i; j++) {
        Taint earlier = taints.get(j);
        if (earlier.key().equals(t.key()) && earlier.effect() == t.effect()) {
          throw new InvalidInputException(
              "taints[" + i + "]",
              "repeats key '"
                  + t.key()
                  + "' with effect "
                  + t.effect().manifestName()
                  + " of taints["
                  + j
                  + "]");
        }
      }
    }
    if (taints.size() > LabelRules.MAX_LABELS) {
      throw new InvalidInputException(
          "taints", "must hold at most " + LabelRules.MAX_LABELS + " taints");
    }
    store.setTaints(node.id(), taints);
    awaitDispatch();
    return node(id);
  }

  public Node cordon(String id, boolean cordoned) {
    Node node = node(id);
    store.setCordoned(node.id(), cordoned);
    awaitDispatch();
    return node(id);
  }

  /** Deletes the node: its credentials stop working and its retained desired state is cleared. */
  public void deleteNode(String id) {
    NodeId node = node(id).id();
    store.deleteNode(node);
    credentials.refresh();
    link.clearDesired(node);
    LOG.info("node.deleted node={}", node);
  }

  public Map<NodeState, Long> summary() {
    return store.countByState();
  }

  private static NodeId nodeId(String id) {
    if (!NodeId.isValid(id)) {
      throw new NotFoundException("no node " + shorten(String.valueOf(id)));
    }
    return new NodeId(id);
  }

  // ---- deployments --------------------------------------------------------------------------

  /**
   * What applying a manifest did.
   *
   * @param rollout the rollout it started (a changed template on an existing deployment); null when
   *     none
   */
  public record Applied(
      Deployment deployment,
      boolean created,
      boolean newRevision,
      int nodesChanged,
      @Nullable RolloutRecord rollout) {}

  public Applied apply(String text, ManifestFormat format) {
    return apply(text, format, null);
  }

  /**
   * @param expectedName when not null, the manifest's {@code metadata.name} must be this (a PUT to
   *     {@code /deployments/{name}})
   */
  public Applied apply(String text, ManifestFormat format, @Nullable String expectedName) {
    DeploymentManifest m = ManifestReader.read(text, format);
    if (expectedName != null && !m.name().equals(expectedName)) {
      throw new InvalidInputException(
          "metadata.name", "must be '" + expectedName + "' as in the path, was '" + m.name() + "'");
    }
    String manifest = json(ManifestWriter.toDocument(m));
    FleetStore.PutResult put =
        store.putDeployment(
            m.name(), manifest, DesiredStateComposer.templateHash(m.template()), clock.instant());
    Dispatcher.Report report = awaitDispatch();
    LOG.info(
        "deployment.applied name={} revision={} created={} new_revision={} rollout={}",
        m.name(),
        put.deployment().revision(),
        put.created(),
        put.newRevision(),
        put.rollout() == null ? "none" : put.rollout().id());
    return new Applied(
        toDeployment(put.deployment()),
        put.created(),
        put.newRevision(),
        report == null ? -1 : report.changed(),
        put.rollout());
  }

  public Deployment deployment(String name) {
    return store
        .deployment(name)
        .map(this::toDeployment)
        .orElseThrow(() -> new NotFoundException("no deployment " + shorten(name)));
  }

  /** The canonical manifest of a deployment. */
  public Map<String, Object> manifest(String name) {
    DeploymentRow row =
        store
            .deployment(name)
            .orElseThrow(() -> new NotFoundException("no deployment " + shorten(name)));
    // The last applied manifest, with the template of the revision the deployment targets (they
    // differ after an undo or a rollback).
    DeploymentManifest m = ManifestReader.read(row.manifest(), ManifestFormat.JSON);
    DeploymentManifest target =
        new DeploymentManifest(
            m.name(),
            m.labels(),
            m.selector(),
            m.placement(),
            m.strategy(),
            m.windows(),
            ManifestReader.read(row.templateManifest(), ManifestFormat.JSON).template());
    return ManifestWriter.toDocument(target);
  }

  public List<Deployment> deployments() {
    return currentDeployments();
  }

  List<Deployment> currentDeployments() {
    List<Deployment> out = new ArrayList<>();
    for (DeploymentRow row : store.deployments()) {
      out.add(toDeployment(row));
    }
    return out;
  }

  /**
   * The deployment at its target revision: the template is that revision's, the selector,
   * placement, strategy and windows the last applied manifest's (an undo brings an older template
   * back under the current selector).
   */
  private Deployment toDeployment(DeploymentRow row) {
    String key =
        row.name()
            + "/"
            + row.revision()
            + "/"
            + row.manifest().hashCode()
            + "/"
            + row.templateManifest().hashCode();
    Deployment cached = parsed.get(key);
    if (cached != null && cached.createdAt().equals(row.createdAt())) {
      return cached;
    }
    DeploymentManifest m = ManifestReader.read(row.manifest(), ManifestFormat.JSON);
    WorkloadTemplate template =
        row.templateManifest().equals(row.manifest())
            ? m.template()
            : ManifestReader.read(row.templateManifest(), ManifestFormat.JSON).template();
    Deployment d =
        new Deployment(
            row.name(),
            row.revision(),
            m.selector(),
            template,
            m.placement(),
            m.strategy(),
            m.windows(),
            row.createdAt());
    if (parsed.size() > 10_000) {
      parsed.clear();
    }
    parsed.put(key, d);
    return d;
  }

  public void deleteDeployment(String name) {
    if (!store.deleteDeployment(name)) {
      throw new NotFoundException("no deployment " + shorten(name));
    }
    LOG.info("deployment.deleted name={}", name);
    dispatcher.rollouts().forget(name);
    awaitDispatch();
  }

  /** One revision of a deployment. */
  public record Revision(
      int revision, String templateHash, Map<String, Object> manifest, Instant createdAt) {}

  public List<Revision> revisions(String name) {
    deployment(name);
    List<Revision> out = new ArrayList<>();
    for (FleetStore.RevisionRow r : store.revisions(name)) {
      out.add(
          new Revision(
              r.revision(),
              r.templateHash(),
              ManifestWriter.toDocument(ManifestReader.read(r.manifest(), ManifestFormat.JSON)),
              r.createdAt()));
    }
    return out;
  }

  /**
   * For each deployment, the nodes it is placed on by state, as the last dispatch placed it; one
   * read of the fleet for all of them.
   */
  public Map<String, Map<String, Long>> deploymentNodes(List<Deployment> deployments) {
    Placement placement = dispatcher.lastPlacement();
    Map<String, Map<String, Long>> out = new TreeMap<>();
    for (Deployment d : deployments) {
      out.put(d.name(), new TreeMap<>());
    }
    if (placement == null) {
      return out;
    }
    for (Node n : store.allNodes()) {
      for (Deployment d : placement.on(n.id())) {
        Map<String, Long> states = out.get(d.name());
        if (states != null) {
          states.merge(n.state().name(), 1L, Long::sum);
        }
      }
    }
    return out;
  }

  /** Why the deployment runs where it runs, node by node, computed now from the stored fleet. */
  public Explanation placement(String name) {
    deployment(name);
    Map<NodeId, Set<String>> current = new HashMap<>();
    store.desiredSummaries().forEach((node, row) -> current.put(node, row.revisions().keySet()));
    return Scheduler.explain(
        new FleetSnapshot(
            store.allNodes(),
            currentDeployments(),
            current,
            profiles,
            clock.instant(),
            settings.unreachableGrace()),
        name);
  }

  /** The firmware profiles nodes may name. */
  public ProfileCatalog profiles() {
    return profiles;
  }

  // ---- rollouts -----------------------------------------------------------------------------

  /** A node a rollout reports by name, with why (failed nodes) or nothing. */
  public record NodeNote(String node, String note) {}

  /**
   * A rollout with its progress.
   *
   * @param steps how many steps (canary steps, waves) it has; 1 for rolling and all-at-once
   * @param counts the targeted nodes by condition now; null for a finished rollout, whose nodes are
   *     no longer judged
   * @param failed failed nodes with why, at most {@link #ROLLOUT_NODE_LIST} of them
   * @param unreachable released nodes that are unreachable, at most as many
   * @param waiting nodes waiting for a maintenance window, at most as many
   */
  public record RolloutStatus(
      RolloutRecord rollout,
      int steps,
      @Nullable Counts counts,
      List<NodeNote> failed,
      List<String> unreachable,
      List<String> waiting) {}

  static final int ROLLOUT_NODE_LIST = 100;

  /** The deployment's rollout in progress, or else its latest one. */
  public RolloutStatus rollout(String name) {
    Deployment d = deployment(name);
    RolloutRecord r =
        store
            .activeRollout(name)
            .or(() -> store.rollouts(name, 1).stream().findFirst())
            .orElseThrow(
                () ->
                    new NotFoundException(
                        "deployment "
                            + name
                            + " has had no rollout: a first revision goes to"
                            + " every node at once"));
    return status(d, r);
  }

  /** Every active rollout by deployment name. */
  public Map<String, RolloutRecord> activeRollouts() {
    Map<String, RolloutRecord> out = new HashMap<>();
    for (RolloutRecord r : store.activeRollouts()) {
      out.put(r.deployment(), r);
    }
    return out;
  }

  /** The deployment's rollouts, newest first. */
  public List<RolloutRecord> rollouts(String name, int limit) {
    deployment(name);
    if (limit < 1 || limit > 1000) {
      throw new InvalidInputException("limit", "must be 1 to 1000, was " + limit);
    }
    return store.rollouts(name, limit);
  }

  private RolloutStatus status(Deployment d, RolloutRecord r) {
    Map<NodeId, ReleasedNode> released = store.releasedNodes(r.id());
    Placement placement = dispatcher.lastPlacement();
    List<NodeNote> failed = new ArrayList<>();
    List<String> unreachable = new ArrayList<>();
    List<String> waiting = new ArrayList<>();
    if (!r.state().active() || placement == null) {
      // The store answers them by node id.
      for (Map.Entry<NodeId, ReleasedNode> e : released.entrySet()) {
        if (e.getValue().failed() && failed.size() < ROLLOUT_NODE_LIST) {
          failed.add(new NodeNote(e.getKey().value(), e.getValue().failure()));
        }
      }
      // A finished rollout's nodes are no longer judged; its waves are not counted either.
      return new RolloutStatus(
          r, RolloutEngine.stepCount(d.strategy(), List.of()), null, failed, unreachable, waiting);
    }
    List<NodeProgress> nodes =
        dispatcher.rollouts().progress(d, r, placement, store.allNodes(), released);
    Rollout rollout = new Rollout(r, d.strategy());
    Instant now = clock.instant();
    List<NodeCondition> conditions = new ArrayList<>(nodes.size());
    for (NodeProgress n : nodes) {
      RolloutEngine.Judgement j = RolloutEngine.judge(rollout, n, now);
      conditions.add(j.condition());
      switch (j.condition()) {
        case FAILED -> {
          if (failed.size() < ROLLOUT_NODE_LIST) {
            failed.add(new NodeNote(n.node().value(), j.why()));
          }
        }
        case UNREACHABLE -> {
          if (unreachable.size() < ROLLOUT_NODE_LIST) {
            unreachable.add(n.node().value());
          }
        }
        case WAITING -> {
          if (waiting.size() < ROLLOUT_NODE_LIST) {
            waiting.add(n.node().value());
          }
        }
        default -> {}
      }
    }
    return new RolloutStatus(
        r,
        RolloutEngine.stepCount(d.strategy(), nodes),
        Counts.of(conditions),
        failed,
        unreachable,
        waiting);
  }

  /** An operator's command to the deployment's rollout in progress. */
  public enum RolloutCommand {
    PAUSE,
    RESUME,
    PROMOTE,
    ABORT,
    OVERRIDE_WINDOWS;

    /** The command from its path segment: pause, resume, promote, abort, override-windows. */
    public static RolloutCommand of(String name) {
      for (RolloutCommand c : values()) {
        if (c.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-').equals(name)) {
          return c;
        }
      }
      throw new NotFoundException(
          "no rollout command "
              + shorten(name)
              + "; pause, resume, promote, abort or"
              + " override-windows");
    }
  }

  /**
   * Pauses, resumes, promotes or aborts the rollout in progress, or lifts its maintenance windows;
   * answers once dispatch has published the effect.
   */
  public RolloutStatus command(String name, RolloutCommand command) {
    Deployment d = deployment(name);
    for (int attempt = 0; attempt < 5; attempt++) {
      RolloutRecord r =
          store
              .activeRollout(name)
              .orElseThrow(
                  () ->
                      new ConflictException("deployment " + name + " has no rollout in progress"));
      Instant now = clock.instant();
      RolloutUpdate u;
      try {
        RolloutStatus before = status(d, r);
        int failed = before.counts() == null ? 0 : before.counts().failed();
        u =
            switch (command) {
              case PAUSE -> RolloutEngine.pause(r, now);
              case RESUME -> RolloutEngine.resume(r, failed, now);
              case PROMOTE -> RolloutEngine.promote(r, before.steps(), failed, now);
              case ABORT -> RolloutEngine.abort(r, now);
              case OVERRIDE_WINDOWS -> RolloutEngine.overrideWindows(r, now);
            };
      } catch (RolloutEngine.RefusedException e) {
        throw new ConflictException(e.getMessage());
      }
      if (store.updateRollout(r.id(), r.version(), u, now)) {
        store.addControllerEvents(
            List.of(
                new FleetEvent(
                    "",
                    0,
                    0,
                    now,
                    now,
                    command == RolloutCommand.ABORT ? "WARNING" : "INFO",
                    "rollout."
                        + command.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
                    name,
                    0,
                    u.message(),
                    new TreeMap<>(Map.of("rollout", Long.toString(r.id()))))));
        LOG.info("rollout.command rollout={} deployment={} command={}", r.id(), name, command);
        awaitDispatch();
        return status(deployment(name), store.rollout(r.id()).orElseThrow());
      }
    }
    throw new ConflictException("the rollout of " + name + " kept changing; try again");
  }

  /** What an undo did: the revision the deployment now targets and the rollout taking it there. */
  public record Undone(int revision, @Nullable RolloutStatus rollout) {}

  /**
   * Returns the deployment to an earlier revision through a new rollout with its strategy (not a
   * rewrite of history). Without {@code toRevision}: the revision the rollout in progress, or else
   * the last one, started from.
   */
  public Undone undo(String name, @Nullable Integer toRevision) {
    Deployment d = deployment(name);
    int target;
    if (toRevision != null) {
      target = toRevision;
    } else {
      target =
          store
              .activeRollout(name)
              .or(() -> store.rollouts(name, 1).stream().findFirst())
              .map(RolloutRecord::fromRevision)
              .orElseThrow(
                  () ->
                      new ConflictException(
                          "deployment " + name + " has had no rollout; name a toRevision"));
    }
    boolean known = false;
    for (FleetStore.RevisionRow row : store.revisions(name)) {
      known |= row.revision() == target;
    }
    if (!known) {
      throw new InvalidInputException(
          "toRevision", "deployment " + name + " has no revision " + target);
    }
    if (target == d.revision()) {
      throw new ConflictException(
          "deployment "
              + name
              + " already targets revision "
              + target
              + store
                  .activeRollout(name)
                  .map(r -> "; rollout " + r.id() + " is taking its nodes there")
                  .orElse(""));
    }
    Optional<RolloutRecord> started = store.undo(name, target, clock.instant());
    LOG.info("deployment.undo name={} to_revision={}", name, target);
    awaitDispatch();
    Deployment after = deployment(name);
    return new Undone(after.revision(), started.map(r -> status(after, r)).orElse(null));
  }

  // ---- events -------------------------------------------------------------------------------

  public List<FleetEvent> events(
      @Nullable String node, @Nullable String deployment, long after, int limit) {
    if (limit < 1 || limit > 1000) {
      throw new InvalidInputException("limit", "must be 1 to 1000, was " + limit);
    }
    if (after < 0) {
      throw new InvalidInputException("after", "must be 0 or more");
    }
    return store.events(node, deployment, after, limit);
  }

  // ---- helpers ------------------------------------------------------------------------------

  private Dispatcher.@Nullable Report awaitDispatch() {
    try {
      return dispatcher.request().get(DISPATCH_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      LOG.warn("dispatch.slow waited_s={}", DISPATCH_WAIT_SECONDS);
      return null;
    } catch (ExecutionException e) {
      throw new IllegalStateException("dispatch failed: " + e.getCause().getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  static String shorten(String s) {
    return s.length() <= 80 ? s : s.substring(0, 79) + "…";
  }

  /** The port of a {@code tcp://host:port} URL. */
  private static final class URIPort {
    static int of(String url) {
      int colon = url.lastIndexOf(':');
      return Integer.parseInt(url.substring(colon + 1).replace("/", ""));
    }
  }
}
