package dev.flotilla.controller.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.controller.fleet.LabelSelector;
import dev.flotilla.controller.model.Deployment;
import dev.flotilla.controller.model.Node;
import dev.flotilla.controller.model.NodeState;
import dev.flotilla.controller.model.PlacementSpec;
import dev.flotilla.controller.model.PlacementSpec.DeploymentAffinity;
import dev.flotilla.controller.model.PlacementSpec.Spread;
import dev.flotilla.controller.model.Presence;
import dev.flotilla.controller.model.RolloutStrategy;
import dev.flotilla.controller.model.Taint;
import dev.flotilla.controller.model.Toleration;
import dev.flotilla.controller.model.WorkloadTemplate;
import dev.flotilla.controller.model.WorkloadTemplate.Port;
import dev.flotilla.controller.model.WorkloadTemplate.Resources;
import dev.flotilla.controller.model.WorkloadTemplate.Transport;
import dev.flotilla.controller.placement.Explanation.NodeDecision;
import dev.flotilla.controller.placement.Explanation.Reason;
import dev.flotilla.profiles.AgentTuning;
import dev.flotilla.profiles.Architecture;
import dev.flotilla.profiles.Capacity;
import dev.flotilla.profiles.Connectivity;
import dev.flotilla.profiles.Firmware;
import dev.flotilla.profiles.FirmwareProfile;
import dev.flotilla.profiles.FirmwareVersion;
import dev.flotilla.profiles.ProfileCatalog;
import dev.flotilla.protocol.NodeId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The scheduler alone, over hand-built snapshots: every constraint, alone and together. */
class SchedulerTest {
  static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
  static final Duration GRACE = Duration.ofMinutes(10);
  static final long MI = 1024L * 1024;

  static final FirmwareProfile PI4 =
      profile(
          "pi4", Architecture.ARM64, "12.8", 3_500, 3_584 * MI, Map.of("gpio", 40, "camera", 2));
  static final FirmwareProfile JETSON =
      profile("jetson", Architecture.ARM64, "36.3", 5_000, 7 * 1024 * MI, Map.of("gpu", 1));
  static final FirmwareProfile X86 =
      profile("x86", Architecture.AMD64, "12.5", 3_500, 7 * 1024 * MI, Map.of("serial", 2));
  static final ProfileCatalog CATALOG = ProfileCatalog.of(List.of(PI4, JETSON, X86));

  // ---- fixtures ---------------------------------------------------------------------------

  static FirmwareProfile profile(
      String name,
      Architecture arch,
      String firmware,
      int cpuMillis,
      long memoryBytes,
      Map<String, Integer> peripherals) {
    return new FirmwareProfile(
        name,
        name + " for tests",
        arch,
        new Firmware("TestOS", FirmwareVersion.parse(firmware).orElseThrow()),
        new Capacity(cpuMillis, memoryBytes, 32 * 1024 * MI),
        new Capacity(0, 0, 0),
        new TreeMap<>(peripherals),
        Connectivity.ETHERNET,
        new AgentTuning(
            Duration.ofSeconds(60),
            Duration.ofMinutes(5),
            Duration.ofSeconds(30),
            Duration.ofMinutes(5)));
  }

  /** A node under construction; READY, uncordoned, untainted unless told. */
  static final class N {
    final String id;
    String profile = "pi4";
    TreeMap<String, String> labels = new TreeMap<>();
    boolean cordoned;
    List<Taint> taints = List.of();
    NodeState state = NodeState.READY;
    Instant since = NOW.minus(Duration.ofHours(1));

    N(String id) {
      this.id = id;
    }

    N profile(String p) {
      profile = p;
      return this;
    }

    N label(String k, String v) {
      labels.put(k, v);
      return this;
    }

    N cordoned() {
      cordoned = true;
      return this;
    }

    N taint(String key, String value, Taint.Effect effect) {
      taints = List.of(new Taint(key, value, effect));
      return this;
    }

    N state(NodeState s, Instant at) {
      state = s;
      since = at;
      return this;
    }

