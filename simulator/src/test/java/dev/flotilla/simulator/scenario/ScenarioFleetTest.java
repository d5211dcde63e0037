package dev.flotilla.simulator.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.simulator.runtime.ImageBehaviour;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The fleet layout: node ids, districts and sites, the group mix, image rules. */
class ScenarioFleetTest {
  private static FleetSpec fleet(int nodes, int districts, int sites, double... shares) {
    String[] profiles = {"raspberry-pi-4", "raspberry-pi-5", "generic-arm64", "jetson-orin-nano"};
    List<Group> groups = new ArrayList<>();
    for (int g = 0; g < shares.length; g++) {
      groups.add(new Group(profiles[g], shares[g], Map.of("group", "g" + g)));
    }
    return new FleetSpec(
        nodes, districts, sites, 1, StoreKind.MEMORY, groups, List.of(), AgentTuning.DEFAULTS);
  }

  @Test
  void nodeIdsAreSimAndFiveDigits() {
    assertEquals("sim-00000", FleetSpec.nodeId(0));
    assertEquals("sim-00042", FleetSpec.nodeId(42));
    assertEquals("sim-99999", FleetSpec.nodeId(99_999));
    assertThrows(IllegalArgumentException.class, () -> FleetSpec.nodeId(-1));
  }

  @Test
  void groupCountsAreTheLargestRemainderSplitAndSumToTheNodes() {
    // quotas 3.5, 2.1, 1.4: floors 3, 2, 1, the one left over to the largest remainder.
    assertEquals(List.of(4, 2, 1), fleet(7, 1, 1, 0.5, 0.3, 0.2).groupCounts());
    // quotas 3.333, 3.333, 3.334: the last group has the largest remainder.
    assertEquals(List.of(3, 3, 4), fleet(10, 1, 1, 0.3333, 0.3333, 0.3334).groupCounts());
    // quotas 0.5 each: a tie goes to the earlier group.
    assertEquals(List.of(1, 0), fleet(1, 1, 1, 0.5, 0.5).groupCounts());
    assertEquals(List.of(2, 1), fleet(3, 1, 1, 0.5, 0.5).groupCounts());
    // quotas 0.29 × 100 etc. are exact, not 28.999...
    assertEquals(List.of(29, 71), fleet(100, 1, 1, 0.29, 0.71).groupCounts());
    assertEquals(List.of(7000, 3000), fleet(10_000, 1, 1, 0.7, 0.3).groupCounts());
    // shares within the tolerance of 100% are scaled: 33.33% × 3 = 99.99%.
    assertEquals(List.of(1, 1, 1), fleet(3, 1, 1, 0.3333, 0.3333, 0.3333).groupCounts());
    for (int nodes : List.of(1, 2, 3, 7, 99, 1000, 99_999, 100_000)) {
      List<Integer> counts = fleet(nodes, 1, 1, 0.1, 0.2, 0.3, 0.4).groupCounts();
      assertEquals(nodes, counts.stream().mapToInt(Integer::intValue).sum(), "" + nodes);
    }
  }

  @Test
  void eachGroupIsABlockOfIndicesSoEveryDistrictGetsTheMix() {
    FleetSpec f = fleet(10, 2, 1, 0.5, 0.3, 0.2);
    List<String> profiles = f.allNodes().stream().map(NodeSpec::profile).toList();
    assertEquals(
        List.of(
            "raspberry-pi-4",
            "raspberry-pi-4",
            "raspberry-pi-4",
            "raspberry-pi-4",
            "raspberry-pi-4",
            "raspberry-pi-5",
            "raspberry-pi-5",
            "raspberry-pi-5",
            "generic-arm64",
            "generic-arm64"),
        profiles);
    assertEquals(Map.of("group", "g1", "district", "d01", "site", "d01-s00"), f.node(5).labels());
  }

