package dev.flotilla.simulator.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.controller.manifest.DeploymentManifest;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ShippedScenariosTest {
  static List<String> names() {
    return ScenarioReader.shippedNames();
  }

  @Test
  void theIndexListsExactlyTheYamlFilesBesideIt() throws IOException, URISyntaxException {
    URL index = getClass().getClassLoader().getResource(ScenarioReader.RESOURCE_DIR + "index");
    assertNotNull(index, "the index is on the test class path");
    assertEquals("file", index.getProtocol(), "the tests read the built classes, not a jar");
    List<String> files;
    try (Stream<Path> entries = Files.list(Path.of(index.toURI()).getParent())) {
      files =
          entries
              .map(p -> p.getFileName().toString())
              .filter(n -> !n.equals("index"))
              .sorted()
              .toList();
    }
    assertEquals(
        names().stream().map(n -> n + ".yaml").sorted().toList(),
        files,
        "every file is listed and every listed name has its file");
    assertEquals(names().stream().distinct().toList(), names(), "the index lists a name twice");
  }

  @Test
  void theRequiredScenariosAreShipped() {
    assertTrue(
        names()
            .containsAll(
                List.of(
                    "demo",
                    "rolling-update-10k",
                    "canary-bad-revision",
                    "district-partition",
                    "broker-restart-storm",
                    "reboot-while-offline")),
        names().toString());
  }

  @ParameterizedTest
  @MethodSource("names")
  void everyShippedScenarioReadsAndIsNamedLikeItsFile(String name) throws IOException {
    Scenario s = ScenarioReader.shipped(name);
    assertEquals(name, s.name());
    assertFalse(s.description().isBlank());
    assertEquals(s, ScenarioReader.load(name), "load finds a shipped name");
    String text = resourceText(name);
    assertTrue(text.startsWith("# " + name + ": "), "a comment header says what it rehearses");
    for (Step step : s.steps()) {
      assertFalse(step.describe().isBlank());
    }
  }

  @ParameterizedTest
  @MethodSource("names")
  void everyDeploymentSelectsNodesOfTheFleetAtTheCiSizeAndScaledUp(String name) {
    Scenario s = ScenarioReader.shipped(name);
    for (int nodes : List.of(200, s.fleet().nodes())) {
      List<NodeSpec> fleet = s.withNodes(nodes).fleet().allNodes();
      for (Step step : s.steps()) {
        if (step instanceof Step.Apply apply) {
          DeploymentManifest m = apply.parsed();
          long selected = fleet.stream().filter(n -> m.selector().matches(n.labels())).count();
          assertEquals(nodes, selected, name + ": " + m.name() + " runs on every node");
        }
      }
      for (Step step : s.steps()) {
        NodeSelector selector =
            switch (step) {
              case Step.Partition p -> p.nodes();
              case Step.Flap f -> f.nodes();
              case Step.Latency l -> l.nodes();
              case Step.Crash c -> c.nodes();
              case Step.Reboot r -> r.nodes();
              default -> null;
            };
        if (selector != null) {
          int picked = selector.select(fleet, s.fleet().seed()).size();
          assertTrue(
              picked > 0 && picked < nodes, name + ": " + step.describe() + " picks " + picked);
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("names")
  void scenariosWithLinkFaultsShortenTheKeepAliveSoTheControllerNoticesInSeconds(String name) {
    Scenario s = ScenarioReader.shipped(name);
    boolean linkFaults =
        s.steps().stream()
            .anyMatch(
                st ->
                    st instanceof Step.Partition
                        || st instanceof Step.Flap
                        || (st instanceof Step.Reboot r && r.offlineFor() != null));
    if (linkFaults) {
      assertEquals(Duration.ofSeconds(10), s.fleet().agent().keepAlive(), name);
      assertEquals(Duration.ofSeconds(5), s.fleet().agent().willDelay(), name);
    }
  }

  @Test
  void theDemoIsAThousandNodesInFiveDistrictsWithACanaryAndAPartition() {
    Scenario demo = ScenarioReader.shipped("demo");
    assertEquals(1000, demo.fleet().nodes());
    assertEquals(5, demo.fleet().districts());
    assertEquals(2, demo.fleet().groups().size());
    assertEquals(
        "partition nodes with district=d02 for 40s",
        demo.steps().stream()
            .filter(st -> st instanceof Step.Partition)
            .findFirst()
            .orElseThrow()
            .describe());
    assertEquals(Map.of("air-quality", "SUCCEEDED"), demo.expect().rollouts());
    // Total awaited time is bounded; the waits themselves are short.
    Duration fixed =
        demo.steps().stream()
            .map(
                st ->
                    switch (st) {
                      case Step.Partition p -> p.duration();
                      case Step.Wait w -> w.duration();
                      case Step.Idle i -> i.duration();
                      default -> Duration.ZERO;
                    })
            .reduce(Duration.ZERO, Duration::plus);
    assertTrue(fixed.compareTo(Duration.ofMinutes(1)) <= 0, fixed.toString());
  }

  @Test
  void theBadCanaryCrashLoopsOnOneProfileAndExpectsARollback() {
    Scenario s = ScenarioReader.shipped("canary-bad-revision");
    ImageRule rule = s.fleet().images().get(0);
    assertEquals("registry.example/air-quality:2", rule.image());
    assertEquals(List.of("raspberry-pi-4"), rule.profiles());
    assertEquals(Duration.ofSeconds(2), rule.crashAfter());
    assertEquals(Map.of("air-quality", "ROLLED_BACK"), s.expect().rollouts());
    Step.AwaitRollout await =
        s.steps().stream()
            .filter(Step.AwaitRollout.class::isInstance)
            .map(Step.AwaitRollout.class::cast)
            .findFirst()
            .orElseThrow();
    assertEquals(java.util.Set.of("ROLLED_BACK"), await.states());
  }

  @Test
  void rebootWhileOfflineRebootsOfflineCrashesAgentsAndKillsTheController() {
    Scenario s = ScenarioReader.shipped("reboot-while-offline");
    Step.Reboot reboot =
        assertInstanceOf(
            Step.Reboot.class,
            s.steps().stream().filter(Step.Reboot.class::isInstance).findFirst().orElseThrow());
    assertEquals(Duration.ofSeconds(30), reboot.offlineFor());
    assertEquals(Duration.ofSeconds(5), reboot.down());
    assertTrue(s.steps().stream().anyMatch(Step.Crash.class::isInstance));
    assertTrue(
        s.steps().stream().anyMatch(st -> st instanceof Step.RestartController rc && rc.kill()));
  }

  @Test
  void aShippedNameThatDoesNotExistIsRefusedListingTheShippedOnes() {
    ScenarioException e =
        assertThrows(ScenarioException.class, () -> ScenarioReader.shipped("dmeo"));
    assertTrue(
        e.getMessage().startsWith("scenario dmeo: is not a shipped scenario;"), e.getMessage());
    assertTrue(e.getMessage().contains("demo, rolling-update-10k"), e.getMessage());
  }

  private static String resourceText(String name) throws IOException {
    try (var in =
        ShippedScenariosTest.class
            .getClassLoader()
            .getResourceAsStream(ScenarioReader.RESOURCE_DIR + name + ".yaml")) {
      assertNotNull(in);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