    Node build() {
      return new Node(
          new NodeId(id),
          profile,
          labels,
          cordoned,
          taints,
          NOW.minus(Duration.ofDays(1)),
          state,
          since,
          state == NodeState.UNREACHABLE ? Presence.OFFLINE : Presence.ONLINE,
          NOW,
          "test",
          0,
          0,
          Node.Usage.UNKNOWN);
    }
  }

  static N n(String id) {
    return new N(id);
  }

  /** A deployment under construction; every node, no needs. */
  static final class D {
    final String name;
    String selector = "";
    @Nullable Integer replicas;
    Set<Architecture> architectures = Set.of();
    @Nullable String minFirmware;
    Map<String, Integer> peripherals = Map.of();
    List<Toleration> tolerations = List.of();
    List<DeploymentAffinity> affinity = new ArrayList<>();
    List<DeploymentAffinity> antiAffinity = new ArrayList<>();
    List<Spread> spread = new ArrayList<>();
    Resources requests = Resources.NONE;
    List<Port> ports = List.of();
    int created;

    D(String name) {
      this.name = name;
    }

    D selector(String s) {
      selector = s;
      return this;
    }

    D replicas(int r) {
      replicas = r;
      return this;
    }

    D arch(Architecture... a) {
      architectures = Set.of(a);
      return this;
    }

    D minFirmware(String v) {
      minFirmware = v;
      return this;
    }

    D peripheral(String name, int count) {
      peripherals = Map.of(name, count);
      return this;
    }

    D tolerate(Toleration t) {
      tolerations = List.of(t);
      return this;
    }

    D affinity(String other, @Nullable String key) {
      affinity.add(new DeploymentAffinity(other, key));
      return this;
    }

    D antiAffinity(String other, @Nullable String key) {
      antiAffinity.add(new DeploymentAffinity(other, key));
      return this;
    }

    D spread(String key, int max) {
      spread.add(new Spread(key, max));
      return this;
    }

    D requests(int cpuMillis, long memoryBytes) {
      requests = new Resources(cpuMillis, memoryBytes);
      return this;
    }

    D hostPort(int port) {
      ports = List.of(new Port(port, port, Transport.TCP, ""));
      return this;
    }

    /** Created this many minutes after the first deployment: a lower number is older. */
    D created(int minute) {
      created = minute;
      return this;
    }

    Deployment build() {
      WorkloadTemplate t = WorkloadTemplate.ofImage("localhost/" + name + ":1");
      t =
          new WorkloadTemplate(
              t.image(),
              t.command(),
              t.args(),
              t.env(),
              ports,
              t.volumes(),
              t.limits(),
              requests,
              t.probe(),
              t.restart());
      return new Deployment(
          name,
          1,
          LabelSelector.parse(selector),
          t,
          new PlacementSpec(
              replicas,
              new TreeSet<>(architectures),
              minFirmware == null ? null : FirmwareVersion.parse(minFirmware).orElseThrow(),
              new TreeMap<>(peripherals),
              tolerations,
              affinity,
              antiAffinity,
              spread),
          RolloutStrategy.DEFAULT,
          List.of(),
          NOW.minus(Duration.ofMinutes(1000 - created)));
    }
  }

  static D d(String name) {
    return new D(name);
  }

  /** A snapshot builder: nodes, deployments and what each node ran before. */
  static final class Fleet {
    final List<Node> nodes = new ArrayList<>();
    final List<Deployment> deployments = new ArrayList<>();
    final Map<NodeId, Set<String>> current = new HashMap<>();
    Instant now = NOW;

    Fleet node(N node) {
      nodes.add(node.build());
      return this;
    }

    Fleet nodes(N... ns) {
      for (N node : ns) {
        node(node);
      }
      return this;
    }

    Fleet deploy(D d) {
      deployments.add(d.build());
      return this;
    }

    Fleet ran(String node, String... deployments) {
      current.put(new NodeId(node), Set.of(deployments));
      return this;
    }

