package dev.flotilla.controller.manifest;

import static dev.flotilla.controller.manifest.ManifestReaderTest.MINIMAL;
import static dev.flotilla.controller.manifest.ManifestReaderTest.strategy;
import static dev.flotilla.controller.manifest.ManifestReaderTest.template;
import static dev.flotilla.controller.manifest.ManifestReaderTest.toJson;
import static dev.flotilla.controller.manifest.ManifestReaderTest.windows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flotilla.controller.dispatch.DesiredStateComposer;
import dev.flotilla.controller.fleet.LabelSelector;
import dev.flotilla.controller.model.Amount;
import dev.flotilla.controller.model.InvalidInputException;
import dev.flotilla.controller.model.MaintenanceWindow;
import dev.flotilla.controller.model.RolloutStrategy;
import dev.flotilla.controller.model.RolloutStrategy.BlueGreen;
import dev.flotilla.controller.model.RolloutStrategy.CanaryStep;
import dev.flotilla.controller.model.RolloutStrategy.NodeUpdate;
import dev.flotilla.controller.model.RolloutStrategy.Pause;
import dev.flotilla.controller.model.RolloutStrategy.Type;
import dev.flotilla.controller.model.RolloutStrategy.Unreachable;
import dev.flotilla.controller.model.RolloutStrategy.Waves;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code spec.strategy} and {@code spec.maintenanceWindows} as {@link ManifestReader} reads them:
 * defaults, equal spellings, the edges that are accepted, and every refusal in YAML and again in
 * JSON. The full manifest with both sections is {@link ManifestReaderTest#FULL_YAML}.
 */
class ManifestStrategyTest {
  private static DeploymentManifest yaml(String text) {
    return ManifestReader.read(text, ManifestFormat.YAML);
  }

  private static DeploymentManifest json(String text) {
    return ManifestReader.read(text, ManifestFormat.JSON);
  }

  private static RolloutStrategy readStrategy(String lines) {
    return yaml(strategy(lines)).strategy();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "  strategy:\n",
        "  strategy: {}\n",
        "  strategy: {type: null, steps: null, waves: null, blueGreen: null, unreachable: null}\n",
        "  strategy: {type: Rolling, maxUpdating: 25%, onNode: Replace, soak: 30s,"
            + " progressDeadline: 10m, errorThreshold: 5%, onFailure: Rollback,"
            + " unreachable: {policy: Proceed}}\n",
        "  strategy: {unreachable: {}}\n"
      })
  void anAbsentEmptyOrAllDefaultStrategyIsTheDefault(String section) {
    assertEquals(RolloutStrategy.DEFAULT, yaml(MINIMAL + section).strategy());
    assertEquals(RolloutStrategy.DEFAULT, json(toJson(MINIMAL + section)).strategy());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "  maintenanceWindows:\n", "  maintenanceWindows: []\n"})
  void anAbsentOrEmptyWindowListIsNoWindows(String section) {
    assertEquals(List.of(), yaml(MINIMAL + section).windows());
    assertEquals(List.of(), json(toJson(MINIMAL + section)).windows());
  }

  @Test
  void eachTypeFillsInTheDefaultsOfWhatItLeavesOut() {
    RolloutStrategy d = RolloutStrategy.DEFAULT;
    assertEquals(
        new RolloutStrategy(
            Type.CANARY,
            d.maxUpdating(),
            List.of(new CanaryStep(100, Pause.NONE)),
            null,
            d.onNode(),
            d.blueGreen(),
            d.soak(),
            d.progressDeadline(),
            d.errorThreshold(),
            d.onFailure(),
            d.unreachable()),
        readStrategy("type: Canary\nsteps: [{percent: 100}]"));
    RolloutStrategy waves = readStrategy("type: Waves\nwaves: {labelKey: district}");
    assertEquals(new Waves("district", List.of(), Amount.ALL, Pause.NONE), waves.waves());
    assertEquals(Amount.percent(25), waves.maxUpdating());
    assertEquals(List.of(), waves.steps());
    RolloutStrategy allAtOnce = readStrategy("type: AllAtOnce");
    assertEquals(Type.ALL_AT_ONCE, allAtOnce.type());
    assertNull(allAtOnce.waves());
    RolloutStrategy blueGreen = readStrategy("onNode: BlueGreen");
    assertEquals(NodeUpdate.BLUE_GREEN, blueGreen.onNode());
    assertEquals(BlueGreen.DEFAULT, blueGreen.blueGreen());
    assertEquals(
        new BlueGreen(Duration.ZERO, Duration.ofMinutes(5)),
        readStrategy("onNode: BlueGreen\nblueGreen: {}").blueGreen());
    assertEquals(
        new Unreachable(true, Amount.ALL),
        readStrategy("unreachable: {policy: WaitForQuorum}").unreachable());
  }

  @Test
  void everyFieldIsRead() {
    RolloutStrategy s =
        readStrategy(
            """
            type: Waves
            maxUpdating: 3
            waves:
              labelKey: example.com/district
              order: [a, b, '']
              successThreshold: 90%
              pause: untilResumed
            onNode: BlueGreen
            blueGreen: {switchAfter: 30s, giveUpAfter: 2m}
            soak: 0s
            progressDeadline: 168h
            errorThreshold: 0
            onFailure: Pause
            unreachable: {policy: WaitForQuorum, quorum: 7}
            """);
    assertEquals(
        new RolloutStrategy(
            Type.WAVES,
            Amount.count(3),
            List.of(),
            new Waves(
                "example.com/district",
                List.of("a", "b", ""),
                Amount.percent(90),
                Pause.UNTIL_RESUMED),
            NodeUpdate.BLUE_GREEN,
            new BlueGreen(Duration.ofSeconds(30), Duration.ofMinutes(2)),
            Duration.ZERO,
            Duration.ofDays(7),
            Amount.ZERO,
            RolloutStrategy.OnFailure.PAUSE,
            new Unreachable(true, Amount.count(7))),
        s);
  }

  @Test
  void windowsReadWithTheirZoneDaysAndNodes() {
    List<MaintenanceWindow> windows =
        yaml(windows(
                """
                - {start: "02:00", end: "04:00"}
                - start: "22:00"
                  end: "02:00"
                  timeZone: America/Argentina/Buenos_Aires
                  days: [Sunday, Monday, Friday]
                  nodeSelector:
                    matchLabels: {site: north}
                    matchExpressions: [{key: gpu, operator: DoesNotExist}]
                """))
            .windows();
    assertEquals(
        List.of(
            new MaintenanceWindow(
                LocalTime.of(2, 0), LocalTime.of(4, 0), null, Set.of(), LabelSelector.EVERYTHING),
            new MaintenanceWindow(
                LocalTime.of(22, 0),
                LocalTime.of(2, 0),
                ZoneId.of("America/Argentina/Buenos_Aires"),
                Set.of(DayOfWeek.MONDAY, DayOfWeek.FRIDAY, DayOfWeek.SUNDAY),
                LabelSelector.parse("site=north,!gpu"))),
        windows);
  }

  static Stream<Arguments> sameStrategy() {
    return Stream.of(
        Arguments.of("type: Rolling", "maxUpdating: 25%"),
        Arguments.of("soak: 60s", "soak: 1m"),
        Arguments.of("progressDeadline: 1h", "progressDeadline: 60m"),
        Arguments.of(
            "type: Canary\nsteps: [{percent: 10, pause: 0s}, {percent: 100}]",
            "type: Canary\nsteps: [{percent: 10}, {percent: 100, pause: 0ms}]"),
        Arguments.of(
            "type: Canary\nsteps: [{percent: 10, pause: 90s}, {percent: 100}]",
            "type: Canary\nsteps: [{percent: 10, pause: 1m30s}, {percent: 100, pause: null}]"),
        Arguments.of(
            "type: Waves\nwaves: {labelKey: d}",
            "type: Waves\nwaves: {labelKey: d, order: [], successThreshold: 100%, pause: 0s}"),
        Arguments.of(
            "onNode: BlueGreen",
            "onNode: BlueGreen\nblueGreen: {switchAfter: 0s, giveUpAfter: 300s}"),
        Arguments.of(
            "unreachable: {policy: WaitForQuorum}",
            "unreachable: {policy: WaitForQuorum, quorum: 100%}"),
        Arguments.of("errorThreshold: 5%", "onFailure: Rollback"));
  }

  @ParameterizedTest(name = "{0} == {1}")
  @MethodSource("sameStrategy")
  void strategiesThatMeanTheSameAreEqual(String a, String b) {
    assertEquals(yaml(strategy(a)), yaml(strategy(b)));
    assertEquals(yaml(strategy(a)), json(toJson(strategy(b))));
  }

  static Stream<Arguments> sameWindows() {
    return Stream.of(
        Arguments.of(
            "[{start: '02:00', end: '04:00', days: [Sunday, Saturday]}]",
            "[{start: '02:00', end: '04:00', days: [Saturday, Sunday]}]"),
        Arguments.of(
            "[{start: '02:00', end: '04:00'}]",
            "[{start: '02:00', end: '04:00', days: [], nodeSelector: {}, timeZone: null}]"),
        Arguments.of(
            "[{start: '02:00', end: '04:00', nodeSelector: {matchLabels: {a: b}}}]",
            "[{start: '02:00', end: '04:00', nodeSelector: {matchExpressions: [{key: a,"
                + " operator: In, values: [b]}]}}]"));
  }

  @ParameterizedTest(name = "{0} == {1}")
  @MethodSource("sameWindows")
  void windowsThatMeanTheSameAreEqual(String a, String b) {
    assertEquals(yaml(windows(a)), yaml(windows(b)));
    assertEquals(yaml(windows(a)), json(toJson(windows(b))));
  }

  @Test
  void theEdgesOfEveryRangeAreAccepted() {
    String twentySteps =
        IntStream.rangeClosed(1, 20)
            .mapToObj(i -> "{percent: " + (i * 5) + ", pause: 168h}")
            .collect(Collectors.joining(", ", "[", "]"));
    RolloutStrategy canary = readStrategy("type: Canary\nsteps: " + twentySteps);
    assertEquals(20, canary.steps().size());
    assertEquals(Pause.of(Duration.ofDays(7)), canary.steps().getFirst().pause());
    assertEquals(Amount.count(100_000), readStrategy("maxUpdating: 100000").maxUpdating());
    assertEquals(Amount.percent(1), readStrategy("maxUpdating: 1%").maxUpdating());
    assertEquals(Amount.percent(0), readStrategy("errorThreshold: 0%").errorThreshold());
    assertEquals(
        Amount.count(1),
        readStrategy("type: Waves\nwaves: {labelKey: d, successThreshold: 1}")
            .waves()
            .successThreshold());
    RolloutStrategy slow = readStrategy("soak: 24h\nprogressDeadline: 24h1ms");
    assertEquals(Duration.ofHours(24), slow.soak());
    RolloutStrategy quick = readStrategy("soak: 0s\nprogressDeadline: 1s");
    assertEquals(Duration.ofSeconds(1), quick.progressDeadline());
    assertEquals(
        new BlueGreen(Duration.ofHours(1), Duration.ofSeconds(1)),
        readStrategy("onNode: BlueGreen\nblueGreen: {switchAfter: 1h, giveUpAfter: 1s}")
            .blueGreen());
    assertEquals(
        Duration.ofHours(24),
        readStrategy("onNode: BlueGreen\nblueGreen: {giveUpAfter: 24h}").blueGreen().giveUpAfter());
    String sixteen =
        IntStream.range(0, 16)
            .mapToObj(i -> String.format("{start: '%02d:00', end: '%02d:59'}", i, i))
            .collect(Collectors.joining(", ", "[", "]"));
    assertEquals(16, yaml(MINIMAL + "  maintenanceWindows: " + sixteen + "\n").windows().size());
    assertEquals(
        new MaintenanceWindow(
            LocalTime.of(23, 59),
            LocalTime.MIDNIGHT,
            ZoneId.of("UTC"),
            Set.of(),
            LabelSelector.EVERYTHING),
        yaml(windows("[{start: '23:59', end: '00:00', timeZone: UTC}]")).windows().getFirst());
  }

  @Test
  void blueGreenIsAcceptedForATemplateWithoutPorts() {
    DeploymentManifest m =
        yaml(
            template("volumes: [{source: data, target: /data}]")
                + "  strategy: {onNode: BlueGreen}\n");
    assertEquals(NodeUpdate.BLUE_GREEN, m.strategy().onNode());
  }

  @Test
  void strategyAndWindowsAreNotPartOfTheTemplate() {
    DeploymentManifest plain = yaml(template("ports: [{containerPort: 80}]"));
    DeploymentManifest withBoth =
        yaml(
            template("ports: [{containerPort: 80}]")
                + "  strategy: {type: AllAtOnce, soak: 5m}\n"
                + "  maintenanceWindows: [{start: '01:00', end: '03:00'}]\n");
    assertEquals(plain.template(), withBoth.template());
    assertEquals(
        DesiredStateComposer.templateHash(plain.template()),
        DesiredStateComposer.templateHash(withBoth.template()));
  }

  record Refusal(String name, String yaml, String field, String rule) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Refusal inStrategy(String lines, String field, String rule) {
    return new Refusal("strategy " + lines.strip(), strategy(lines), field, rule);
  }

  private static Refusal inWindows(String lines, String field, String rule) {
    return new Refusal("windows " + lines.strip(), windows(lines), field, rule);
  }

  private static final String S = "spec.strategy";
  private static final String W = "spec.maintenanceWindows";
  private static final String KNOWN = "unknown field; known fields are ";
  private static final String DURATION =
      "must be a duration with units, like \"500ms\", \"10s\", \"5m\", \"2h\" or \"1m30s\"";
  private static final String PAUSE =
      "must be untilResumed or a duration with units, like \"500ms\", \"10s\", \"5m\", \"2h\" or"
          + " \"1m30s\"";
  private static final String AMOUNT = "must be a count like 3 or a share like 10%";
  private static final String AT_LEAST_ONE =
      "must be a count from 1 to 100000 or a share from 1% to 100%";
  private static final String AT_LEAST_NONE =
      "must be a count from 0 to 100000 or a share from 0% to 100%";
  private static final String TIME =
      "must be a time of day as \"HH:MM\" on the 24-hour clock, like \"02:00\"";
  private static final String ZONE =
      "must be an IANA time zone such as \"Europe/Berlin\" or \"UTC\", or absent for the node's"
          + " own local time";
  private static final String DAY =
      "must be Monday, Tuesday, Wednesday, Thursday, Friday, Saturday or Sunday";
  private static final String CANARY = "type: Canary\nsteps: [{percent: 100}]\n";
  private static final String WAVES = "type: Waves\nwaves: {labelKey: district}\n";

  /** Refusals in {@code spec.strategy}, the YAML and the JSON twin alike. */
  static Stream<Refusal> strategyRefusals() {
    return Stream.of(
        new Refusal(
            "strategy a string",
            MINIMAL + "  strategy: Canary\n",
            S,
            "must be a mapping, was 'Canary'"),
        inStrategy(
            "maxUnavailable: 1",
            S + ".maxUnavailable",
            KNOWN
                + "type, maxUpdating, steps, waves, onNode, blueGreen, soak, progressDeadline,"
                + " errorThreshold, onFailure, unreachable"),
        inStrategy(
            "type: canary",
            S + ".type",
            "must be Rolling, Canary, Waves or AllAtOnce, was 'canary'"),
        inStrategy(
            "type: 1",
            S + ".type",
            "must be a string, was the number 1; quote it (\"1\") to use it as text"),
        // maxUpdating
        inStrategy("maxUpdating: 0", S + ".maxUpdating", AT_LEAST_ONE + ", was 0"),
        inStrategy("maxUpdating: 100001", S + ".maxUpdating", AT_LEAST_ONE + ", was 100001"),
        inStrategy(
            "maxUpdating: 99999999999999999999",
            S + ".maxUpdating",
            AT_LEAST_ONE + ", was 99999999999999999999"),
        inStrategy("maxUpdating: 0%", S + ".maxUpdating", AT_LEAST_ONE + ", was '0%'"),
        inStrategy("maxUpdating: 101%", S + ".maxUpdating", AT_LEAST_ONE + ", was '101%'"),
        inStrategy("maxUpdating: 2.5", S + ".maxUpdating", AMOUNT + ", was the number 2.5"),
        inStrategy("maxUpdating: 12.5%", S + ".maxUpdating", AMOUNT + ", was '12.5%'"),
        inStrategy("maxUpdating: 25 %", S + ".maxUpdating", AMOUNT + ", was '25 %'"),
        inStrategy("maxUpdating: quarter", S + ".maxUpdating", AMOUNT + ", was 'quarter'"),
        inStrategy(
            "maxUpdating: '3'",
            S + ".maxUpdating",
            AMOUNT + ", was '3'; write a count without quotes"),
        inStrategy("maxUpdating: true", S + ".maxUpdating", AMOUNT + ", was the boolean true"),
        inStrategy("maxUpdating: [1]", S + ".maxUpdating", AMOUNT + ", was a list"),
        inStrategy(
            CANARY + "maxUpdating: 10%",
            S + ".maxUpdating",
            "applies to types Rolling and Waves only; type is Canary"),
        inStrategy(
            "type: AllAtOnce\nmaxUpdating: 1",
            S + ".maxUpdating",
            "applies to types Rolling and Waves only; type is AllAtOnce"),
        // steps
        inStrategy(
            "steps: [{percent: 100}]",
            S + ".steps",
            "applies to type Canary only; type is Rolling, the default"),
        inStrategy(
            WAVES + "steps: [{percent: 100}]",
            S + ".steps",
            "applies to type Canary only; type is Waves"),
        inStrategy(
            "type: Canary",
            S + ".steps",
            "is required for type Canary: list the shares of the nodes to release, ending at 100"),
        inStrategy("type: Canary\nsteps: []", S + ".steps", "must list 1 to 20 steps, found 0"),
        inStrategy(
            "type: Canary\nsteps: "
                + IntStream.rangeClosed(80, 100)
                    .mapToObj(i -> "{percent: " + i + "}")
                    .collect(Collectors.joining(", ", "[", "]")),
            S + ".steps",
            "must list 1 to 20 steps, found 21"),
        inStrategy(
            "type: Canary\nsteps: {percent: 100}", S + ".steps", "must be a list, was a mapping"),
        inStrategy(
            "type: Canary\nsteps: [100]", S + ".steps[0]", "must be a mapping, was the number 100"),
        inStrategy("type: Canary\nsteps: [{pause: 1m}]", S + ".steps[0].percent", "is required"),
        inStrategy(
            "type: Canary\nsteps: [{percent: 0}, {percent: 100}]",
            S + ".steps[0].percent",
            "must be from 1 to 100, was 0"),
        inStrategy(
            "type: Canary\nsteps: [{percent: 101}]",
            S + ".steps[0].percent",
            "must be from 1 to 100, was 101"),
        inStrategy(
            "type: Canary\nsteps: [{percent: 10%}, {percent: 100}]",
            S + ".steps[0].percent", "must be an integer from 1 to 100, was '10%'"),
        inStrategy(
            "type: Canary\nsteps: [{percent: '10'}, {percent: 100}]",
            S + ".steps[0].percent",
            "must be an integer from 1 to 100, was '10'; write it without quotes"),
        inStrategy(
            "type: Canary\nsteps: [{percent: 50}, {percent: 50}, {percent: 100}]",
            S + ".steps[1].percent",
            "must be more than the step before (50), as each step counts every node released so"
                + " far, was 50"),
        inStrategy(
            "type: Canary\nsteps: [{percent: 50}, {percent: 20}, {percent: 100}]",
            S + ".steps[1].percent",
            "must be more than the step before (50), as each step counts every node released so"
                + " far, was 20"),
        inStrategy(
            "type: Canary\nsteps: [{percent: 10}, {percent: 50}]",
            S + ".steps[1].percent",
            "must be 100 in the last step, which releases every node, was 50"),
        inStrategy(
            "type: Canary\nsteps: [{percent: 10, pause: forever}, {percent: 100}]",
            S + ".steps[0].pause",
            PAUSE + ", was 'forever'"),
        inStrategy(
            "type: Canary\nsteps: [{percent: 10, pause: UntilResumed}, {percent: 100}]",
            S + ".steps[0].pause",
            PAUSE + ", was 'UntilResumed'"),
        inStrategy(
            "type: Canary\nsteps: [{percent: 10, pause: 10}, {percent: 100}]",
            S + ".steps[0].pause",
            PAUSE + ", was the number 10"),
        inStrategy(
            "type: Canary\nsteps: [{percent: 10, pause: 169h}, {percent: 100}]",
            S + ".steps[0].pause",
            "must be from 0ms to 168h, was '169h'"),
        inStrategy(
            "type: Canary\nsteps: [{percent: 100, wait: 1m}]",
            S + ".steps[0].wait",
            KNOWN + "percent, pause"),
        // waves
        inStrategy(
            "type: Waves",
            S + ".waves",
            "is required for type Waves: name at least the labelKey whose values group the nodes"),
        inStrategy(
            "waves: {labelKey: district}",
            S + ".waves",
            "applies to type Waves only; type is Rolling, the default"),
        inStrategy(
            CANARY + "waves: {labelKey: district}",
            S + ".waves",
            "applies to type Waves only; type is Canary"),
        inStrategy(
            "type: Waves\nwaves: district", S + ".waves", "must be a mapping, was 'district'"),
        inStrategy("type: Waves\nwaves: {order: [a]}", S + ".waves.labelKey", "is required"),
        inStrategy(
            "type: Waves\nwaves: {labelKey: 'Bad Key'}",
            S + ".waves.labelKey",
            "key 'Bad Key' is invalid: the name must be at most 63 characters of A-Z, a-z, 0-9,"
                + " '-', '_' and '.', beginning and ending with a letter or digit"),
        inStrategy(
            "type: Waves\nwaves: {labelKey: district, order: [a, b, a]}",
            S + ".waves.order[2]",
            "'a' is already listed at spec.strategy.waves.order[0]"),
        inStrategy(
            "type: Waves\nwaves: {labelKey: district, order: [a, 'b c']}",
            S + ".waves.order[1]",
            "value 'b c' is invalid: it must be empty or at most 63 characters of A-Z, a-z, 0-9,"
                + " '-', '_' and '.', beginning and ending with a letter or digit"),
        inStrategy(
            "type: Waves\nwaves: {labelKey: district, order: a}",
            S + ".waves.order",
            "must be a list of strings, was 'a'"),
        inStrategy(
            "type: Waves\nwaves: {labelKey: district, order: [1]}",
            S + ".waves.order[0]",
            "must be a string, was the number 1; quote it (\"1\") to use it as text"),
        inStrategy(
            "type: Waves\nwaves: {labelKey: district, successThreshold: 0}",
            S + ".waves.successThreshold",
            AT_LEAST_ONE + ", was 0"),
        inStrategy(
            "type: Waves\nwaves: {labelKey: district, successThreshold: most}",
            S + ".waves.successThreshold",
            AMOUNT + ", was 'most'"),
        inStrategy(
            "type: Waves\nwaves: {labelKey: district, pause: soon}",
            S + ".waves.pause",
            PAUSE + ", was 'soon'"),
        inStrategy(
            "type: Waves\nwaves: {labelKey: district, parallel: 2}",
            S + ".waves.parallel",
            KNOWN + "labelKey, order, successThreshold, pause"),
        inStrategy(
            "type: Waves\nwaves: {labelKey: district}\nmaxUpdating: 0%",
            S + ".maxUpdating", AT_LEAST_ONE + ", was '0%'"),
        // onNode and blueGreen
        inStrategy(
            "onNode: blueGreen", S + ".onNode", "must be Replace or BlueGreen, was 'blueGreen'"),
        inStrategy(
            "blueGreen: {switchAfter: 10s}",
            S + ".blueGreen",
            "applies to onNode: BlueGreen only; onNode is Replace, the default"),
        inStrategy(
            "onNode: Replace\nblueGreen: {}",
            S + ".blueGreen",
            "applies to onNode: BlueGreen only; onNode is Replace"),
        inStrategy(
            "onNode: BlueGreen\nblueGreen: 10s", S + ".blueGreen", "must be a mapping, was '10s'"),
        inStrategy(
            "onNode: BlueGreen\nblueGreen: {switchAfter: 2h}",
            S + ".blueGreen.switchAfter",
            "must be from 0ms to 1h, was '2h'"),
        inStrategy(
            "onNode: BlueGreen\nblueGreen: {switchAfter: 1500ms}",
            S + ".blueGreen.switchAfter",
            "must be whole seconds, which nodes count in, was '1500ms'"),
        inStrategy(
            "onNode: BlueGreen\nblueGreen: {giveUpAfter: 0s}",
            S + ".blueGreen.giveUpAfter",
            "must be from 1s to 24h, was '0s'"),
        inStrategy(
            "onNode: BlueGreen\nblueGreen: {giveUpAfter: 25h}",
            S + ".blueGreen.giveUpAfter",
            "must be from 1s to 24h, was '25h'"),
        inStrategy(
            "onNode: BlueGreen\nblueGreen: {giveUpAfter: 5}",
            S + ".blueGreen.giveUpAfter",
            DURATION + ", was the number 5"),
        inStrategy(
            "onNode: BlueGreen\nblueGreen: {giveUpAfter: 1m500ms}",
            S + ".blueGreen.giveUpAfter",
            "must be whole seconds, which nodes count in, was '1m500ms'"),
        inStrategy(
            "onNode: BlueGreen\nblueGreen: {drain: 1s}",
            S + ".blueGreen.drain",
            KNOWN + "switchAfter, giveUpAfter"),
        new Refusal(
            "blueGreen with a published port",
            template("ports: [{containerPort: 8080}]") + "  strategy: {onNode: BlueGreen}\n",
            S + ".onNode",
            "cannot be BlueGreen while the template publishes host ports: the old and the new"
                + " revision run side by side on a node and would both bind 8080/tcp"
                + " (spec.template.ports[0]); use Replace, or publish no ports"),
        new Refusal(
            "blueGreen with a published UDP port on one address",
            template(
                    "ports: [{containerPort: 53, hostPort: 5353, protocol: UDP, hostIP: 10.0.0.1}]")
                + "  strategy: {onNode: BlueGreen, blueGreen: {switchAfter: 5s}}\n",
            S + ".onNode",
            "cannot be BlueGreen while the template publishes host ports: the old and the new"
                + " revision run side by side on a node and would both bind 5353/udp"
                + " (spec.template.ports[0]); use Replace, or publish no ports"),
        new Refusal(
            "blueGreen with an HTTP probe",
            template("healthCheck: {http: {port: 8080}}") + "  strategy: {onNode: BlueGreen}\n",
            S + ".onNode",
            "cannot be BlueGreen with an http health check: the agent reaches it through a"
                + " published host port, which a side-by-side revision cannot have; use an exec"
                + " check, or Replace"),
        new Refusal(
            "blueGreen with a TCP probe",
            template("healthCheck: {tcp: {port: 8080}}") + "  strategy: {onNode: BlueGreen}\n",
            S + ".onNode",
            "cannot be BlueGreen with a tcp health check: the agent reaches it through a"
                + " published host port, which a side-by-side revision cannot have; use an exec"
                + " check, or Replace"),
        // soak and progressDeadline
        inStrategy("soak: 25h", S + ".soak", "must be from 0ms to 24h, was '25h'"),
        inStrategy("soak: 30", S + ".soak", DURATION + ", was the number 30"),
        inStrategy("soak: -1s", S + ".soak", DURATION + ", was '-1s'"),
        inStrategy(
            "progressDeadline: 0s", S + ".progressDeadline", "must be from 1s to 168h, was '0s'"),
        inStrategy(
            "progressDeadline: 169h",
            S + ".progressDeadline",
            "must be from 1s to 168h, was '169h'"),
        inStrategy(
            "progressDeadline: 10 minutes",
            S + ".progressDeadline",
            DURATION + ", was '10 minutes'"),
        inStrategy(
            "progressDeadline: 20s",
            S + ".progressDeadline",
            "must be longer than soak (30s, the default), or no node could ever pass, was '20s'"),
        inStrategy(
            "soak: 1h\nprogressDeadline: 1h",
            S + ".progressDeadline",
            "must be longer than soak (1h), or no node could ever pass, was '1h'"),
        inStrategy(
            "soak: 15m",
            S + ".soak",
            "must be shorter than progressDeadline (10m, the default), or no node could ever pass,"
                + " was '15m'"),
        // errorThreshold and onFailure
        inStrategy("errorThreshold: -1", S + ".errorThreshold", AT_LEAST_NONE + ", was -1"),
        inStrategy("errorThreshold: 101%", S + ".errorThreshold", AT_LEAST_NONE + ", was '101%'"),
        inStrategy("errorThreshold: -5%", S + ".errorThreshold", AMOUNT + ", was '-5%'"),
        inStrategy("errorThreshold: 0.5", S + ".errorThreshold", AMOUNT + ", was the number 0.5"),
        inStrategy(
            "onFailure: rollback", S + ".onFailure", "must be Rollback or Pause, was 'rollback'"),
        inStrategy("onFailure: Abort", S + ".onFailure", "must be Rollback or Pause, was 'Abort'"),
        // unreachable
        inStrategy("unreachable: Proceed", S + ".unreachable", "must be a mapping, was 'Proceed'"),
        inStrategy(
            "unreachable: {policy: Wait}",
            S + ".unreachable.policy",
            "must be Proceed or WaitForQuorum, was 'Wait'"),
        inStrategy(
            "unreachable: {quorum: 90%}",
            S + ".unreachable.quorum",
            "applies to policy: WaitForQuorum only; policy is Proceed, the default"),
        inStrategy(
            "unreachable: {policy: Proceed, quorum: 90%}",
            S + ".unreachable.quorum", "applies to policy: WaitForQuorum only; policy is Proceed"),
        inStrategy(
            "unreachable: {policy: WaitForQuorum, quorum: 0%}",
            S + ".unreachable.quorum", AT_LEAST_ONE + ", was '0%'"),
        inStrategy(
            "unreachable: {policy: WaitForQuorum, quorum: 0}",
            S + ".unreachable.quorum",
            AT_LEAST_ONE + ", was 0"),
        inStrategy(
            "unreachable: {policy: WaitForQuorum, timeout: 5m}",
            S + ".unreachable.timeout",
            KNOWN + "policy, quorum"));
  }

  /** Refusals in {@code spec.maintenanceWindows}, the YAML and the JSON twin alike. */
  static Stream<Refusal> windowRefusals() {
    return Stream.of(
        new Refusal(
            "windows a mapping",
            MINIMAL + "  maintenanceWindows: {start: '02:00', end: '04:00'}\n",
            W,
            "must be a list, was a mapping"),
        new Refusal(
            "seventeen windows",
            MINIMAL
                + "  maintenanceWindows: "
                + IntStream.range(0, 17)
                    .mapToObj(i -> String.format("{start: '%02d:00', end: '%02d:30'}", i, i))
                    .collect(Collectors.joining(", ", "[", "]"))
                + "\n",
            W,
            "holds 17 windows; at most 16 are allowed"),
        inWindows("- '02:00-04:00'", W + "[0]", "must be a mapping, was '02:00-04:00'"),
        inWindows("- {end: '04:00'}", W + "[0].start", "is required"),
        inWindows("- {start: '02:00'}", W + "[0].end", "is required"),
        inWindows("- {start: '2:00', end: '04:00'}", W + "[0].start", TIME + ", was '2:00'"),
        inWindows("- {start: '24:00', end: '04:00'}", W + "[0].start", TIME + ", was '24:00'"),
        inWindows("- {start: '02:60', end: '04:00'}", W + "[0].start", TIME + ", was '02:60'"),
        inWindows(
            "- {start: '02:00:00', end: '04:00'}", W + "[0].start", TIME + ", was '02:00:00'"),
        inWindows("- {start: '02:00 ', end: '04:00'}", W + "[0].start", TIME + ", was '02:00 '"),
        inWindows(
            "- {start: 22:00, end: '04:00'}",
            W + "[0].start",
            TIME
                + ", was the number 1320; quote it, as YAML reads an unquoted 22:00 as the number"
                + " 1320"),
        inWindows("- {start: '02:00', end: true}", W + "[0].end", TIME + ", was the boolean true"),
        inWindows(
            "- {start: '02:00', end: '02:00'}",
            W + "[0].end",
            "must differ from start; an end before the start runs past midnight, was '02:00'"),
        inWindows(
            "- {start: '02:00', end: '04:00', timeZone: '+02:00'}",
            W + "[0].timeZone",
            ZONE + ", was '+02:00'"),
        inWindows(
            "- {start: '02:00', end: '04:00', timeZone: Europe/Atlantis}",
            W + "[0].timeZone",
            ZONE + ", was 'Europe/Atlantis'"),
        inWindows(
            "- {start: '02:00', end: '04:00', timeZone: europe/berlin}",
            W + "[0].timeZone",
            ZONE + ", was 'europe/berlin'"),
        inWindows(
            "- {start: '02:00', end: '04:00', timeZone: ''}",
            W + "[0].timeZone",
            ZONE + ", was ''"),
        inWindows(
            "- {start: '02:00', end: '04:00', timeZone: 1}",
            W + "[0].timeZone",
            "must be a string, was the number 1; quote it (\"1\") to use it as text"),
        inWindows(
            "- {start: '02:00', end: '04:00', days: [Sat]}",
            W + "[0].days[0]",
            DAY + ", was 'Sat'"),
        inWindows(
            "- {start: '02:00', end: '04:00', days: [Saturday, saturday]}",
            W + "[0].days[1]",
            DAY + ", was 'saturday'"),
        inWindows(
            "- {start: '02:00', end: '04:00', days: [Saturday, Sunday, Saturday]}",
            W + "[0].days[2]",
            "'Saturday' is already listed at spec.maintenanceWindows[0].days[0]"),
        inWindows(
            "- {start: '02:00', end: '04:00', days: Saturday}",
            W + "[0].days",
            "must be a list of strings, was 'Saturday'"),
        inWindows(
            "- {start: '02:00', end: '04:00', nodeSelector: {matchLabels: {'Bad Key': x}}}",
            W + "[0].nodeSelector.matchLabels[\"Bad Key\"]",
            "key 'Bad Key' is invalid: the name must be at most 63 characters of A-Z, a-z, 0-9,"
                + " '-', '_' and '.', beginning and ending with a letter or digit"),
        inWindows(
            "- {start: '02:00', end: '04:00', nodeSelector: {matchExpressions: [{key: a, operator:"
                + " In}]}}",
            W + "[0].nodeSelector.matchExpressions[0].values",
            "must list at least one value for In"),
        inWindows(
            "- {start: '02:00', end: '04:00', nodeSelector: {site: a}}",
            W + "[0].nodeSelector.site",
            KNOWN + "matchLabels, matchExpressions"),
        inWindows(
            "- {start: '02:00', end: '04:00', nodeSelector: site=a}",
            W + "[0].nodeSelector",
            "must be a mapping, was 'site=a'"),
        inWindows(
            "- {start: '02:00', end: '04:00', duration: 2h}",
            W + "[0].duration",
            KNOWN + "start, end, timeZone, days, nodeSelector"),
        inWindows(
            "- {start: '02:00', end: '04:00'}\n- {start: '05:00', end: '5:30'}",
            W + "[1].end",
            TIME + ", was '5:30'"));
  }

  @ParameterizedTest(name = "YAML: {0}")
  @MethodSource({"strategyRefusals", "windowRefusals"})
  void refusesYamlNamingTheFieldAndTheRule(Refusal r) {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> yaml(r.yaml()));
    assertEquals(r.field(), e.field(), e.getMessage());
    assertEquals(r.rule(), e.rule());
  }

  @ParameterizedTest(name = "JSON: {0}")
  @MethodSource({"strategyRefusals", "windowRefusals"})
  void refusesTheJsonTwinAlike(Refusal r) {
    String json = toJson(r.yaml());
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> json(json), json);
    assertEquals(r.field(), e.field(), e.getMessage());
    assertEquals(r.rule(), e.rule());
  }
}
