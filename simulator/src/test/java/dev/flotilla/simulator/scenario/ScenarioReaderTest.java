package dev.flotilla.simulator.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ScenarioReaderTest {
  private static final String SOURCE = "test.yaml";

  private static final String FLEET =
      """
      fleet:
        nodes: 100
        districts: 4
        groups:
          - {profile: raspberry-pi-4, share: 50%, labels: {zone: north}}
          - {profile: generic-arm64, share: 50%}
      """;

  /** A step applying revision {@code version} of deployment {@code name}. */
  private static String apply(String name, int version) {
    return """
      - apply: |
          apiVersion: flotilla.dev/v1
          kind: Deployment
          metadata: {name: %s}
          spec:
            strategy: {type: Canary, steps: [{percent: 50}, {percent: 100}], soak: 2s}
            template:
              image: registry.example/air-quality:%d
    """
        .formatted(name, version);
  }

  /** Two applies of {@code aq}, so that the steps after them may name its rollout. */
  private static final String TWO_APPLIES =
      apply("aq", 1) + "  - await: converged\n" + apply("aq", 2);

  private static String scenario(String fleet, String steps, String rest) {
    return "name: test\n" + fleet + "steps:\n" + steps + rest;
  }

  private static String withSteps(String steps) {
    return scenario(FLEET, TWO_APPLIES + steps, "");
  }

  private static Scenario read(String yaml) {
    return ScenarioReader.read(yaml, SOURCE);
  }

  // ---------------------------------------------------------------------------------------------
  // What is read

  @Test
  void aMinimalScenarioGetsTheFleetDefaults() {
    Scenario s = read("name: tiny\nfleet: {nodes: 3}\nsteps:\n  - wait: 1s\n");
    FleetSpec f = s.fleet();
    assertEquals(3, f.nodes());
    assertEquals(1, f.districts());
    assertEquals(1, f.sitesPerDistrict());
    assertEquals(1, f.seed());
    assertEquals(StoreKind.MEMORY, f.store());
    assertEquals(List.of(new Group("generic-arm64", 1, Map.of())), f.groups());
    assertEquals(List.of(), f.images());
    assertEquals(AgentTuning.DEFAULTS, f.agent());
    assertEquals("", s.description());
    assertEquals(Expectations.DEFAULTS, s.expect());
    assertTrue(s.expect().converged());
    assertEquals(List.of(new Step.Wait(Duration.ofSeconds(1))), s.steps());
  }

  @Test
  void readsEveryFleetField() {
    Scenario s =
        read(
            """
            name: full
            description: every field
            fleet:
              nodes: 500
              districts: 5
              sitesPerDistrict: 3
              seed: 42
              store: file
              groups:
                - {profile: raspberry-pi-4, share: 0.25, labels: {zone: north}}
                - {profile: raspberry-pi-5, share: 75%}
              images:
                - image: registry.example/air-quality:2
                  profiles: [raspberry-pi-4]
                  share: 50%
                  pullTime: 2s
                  pullFails: true
                  startDelay: 500ms
                  crashAfter: 3s
                  probeHealthy: false
                - {image: registry.example/air-quality:3}
              agent:
                keepAlive: 10s
                willDelay: 0s
                reconnectMin: 500ms
                reconnectMax: 30s
                reconcileInterval: 5s
                summaryInterval: 1m
            steps:
            APPLIES
              - idle: 1m
            expect:
              converged: false
              maxLostEvents: 3
              maxReconnectRestarts: 2
              convergenceP99: 15s
              reconnectP99: 1m
              maxIdleBytesPerNodePerMinute: 512.5
            """
                .replace("APPLIES\n", apply("a", 2) + apply("b", 3)));
    FleetSpec f = s.fleet();
    assertEquals("every field", s.description());
    assertEquals(500, f.nodes());
    assertEquals(5, f.districts());
    assertEquals(3, f.sitesPerDistrict());
    assertEquals(42, f.seed());
    assertEquals(StoreKind.FILE, f.store());
    assertEquals(
        List.of(
            new Group("raspberry-pi-4", 0.25, Map.of("zone", "north")),
            new Group("raspberry-pi-5", 0.75, Map.of())),
        f.groups());
    assertEquals(
        new ImageRule(
            "registry.example/air-quality:2",
            List.of("raspberry-pi-4"),
            0.5,
            Duration.ofSeconds(2),
            true,
            Duration.ofMillis(500),
            Duration.ofSeconds(3),
            false),
        f.images().get(0));
    assertEquals(
        new ImageRule(
            "registry.example/air-quality:3",
            List.of(),
            1,
            Duration.ZERO,
            false,
            Duration.ZERO,
            null,
            true),
        f.images().get(1));
    assertEquals(
        new AgentTuning(
            Duration.ofSeconds(10),
            Duration.ZERO,
            Duration.ofMillis(500),
            Duration.ofSeconds(30),
            Duration.ofSeconds(5),
            Duration.ofMinutes(1)),
        f.agent());
    assertEquals(
        new Expectations(
            false, Map.of(), 3, 2, Duration.ofSeconds(15), Duration.ofMinutes(1), 512.5),
        s.expect());
  }

  @Test
  void readsEveryStepKind() {
    Scenario s =
        read(
            withSteps(
                """
                  - await: {rollout: aq, state: [succeeded, ROLLED_BACK], timeout: 5m}
                  - await: {rollout: aq, state: done}
                  - await: {converged: true, timeout: 5m}
                  - wait: 30s
                  - rollout: {deployment: aq, command: pause}
                  - partition: {nodes: {labels: {district: d03}}, for: 60s}
                  - flap: {nodes: {share: 5%}, down: 3s, up: 10s, for: 1m}
                  - latency: {nodes: {share: 0.2, profiles: [raspberry-pi-4]}, delay: 300ms, for: 60s}
                  - restartBroker: {down: 5s}
                  - restartBroker: {}
                  - restartBroker:
                  - restartController: {kill: true}
                  - restartController: {down: 2s}
                  - crash: {nodes: {count: 3, labels: {zone: north}}, down: 3s}
                  - reboot: {nodes: {share: 10%}, down: 5s, offlineFor: 30s}
                  - reboot: {nodes: {}}
                  - idle: 5m
                """));
    List<Step> steps = s.steps().subList(3, s.steps().size());
    NodeSelector tenth = new NodeSelector(Map.of(), List.of(), 0.1, null);
    assertEquals(
        List.of(
            new Step.AwaitRollout("aq", Set.of("SUCCEEDED", "ROLLED_BACK"), Duration.ofMinutes(5)),
            new Step.AwaitRollout("aq", Step.AwaitRollout.DONE, Duration.ofMinutes(10)),
            new Step.AwaitConverged(Duration.ofMinutes(5)),
            new Step.Wait(Duration.ofSeconds(30)),
            new Step.RolloutCommand("aq", "pause"),
            new Step.Partition(
                new NodeSelector(Map.of("district", "d03"), List.of(), null, null),
                Duration.ofSeconds(60)),
            new Step.Flap(
                new NodeSelector(Map.of(), List.of(), 0.05, null),
                Duration.ofSeconds(3),
                Duration.ofSeconds(10),
                Duration.ofMinutes(1)),
            new Step.Latency(
                new NodeSelector(Map.of(), List.of("raspberry-pi-4"), 0.2, null),
                Duration.ofMillis(300),
                Duration.ofSeconds(60)),
            new Step.RestartBroker(Duration.ofSeconds(5)),
            new Step.RestartBroker(Duration.ZERO),
            new Step.RestartBroker(Duration.ZERO),
            new Step.RestartController(true, Duration.ZERO),
            new Step.RestartController(false, Duration.ofSeconds(2)),
            new Step.Crash(
                new NodeSelector(Map.of("zone", "north"), List.of(), null, 3),
                Duration.ofSeconds(3)),
            new Step.Reboot(tenth, Duration.ofSeconds(5), Duration.ofSeconds(30)),
            new Step.Reboot(NodeSelector.ALL, Duration.ZERO, null),
            new Step.Idle(Duration.ofMinutes(5))),
        steps);
    assertEquals(
        Set.of("SUCCEEDED", "ROLLED_BACK", "ABORTED", "SUPERSEDED"), Step.AwaitRollout.DONE);
    assertEquals(new Step.AwaitConverged(Duration.ofMinutes(10)), s.steps().get(1));
    assertTrue(s.steps().get(0) instanceof Step.Apply a && a.manifest().contains("air-quality:1"));
  }

  @Test
  void describesEachStepInOneLine() {
    Scenario s =
        read(
            withSteps(
                """
                  - await: {rollout: aq, state: done}
                  - rollout: {deployment: aq, command: undo}
                  - partition: {nodes: {labels: {district: d03}}, for: 60s}
                  - flap: {nodes: {share: 5%}, down: 3s, up: 10s, for: 1m}
                  - latency: {nodes: {share: 20%}, delay: 300ms, for: 60s}
                  - restartBroker: {down: 5s}
                  - restartController: {kill: true}
                  - crash: {nodes: {count: 3}, down: 3s}
                  - reboot: {nodes: {share: 10%}, down: 5s, offlineFor: 30s}
                  - idle: 5m
                """));
    assertEquals(
        List.of(
            "apply aq: registry.example/air-quality:1 (Canary)",
            "await convergence (at most 10m)",
            "apply aq: registry.example/air-quality:2 (Canary)",
            "await rollout of aq: done (at most 10m)",
            "rollout undo aq",
            "partition nodes with district=d03 for 60s",
            "flap 5% of nodes (3s down, 10s up) for 60s",
            "add 300ms latency to 20% of nodes for 60s",
            "restart the broker, down 5s",
            "kill and restart the controller",
            "crash the agent of 3 nodes, down 3s",
            "reboot 10% of nodes while offline for 30s, down 5s",
            "idle 5m (measuring idle traffic)"),
        s.steps().stream().map(Step::describe).toList());
  }

  @Test
  void selectorsMayNameAnyDistrictSiteAndGroupLabelOfTheLayoutWhateverTheNodeCount() {
    String fleet =
        """
        fleet:
          nodes: 2
          districts: 12
          sitesPerDistrict: 3
          groups:
            - {profile: raspberry-pi-4, share: 50%, labels: {zone: north}}
            - {profile: generic-arm64, share: 50%, labels: {zone: south}}
        """;
    Scenario s =
        read(
            scenario(
                fleet,
                """
                  - crash: {nodes: {labels: {district: d11}}}
                  - crash: {nodes: {labels: {site: d11-s02, zone: south}}}
                  - crash: {nodes: {labels: {district: d00, site: d00-s00}, profiles: [generic-arm64]}}
                """,
                ""));
    assertEquals(3, s.steps().size());
    // Two nodes fill neither district d11 nor its sites; with --nodes they would.
    assertEquals(
        List.of(), ((Step.Crash) s.steps().get(0)).nodes().select(s.fleet().allNodes(), 1));
    List<String> d11 =
        ((Step.Crash) s.steps().get(0)).nodes().select(s.withNodes(100).fleet().allNodes(), 1);
    assertEquals(8, d11.size(), "100 nodes over 12 districts: 8 in d11");
  }

  @Test
  void expectedRolloutsAndStatesAreCheckedAgainstTheControllersStates() {
    Scenario s = read(scenario(FLEET, TWO_APPLIES, "expect:\n  rollouts: {aq: rolled_back}\n"));
    assertEquals(Map.of("aq", "ROLLED_BACK"), s.expect().rollouts());
    assertNull(s.expect().convergenceP99());
  }

  @Test
  void anUndoMakesARolloutOfADeploymentAppliedOnce() {
    // Undo itself needs an earlier revision, so it is refused after one apply; after two it is
    // fine, and so is what follows it.
    read(
        withSteps(
            "  - rollout: {deployment: aq, command: undo}\n"
                + "  - await: {rollout: aq, state: done}\n"));
  }

  @Test
  void withNodesScalesTheFleetAndKeepsEverythingElse() {
    Scenario s =
        read(withSteps("  - crash: {nodes: {count: 3}}\n  - reboot: {nodes: {share: 10%}}\n"));
    Scenario big = s.withNodes(10_000);
    assertEquals(10_000, big.fleet().nodes());
    assertEquals(s.steps(), big.steps());
    assertEquals(s.fleet().groups(), big.fleet().groups());
    assertEquals(List.of(5000, 5000), big.fleet().groupCounts());
    List<NodeSpec> nodes = big.fleet().allNodes();
    assertEquals(
        3, ((Step.Crash) big.steps().get(3)).nodes().select(nodes, 1).size(), "a count stays");
    assertEquals(
        1000, ((Step.Reboot) big.steps().get(4)).nodes().select(nodes, 1).size(), "a share scales");
  }

  // ---------------------------------------------------------------------------------------------
  // What is refused: every refusal names the source and the path

  static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of(
            "an unknown top-level key",
            scenario(FLEET, TWO_APPLIES, "expectations: {}\n"),
            "expectations",
            "is not a known key; the keys here are name, description, fleet, steps, expect"),
        Arguments.of(
            "an unknown fleet key",
            scenario("fleet: {nodes: 10, disticts: 2}\n", "  - wait: 1s\n", ""),
            "fleet.disticts",
            "is not a known key"),
        Arguments.of(
            "an unknown step key",
            withSteps("  - partition: {nodes: {share: 10%}, for: 60s, until: 2m}\n"),
            "steps[3].partition.until",
            "is not a known key; the keys here are nodes, for"),
        Arguments.of(
            "an unknown selector key",
            withSteps("  - partition: {nodes: {district: d01}, for: 60s}\n"),
            "steps[3].partition.nodes.district",
            "is not a known key; the keys here are labels, profiles, share, count"),
        Arguments.of(
            "a bare number for a duration",
            withSteps("  - partition: {nodes: {share: 10%}, for: 60}\n"),
            "steps[3].partition.for",
            "\"60\" is not a duration; use e.g. 500ms, 30s, 5m, 1h"),
        Arguments.of(
            "a duration with another unit",
            withSteps("  - wait: 1d\n"),
            "steps[3].wait",
            "\"1d\" is not a duration; use e.g. 500ms, 30s, 5m, 1h"),
        Arguments.of(
            "a zero wait",
            withSteps("  - wait: 0s\n"),
            "steps[3].wait",
            "is 0s; it must be above zero"),
        Arguments.of(
            "a selector share of 0",
            withSteps("  - crash: {nodes: {share: 0%}}\n"),
            "steps[3].crash.nodes.share",
            "is 0%; a share is above 0% and at most 100%"),
        Arguments.of(
            "a selector share of 150%",
            withSteps("  - crash: {nodes: {share: 150%}}\n"),
            "steps[3].crash.nodes.share",
            "is 150%; a share is above 0% and at most 100%"),
        Arguments.of(
            "a share as a whole number of per cent",
            withSteps("  - crash: {nodes: {share: 10}}\n"),
            "steps[3].crash.nodes.share",
            "is 1000%; a share is above 0% and at most 100% (a bare number is the fraction"),
        Arguments.of(
            "a share without its per cent sign",
            withSteps("  - crash: {nodes: {share: \"10\"}}\n"),
            "steps[3].crash.nodes.share",
            "\"10\" is not a share; write a share as e.g. 25% or 0.25"),
        Arguments.of(
            "a count of 0",
            withSteps("  - crash: {nodes: {count: 0}}\n"),
            "steps[3].crash.nodes.count",
            "is 0; it must be 1 to 100000"),
        Arguments.of(
            "both share and count",
            withSteps("  - crash: {nodes: {share: 5%, count: 3}}\n"),
            "steps[3].crash.nodes.count",
            "and share both pick a number of nodes; keep one of the two"),
        Arguments.of(
            "a group share of 0",
            scenario(
                "fleet: {nodes: 10, groups: [{profile: raspberry-pi-4, share: 0%}, {profile:"
                    + " generic-arm64, share: 100%}]}\n",
                "  - wait: 1s\n", ""),
            "fleet.groups[0].share",
            "is 0%; a share is above 0% and at most 100%"),
        Arguments.of(
            "group shares that do not sum to 100%",
            scenario(
                "fleet: {nodes: 10, groups: [{profile: raspberry-pi-4, share: 60%}, {profile:"
                    + " generic-arm64, share: 30%}]}\n",
                "  - wait: 1s\n", ""),
            "fleet.groups",
            "the shares sum to 90%; they must sum to 100%"),
        Arguments.of(
            "a group without a share beside others",
            scenario(
                "fleet: {nodes: 10, groups: [{profile: raspberry-pi-4}, {profile: generic-arm64,"
                    + " share: 30%}]}\n",
                "  - wait: 1s\n", ""),
            "fleet.groups[0].share",
            "is required when the fleet has several groups"),
        Arguments.of(
            "an unknown group profile",
            scenario(
                "fleet: {nodes: 10, groups: [{profile: raspberry-pi-9}]}\n", "  - wait: 1s\n", ""),
            "fleet.groups[0].profile",
            "\"raspberry-pi-9\" is not a profile the controller knows; use one of cellular-x86-64,"
                + " generic-arm64, generic-x86-64, jetson-orin-nano, raspberry-pi-4,"
                + " raspberry-pi-5, raspberry-pi-zero-2w, simatic-iot2050"),
        Arguments.of(
            "an unknown image rule profile",
            scenario(
                "fleet: {nodes: 10, images: [{image: a:1, profiles: [pi4]}]}\n",
                "  - wait: 1s\n",
                ""),
            "fleet.images[0].profiles[0]",
            "\"pi4\" is not a profile the controller knows; use one of"),
        Arguments.of(
            "an image rule for an image no step applies",
            scenario(
                "fleet: {nodes: 10, images: [{image: registry.example/air-quality:9}]}\n",
                TWO_APPLIES,
                ""),
            "fleet.images[0].image",
            "no apply step runs the image \"registry.example/air-quality:9\", so this rule would"
                + " change nothing; the applied images are registry.example/air-quality:1,"
                + " registry.example/air-quality:2"),
        Arguments.of(
            "a selector profile no node of the fleet has",
            withSteps("  - crash: {nodes: {profiles: [raspberry-pi-5]}}\n"),
            "steps[3].crash.nodes.profiles[0]",
            "no node of the fleet has profile \"raspberry-pi-5\"; the fleet's profiles are"
                + " generic-arm64, raspberry-pi-4"),
        Arguments.of(
            "a selector district the fleet does not have",
            withSteps("  - partition: {nodes: {labels: {district: d04}}, for: 10s}\n"),
            "steps[3].partition.nodes.labels[\"district\"]",
            "no node has district=d04; the districts are d00 to d03"),
        Arguments.of(
            "a selector site the fleet does not have",
            withSteps("  - partition: {nodes: {labels: {site: d01-s01}}, for: 10s}\n"),
            "steps[3].partition.nodes.labels[\"site\"]",
            "no node has site=d01-s01; the sites are d00-s00 to d03-s00"),
        Arguments.of(
            "a selector label key no node has",
            withSteps("  - partition: {nodes: {labels: {zoen: north}}, for: 10s}\n"),
            "steps[3].partition.nodes.labels[\"zoen\"]",
            "no node has the label \"zoen\"; the fleet's label keys are district, site, zone"),
        Arguments.of(
            "a selector label value no group gives",
            withSteps("  - partition: {nodes: {labels: {zone: south}}, for: 10s}\n"),
            "steps[3].partition.nodes.labels[\"zone\"]",
            "no node has zone=south; the groups give zone the values north"),
        Arguments.of(
            "a group label the layout sets",
            scenario(
                "fleet: {nodes: 10, groups: [{profile: raspberry-pi-4, labels: {district: x}}]}\n",
                "  - wait: 1s\n",
                ""),
            "fleet.groups[0].labels[\"district\"]",
            "is set on every node by the fleet layout"),
        Arguments.of(
            "a label value that is not a label",
            scenario(
                "fleet: {nodes: 10, groups: [{profile: raspberry-pi-4, labels: {zone: \"a"
                    + " b\"}}]}\n",
                "  - wait: 1s\n",
                ""),
            "fleet.groups[0].labels[\"zone\"]",
            "value 'a b' is invalid"),
        Arguments.of(
            "an unknown step",
            withSteps("  - partiton: {nodes: {share: 10%}, for: 60s}\n"),
            "steps[3]",
            "unknown step \"partiton\"; the step kinds are apply, wait, await, rollout, partition,"
                + " flap, latency, restartBroker, restartController, crash, reboot, idle"),
        Arguments.of(
            "a step of two kinds",
            withSteps("  - wait: 1s\n    idle: 1m\n"),
            "steps[3]",
            "holds 2 keys; a step is a mapping of one key, the step kind"),
        Arguments.of(
            "a step that is text",
            withSteps("  - converged\n"),
            "steps[3]",
            "is \"converged\"; a step is a mapping of one key"),
        Arguments.of(
            "an await of a rollout of an undefined deployment",
            withSteps("  - await: {rollout: air-quality, state: SUCCEEDED}\n"),
            "steps[3].await.rollout",
            "deployment \"air-quality\" is not applied by an earlier step; apply it first"
                + " (applied so far: aq)"),
        Arguments.of(
            "a rollout command before the deployment is applied",
            scenario(FLEET, "  - rollout: {deployment: aq, command: pause}\n" + TWO_APPLIES, ""),
            "steps[0].rollout.deployment",
            "deployment \"aq\" is not applied by an earlier step; apply it first"),
        Arguments.of(
            "a rollout await after a first install only",
            scenario(FLEET, apply("aq", 1) + "  - await: {rollout: aq, state: done}\n", ""),
            "steps[1].await.rollout",
            "deployment \"aq\" has no rollout yet: its first install (or the same template applied"
                + " again) starts none; apply it again with a changed spec.template first"),
        Arguments.of(
            "a rollout await after the same template twice",
            scenario(
                FLEET,
                apply("aq", 1) + apply("aq", 1) + "  - await: {rollout: aq, state: done}\n",
                ""),
            "steps[2].await.rollout",
            "deployment \"aq\" has no rollout yet"),
        Arguments.of(
            "an expected rollout of an undefined deployment",
            scenario(FLEET, TWO_APPLIES, "expect: {rollouts: {air-quality: SUCCEEDED}}\n"),
            "expect.rollouts[\"air-quality\"]",
            "deployment \"air-quality\" is not applied by an earlier step"),
        Arguments.of(
            "an unknown rollout state",
            withSteps("  - await: {rollout: aq, state: FINISHED}\n"),
            "steps[3].await.state",
            "\"FINISHED\" is not a rollout state; use one of PROGRESSING, PAUSED, SUCCEEDED,"
                + " ROLLED_BACK, ABORTED, SUPERSEDED (or done for any of the final four)"),
        Arguments.of(
            "an unknown state in a list",
            withSteps("  - await: {rollout: aq, state: [SUCCEEDED, OK]}\n"),
            "steps[3].await.state[1]",
            "\"OK\" is not a rollout state"),
        Arguments.of(
            "a rollout await without a state",
            withSteps("  - await: {rollout: aq}\n"),
            "steps[3].await.state",
            "is required"),
        Arguments.of(
            "an await of something else",
            withSteps("  - await: ready\n"),
            "steps[3].await",
            "\"ready\" is not something to await"),
        Arguments.of(
            "an await of converged false",
            withSteps("  - await: {converged: false}\n"),
            "steps[3].await.converged",
            "is false; only convergence can be awaited"),
        Arguments.of(
            "an unknown rollout command",
            withSteps("  - rollout: {deployment: aq, command: restart}\n"),
            "steps[3].rollout.command",
            "\"restart\" is not a rollout command; use one of pause, resume, promote, abort, undo"),
        Arguments.of(
            "a manifest the controller refuses",
            scenario(
                FLEET,
                """
                  - apply: |
                      apiVersion: flotilla.dev/v1
                      kind: Deployment
                      metadata: {name: aq}
                      spec:
                        strategy: {type: Canary, steps: [{percent: 50}]}
                        template: {image: registry.example/aq:1}
                """,
                ""),
            "steps[0].apply",
            "the controller refuses this manifest: spec.strategy.steps"),
        Arguments.of(
            "a manifest written as a mapping",
            scenario(FLEET, "  - apply: {apiVersion: flotilla.dev/v1}\n", ""),
            "steps[0].apply",
            "is a mapping; write the manifest as a block of text under `- apply: |`"),
        Arguments.of(
            "nodes 0",
            scenario("fleet: {nodes: 0}\n", "  - wait: 1s\n", ""),
            "fleet.nodes",
            "is 0; it must be 1 to 100000"),
        Arguments.of(
            "nodes beyond the limit",
            scenario("fleet: {nodes: 100001}\n", "  - wait: 1s\n", ""),
            "fleet.nodes",
            "is 100001; it must be 1 to 100000"),
        Arguments.of(
            "nodes as text",
            scenario("fleet: {nodes: \"10\"}\n", "  - wait: 1s\n", ""),
            "fleet.nodes",
            "is \"10\"; expected a whole number without quotes"),
        Arguments.of(
            "nodes as a fraction",
            scenario("fleet: {nodes: 10.5}\n", "  - wait: 1s\n", ""),
            "fleet.nodes",
            "is 10.5 (a number); expected a whole number"),
        Arguments.of(
            "an unknown store",
            scenario("fleet: {nodes: 1, store: disk}\n", "  - wait: 1s\n", ""),
            "fleet.store",
            "\"disk\" is not a store; use FILE or MEMORY"),
        Arguments.of(
            "a keep-alive in milliseconds",
            scenario("fleet: {nodes: 1, agent: {keepAlive: 1500ms}}\n", "  - wait: 1s\n", ""),
            "fleet.agent.keepAlive",
            "is 1500ms; MQTT counts it in whole seconds"),
        Arguments.of(
            "a reconnect maximum below the minimum",
            scenario(
                "fleet: {nodes: 1, agent: {reconnectMin: 10s, reconnectMax: 5s}}\n",
                "  - wait: 1s\n",
                ""),
            "fleet.agent.reconnectMax",
            "is 5s, below reconnectMin (10s)"),
        Arguments.of(
            "a flag that is not a boolean",
            scenario(
                "fleet: {nodes: 1, images: [{image: a:1, pullFails: yes please}]}\n",
                "  - wait: 1s\n",
                ""),
            "fleet.images[0].pullFails",
            "is \"yes please\"; expected true or false"),
        Arguments.of(
            "a missing name", "fleet: {nodes: 1}\nsteps:\n  - wait: 1s\n", "name", "is required"),
        Arguments.of(
            "a name that is not a name",
            "name: My Scenario\nfleet: {nodes: 1}\nsteps:\n  - wait: 1s\n",
            "name",
            "\"My Scenario\" is not a scenario name"),
        Arguments.of("missing steps", "name: x\nfleet: {nodes: 1}\n", "steps", "is required"),
        Arguments.of(
            "empty steps",
            "name: x\nfleet: {nodes: 1}\nsteps: []\n",
            "steps",
            "is empty; a scenario needs at least one step"),
        Arguments.of(
            "an empty required value",
            "name: x\nfleet:\nsteps:\n  - wait: 1s\n",
            "fleet",
            "is empty; give it a value"),
        Arguments.of(
            "an idle bound without an idle step",
            scenario(FLEET, TWO_APPLIES, "expect: {maxIdleBytesPerNodePerMinute: 100}\n"),
            "expect.maxIdleBytesPerNodePerMinute",
            "needs an idle step to be measured over"),
        Arguments.of(
            "a negative maximum",
            scenario(FLEET, TWO_APPLIES, "expect: {maxLostEvents: -1}\n"),
            "expect.maxLostEvents",
            "is -1; it must be 0 or more"),
        Arguments.of("text that is not YAML", "name: [unclosed\n", "", "is not valid YAML at line"),
        Arguments.of("an empty document", "# nothing\n", "", "is empty; a scenario is a mapping"),
        Arguments.of(
            "a document that is a list", "- wait: 1s\n", "", "is a list; expected a mapping"),
        Arguments.of(
            "a duplicate key",
            "name: x\nname: y\nfleet: {nodes: 1}\nsteps:\n  - wait: 1s\n",
            "",
            "is not valid YAML"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void refusesNamingThePath(String what, String yaml, String path, String rule) {
    ScenarioException e = assertThrows(ScenarioException.class, () -> read(yaml), what);
    assertEquals(SOURCE, e.source());
    assertEquals(path, e.path(), e.getMessage());
    assertTrue(e.rule().startsWith(rule), e.getMessage());
    assertEquals(
        "scenario " + SOURCE + ": " + (path.isEmpty() ? "" : path + ": ") + e.rule(),
        e.getMessage());
  }

  @Test
  void theMessageReadsAsTheBriefSays() {
    ScenarioException e =
        assertThrows(
            ScenarioException.class,
            () -> read(withSteps("  - partition: {nodes: {share: 10%}, for: \"60\"}\n")));
    assertEquals(
        "scenario test.yaml: steps[3].partition.for: \"60\" is not a duration; use e.g. 500ms,"
            + " 30s, 5m, 1h",
        e.getMessage());
  }

  // ---------------------------------------------------------------------------------------------
  // Loading by name or file

  @Test
  void loadReadsAFileNamingItsPathInRefusals(@TempDir Path dir) throws Exception {
    Path good = Files.writeString(dir.resolve("mine.yaml"), withSteps(""));
    assertEquals("test", ScenarioReader.load(good.toString()).name());
    Path bad = Files.writeString(dir.resolve("bad.yaml"), withSteps("  - wait: soon\n"));
    ScenarioException e =
        assertThrows(ScenarioException.class, () -> ScenarioReader.load(bad.toString()));
    assertEquals(bad.toString(), e.source());
    assertEquals("steps[3].wait", e.path());
    Path latin1 = dir.resolve("latin1.yaml");
    Files.write(latin1, new byte[] {'n', 'a', 'm', 'e', ':', ' ', (byte) 0xE9, '\n'});
    e = assertThrows(ScenarioException.class, () -> ScenarioReader.load(latin1.toString()));
    assertTrue(e.getMessage().endsWith("is not UTF-8 text; save it as UTF-8"), e.getMessage());
  }

  @Test
  void loadOfNeitherANameNorAFileListsTheShippedNames(@TempDir Path dir) {
    String missing = dir.resolve("nope.yaml").toString();
    ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioReader.load(missing));
    assertEquals(
        "scenario "
            + missing
            + ": is neither a shipped scenario nor a file; name one of "
            + String.join(", ", ScenarioReader.shippedNames())
            + ", or the path of a scenario file",
        e.getMessage());
    assertThrows(ScenarioException.class, () -> ScenarioReader.load(dir.toString()), "a folder");
  }
}