    Fleet at(Instant t) {
      now = t;
      return this;
    }

    FleetSnapshot snapshot() {
      return new FleetSnapshot(nodes, deployments, current, CATALOG, now, GRACE);
    }

    Placement place() {
      return Scheduler.place(snapshot());
    }

    Explanation explain(String deployment) {
      return Scheduler.explain(snapshot(), deployment);
    }
  }

  static Fleet fleet() {
    return new Fleet();
  }

  /** The ids of the nodes {@code deployment} is placed on, sorted. */
  static List<String> where(Placement p, String deployment) {
    return p.byNode().entrySet().stream()
        .filter(e -> e.getValue().stream().anyMatch(x -> x.name().equals(deployment)))
        .map(e -> e.getKey().value())
        .sorted()
        .toList();
  }

  static NodeDecision decision(Explanation e, String node) {
    return e.nodes().stream()
        .filter(x -> x.node().value().equals(node))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no decision for " + node + " in " + e));
  }

  static List<String> constraints(Explanation e, String node) {
    return decision(e, node).reasons().stream().map(Reason::constraint).toList();
  }

  static String message(Explanation e, String node) {
    return decision(e, node).reasons().stream()
        .map(Reason::message)
        .collect(Collectors.joining(" | "));
  }

  // ---- selector, cordon, taints -----------------------------------------------------------

  @Test
  void anEveryNodeDeploymentLandsOnEveryNodeItsSelectorMatchesAndOnNoOther() {
    Fleet f =
        fleet()
            .nodes(n("a").label("site", "north"), n("b").label("site", "south"), n("c"))
            .deploy(d("aq").selector("site=north"));
    Placement p = f.place();
    assertEquals(List.of("a"), where(p, "aq"));
    assertEquals(1, p.placedCount().get("aq"));
    assertEquals(1, p.wanted().get("aq"));
    Explanation e = f.explain("aq");
    assertEquals(List.of("selector"), constraints(e, "b"));
    assertTrue(message(e, "b").contains("{site=south}"), message(e, "b"));
    assertTrue(message(e, "b").contains("site=north"), message(e, "b"));
    assertTrue(decision(e, "a").placed());
    assertEquals("chosen", decision(e, "a").note());
  }

  @Test
  void aCordonedNodeKeepsWhatItRunsButGetsNothingNew() {
    Fleet f =
        fleet().nodes(n("a").cordoned(), n("b")).deploy(d("old")).deploy(d("new")).ran("a", "old");
    Placement p = f.place();
    assertEquals(List.of("a", "b"), where(p, "old"));
    assertEquals(List.of("b"), where(p, "new"));
    assertEquals(List.of("cordoned"), constraints(f.explain("new"), "a"));
    assertEquals("kept", decision(f.explain("old"), "a").note());
  }

  @Test
  void aNoScheduleTaintKeepsNewDeploymentsOffAndLeavesRunningOnesInPlace() {
    Fleet f =
        fleet()
            .nodes(n("a").taint("dedicated", "traffic", Taint.Effect.NO_SCHEDULE))
            .deploy(d("old"))
            .deploy(d("new"))
            .ran("a", "old");
    Placement p = f.place();
    assertEquals(List.of("a"), where(p, "old"));
    assertEquals(List.of(), where(p, "new"));
    assertEquals(List.of("taint"), constraints(f.explain("new"), "a"));
    assertTrue(message(f.explain("new"), "a").contains("dedicated=traffic:NoSchedule"));
  }

  @Test
  void aNoExecuteTaintTakesOffEvenWhatRuns() {
    Fleet f =
        fleet()
            .nodes(n("a").taint("broken", "", Taint.Effect.NO_EXECUTE))
            .deploy(d("old"))
            .ran("a", "old");
    assertEquals(List.of(), where(f.place(), "old"));
    assertTrue(message(f.explain("old"), "a").contains("broken:NoExecute"));
  }

