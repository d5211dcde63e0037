package dev.flotilla.controller.placement;

import dev.flotilla.controller.model.Deployment;
import dev.flotilla.controller.model.Node;
import dev.flotilla.controller.model.NodeState;
import dev.flotilla.controller.model.PlacementSpec;
import dev.flotilla.controller.model.PlacementSpec.DeploymentAffinity;
import dev.flotilla.controller.model.PlacementSpec.Spread;
import dev.flotilla.controller.model.Taint;
import dev.flotilla.controller.model.Toleration;
import dev.flotilla.controller.model.WorkloadTemplate.Port;
import dev.flotilla.controller.placement.Explanation.NodeDecision;
import dev.flotilla.controller.placement.Explanation.Reason;
import dev.flotilla.profiles.FirmwareProfile;
import dev.flotilla.profiles.Fit;
import dev.flotilla.profiles.Misfit;
import dev.flotilla.profiles.Used;
import dev.flotilla.profiles.WorkloadNeeds;
import dev.flotilla.protocol.NodeId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Decides which nodes run which deployments. Pure: {@link #place} and {@link #explain} read only
 * the {@link FleetSnapshot} and compute the same answer for the same snapshot.
 *
 * <p>Deployments are placed one after the other: those another one's affinity or anti-affinity
 * names come first, otherwise the older first (creation time, then name). Each placement uses up
 * node capacity and host ports, so a later deployment sees what the earlier ones took.
 *
 * <p>A node is eligible for a deployment when its selector matches the node's labels and:
 *
 * <ul>
 *   <li>the node is not cordoned, unless the deployment is already there (cordoned nodes keep what
 *       they run, with its updates, and get nothing new);
 *   <li>every taint is tolerated; a {@code NoSchedule} taint leaves a deployment that is already
 *       there in place, a {@code NoExecute} one does not;
 *   <li>the node's firmware profile has the architecture, firmware version, peripherals, and free
 *       CPU and memory (allocatable minus what earlier deployments requested) the workload needs;
 *   <li>no host port the workload publishes is already published by another deployment there;
 *   <li>affinity and anti-affinity to other deployments hold, on the node or across the value of a
 *       topology label; anti-affinity is symmetric, as in Kubernetes;
 *   <li>the spread limit per topology value is not reached.
 * </ul>
 *
 * <p>An every-node deployment goes on every eligible node and never moves because a node is
 * unreachable: the node finds it in its retained desired state when it returns. A deployment with
 * replicas keeps them where they are while those nodes stay eligible; a replica on a node that has
 * been unreachable for longer than the grace moves. New replicas go to reachable nodes, ready ones
 * first, then those with fewer workloads, then by a hash of deployment and node that spreads
 * deployments over the fleet instead of piling them on the lowest ids.
 */
public final class Scheduler {
  private Scheduler() {}

  /** Places every deployment of the snapshot. */
  public static Placement place(FleetSnapshot snapshot) {
    Run run = new Run(snapshot, null);
    run.placeAll();
    return run.placement();
  }

  /**
   * Places every deployment as {@link #place} does, and tells for each node why {@code deployment}
   * is or is not there.
   *
   * @return empty decisions when the snapshot has no such deployment
   */
  public static Explanation explain(FleetSnapshot snapshot, String deployment) {
    Run run = new Run(snapshot, deployment);
    run.placeAll();
    Deployment d = null;
    for (Deployment candidate : snapshot.deployments()) {
      if (candidate.name().equals(deployment)) {
        d = candidate;
      }
    }
    if (d == null) {
      return new Explanation(deployment, null, 0, List.of());
    }
    List<NodeDecision> decisions = new ArrayList<>(run.decisions.values());
    decisions.sort(Comparator.comparing(n -> n.node().value()));
    return new Explanation(
        deployment,
        d.placement().replicas(),
        run.placedOn.getOrDefault(deployment, List.of()).size(),
        decisions);
  }

  /** Node states in the order new replicas prefer them. */
  private static int rank(NodeState state) {
    return switch (state) {
      case READY -> 0;
      case PENDING -> 1;
      case NOT_READY -> 2;
      case UNREACHABLE -> 3;
    };
  }

  /** One node during a run: what has been placed on it so far. */
  private static final class Slot {
    final Node node;
    final @Nullable FirmwareProfile profile;
    final Set<String> current;
    final int rank;
    final List<Deployment> placed = new ArrayList<>(4);
    final List<Bound> ports = new ArrayList<>(0);
    int cpuMillis;
    long memoryBytes;

    Slot(Node node, @Nullable FirmwareProfile profile, Set<String> current) {
      this.node = node;
      this.profile = profile;
      this.current = current;
      this.rank = rank(node.state());
    }

    boolean runs(String deployment) {
      for (Deployment d : placed) {
        if (d.name().equals(deployment)) {
          return true;
        }
      }
      return false;
    }
  }

  /** A host port published on a node, and by which deployment. */
  private record Bound(Port port, String deployment) {}

  /** A deployment during a run, with what its checks need worked out once. */
  private static final class Job {
    final Deployment d;
    final PlacementSpec spec;
    final WorkloadNeeds needs;
    final boolean needsProfile;
    final List<Port> hostPorts;
    final Map<String, Map<String, Integer>> spreadCounts = new HashMap<>();
    final List<ForeignRule> foreignAnti;

    Job(Deployment d, List<ForeignRule> foreignAnti) {
      this.foreignAnti = foreignAnti;
      this.d = d;
      this.spec = d.placement();
      this.needs =
          new WorkloadNeeds(
              d.template().requests().cpuMillis(),
              d.template().requests().memoryBytes(),
              spec.architectures(),
              spec.minFirmwareVersion(),
              spec.peripherals());
      this.needsProfile = !needs.equals(WorkloadNeeds.NOTHING);
      this.hostPorts = d.template().ports();
    }
  }

  /** Another deployment's anti-affinity that names the one being placed. */
  private record ForeignRule(String owner, @Nullable String topologyKey) {}

  private static final class Run {
    final FleetSnapshot snapshot;
    final @Nullable String target;
    final List<Slot> slots = new ArrayList<>();
    final Map<String, List<Slot>> placedOn = new HashMap<>();
    final Set<String> complete = new HashSet<>();

    /** Deployment to topology key to the values of that key on its nodes (finished ones only). */
    final Map<String, Map<String, Set<String>>> topologyCache = new HashMap<>();

    final Map<String, List<ForeignRule>> foreignAnti = new HashMap<>();
    final Map<NodeId, NodeDecision> decisions = new LinkedHashMap<>();
    final Map<String, Integer> wanted = new HashMap<>();
    @Nullable Instant nextChangeAt;

    Run(FleetSnapshot snapshot, @Nullable String target) {
      this.snapshot = snapshot;
      this.target = target;
      for (Node n : snapshot.nodes()) {
        slots.add(
            new Slot(
                n,
                snapshot.profiles().find(n.profile()).orElse(null),
                snapshot.current().getOrDefault(n.id(), Set.of())));
      }
      for (Deployment d : snapshot.deployments()) {
        for (DeploymentAffinity a : d.placement().antiAffinity()) {
          foreignAnti
              .computeIfAbsent(a.deployment(), k -> new ArrayList<>())
              .add(new ForeignRule(d.name(), a.topologyKey()));
        }
      }
    }

    void placeAll() {
      for (Deployment d : order(snapshot.deployments())) {
        Job job = new Job(d, foreignAnti.getOrDefault(d.name(), List.of()));
        placedOn.put(d.name(), new ArrayList<>());
        if (job.spec.everyNode()) {
          placeEverywhere(job);
        } else {
          placeReplicas(job, job.spec.replicas());
        }
        complete.add(d.name());
      }
    }

    Placement placement() {
      Map<NodeId, List<Deployment>> byNode = new HashMap<>();
      for (Slot s : slots) {
        byNode.put(s.node.id(), List.copyOf(s.placed));
      }
      Map<String, Integer> counts = new HashMap<>();
      placedOn.forEach((name, on) -> counts.put(name, on.size()));
      return new Placement(byNode, counts, wanted, nextChangeAt);
    }

    private boolean explaining(Job job) {
      return job.d.name().equals(target);
    }

    private void placeEverywhere(Job job) {
      List<Slot> holders = new ArrayList<>();
      List<Slot> others = new ArrayList<>(slots.size());
      split(job, holders, others);
      int matching = 0;
      // Nodes that run it already go first, so a spread limit keeps them rather than new ones.
      for (List<Slot> group : List.of(holders, others)) {
        boolean holder = group == holders;
        for (Slot s : group) {
          if (job.d.selector().matches(s.node.labels())) {
            matching++;
          }
          List<Reason> reasons = explaining(job) ? new ArrayList<>() : null;
          if (eligible(job, s, holder, reasons)) {
            put(job, s);
            decide(job, s, true, holder ? "kept" : "chosen", List.of());
          } else {
            decide(job, s, false, "", reasons);
          }
        }
      }
      wanted.put(job.d.name(), matching);
    }

    /** Splits the nodes into those whose last desired state holds the deployment and the rest. */
    private void split(Job job, List<Slot> holders, List<Slot> others) {
      String name = job.d.name();
      for (Slot s : slots) {
        (s.current.contains(name) ? holders : others).add(s);
      }
    }

    private void placeReplicas(Job job, int replicas) {
      wanted.put(job.d.name(), replicas);
      List<Slot> holders = new ArrayList<>();
      List<Slot> others = new ArrayList<>(slots.size());
      split(job, holders, others);
      holders.sort(
          Comparator.<Slot>comparingInt(s -> s.rank).thenComparing(s -> s.node.id().value()));
      int count = 0;
      for (Slot s : holders) {
        List<Reason> reasons = explaining(job) ? new ArrayList<>() : null;
        if (!eligible(job, s, true, reasons)) {
          decide(job, s, false, "", reasons);
        } else if (count < replicas) {
          put(job, s);
          count++;
          decide(job, s, true, "kept", List.of());
        } else {
          decide(job, s, false, "", List.of(replicasReason(replicas)));
        }
      }
      List<Slot> candidates = new ArrayList<>();
      for (Slot s : others) {
        List<Reason> reasons = explaining(job) ? new ArrayList<>() : null;
        if (eligible(job, s, false, reasons)) {
          candidates.add(s);
        } else {
          decide(job, s, false, "", reasons);
        }
      }
      String name = job.d.name();
      candidates.sort(
          Comparator.<Slot>comparingInt(s -> s.rank)
              .thenComparingInt(s -> s.placed.size())
              .thenComparingLong(s -> spreadHash(name, s.node.id().value()))
              .thenComparing(s -> s.node.id().value()));
      for (Slot s : candidates) {
        if (count >= replicas) {
          decide(job, s, false, "", List.of(replicasReason(replicas)));
          continue;
        }
        // Only the spread counts change as replicas are picked: one replica per node.
        List<Reason> reasons = explaining(job) ? new ArrayList<>() : null;
        if (spreadAllows(job, s, reasons)) {
          put(job, s);
          count++;
          decide(job, s, true, "chosen", List.of());
        } else {
          decide(job, s, false, "", reasons);
        }
      }
    }

    private static Reason replicasReason(int replicas) {
      return new Reason(
          "replicas",
          "eligible, but its "
              + replicas
              + (replicas == 1 ? " replica went" : " replicas went")
              + " to nodes ranked first (those that ran it, then ready ones, then those with"
              + " fewer workloads)");
    }

    private void decide(Job job, Slot s, boolean placed, String note, @Nullable List<Reason> why) {
      if (explaining(job)) {
        decisions.put(
            s.node.id(),
            new NodeDecision(s.node.id(), placed, note, why == null ? List.of() : why));
      }
    }

    private void put(Job job, Slot s) {
      s.placed.add(job.d);
      s.cpuMillis += job.needs.cpuMillis();
      s.memoryBytes += job.needs.memoryBytes();
      for (Port p : job.hostPorts) {
        s.ports.add(new Bound(p, job.d.name()));
      }
      for (Spread sp : job.spec.spread()) {
        String value = s.node.labels().get(sp.topologyKey());
        job.spreadCounts
            .computeIfAbsent(sp.topologyKey(), k -> new HashMap<>())
            .merge(value, 1, Integer::sum);
      }
      placedOn.get(job.d.name()).add(s);
    }

    /**
     * Whether {@code job} may go on {@code s}. With {@code reasons} null it stops at the first
     * failed constraint and builds no text (the path a full placement takes a million times): every
     * message is built only after the {@code reasons == null} return. Otherwise it records every
     * failed constraint with its numbers.
     */
    private boolean eligible(Job job, Slot s, boolean holder, @Nullable List<Reason> reasons) {
      Node node = s.node;
      if (!job.d.selector().matches(node.labels())) {
        if (reasons != null) {
          reasons.add(
              new Reason(
                  "selector",
                  "labels "
                      + node.labels()
                      + " do not match the selector '"
                      + job.d.selector()
                      + "'"));
        }
        return false;
      }
      boolean ok = true;
      if (node.cordoned() && !holder) {
        if (reasons == null) {
          return false;
        }
        ok =
            fail(
                reasons,
                "cordoned",
                "the node is cordoned: it keeps what it runs, gets nothing new");
      }
      for (Taint t : node.taints()) {
        if (tolerated(job.spec.tolerations(), t)) {
          continue;
        }
        if (t.effect() == Taint.Effect.NO_EXECUTE || !holder) {
          if (reasons == null) {
            return false;
          }
          ok =
              fail(
                  reasons,
                  "taint",
                  "the node has the taint "
                      + t
                      + ", which the deployment does not tolerate"
                      + (holder ? " (NoExecute takes off what runs)" : ""));
        }
      }
      if (job.needsProfile) {
        FirmwareProfile profile = s.profile;
        if (profile == null) {
          if (reasons == null) {
            return false;
          }
          ok =
              fail(
                  reasons,
                  "profile",
                  "the node's profile '"
                      + node.profile()
                      + "' is not in the catalog, so its architecture, firmware, peripherals and"
                      + " capacity are unknown");
        } else {
          Used used = new Used(s.cpuMillis, s.memoryBytes);
          if (reasons == null) {
            if (!Fit.fits(job.needs, profile, used)) {
              return false;
            }
          } else {
            for (Misfit m : Fit.check(job.needs, profile, used)) {
              ok = fail(reasons, m.constraint().name().toLowerCase(Locale.ROOT), m.message());
            }
          }
        }
      }
      for (Port p : job.hostPorts) {
        for (Bound b : s.ports) {
          if (p.clashesWith(b.port())) {
            if (reasons == null) {
              return false;
            }
            ok =
                fail(
                    reasons,
                    "host-port",
                    "host port "
                        + p.hostPort()
                        + "/"
                        + p.transport().name().toLowerCase(Locale.ROOT)
                        + " is already published there by deployment "
                        + b.deployment());
          }
        }
      }
      boolean describe = reasons != null;
      for (DeploymentAffinity a : job.spec.affinity()) {
        String problem = affinityProblem(a, s, describe);
        if (problem != null) {
          if (reasons == null) {
            return false;
          }
          ok = fail(reasons, "affinity", problem);
        }
      }
      for (DeploymentAffinity a : job.spec.antiAffinity()) {
        String problem = antiAffinityProblem(a.deployment(), a.topologyKey(), s, describe);
        if (problem != null) {
          if (reasons == null) {
            return false;
          }
          ok = fail(reasons, "anti-affinity", problem);
        }
      }
      for (ForeignRule r : job.foreignAnti) {
        if (r.owner().equals(job.d.name())) {
          continue;
        }
        String problem = antiAffinityProblem(r.owner(), r.topologyKey(), s, describe);
        if (problem != null) {
          if (reasons == null) {
            return false;
          }
          ok =
              fail(
                  reasons,
                  "anti-affinity",
                  problem + " (its anti-affinity keeps " + job.d.name() + " away)");
        }
      }
      if (!spreadAllows(job, s, reasons)) {
        if (reasons == null) {
          return false;
        }
        ok = false;
      }
      if (!job.spec.everyNode() && node.state() == NodeState.UNREACHABLE) {
        Instant movesAt = node.stateSince().plus(snapshot.unreachableGrace());
        boolean graceOver = !snapshot.now().isBefore(movesAt);
        if (!holder || graceOver) {
          if (reasons == null) {
            return false;
          }
          ok =
              fail(
                  reasons,
                  "unreachable",
                  "unreachable since "
                      + node.stateSince()
                      + (holder
                          ? ", longer than the grace of "
                              + snapshot.unreachableGrace()
                              + ", so its replica moved"
                          : "; new replicas go to reachable nodes"));
        } else if (nextChangeAt == null || movesAt.isBefore(nextChangeAt)) {
          nextChangeAt = movesAt;
        }
      }
      return ok;
    }

    /** As {@link #eligible}, for the spread limits alone; builds text only when explaining. */
    private boolean spreadAllows(Job job, Slot s, @Nullable List<Reason> reasons) {
      boolean ok = true;
      for (Spread sp : job.spec.spread()) {
        String value = s.node.labels().get(sp.topologyKey());
        int already =
            value == null
                ? 0
                : job.spreadCounts.getOrDefault(sp.topologyKey(), Map.of()).getOrDefault(value, 0);
        if (value != null && already < sp.maxPerValue()) {
          continue;
        }
        if (reasons == null) {
          return false;
        }
        ok =
            fail(
                reasons,
                "spread",
                value == null
                    ? "the node has no label '" + sp.topologyKey() + "' to spread by"
                    : sp.topologyKey()
                        + "="
                        + value
                        + " already runs it on "
                        + already
                        + (already == 1 ? " node" : " nodes")
                        + ", at most "
                        + sp.maxPerValue());
      }
      return ok;
    }

    /**
     * Why {@code a} does not hold on {@code s}; null when it holds. Without {@code describe} a
     * failure is {@link #FAILED}, so the hot path builds no text.
     */
    private @Nullable String affinityProblem(DeploymentAffinity a, Slot s, boolean describe) {
      String other = a.deployment();
      String key = a.topologyKey();
      if (!placedOn.containsKey(other)) {
        if (!describe) {
          return FAILED;
        }
        return exists(other)
            ? "deployment " + other + " is not placed yet (the two name each other)"
            : "deployment " + other + " does not exist";
      }
      if (key == null) {
        if (s.runs(other)) {
          return null;
        }
        return describe ? "deployment " + other + " does not run on this node" : FAILED;
      }
      String value = s.node.labels().get(key);
      if (value == null) {
        return describe ? "the node has no label '" + key + "' to meet " + other + " by" : FAILED;
      }
      if (topologyValues(other, key).contains(value)) {
        return null;
      }
      return describe
          ? "deployment " + other + " runs on no node with " + key + "=" + value
          : FAILED;
    }

    /** Why anti-affinity to {@code other} fails on {@code s}; as {@link #affinityProblem}. */
    private @Nullable String antiAffinityProblem(
        String other, @Nullable String topologyKey, Slot s, boolean describe) {
      if (!placedOn.containsKey(other)) {
        return null;
      }
      if (topologyKey == null) {
        if (!s.runs(other)) {
          return null;
        }
        return describe ? "deployment " + other + " runs on this node" : FAILED;
      }
      String value = s.node.labels().get(topologyKey);
      if (value == null || !topologyValues(other, topologyKey).contains(value)) {
        return null;
      }
      return describe
          ? "deployment " + other + " runs on a node with " + topologyKey + "=" + value
          : FAILED;
    }

    /** The values of {@code key} on the nodes {@code deployment} is placed on. */
    private Set<String> topologyValues(String deployment, String key) {
      Set<String> cached = topologyCache.getOrDefault(deployment, Map.of()).get(key);
      if (cached != null) {
        return cached;
      }
      Set<String> values = new HashSet<>();
      for (Slot s : placedOn.getOrDefault(deployment, List.of())) {
        String v = s.node.labels().get(key);
        if (v != null) {
          values.add(v);
        }
      }
      // Only a finished deployment's values are final; one still being placed (a cycle) is not.
      if (complete.contains(deployment)) {
        topologyCache.computeIfAbsent(deployment, k -> new HashMap<>()).put(key, values);
      }
      return values;
    }

    private boolean exists(String deployment) {
      for (Deployment d : snapshot.deployments()) {
        if (d.name().equals(deployment)) {
          return true;
        }
      }
      return false;
    }
  }

  /** What a failed check returns on the hot path, where no message is built. */
  private static final String FAILED = "failed";

  /** Records a failure; always false, so callers can write {@code ok = fail(..)}. */
  private static boolean fail(List<Reason> reasons, String constraint, String message) {
    reasons.add(new Reason(constraint, message));
    return false;
  }

  private static boolean tolerated(List<Toleration> tolerations, Taint taint) {
    for (Toleration t : tolerations) {
      if (t.tolerates(taint)) {
        return true;
      }
    }
    return false;
  }

  /** A well-mixed 64-bit hash of deployment and node (the finaliser of SplitMix64). */
  static long spreadHash(String deployment, String node) {
    long z = deployment.hashCode() * 0x9E3779B97F4A7C15L + node.hashCode();
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * The order deployments are placed in: a deployment named by another's affinity or anti-affinity
   * first, otherwise the older first. Deployments that name each other in a cycle keep the age
   * order among themselves.
   */
  static List<Deployment> order(List<Deployment> deployments) {
    Comparator<Deployment> byAge =
        Comparator.comparing(Deployment::createdAt).thenComparing(Deployment::name);
    Map<String, Deployment> byName = new TreeMap<>();
    for (Deployment d : deployments) {
      byName.put(d.name(), d);
    }
    Map<String, Set<String>> dependsOn = new HashMap<>();
    for (Deployment d : deployments) {
      Set<String> deps = new HashSet<>();
      for (DeploymentAffinity a : d.placement().affinity()) {
        deps.add(a.deployment());
      }
      for (DeploymentAffinity a : d.placement().antiAffinity()) {
        deps.add(a.deployment());
      }
      deps.remove(d.name());
      deps.retainAll(byName.keySet());
      dependsOn.put(d.name(), deps);
    }
    List<Deployment> remaining = new ArrayList<>(deployments);
    remaining.sort(byAge);
    List<Deployment> out = new ArrayList<>(deployments.size());
    Set<String> done = new HashSet<>();
    while (!remaining.isEmpty()) {
      Deployment next = null;
      for (Deployment d : remaining) {
        if (done.containsAll(dependsOn.get(d.name()))) {
          next = d;
          break;
        }
      }
      if (next == null) {
        // A cycle: take the oldest of what is left.
        next = remaining.get(0);
      }
      remaining.remove(next);
      done.add(next.name());
      out.add(next);
    }
    return out;
  }
}
