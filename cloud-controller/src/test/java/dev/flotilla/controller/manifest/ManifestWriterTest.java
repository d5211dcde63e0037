package dev.flotilla.controller.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ManifestWriterTest {
  private static String template(String lines) {
    return ManifestReaderTest.template(lines);
  }

  private static String placement(String lines) {
    return ManifestReaderTest.placement(lines);
  }

  /** Every placement field, several spelt in a non-canonical way. */
  static final String EVERY_PLACEMENT_FIELD =
      placement(
          """
          replicas: 7
          architectures: [riscv64, arm, arm64, amd64]
          minFirmwareVersion: '2024.09.1'
          peripherals: {serial: 2, gpu: 1, can-bus: 1024}
          tolerations:
            - {key: dedicated, value: traffic, effect: NoSchedule}
            - {key: example.com/maintenance, operator: Exists, value: ''}
            - {key: flaky, operator: Equal, value: '', effect: NoExecute}
            - {operator: Exists}
          affinity:
            - {deployment: mqtt-bridge}
            - {deployment: mqtt-bridge, topologyKey: site}
          antiAffinity:
            - {deployment: camera-ingest, topologyKey: null}
            - {deployment: mqtt-bridge, topologyKey: example.com/rack}
          spread:
            - {topologyKey: site, maxPerValue: 100000}
            - {topologyKey: district, maxPerValue: 2}
          """);

  private static String strategy(String lines) {
    return ManifestReaderTest.strategy(lines);
  }

  private static String windows(String lines) {
    return ManifestReaderTest.windows(lines);
  }

  /** Every strategy field a Waves strategy takes, several spelt in a non-canonical way. */
  static final String EVERY_STRATEGY_FIELD =
      strategy(
          """
          type: Waves
          maxUpdating: 3
          waves:
            labelKey: example.com/district
            order: [d2, d1, '']
            successThreshold: 90%
            pause: 3600s
          onNode: BlueGreen
          blueGreen: {switchAfter: 1m30s, giveUpAfter: 10m}
          soak: 0s
          progressDeadline: 168h
          errorThreshold: 0%
          onFailure: Pause
          unreachable: {policy: WaitForQuorum, quorum: 80%}
          """);

  /** Every window field, and windows with only the required ones. */
  static final String EVERY_WINDOW_FIELD =
      windows(
          """
          - start: "22:30"
            end: "01:00"
            timeZone: America/Argentina/Buenos_Aires
            days: [Sunday, Saturday, Monday]
            nodeSelector:
              matchLabels: {site: north}
              matchExpressions: [{key: gpu, operator: DoesNotExist}]
          - {start: "02:00", end: "04:00", timeZone: UTC, days: []}
          - {start: "00:00", end: "23:59", nodeSelector: {}}
          """);

  static Stream<String> manifests() {
    return Stream.of(
        ManifestReaderTest.MINIMAL,
        ManifestReaderTest.FULL_YAML,
        template("healthCheck: {tcp: {port: 1883}}\nrestartPolicy: Never"),
        template("healthCheck: {exec: {command: [/bin/check, --quick]}, periodSeconds: 60}"),
        template("healthCheck: {http: {port: 80}}"),
        template(
            "ports: [{containerPort: 53, protocol: UDP, hostIP: '::1'}, {containerPort: 1,"
                + " hostPort: 65535}]"),
        template("resources: {limits: {cpu: 2, memory: 1234567}, requests: {memory: 1000k}}"),
        template("resources: {requests: {cpu: 1m, memory: 1Ei}}"),
        template("resources: {limits: {memory: 2000Ki, cpu: '1.5'}}"),
        template("restartPolicy: {initialBackoff: 1500ms, maxBackoff: 1h}"),
        template("restartPolicy: {initialBackoff: 1m1s, maxBackoff: 24h}"),
        template("env: {EMPTY: '', 'dotted.name': 'x=y', QUOTE: \"it's\", NUMERIC: '8080'}"),
        template("command: ['yes', 'no', 'null', '~', '1e3', '0x10', '2024-05-01']"),
        template("args: ['--flag', '', ' spaced ', '#hash', '- dash', 'a: b']"),
        template(
            "volumes: [{source: named_vol.1, target: /x}, {source: /h, target: /y, readOnly:"
                + " true}]"),
        ManifestReaderTest.MINIMAL.replace(
            "spec:\n",
            "spec:\n  selector:\n    matchLabels: {a: '', b: 'true'}\n    matchExpressions:\n"
                + "      - {key: a, operator: In, values: [x, '']}\n"
                + "      - {key: c, operator: NotIn, values: ['1', '2']}\n"
                + "      - {key: example.com/d, operator: Exists}\n"
                + "      - {key: e, operator: DoesNotExist, values: []}\n"),
        ManifestReaderTest.MINIMAL.replace(
            "  name: aq\n",
            "  name: aq\n  labels: {a: '', version: '1.4', 'example.com/b': 'on'}\n"),
        EVERY_PLACEMENT_FIELD,
        placement("replicas: 1"),
        placement("minFirmwareVersion: '12'"),
        placement("architectures: [arm]\ntolerations: [{operator: Exists, effect: NoSchedule}]"),
        placement("spread: [{topologyKey: site, maxPerValue: 1}]\nreplicas: 2"),
        placement("antiAffinity: [{deployment: b}]\naffinity: [{deployment: b, topologyKey: s}]"),
        placement("peripherals: {gpu: 1}\naffinity: []\ntolerations: []"),
        EVERY_STRATEGY_FIELD,
        EVERY_WINDOW_FIELD,
        strategy("{}"),
        strategy("type: Rolling\nmaxUpdating: 100%"),
        strategy("type: AllAtOnce\nerrorThreshold: 3\nsoak: 1500ms"),
        strategy(
            "type: Canary\nsteps: [{percent: 1, pause: untilResumed}, {percent: 50, pause: 90s},"
                + " {percent: 100, pause: 10m}]"),
        strategy("type: Waves\nwaves: {labelKey: site}"),
        strategy("onNode: BlueGreen"),
        strategy("onNode: BlueGreen\nblueGreen: {giveUpAfter: 24h}"),
        strategy("unreachable: {policy: WaitForQuorum}"),
        strategy("progressDeadline: 31s"),
        windows("[{start: '02:00', end: '04:00'}]"));
  }

  static Stream<Arguments> manifestsInEachFormat() {
    return manifests()
        .flatMap(m -> Stream.of(ManifestFormat.values()).map(f -> Arguments.of(m, f)));
  }

  @ParameterizedTest
  @MethodSource("manifestsInEachFormat")
  void whatIsWrittenReadsBackEqual(String yaml, ManifestFormat format) {
    DeploymentManifest m = ManifestReader.read(yaml, ManifestFormat.YAML);
    String written = ManifestWriter.write(m, format);
    assertEquals(m, ManifestReader.read(written, format), written);
    // Canonical: writing what was read back gives the same text.
    assertEquals(written, ManifestWriter.write(ManifestReader.read(written, format), format));
  }

  @Test
  void theDocumentSpellsOutDefaultsAndLeavesOutEmptyParts() {
    DeploymentManifest m =
        ManifestReader.read(
            template(
                "ports: [{containerPort: 80}]\nhealthCheck: {http: {port: 80}}\n"
                    + "resources: {limits: {memory: 1048576}}"),
            ManifestFormat.YAML);
    assertEquals(
        Map.of(
            "apiVersion",
            "flotilla.dev/v1",
            "kind",
            "Deployment",
            "metadata",
            Map.of("name", "aq"),
            "spec",
            Map.of(
                "template",
                Map.of(
                    "image",
                    "localhost/aq:1",
                    "ports",
                    List.of(Map.of("containerPort", 80, "hostPort", 80, "protocol", "TCP")),
                    "resources",
                    Map.of("limits", Map.of("memory", "1Mi")),
                    "healthCheck",
                    Map.of(
                        "http",
                        Map.of("port", 80, "path", "/"),
                        "initialDelaySeconds",
                        0,
                        "periodSeconds",
                        10,
                        "timeoutSeconds",
                        2,
                        "failureThreshold",
                        3),
                    "restartPolicy",
                    Map.of("mode", "Always", "initialBackoff", "1s", "maxBackoff", "5m")))),
        ManifestWriter.toDocument(m));
  }

  @Test
  void theDocumentOfEveryPlacementFieldReadsBackEqual() {
    DeploymentManifest m = ManifestReader.read(EVERY_PLACEMENT_FIELD, ManifestFormat.YAML);
    assertEquals(m, ManifestDecoder.decode("", ManifestWriter.toDocument(m)));
  }

  @Test
  void thePlacementDocumentHoldsOnlyWhatDiffersFromTheDefaults() {
    DeploymentManifest m = ManifestReader.read(EVERY_PLACEMENT_FIELD, ManifestFormat.YAML);
    Object placement = ((Map<?, ?>) ManifestWriter.toDocument(m).get("spec")).get("placement");
    assertEquals(
        Map.of(
            "replicas",
            7,
            "architectures",
            List.of("amd64", "arm64", "arm", "riscv64"),
            "minFirmwareVersion",
            "2024.9.1",
            "peripherals",
            Map.of("can-bus", 1024, "gpu", 1, "serial", 2),
            "tolerations",
            List.of(
                Map.of(
                    "key",
                    "dedicated",
                    "operator",
                    "Equal",
                    "value",
                    "traffic",
                    "effect",
                    "NoSchedule"),
                Map.of("key", "example.com/maintenance", "operator", "Exists"),
                Map.of("key", "flaky", "operator", "Equal", "effect", "NoExecute"),
                Map.of("operator", "Exists")),
            "affinity",
            List.of(
                Map.of("deployment", "mqtt-bridge"),
                Map.of("deployment", "mqtt-bridge", "topologyKey", "site")),
            "antiAffinity",
            List.of(
                Map.of("deployment", "camera-ingest"),
                Map.of("deployment", "mqtt-bridge", "topologyKey", "example.com/rack")),
            "spread",
            List.of(
                Map.of("topologyKey", "site", "maxPerValue", 100_000),
                Map.of("topologyKey", "district", "maxPerValue", 2))),
        placement);
    assertEquals(
        Map.of("replicas", 2),
        ((Map<?, ?>)
                ManifestWriter.toDocument(
                        ManifestReader.read(
                            placement("replicas: 2\ntolerations: []\nperipherals: {}"),
                            ManifestFormat.YAML))
                    .get("spec"))
            .get("placement"));
  }

  @Test
  void anEmptyPlacementIsNotWritten() {
    for (String text :
        List.of(placement("{}"), placement("architectures: []\nspread: []"), placement(""))) {
      Map<String, Object> document =
          ManifestWriter.toDocument(ManifestReader.read(text, ManifestFormat.YAML));
      assertEquals(List.of("template"), List.copyOf(((Map<?, ?>) document.get("spec")).keySet()));
    }
  }

  @Test
  void theDocumentKeepsTheManifestOrderOfFields() {
    Map<String, Object> document =
        ManifestWriter.toDocument(
            ManifestReader.read(ManifestReaderTest.FULL_YAML, ManifestFormat.YAML));
    assertEquals(List.of("apiVersion", "kind", "metadata", "spec"), List.copyOf(document.keySet()));
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) document.get("spec");
    assertEquals(
        List.of("selector", "placement", "strategy", "maintenanceWindows", "template"),
        List.copyOf(spec.keySet()));
    assertEquals(
        List.of(
            "replicas",
            "architectures",
            "minFirmwareVersion",
            "peripherals",
            "tolerations",
            "affinity",
            "antiAffinity",
            "spread"),
        List.copyOf(((Map<?, ?>) spec.get("placement")).keySet()));
    @SuppressWarnings("unchecked")
    Map<String, Object> template = (Map<String, Object>) spec.get("template");
    assertEquals(
        List.of(
            "image",
            "command",
            "args",
            "env",
            "ports",
            "volumes",
            "resources",
            "healthCheck",
            "restartPolicy"),
        List.copyOf(template.keySet()));
  }

  @Test
  void theDocumentsOfEveryStrategyAndWindowFieldReadBackEqual() {
    for (String text : List.of(EVERY_STRATEGY_FIELD, EVERY_WINDOW_FIELD)) {
      DeploymentManifest m = ManifestReader.read(text, ManifestFormat.YAML);
      assertEquals(m, ManifestDecoder.decode("", ManifestWriter.toDocument(m)));
    }
  }

  private static Object specSection(String text, String key) {
    return ((Map<?, ?>)
            ManifestWriter.toDocument(ManifestReader.read(text, ManifestFormat.YAML)).get("spec"))
        .get(key);
  }

  @Test
  void theStrategyDocumentNamesItsTypeAndWhatDiffersFromTheDefaults() {
    assertEquals(
        Map.ofEntries(
            Map.entry("type", "Waves"),
            Map.entry("maxUpdating", 3),
            Map.entry(
                "waves",
                Map.of(
                    "labelKey",
                    "example.com/district",
                    "order",
                    List.of("d2", "d1", ""),
                    "successThreshold",
                    "90%",
                    "pause",
                    "1h")),
            Map.entry("onNode", "BlueGreen"),
            Map.entry("blueGreen", Map.of("switchAfter", "90s", "giveUpAfter", "10m")),
            Map.entry("soak", "0ms"),
            Map.entry("progressDeadline", "168h"),
            Map.entry("errorThreshold", "0%"),
            Map.entry("onFailure", "Pause"),
            Map.entry("unreachable", Map.of("policy", "WaitForQuorum", "quorum", "80%"))),
        specSection(EVERY_STRATEGY_FIELD, "strategy"));
    assertEquals(
        Map.of(
            "type",
            "Canary",
            "steps",
            List.of(Map.of("percent", 10, "pause", "untilResumed"), Map.of("percent", 100))),
        specSection(
            strategy(
                "type: Canary\nsteps: [{percent: 10, pause: untilResumed}, {percent: 100, pause:"
                    + " 0s}]\nmaxUpdating: null\nsoak: 30s"),
            "strategy"));
    assertEquals(
        Map.of("type", "Rolling", "onNode", "BlueGreen"),
        specSection(strategy("onNode: BlueGreen\nblueGreen: {giveUpAfter: 5m}"), "strategy"));
    assertEquals(
        Map.of("type", "Rolling", "unreachable", Map.of("policy", "WaitForQuorum")),
        specSection(strategy("unreachable: {policy: WaitForQuorum, quorum: 100%}"), "strategy"));
  }

  @Test
  void aDefaultStrategyAndNoWindowsAreNotWritten() {
    for (String text :
        List.of(
            strategy("{}"),
            strategy("type: Rolling\nmaxUpdating: 25%\nunreachable: {policy: Proceed}"),
            windows("[]"))) {
      Map<String, Object> document =
          ManifestWriter.toDocument(ManifestReader.read(text, ManifestFormat.YAML));
      assertEquals(List.of("template"), List.copyOf(((Map<?, ?>) document.get("spec")).keySet()));
    }
  }

  @Test
  void windowsAreWrittenWithTheirDaysInWeekOrder() {
    assertEquals(
        List.of(
            Map.of(
                "start",
                "22:30",
                "end",
                "01:00",
                "timeZone",
                "America/Argentina/Buenos_Aires",
                "days",
                List.of("Monday", "Saturday", "Sunday"),
                "nodeSelector",
                Map.of(
                    "matchLabels",
                    Map.of("site", "north"),
                    "matchExpressions",
                    List.of(Map.of("key", "gpu", "operator", "DoesNotExist")))),
            Map.of("start", "02:00", "end", "04:00", "timeZone", "UTC"),
            Map.of("start", "00:00", "end", "23:59")),
        specSection(EVERY_WINDOW_FIELD, "maintenanceWindows"));
  }

  @Test
  void amountsHaveOneSpelling() {
    assertEquals("500m", Quantities.formatCpu(500));
    assertEquals("2", Quantities.formatCpu(2000));
    assertEquals("1500m", Quantities.formatCpu(1500));
    assertEquals("64Mi", Quantities.formatMemory(64L << 20));
    assertEquals("2000Ki", Quantities.formatMemory(2_048_000));
    assertEquals("1M", Quantities.formatMemory(1_000_000));
    assertEquals("1500", Quantities.formatMemory(1500));
    assertEquals("1Ei", Quantities.formatMemory(1L << 60));
    assertEquals("90s", Quantities.formatDuration(90_000));
    assertEquals("5m", Quantities.formatDuration(300_000));
    assertEquals("2h", Quantities.formatDuration(7_200_000));
    assertEquals("1500ms", Quantities.formatDuration(1500));
  }
}