  @Test
  void aMatchingTolerationLetsADeploymentPastTheTaint() {
    N tainted = n("a").taint("dedicated", "traffic", Taint.Effect.NO_SCHEDULE);
    Toleration equal =
        new Toleration("dedicated", Toleration.Operator.EQUAL, "traffic", Taint.Effect.NO_SCHEDULE);
    Toleration exists = new Toleration("dedicated", Toleration.Operator.EXISTS, "", null);
    Toleration everything = new Toleration("", Toleration.Operator.EXISTS, "", null);
    Toleration wrongValue = new Toleration("dedicated", Toleration.Operator.EQUAL, "parking", null);
    Toleration wrongEffect =
        new Toleration("dedicated", Toleration.Operator.EXISTS, "", Taint.Effect.NO_EXECUTE);
    for (Toleration t : List.of(equal, exists, everything)) {
      assertEquals(
          List.of("a"),
          where(fleet().node(tainted).deploy(d("x").tolerate(t)).place(), "x"),
          t.toString());
    }
    for (Toleration t : List.of(wrongValue, wrongEffect)) {
      assertEquals(
          List.of(),
          where(fleet().node(tainted).deploy(d("x").tolerate(t)).place(), "x"),
          t.toString());
    }
  }

  // ---- profiles: architecture, firmware, peripherals, resources ---------------------------

  @Test
  void aDeploymentForOneArchitectureSkipsNodesOfAnother() {
    Fleet f =
        fleet()
            .nodes(n("pi").profile("pi4"), n("gw").profile("x86"))
            .deploy(d("arm-only").arch(Architecture.ARM64));
    assertEquals(List.of("pi"), where(f.place(), "arm-only"));
    assertEquals(List.of("architecture"), constraints(f.explain("arm-only"), "gw"));
    assertTrue(
        message(f.explain("arm-only"), "gw").contains("amd64"),
        message(f.explain("arm-only"), "gw"));
  }

  @Test
  void aFirmwareBelowTheMinimumIsRefusedWithBothVersions() {
    Fleet f =
        fleet()
            .nodes(n("pi").profile("pi4"), n("jet").profile("jetson"))
            .deploy(d("x").minFirmware("13.0"));
    assertEquals(List.of("jet"), where(f.place(), "x"));
    assertEquals(List.of("firmware"), constraints(f.explain("x"), "pi"));
    String m = message(f.explain("x"), "pi");
    assertTrue(m.contains("13.0") && m.contains("12.8"), m);
  }

  @Test
  void aMissingPeripheralIsRefusedByName() {
    Fleet f =
        fleet()
            .nodes(n("pi").profile("pi4"), n("jet").profile("jetson"))
            .deploy(d("vision").peripheral("gpu", 1));
    assertEquals(List.of("jet"), where(f.place(), "vision"));
    assertEquals(List.of("peripheral"), constraints(f.explain("vision"), "pi"));
    assertTrue(message(f.explain("vision"), "pi").contains("gpu"));
  }

  @Test
  void requestsUseUpCapacitySoTheOlderDeploymentKeepsItsPlace() {
    Fleet f =
        fleet()
            .nodes(n("pi").profile("pi4"))
            .deploy(d("first").requests(2_000, 2_048 * MI).created(0))
            .deploy(d("second").requests(2_000, 512 * MI).created(10));
    Placement p = f.place();
    assertEquals(List.of("pi"), where(p, "first"));
    assertEquals(List.of(), where(p, "second"));
    Explanation e = f.explain("second");
    assertEquals(List.of("cpu"), constraints(e, "pi"));
    String m = message(e, "pi");
    // 3500m allocatable, 2000m placed, 1500m free, 2000m asked.
    assertTrue(m.contains("2000m") || m.contains("2 "), m);
    assertTrue(m.contains("1500m"), m);
  }

  @Test
  void cpuAndMemoryShortfallsAreBothExplained() {
    Fleet f =
        fleet()
            .nodes(n("pi").profile("pi4"))
            .deploy(d("hog").requests(3_000, 3_000 * MI).created(0))
            .deploy(d("late").requests(1_000, 1_024 * MI).created(10));
    assertEquals(List.of("cpu", "memory"), constraints(f.explain("late"), "pi"));
  }