  @Test
  void districtsAreDealtInTurnAndSitesCycleWithinEachDistrict() {
    FleetSpec f = fleet(1000, 5, 4, 1);
    assertEquals(
        new NodeSpec(
            "sim-00000",
            "raspberry-pi-4",
            Map.of("district", "d00", "site", "d00-s00", "group", "g0")),
        f.node(0));
    assertEquals("d02", f.node(7).labels().get("district"));
    assertEquals("d02-s01", f.node(7).labels().get("site"), "7 / 5 = 1");
    assertEquals("d04-s03", f.node(19).labels().get("site"));
    assertEquals("d00-s00", f.node(20).labels().get("site"), "sites wrap after four rounds");
    Map<String, Long> perDistrict =
        f.allNodes().stream()
            .collect(Collectors.groupingBy(n -> n.labels().get("district"), Collectors.counting()));
    assertEquals(
        Map.of("d00", 200L, "d01", 200L, "d02", 200L, "d03", 200L, "d04", 200L), perDistrict);
    Map<String, Long> perSite =
        f.allNodes().stream()
            .collect(Collectors.groupingBy(n -> n.labels().get("site"), Collectors.counting()));
    assertEquals(20, perSite.size());
    assertTrue(perSite.values().stream().allMatch(c -> c == 50), perSite.toString());
    assertEquals(
        "d110", fleet(200, 120, 1, 1).node(110).labels().get("district"), "past two digits");
  }

  @Test
  void theLayoutIsDeterministicAndNodeAgreesWithAllNodes() {
    FleetSpec f = fleet(997, 3, 5, 0.25, 0.25, 0.5);
    List<NodeSpec> all = f.allNodes();
    assertEquals(997, all.size());
    for (int i = 0; i < all.size(); i += 37) {
      assertEquals(all.get(i), f.node(i));
    }
    assertEquals(all, fleet(997, 3, 5, 0.25, 0.25, 0.5).allNodes());
    assertThrows(IndexOutOfBoundsException.class, () -> f.node(997));
    assertThrows(IndexOutOfBoundsException.class, () -> f.node(-1));
  }

  @Test
  void withNodesKeepsTheMixByShare() {
    FleetSpec f = fleet(1000, 5, 2, 0.7, 0.3);
    FleetSpec big = f.withNodes(10_000);
    assertEquals(10_000, big.nodes());
    assertEquals(List.of(7000, 3000), big.groupCounts());
    assertEquals(List.of(140, 60), f.withNodes(200).groupCounts());
    assertEquals(f.groups(), big.groups());
    assertEquals(f.districts(), big.districts());
    assertThrows(IllegalArgumentException.class, () -> f.withNodes(0));
    assertThrows(IllegalArgumentException.class, () -> f.withNodes(100_001));
  }

  @Test
  void imageRulesGiveTheirBehaviourToAShareOfTheirProfilesNodesFirstRuleWinning() {
    ImageRule crashOnPi =
        new ImageRule(
            "registry.example/aq:2",
            List.of("raspberry-pi-4"),
            1,
            Duration.ZERO,
            false,
            Duration.ZERO,
            Duration.ofSeconds(2),
            true);
    ImageRule slowHalf =
        new ImageRule(
            "registry.example/aq:2",
            List.of(),
            0.5,
            Duration.ofSeconds(3),
            false,
            Duration.ZERO,
            null,
            true);
    FleetSpec base = fleet(100, 2, 1, 0.3, 0.7);
    FleetSpec f =
        new FleetSpec(
            100,
            2,
            1,
            1,
            StoreKind.MEMORY,
            base.groups(),
            List.of(crashOnPi, slowHalf),
            AgentTuning.DEFAULTS);
    Map<String, Map<String, ImageBehaviour>> behaviours = f.imageBehaviours();
    List<NodeSpec> nodes = f.allNodes();
    for (NodeSpec n : nodes.subList(0, 30)) {
      assertEquals(
          crashOnPi.behaviour(), behaviours.get(n.id()).get("registry.example/aq:2"), n.id());
    }
    long slow =
        nodes.subList(30, 100).stream()
            .filter(n -> behaviours.containsKey(n.id()))
            .peek(
                n ->
                    assertEquals(
                        slowHalf.behaviour(), behaviours.get(n.id()).get("registry.example/aq:2")))
            .count();
    assertTrue(slow > 20 && slow < 50, "about half of the rest: " + slow);
    assertEquals(50, slowHalf.select(nodes, 1).size());
    assertEquals(behaviours, f.imageBehaviours(), "deterministic");
  }
}
