package dev.flotilla.simulator.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeSelectorTest {
  private static final FleetSpec FLEET =
      new FleetSpec(
          1000,
          4,
          2,
          7,
          StoreKind.MEMORY,
          List.of(
              new Group("raspberry-pi-4", 0.3, Map.of("zone", "north")),
              new Group("generic-arm64", 0.7, Map.of("zone", "south"))),
          List.of(),
          AgentTuning.DEFAULTS);
  private static final List<NodeSpec> NODES = FLEET.allNodes();

  private static NodeSelector share(double share) {
    return new NodeSelector(Map.of(), List.of(), share, null);
  }

  @Test
  void withoutShareOrCountEveryMatchingNodeIsSelectedInFleetOrder() {
    assertEquals(NODES.stream().map(NodeSpec::id).toList(), NodeSelector.ALL.select(NODES, 1));
    List<String> d01 =
        new NodeSelector(Map.of("district", "d01"), List.of(), null, null).select(NODES, 1);
    assertEquals(250, d01.size());
    assertEquals("sim-00001", d01.get(0));
    assertEquals("sim-00005", d01.get(1));
    List<String> piNorth =
        new NodeSelector(Map.of("zone", "north"), List.of("raspberry-pi-4"), null, null)
            .select(NODES, 1);
    assertEquals(300, piNorth.size());
    assertTrue(
        new NodeSelector(Map.of("zone", "north"), List.of("generic-arm64"), null, null)
            .select(NODES, 1)
            .isEmpty());
  }

  @Test
  void aSharePicksThatManyOfTheMatchingNodesTheSameOnesForTheSameSeed() {
    List<String> tenth = share(0.1).select(NODES, 7);
    assertEquals(100, tenth.size());
    assertEquals(tenth, share(0.1).select(NODES, 7), "deterministic");
    assertEquals(tenth, share(0.1).select(FLEET.allNodes(), 7), "from a fresh layout too");
    assertEquals(
        tenth.stream().sorted().toList(), tenth, "in fleet order, which sorts like the ids");
    assertNotEquals(tenth, share(0.1).select(NODES, 8), "another seed picks other nodes");
    assertTrue(
        new HashSet<>(share(0.25).select(NODES, 7)).containsAll(tenth),
        "a smaller share is part of a larger one under one seed");
    // Spread: a hash, not the first ids; every district is hit.
    for (String district : List.of("d00", "d01", "d02", "d03")) {
      long inDistrict =
          NODES.stream()
              .filter(n -> tenth.contains(n.id()))
              .filter(n -> n.labels().get("district").equals(district))
              .count();
      assertTrue(inDistrict > 10 && inDistrict < 40, district + ": " + inDistrict);
    }
  }

  @Test
  void aShareRoundsToTheNearestCountButNeverToNothing() {
    List<NodeSpec> seven = NODES.subList(0, 7);
    assertEquals(1, share(0.0001).select(seven, 1).size(), "at least one");
    assertEquals(4, share(0.5).select(seven, 1).size(), "3.5 rounds up");
    assertEquals(2, share(0.3).select(seven, 1).size(), "2.1 rounds down");
    assertEquals(7, share(1).select(seven, 1).size());
    assertEquals(List.of(), share(0.5).select(List.of(), 1), "nothing matches, nothing picked");
  }

  @Test
  void aCountPicksThatManyOrEveryMatchingNodeWhenFewerMatch() {
    NodeSelector three = new NodeSelector(Map.of("district", "d02"), List.of(), null, 3);
    List<String> picked = three.select(NODES, 1);
    assertEquals(3, picked.size());
    assertEquals(picked, three.select(NODES, 1));
    assertTrue(
        picked.stream()
            .allMatch(
                id ->
                    FLEET
                        .node(Integer.parseInt(id.substring(4)))
                        .labels()
                        .get("district")
                        .equals("d02")));
    assertEquals(
        5, new NodeSelector(Map.of(), List.of(), null, 50).select(NODES.subList(0, 5), 1).size());
  }

  @Test
  void theRankIsFixedByTheCodeAloneSoEveryJvmPicksTheSameNodes() {
    // Pinned: a change here changes every shipped scenario's picks.
    assertEquals(List.of("sim-00000", "sim-00003"), share(0.4).select(NODES.subList(0, 5), 1));
    assertEquals(NodeSelector.rank("sim-00042", 1), NodeSelector.rank("sim-00042", 1));
    assertNotEquals(NodeSelector.rank("sim-00042", 1), NodeSelector.rank("sim-00042", 2));
  }

  @Test
  void refusesAShareOutsideZeroToOneACountBelowOneAndBothAtOnce() {
    assertThrows(IllegalArgumentException.class, () -> share(0));
    assertThrows(IllegalArgumentException.class, () -> share(1.5));
    assertThrows(IllegalArgumentException.class, () -> share(Double.NaN));
    assertThrows(
        IllegalArgumentException.class, () -> new NodeSelector(Map.of(), List.of(), null, 0));
    assertThrows(
        IllegalArgumentException.class, () -> new NodeSelector(Map.of(), List.of(), 0.5, 3));
  }

  @Test
  void describesItselfForTheTimeline() {
    assertEquals("all nodes", NodeSelector.ALL.describe());
    assertEquals("10% of nodes", share(0.1).describe());
    assertEquals("0.5% of nodes", share(0.005).describe());
    assertEquals(
        "nodes with district=d02",
        new NodeSelector(Map.of("district", "d02"), List.of(), null, null).describe());
    assertEquals(
        "1 node with district=d02,zone=north of profile raspberry-pi-4",
        new NodeSelector(
                Map.of("zone", "north", "district", "d02"), List.of("raspberry-pi-4"), null, 1)
            .describe());
    assertEquals(
        "25% of nodes of profiles raspberry-pi-4, generic-arm64",
        new NodeSelector(Map.of(), List.of("raspberry-pi-4", "generic-arm64"), 0.25, null)
            .describe());
  }
}