  @Test
  void aNodeWithAnUnknownProfileTakesOnlyDeploymentsThatNeedNothingFromIt() {
    Fleet f =
        fleet()
            .nodes(n("odd").profile("homebrew"))
            .deploy(d("plain"))
            .deploy(d("picky").arch(Architecture.ARM64));
    Placement p = f.place();
    assertEquals(List.of("odd"), where(p, "plain"));
    assertEquals(List.of(), where(p, "picky"));
    assertEquals(List.of("profile"), constraints(f.explain("picky"), "odd"));
    assertTrue(message(f.explain("picky"), "odd").contains("homebrew"));
  }

  @Test
  void aHostPortAlreadyPublishedByAnotherDeploymentKeepsTheNewerOneOff() {
    Fleet f =
        fleet()
            .nodes(n("a"))
            .deploy(d("web").hostPort(8080).created(0))
            .deploy(d("other-web").hostPort(8080).created(5));
    assertEquals(List.of(), where(f.place(), "other-web"));
    assertEquals(List.of("host-port"), constraints(f.explain("other-web"), "a"));
    assertTrue(message(f.explain("other-web"), "a").contains("8080/tcp"));
    assertTrue(message(f.explain("other-web"), "a").contains("web"));
  }

  // ---- affinity and anti-affinity ---------------------------------------------------------

  @Test
  void affinityOnTheSameNodeFollowsTheOtherDeployment() {
    Fleet f =
        fleet()
            .nodes(n("a").label("role", "bridge"), n("b"))
            .deploy(d("bridge").selector("role=bridge"))
            .deploy(d("logger").affinity("bridge", null));
    assertEquals(List.of("a"), where(f.place(), "logger"));
    assertEquals(List.of("affinity"), constraints(f.explain("logger"), "b"));
  }

  @Test
  void affinityByTopologyFollowsTheOtherDeploymentToItsSites() {
    Fleet f =
        fleet()
            .nodes(
                n("n1").label("site", "north").label("role", "broker"),
                n("n2").label("site", "north"),
                n("s1").label("site", "south"),
                n("x1"))
            .deploy(d("broker").selector("role=broker"))
            .deploy(d("sensor").affinity("broker", "site"));
    assertEquals(List.of("n1", "n2"), where(f.place(), "sensor"));
    Explanation e = f.explain("sensor");
    assertTrue(message(e, "s1").contains("site=south"), message(e, "s1"));
    assertTrue(message(e, "x1").contains("no label 'site'"), message(e, "x1"));
  }

  @Test
  void aDeploymentPlacedAfterTheOneItsAffinityNamesEvenWhenOlder() {
    // "logger" is older but names "bridge": bridge must be placed first.
    Fleet f =
        fleet()
            .nodes(n("a").label("role", "bridge"), n("b"))
            .deploy(d("logger").affinity("bridge", null).created(0))
            .deploy(d("bridge").selector("role=bridge").created(30));
    assertEquals(List.of("a"), where(f.place(), "logger"));
  }

  @Test
  void affinityToADeploymentThatDoesNotExistPlacesNowhere() {
    Fleet f = fleet().nodes(n("a")).deploy(d("x").affinity("ghost", null));
    assertEquals(List.of(), where(f.place(), "x"));
    assertTrue(message(f.explain("x"), "a").contains("ghost does not exist"));
  }

  @Test
  void antiAffinityOnTheSameNodeKeepsTheTwoApart() {
    Fleet f =
        fleet()
            .nodes(n("a").label("role", "camera"), n("b"))
            .deploy(d("camera").selector("role=camera"))
            .deploy(d("ml").antiAffinity("camera", null));
    assertEquals(List.of("b"), where(f.place(), "ml"));
    assertEquals(List.of("anti-affinity"), constraints(f.explain("ml"), "a"));
  }

