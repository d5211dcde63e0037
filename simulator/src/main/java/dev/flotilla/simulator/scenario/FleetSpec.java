package dev.flotilla.simulator.scenario;

import dev.flotilla.simulator.runtime.ImageBehaviour;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The simulated fleet: how many nodes, how they are spread over districts and sites, which profiles
 * and labels they have, how images behave on them, and how their agents are tuned.
 *
 * <p>The layout is a pure function of these fields ({@link #node(int)}), so a scenario names the
 * same nodes on every run, and {@link Scenario#withNodes} can scale it keeping the mix.
 *
 * @param nodes how many nodes, 1 to {@link #MAX_NODES}
 * @param districts how many districts, 1 to {@link #MAX_DISTRICTS}; nodes are dealt over them in
 *     turn
 * @param sitesPerDistrict how many sites each district has, 1 to {@link #MAX_DISTRICTS}
 * @param seed varies every deterministic pick (selectors, image rules)
 * @param store where each agent keeps its store
 * @param groups the profile mix, at least one group; shares sum to 1 (±0.0001)
 * @param images how images behave; for one node and image, the first rule that picks the node wins
 * @param agent agent settings for every node
 */
public record FleetSpec(
    int nodes,
    int districts,
    int sitesPerDistrict,
    long seed,
    StoreKind store,
    List<Group> groups,
    List<ImageRule> images,
    AgentTuning agent) {

  public static final int MAX_NODES = 100_000;
  public static final int MAX_DISTRICTS = 1000;

  /** The label keys the layout sets on every node; groups may not set them. */
  public static final String DISTRICT = "district";

  public static final String SITE = "site";

  /** How far the group shares may sum from 100%: 0.01%. */
  static final double SHARE_TOLERANCE = 0.0001;

  /** Shares as whole billionths, so the largest-remainder split is exact integer arithmetic. */
  private static final long SHARE_UNIT = 1_000_000_000L;

  public FleetSpec {
    if (nodes < 1 || nodes > MAX_NODES) {
      throw new IllegalArgumentException("nodes must be 1 to " + MAX_NODES + ", got " + nodes);
    }
    if (districts < 1 || districts > MAX_DISTRICTS) {
      throw new IllegalArgumentException(
          "districts must be 1 to " + MAX_DISTRICTS + ", got " + districts);
    }
    if (sitesPerDistrict < 1 || sitesPerDistrict > MAX_DISTRICTS) {
      throw new IllegalArgumentException(
          "sitesPerDistrict must be 1 to " + MAX_DISTRICTS + ", got " + sitesPerDistrict);
    }
    Objects.requireNonNull(store, "store");
    groups = List.copyOf(groups);
    if (groups.isEmpty()) {
      throw new IllegalArgumentException("a fleet needs at least one group");
    }
    double sum = groups.stream().mapToDouble(Group::share).sum();
    if (Math.abs(sum - 1) > SHARE_TOLERANCE) {
      throw new IllegalArgumentException("group shares must sum to 1, got " + sum);
    }
    images = List.copyOf(images);
    Objects.requireNonNull(agent, "agent");
  }

  /** A fleet of {@code nodes} nodes with every other field changed to the given value. */
  public FleetSpec withNodes(int nodes) {
    return new FleetSpec(nodes, districts, sitesPerDistrict, seed, store, groups, images, agent);
  }

  /** {@code sim-} and five digits: {@code sim-00042} for index 42. */
  public static String nodeId(int index) {
    if (index < 0) {
      throw new IllegalArgumentException("a node index is 0 or more, got " + index);
    }
    return String.format(Locale.ROOT, "sim-%05d", index);
  }

  /**
   * How many nodes each group gets, in group order, summing to {@link #nodes}: each group's quota
   * ({@code share × nodes}) rounded down, then the nodes left over one each to the groups with the
   * largest remainders (the earlier group on a tie). Shares are first scaled to sum to exactly 1.
   */
  public List<Integer> groupCounts() {
    int n = groups.size();
    long[] weights = new long[n];
    long total = 0;
    for (int g = 0; g < n; g++) {
      weights[g] = Math.round(groups.get(g).share() * SHARE_UNIT);
      total += weights[g];
    }
    int[] counts = new int[n];
    long[] remainders = new long[n];
    int given = 0;
    for (int g = 0; g < n; g++) {
      long quota = weights[g] * nodes;
      counts[g] = (int) (quota / total);
      remainders[g] = quota % total;
      given += counts[g];
    }
    List<Integer> order = new ArrayList<>();
    for (int g = 0; g < n; g++) {
      order.add(g);
    }
    // Stable sort: equal remainders keep group order.
    order.sort((a, b) -> Long.compare(remainders[b], remainders[a]));
    for (int i = 0; i < nodes - given; i++) {
      counts[order.get(i)]++;
    }
    List<Integer> out = new ArrayList<>(n);
    for (int c : counts) {
      out.add(c);
    }
    return List.copyOf(out);
  }

  /**
   * The id, profile and labels of node {@code index}. Pure and deterministic:
   *
   * <ul>
   *   <li>{@code district} is {@code d} and two digits of {@code index % districts} ({@code d03});
   *   <li>{@code site} is the district, {@code -s} and two digits of {@code (index / districts) %
   *       sitesPerDistrict} ({@code d03-s01});
   *   <li>the group is the one whose block of {@link #groupCounts} holds {@code index} (the first
   *       {@code counts[0]} nodes are group 0, and so on), so every district gets the mix; its
   *       profile and labels are the node's.
   * </ul>
   *
   * @throws IndexOutOfBoundsException unless {@code 0 <= index < nodes}
   */
  public NodeSpec node(int index) {
    Objects.checkIndex(index, nodes);
    return node(index, groupCounts());
  }

  /** Every node, in index order. */
  public List<NodeSpec> allNodes() {
    List<Integer> counts = groupCounts();
    List<NodeSpec> out = new ArrayList<>(nodes);
    for (int i = 0; i < nodes; i++) {
      out.add(node(i, counts));
    }
    return Collections.unmodifiableList(out);
  }

  /**
   * Per node id, the behaviour of each image some rule gives it; nodes and images without a rule
   * are absent (they are {@link ImageBehaviour#HEALTHY}). For one node and image the first rule in
   * {@link #images} order that picks the node wins.
   */
  public Map<String, Map<String, ImageBehaviour>> imageBehaviours() {
    List<NodeSpec> fleet = allNodes();
    Map<String, Map<String, ImageBehaviour>> out = new TreeMap<>();
    for (ImageRule rule : images) {
      ImageBehaviour behaviour = rule.behaviour();
      for (String id : rule.select(fleet, seed)) {
        out.computeIfAbsent(id, k -> new LinkedHashMap<>()).putIfAbsent(rule.image(), behaviour);
      }
    }
    out.replaceAll((id, byImage) -> Collections.unmodifiableMap(byImage));
    return Collections.unmodifiableMap(out);
  }

  private NodeSpec node(int index, List<Integer> counts) {
    int g = 0;
    int end = counts.get(0);
    while (index >= end) {
      g++;
      end += counts.get(g);
    }
    Group group = groups.get(g);
    int district = index % districts;
    Map<String, String> labels = new TreeMap<>(group.labels());
    labels.put(DISTRICT, district(district));
    labels.put(SITE, site(district, (index / districts) % sitesPerDistrict));
    return new NodeSpec(nodeId(index), group.profile(), labels);
  }

  /** The {@code district} label of district {@code d}: {@code d} and two digits. */
  static String district(int d) {
    return String.format(Locale.ROOT, "d%02d", d);
  }

  /** The {@code site} label of site {@code s} of district {@code d}. */
  static String site(int d, int s) {
    return district(d) + String.format(Locale.ROOT, "-s%02d", s);
  }
}