  @Test
  void antiAffinityByTopologyKeepsWholeDistrictsApart() {
    Fleet f =
        fleet()
            .nodes(
                n("a1").label("district", "a").label("role", "x"),
                n("a2").label("district", "a"),
                n("b1").label("district", "b"),
                n("none"))
            .deploy(d("x").selector("role=x"))
            .deploy(d("y").antiAffinity("x", "district"));
    assertEquals(List.of("b1", "none"), where(f.place(), "y"));
    assertTrue(message(f.explain("y"), "a2").contains("district=a"));
  }

  @Test
  void antiAffinityNamedByTheOtherDeploymentHoldsToo() {
    // "x" keeps "y" off its nodes; "y" wants to be in x's sites. They name each other, so the
    // older "x" goes first, and "y" must honour x's anti-affinity though it says nothing of it.
    Fleet f =
        fleet()
            .nodes(
                n("a").label("site", "s").label("role", "x"),
                n("b").label("site", "s"),
                n("c").label("site", "t"))
            .deploy(d("x").selector("role=x").antiAffinity("y", null).created(0))
            .deploy(d("y").affinity("x", "site").created(10));
    Placement p = f.place();
    assertEquals(List.of("a"), where(p, "x"));
    assertEquals(List.of("b"), where(p, "y"));
    Explanation e = f.explain("y");
    assertEquals(List.of("anti-affinity"), constraints(e, "a"));
    assertTrue(message(e, "a").contains("its anti-affinity keeps y away"), message(e, "a"));
    assertEquals(List.of("affinity"), constraints(e, "c"));
  }

  // ---- spread -----------------------------------------------------------------------------

  @Test
  void spreadCapsEachDistrictAndLeavesNodesWithoutTheLabelOut() {
    Fleet f =
        fleet()
            .nodes(
                n("a1").label("district", "a"),
                n("a2").label("district", "a"),
                n("a3").label("district", "a"),
                n("b1").label("district", "b"),
                n("x"))
            .deploy(d("gw").spread("district", 2));
    assertEquals(List.of("a1", "a2", "b1"), where(f.place(), "gw"));
    Explanation e = f.explain("gw");
    assertEquals(List.of("spread"), constraints(e, "a3"));
    assertTrue(message(e, "a3").contains("district=a already runs it on 2 nodes, at most 2"));
    assertTrue(message(e, "x").contains("no label 'district'"));
  }

  @Test
  void spreadKeepsTheNodesThatAlreadyRunIt() {
    Fleet f =
        fleet()
            .nodes(
                n("a1").label("district", "a"),
                n("a2").label("district", "a"),
                n("a3").label("district", "a"))
            .deploy(d("gw").spread("district", 1))
            .ran("a3", "gw");
    assertEquals(List.of("a3"), where(f.place(), "gw"));
  }

  // ---- replicas ---------------------------------------------------------------------------

  @Test
  void replicasGoToReadyNodesBeforePendingOnesAndNeverToUnreachableOnes() {
    Fleet f =
        fleet()
            .nodes(
                n("p1").state(NodeState.PENDING, NOW),
                n("r1"),
                n("u1").state(NodeState.UNREACHABLE, NOW.minusSeconds(5)),
                n("r2"))
            .deploy(d("app").replicas(3));
    Placement p = f.place();
    assertEquals(List.of("p1", "r1", "r2"), where(p, "app"));
    assertEquals(3, p.wanted().get("app"));
    Explanation e = f.explain("app");
    assertEquals(List.of("unreachable"), constraints(e, "u1"));
    assertEquals(Integer.valueOf(3), e.replicas());
  }

  @Test
  void extraEligibleNodesAreExplainedByTheReplicaCount() {
    Fleet f = fleet().nodes(n("a"), n("b"), n("c")).deploy(d("app").replicas(1));
    Explanation e = f.explain("app");
    assertEquals(1, e.placed());
    long replicaReasons =
        e.nodes().stream()
            .filter(x -> !x.placed() && x.reasons().get(0).constraint().equals("replicas"))
            .count();
    assertEquals(2, replicaReasons);
  }

  @Test
  void replicasStayWhereTheyRunWhenTheFleetGrows() {
    Fleet f =
        fleet()
            .nodes(n("a"), n("b"), n("c"), n("d"))
            .deploy(d("app").replicas(2))
            .ran("c", "app")
            .ran("d", "app");
    assertEquals(List.of("c", "d"), where(f.place(), "app"));
    assertEquals("kept", decision(f.explain("app"), "c").note());
  }

  @Test
  void scalingDownKeepsTheBestRankedHolders() {
    Fleet f =
        fleet()
            .nodes(n("a").state(NodeState.NOT_READY, NOW), n("b"), n("c"))
            .deploy(d("app").replicas(2))
            .ran("a", "app")
            .ran("b", "app")
            .ran("c", "app");
    assertEquals(List.of("b", "c"), where(f.place(), "app"));
  }

  @Test
  void newReplicasPreferNodesWithFewerWorkloads() {
    Fleet f =
        fleet()
            .nodes(n("busy"), n("idle").label("quiet", "yes"))
            .deploy(d("base").selector("!quiet").created(0))
            .deploy(d("app").replicas(1).created(10));
    assertEquals(List.of("idle"), where(f.place(), "app"));
  }

  @Test
  void replicasWithSpreadFillDistrictsUpToTheirLimit() {
    Fleet f =
        fleet()
            .nodes(
                n("a1").label("district", "a"),
                n("a2").label("district", "a"),
                n("b1").label("district", "b"),
                n("b2").label("district", "b"))
            .deploy(d("app").replicas(3).spread("district", 1));
    Placement p = f.place();
    List<String> on = where(p, "app");
    assertEquals(2, on.size(), on.toString());
    assertEquals(1, on.stream().filter(x -> x.startsWith("a")).count());
    assertEquals(1, on.stream().filter(x -> x.startsWith("b")).count());
  }

  @Test
  void aReplicaOnAnUnreachableNodeStaysWithinTheGraceAndMovesAfterIt() {
    Instant wentAway = NOW.minus(Duration.ofMinutes(4));
    Fleet within =
        fleet()
            .nodes(n("a").state(NodeState.UNREACHABLE, wentAway), n("b"))
            .deploy(d("app").replicas(1))
            .ran("a", "app");
    Placement p = within.place();
    assertEquals(List.of("a"), where(p, "app"));
    assertEquals(wentAway.plus(GRACE), p.nextChangeAt());

    Placement after = within.at(wentAway.plus(GRACE)).place();
    assertEquals(List.of("b"), where(after, "app"));
    assertNull(after.nextChangeAt());
    Explanation e = within.explain("app");
    assertEquals(List.of("unreachable"), constraints(e, "a"));
    assertTrue(message(e, "a").contains("grace"), message(e, "a"));
  }

  @Test
  void anEveryNodeDeploymentNeverLeavesAnUnreachableNode() {
    Fleet f =
        fleet()
            .nodes(n("a").state(NodeState.UNREACHABLE, NOW.minus(Duration.ofDays(30))), n("b"))
            .deploy(d("agent-sidecar"))
            .ran("a", "agent-sidecar");
    Placement p = f.place();
    assertEquals(List.of("a", "b"), where(p, "agent-sidecar"));
    assertNull(p.nextChangeAt());
  }

  // ---- combinations, explanations and stability ------------------------------------------

  @Test
  void aNodeFailingSeveralConstraintsListsEveryOne() {
    Fleet f =
        fleet()
            .nodes(
                n("gw")
                    .profile("x86")
                    .label("district", "a")
                    .cordoned()
                    .taint("dedicated", "ops", Taint.Effect.NO_SCHEDULE))
            .deploy(d("vision").arch(Architecture.ARM64).peripheral("gpu", 1).minFirmware("36.0"));
    assertEquals(
        List.of("cordoned", "taint", "architecture", "firmware", "peripheral"),
        constraints(f.explain("vision"), "gw"));
  }

  @Test
  void aMixedFleetPlacesEachDeploymentWhereAllItsConstraintsHold() {
    Fleet f = fleet();
    String[] districts = {"d1", "d2", "d3"};
    for (int i = 0; i < 30; i++) {
      String profile = i % 3 == 0 ? "jetson" : i % 3 == 1 ? "pi4" : "x86";
      N node = n(String.format("n%02d", i)).profile(profile).label("district", districts[i % 3]);
      if (i % 10 == 9) {
        node.taint("maintenance", "", Taint.Effect.NO_SCHEDULE);
      }
      f.node(node);
    }
    f.deploy(
        d("vision").arch(Architecture.ARM64).peripheral("gpu", 1).spread("district", 2).created(0));
    f.deploy(
        d("collector")
            .replicas(4)
            .arch(Architecture.AMD64)
            .antiAffinity("vision", null)
            .created(1));
    f.deploy(d("sidecar").affinity("vision", null).created(2));
    Placement p = f.place();
    // vision: jetsons are n00, n03, ..., n27, all in district d1 (i % 3 == 0); n09 and n19, n29
    // are tainted; spread keeps 2.
    List<String> vision = where(p, "vision");
    assertEquals(2, vision.size(), vision.toString());
    for (String v : vision) {
      int i = Integer.parseInt(v.substring(1));
      assertEquals(0, i % 3, v);
      assertTrue(i % 10 != 9, v);
    }
    List<String> collector = where(p, "collector");
    assertEquals(4, collector.size());
    for (String c : collector) {
      assertEquals(2, Integer.parseInt(c.substring(1)) % 3, c);
      assertTrue(Integer.parseInt(c.substring(1)) % 10 != 9, c);
    }
    assertEquals(vision, where(p, "sidecar"));
  }

  @Test
  void placingAgainFromItsOwnResultChangesNothing() {
    Fleet f = fleet();
    for (int i = 0; i < 50; i++) {
      f.node(
          n(String.format("n%02d", i))
              .profile(i % 2 == 0 ? "pi4" : "x86")
              .label("site", "s" + (i % 5)));
    }
    f.deploy(d("a").replicas(7).spread("site", 2).created(0));
    f.deploy(d("b").replicas(3).requests(1_000, 512 * MI).created(1));
    f.deploy(d("c").arch(Architecture.ARM64).created(2));
    Placement first = f.place();
    for (Node node : f.nodes) {
      Set<String> names =
          first.on(node.id()).stream().map(Deployment::name).collect(Collectors.toSet());
      f.current.put(node.id(), names);
    }
    Placement second = f.place();
    assertEquals(first.byNode(), second.byNode());
    assertEquals(first, f.place());
  }

  @Test
  void explainingAnUnknownDeploymentGivesNoDecisions() {
    Explanation e = fleet().nodes(n("a")).explain("ghost");
    assertEquals(0, e.placed());
    assertTrue(e.nodes().isEmpty());
  }

  @Test
  void theOrderPutsNamedDeploymentsFirstAndOtherwiseTheOlder() {
    List<Deployment> ordered =
        Scheduler.order(
            List.of(
                d("c").created(0).affinity("b", null).build(),
                d("b").created(10).antiAffinity("a", null).build(),
                d("a").created(20).build(),
                d("z").created(5).build()));
    // z is ready first (older than a and b, and names nobody); c waits for b, b for a.
    assertEquals(List.of("z", "a", "b", "c"), ordered.stream().map(Deployment::name).toList());
  }

  @Test
  void aCycleOfAffinitiesFallsBackToAge() {
    List<Deployment> ordered =
        Scheduler.order(
            List.of(
                d("x").created(10).affinity("y", null).build(),
                d("y").created(0).affinity("x", null).build()));
    assertEquals(List.of("y", "x"), ordered.stream().map(Deployment::name).toList());
  }
}
