package dev.flotilla.controller.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flotilla.controller.fleet.LabelSelector;
import dev.flotilla.controller.model.Amount;
import dev.flotilla.controller.model.InvalidInputException;
import dev.flotilla.controller.model.MaintenanceWindow;
import dev.flotilla.controller.model.PlacementSpec;
import dev.flotilla.controller.model.PlacementSpec.DeploymentAffinity;
import dev.flotilla.controller.model.PlacementSpec.Spread;
import dev.flotilla.controller.model.RolloutStrategy;
import dev.flotilla.controller.model.RolloutStrategy.BlueGreen;
import dev.flotilla.controller.model.RolloutStrategy.CanaryStep;
import dev.flotilla.controller.model.RolloutStrategy.NodeUpdate;
import dev.flotilla.controller.model.RolloutStrategy.OnFailure;
import dev.flotilla.controller.model.RolloutStrategy.Pause;
import dev.flotilla.controller.model.RolloutStrategy.Type;
import dev.flotilla.controller.model.RolloutStrategy.Unreachable;
import dev.flotilla.controller.model.Taint.Effect;
import dev.flotilla.controller.model.Toleration;
import dev.flotilla.controller.model.Toleration.Operator;
import dev.flotilla.controller.model.WorkloadTemplate;
import dev.flotilla.controller.model.WorkloadTemplate.Port;
import dev.flotilla.controller.model.WorkloadTemplate.Probe;
import dev.flotilla.controller.model.WorkloadTemplate.ProbeKind;
import dev.flotilla.controller.model.WorkloadTemplate.Resources;
import dev.flotilla.controller.model.WorkloadTemplate.Restart;
import dev.flotilla.controller.model.WorkloadTemplate.RestartMode;
import dev.flotilla.controller.model.WorkloadTemplate.Transport;
import dev.flotilla.controller.model.WorkloadTemplate.Volume;
import dev.flotilla.profiles.Architecture;
import dev.flotilla.profiles.FirmwareVersion;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

class ManifestReaderTest {
  static final String FULL_YAML =
      """
      apiVersion: flotilla.dev/v1
      kind: Deployment
      metadata:
        name: air-quality
        labels: {team: city, flotilla.dev/tier: sensors}
      spec:
        selector:
          matchLabels: {site: north}
          matchExpressions:
            - {key: district, operator: In, values: [d1, d2]}
            - {key: legacy, operator: DoesNotExist}
        placement:
          replicas: 3
          architectures: [arm64, amd64]
          minFirmwareVersion: "12.0"
          peripherals: {serial: 2, gpu: 1}
          tolerations:
            - {key: dedicated, operator: Equal, value: traffic, effect: NoSchedule}
            - {key: maintenance, operator: Exists}
            - {operator: Exists, effect: NoExecute}
          affinity:
            - {deployment: mqtt-bridge}
            - {deployment: mqtt-bridge, topologyKey: site}
          antiAffinity:
            - {deployment: camera-ingest}
            - {deployment: mqtt-bridge, topologyKey: example.com/rack}
          spread:
            - {topologyKey: district, maxPerValue: 2}
            - {topologyKey: site, maxPerValue: 1}
        strategy:
          type: Canary
          steps:
            - {percent: 5, pause: untilResumed}
            - {percent: 25, pause: 30m}
            - {percent: 100}
          soak: 1m
          progressDeadline: 15m
          errorThreshold: 2
          onFailure: Pause
          unreachable: {policy: WaitForQuorum, quorum: 90%}
        maintenanceWindows:
          - {start: "02:00", end: "04:00", timeZone: Europe/Berlin, days: [Saturday, Sunday]}
          - start: "22:30"
            end: "01:00"
            timeZone: UTC
            nodeSelector:
              matchLabels: {district: d1}
        template:
          image: localhost/sensors/aq:1.4
          command: [/bin/sh, -c]
          args: ["exec aq --port 8080"]
          env:
            LOG_LEVEL: info
            SINCE: "2024-05-01"
          ports:
            - {containerPort: 8080, hostPort: 18080, protocol: TCP, hostIP: 0.0.0.0}
            - {containerPort: 5683, protocol: UDP}
          volumes:
            - {source: /var/lib/aq, target: /data, readOnly: true}
            - {source: aq-cache, target: /cache}
          resources:
            limits: {cpu: 500m, memory: 64Mi}
            requests: {cpu: "0.1", memory: 33554432}
          healthCheck:
            http: {port: 8080, path: /healthz}
            initialDelaySeconds: 5
            periodSeconds: 15
            timeoutSeconds: 3
            failureThreshold: 4
          restartPolicy:
            mode: OnFailure
            initialBackoff: 500ms
            maxBackoff: 1m30s
      """;

  static final String FULL_JSON =
      """
      {
        "apiVersion": "flotilla.dev/v1",
        "kind": "Deployment",
        "metadata": {
          "name": "air-quality",
          "labels": {"flotilla.dev/tier": "sensors", "team": "city"}
        },
        "spec": {
          "selector": {
            "matchExpressions": [
              {"key": "legacy", "operator": "DoesNotExist", "values": []},
              {"key": "district", "operator": "In", "values": ["d2", "d1"]},
              {"key": "site", "operator": "In", "values": ["north"]}
            ]
          },
          "placement": {
            "spread": [
              {"topologyKey": "district", "maxPerValue": 2},
              {"topologyKey": "site", "maxPerValue": 1}
            ],
            "antiAffinity": [
              {"deployment": "camera-ingest"},
              {"deployment": "mqtt-bridge", "topologyKey": "example.com/rack"}
            ],
            "affinity": [
              {"deployment": "mqtt-bridge", "topologyKey": null},
              {"deployment": "mqtt-bridge", "topologyKey": "site"}
            ],
            "tolerations": [
              {"key": "dedicated", "value": "traffic", "effect": "NoSchedule"},
              {"key": "maintenance", "operator": "Exists", "value": ""},
              {"key": "", "operator": "Exists", "effect": "NoExecute"}
            ],
            "peripherals": {"gpu": 1, "serial": 2},
            "minFirmwareVersion": "12",
            "architectures": ["amd64", "arm64"],
            "replicas": 3
          },
          "strategy": {
            "unreachable": {"quorum": "90%", "policy": "WaitForQuorum"},
            "onFailure": "Pause",
            "errorThreshold": 2,
            "progressDeadline": "900s",
            "soak": "60s",
            "onNode": "Replace",
            "steps": [
              {"percent": 5, "pause": "untilResumed"},
              {"percent": 25, "pause": "1800s"},
              {"percent": 100, "pause": "0s"}
            ],
            "type": "Canary"
          },
          "maintenanceWindows": [
            {
              "start": "02:00",
              "end": "04:00",
              "timeZone": "Europe/Berlin",
              "days": ["Sunday", "Saturday"],
              "nodeSelector": {}
            },
            {
              "start": "22:30",
              "end": "01:00",
              "timeZone": "UTC",
              "days": [],
              "nodeSelector": {
                "matchExpressions": [{"key": "district", "operator": "In", "values": ["d1"]}]
              }
            }
          ],
          "template": {
            "image": "localhost/sensors/aq:1.4",
            "command": ["/bin/sh", "-c"],
            "args": ["exec aq --port 8080"],
            "env": {"SINCE": "2024-05-01", "LOG_LEVEL": "info"},
            "ports": [
              {"containerPort": 8080, "hostPort": 18080, "hostIP": "0.0.0.0"},
              {"containerPort": 5683, "hostPort": 5683, "protocol": "UDP"}
            ],
            "volumes": [
              {"source": "/var/lib/aq", "target": "/data", "readOnly": true},
              {"source": "aq-cache", "target": "/cache", "readOnly": false}
            ],
            "resources": {
              "limits": {"cpu": 0.5, "memory": "67108864"},
              "requests": {"cpu": "100m", "memory": "32Mi"}
            },
            "healthCheck": {
              "http": {"port": 8080, "path": "/healthz"},
              "initialDelaySeconds": 5,
              "periodSeconds": 15,
              "timeoutSeconds": 3,
              "failureThreshold": 4
            },
            "restartPolicy": {"mode": "OnFailure", "initialBackoff": "500ms", "maxBackoff": "90s"}
          }
        }
      }
      """;

  static final DeploymentManifest FULL =
      new DeploymentManifest(
          "air-quality",
          new TreeMap<>(Map.of("team", "city", "flotilla.dev/tier", "sensors")),
          LabelSelector.parse("site=north,district in (d1,d2),!legacy"),
          new PlacementSpec(
              3,
              new TreeSet<>(Set.of(Architecture.AMD64, Architecture.ARM64)),
              FirmwareVersion.parse("12.0").orElseThrow(),
              new TreeMap<>(Map.of("gpu", 1, "serial", 2)),
              List.of(
                  new Toleration("dedicated", Operator.EQUAL, "traffic", Effect.NO_SCHEDULE),
                  new Toleration("maintenance", Operator.EXISTS, "", null),
                  new Toleration("", Operator.EXISTS, "", Effect.NO_EXECUTE)),
              List.of(
                  new DeploymentAffinity("mqtt-bridge", null),
                  new DeploymentAffinity("mqtt-bridge", "site")),
              List.of(
                  new DeploymentAffinity("camera-ingest", null),
                  new DeploymentAffinity("mqtt-bridge", "example.com/rack")),
              List.of(new Spread("district", 2), new Spread("site", 1))),
          new RolloutStrategy(
              Type.CANARY,
              RolloutStrategy.DEFAULT.maxUpdating(),
              List.of(
                  new CanaryStep(5, Pause.UNTIL_RESUMED),
                  new CanaryStep(25, Pause.of(Duration.ofMinutes(30))),
                  new CanaryStep(100, Pause.NONE)),
              null,
              NodeUpdate.REPLACE,
              BlueGreen.DEFAULT,
              Duration.ofMinutes(1),
              Duration.ofMinutes(15),
              Amount.count(2),
              OnFailure.PAUSE,
              new Unreachable(true, Amount.percent(90))),
          List.of(
              new MaintenanceWindow(
                  LocalTime.of(2, 0),
                  LocalTime.of(4, 0),
                  ZoneId.of("Europe/Berlin"),
                  EnumSet.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY),
                  LabelSelector.EVERYTHING),
              new MaintenanceWindow(
                  LocalTime.of(22, 30),
                  LocalTime.of(1, 0),
                  ZoneId.of("UTC"),
                  Set.of(),
                  LabelSelector.parse("district=d1"))),
          new WorkloadTemplate(
              "localhost/sensors/aq:1.4",
              List.of("/bin/sh", "-c"),
              List.of("exec aq --port 8080"),
              new TreeMap<>(Map.of("LOG_LEVEL", "info", "SINCE", "2024-05-01")),
              List.of(
                  new Port(8080, 18080, Transport.TCP, "0.0.0.0"),
                  new Port(5683, 5683, Transport.UDP, "")),
              List.of(
                  new Volume("/var/lib/aq", "/data", true),
                  new Volume("aq-cache", "/cache", false)),
              new Resources(500, 64L << 20),
              new Resources(100, 32L << 20),
              new Probe(ProbeKind.HTTP, 8080, "/healthz", List.of(), 5, 15, 3, 4),
              new Restart(RestartMode.ON_FAILURE, 500, 90_000)));

  static final String MINIMAL =
      """
      apiVersion: flotilla.dev/v1
      kind: Deployment
      metadata:
        name: aq
      spec:
        template:
          image: localhost/aq:1
      """;

  /** The minimal manifest with {@code lines} added to its template. */
  static String template(String lines) {
    return MINIMAL + lines.indent(4);
  }

  /** The minimal manifest with {@code lines} as its {@code spec.placement}. */
  static String placement(String lines) {
    return MINIMAL + "  placement:\n" + lines.indent(4);
  }

  /** The minimal manifest with {@code lines} as its {@code spec.strategy}. */
  static String strategy(String lines) {
    return MINIMAL + "  strategy:\n" + lines.indent(4);
  }

  /** The minimal manifest with {@code lines} as its {@code spec.maintenanceWindows}. */
  static String windows(String lines) {
    return MINIMAL + "  maintenanceWindows:\n" + lines.indent(4);
  }

  private static DeploymentManifest yaml(String text) {
    return ManifestReader.read(text, ManifestFormat.YAML);
  }

  private static DeploymentManifest json(String text) {
    return ManifestReader.read(text, ManifestFormat.JSON);
  }

  /** The same document in JSON, through a plain YAML parser and Jackson. */
  static String toJson(String yamlText) {
    Object document = new Yaml(new SafeConstructor(new LoaderOptions())).load(yamlText);
    try {
      return new ObjectMapper().writeValueAsString(document);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aFullManifestReadsToTheExpectedDeployment() {
    assertEquals(FULL, yaml(FULL_YAML));
  }

  @Test
  void aFullManifestAndItsJsonTwinAreEqual() {
    assertEquals(yaml(FULL_YAML), json(FULL_JSON));
    assertEquals(yaml(FULL_YAML), json(toJson(FULL_YAML)));
  }

  @Test
  void aMinimalManifestGetsEveryDefault() {
    DeploymentManifest m = yaml(MINIMAL);
    assertEquals(
        new DeploymentManifest(
            "aq",
            new TreeMap<>(),
            LabelSelector.EVERYTHING,
            PlacementSpec.EVERY_NODE,
            RolloutStrategy.DEFAULT,
            List.of(),
            WorkloadTemplate.ofImage("localhost/aq:1")),
        m);
    assertEquals(Restart.DEFAULT, m.template().restart());
    assertEquals(null, m.template().probe());
  }

  static Stream<Arguments> sameMeaning() {
    return Stream.of(
        Arguments.of(
            "ports: [{containerPort: 80}]",
            "ports: [{containerPort: 80, hostPort: 80, protocol: TCP, hostIP: ''}]"),
        Arguments.of(
            "healthCheck: {tcp: {port: 80}}",
            "healthCheck: {tcp: {port: 80}, initialDelaySeconds: 0, periodSeconds: 10,"
                + " timeoutSeconds: 2, failureThreshold: 3}"),
        Arguments.of("healthCheck: {http: {port: 80}}", "healthCheck: {http: {port: 80, path: /}}"),
        Arguments.of("restartPolicy: Always", "restartPolicy: {mode: Always}"),
        Arguments.of(
            "restartPolicy: {initialBackoff: 1000ms}",
            "restartPolicy: {mode: Always, initialBackoff: 1s, maxBackoff: 5m}"),
        Arguments.of("restartPolicy: {maxBackoff: 300s}", "command: []"),
        Arguments.of("resources: {limits: {cpu: '0.5'}}", "resources: {limits: {cpu: 500m}}"),
        Arguments.of("resources: {limits: {cpu: 0.5}}", "resources: {limits: {cpu: 500m}}"),
        Arguments.of("resources: {limits: {cpu: 2}}", "resources: {limits: {cpu: 2000m}}"),
        Arguments.of(
            "resources: {limits: {memory: 1Gi}}", "resources: {limits: {memory: 1073741824}}"),
        Arguments.of("resources: {limits: {memory: 1024Mi}}", "resources: {limits: {memory: 1Gi}}"),
        Arguments.of("resources: {limits: {memory: 0.5Ki}}", "resources: {limits: {memory: 512}}"),
        Arguments.of(
            "resources: {limits: {memory: 500M}}", "resources: {limits: {memory: 500000000}}"),
        Arguments.of(
            "resources: {limits: {memory: 128k}}", "resources: {limits: {memory: '128000'}}"),
        Arguments.of("resources: {}", "resources: {limits: {}, requests: {}}"),
        Arguments.of(
            "volumes: [{source: v, target: /d}]",
            "volumes: [{source: v, target: /d, readOnly: false}]"),
        Arguments.of("env: {}", "args: []"));
  }

  @ParameterizedTest(name = "{0} == {1}")
  @MethodSource("sameMeaning")
  void manifestsThatMeanTheSameAreEqual(String a, String b) {
    assertEquals(yaml(template(a)), yaml(template(b)));
    assertEquals(yaml(template(a)), json(toJson(template(b))));
  }

  @Test
  void selectorsInEitherFormAreEqual() {
    String matchLabels =
        MINIMAL.replace("spec:\n", "spec:\n  selector: {matchLabels: {site: n}}\n");
    String expressions =
        MINIMAL.replace(
            "spec:\n",
            "spec:\n  selector: {matchExpressions: [{key: site, operator: In, values: [n]}]}\n");
    String empty = MINIMAL.replace("spec:\n", "spec:\n  selector: {}\n");
    assertEquals(yaml(matchLabels), yaml(expressions));
    assertEquals(LabelSelector.parse("site=n"), yaml(matchLabels).selector());
    assertEquals(LabelSelector.EVERYTHING, yaml(empty).selector());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "  placement:\n",
        "  placement: {}\n",
        "  placement: {architectures: [], peripherals: {}, tolerations: [], affinity: [],"
            + " antiAffinity: [], spread: []}\n",
        "  placement: {replicas: null, minFirmwareVersion: null}\n"
      })
  void anAbsentOrEmptyPlacementIsEveryNode(String section) {
    assertEquals(PlacementSpec.EVERY_NODE, yaml(MINIMAL + section).placement());
    assertEquals(PlacementSpec.EVERY_NODE, json(toJson(MINIMAL + section)).placement());
  }

  static Stream<Arguments> samePlacement() {
    return Stream.of(
        Arguments.of("architectures: [arm64, amd64]", "architectures: [amd64, arm64]"),
        Arguments.of("minFirmwareVersion: '12'", "minFirmwareVersion: '12.0.0'"),
        Arguments.of("peripherals: {serial: 2, gpu: 1}", "peripherals: {gpu: 1, serial: 2}"),
        Arguments.of("tolerations: [{key: a}]", "tolerations: [{key: a, operator: Equal}]"),
        Arguments.of(
            "tolerations: [{key: a, operator: Exists}]",
            "tolerations: [{key: a, operator: Exists, value: ''}]"),
        Arguments.of(
            "tolerations: [{operator: Exists}]", "tolerations: [{key: '', operator: Exists}]"),
        Arguments.of(
            "affinity: [{deployment: b}]", "affinity: [{deployment: b, topologyKey: null}]"));
  }

  @ParameterizedTest(name = "{0} == {1}")
  @MethodSource("samePlacement")
  void placementsThatMeanTheSameAreEqual(String a, String b) {
    assertEquals(yaml(placement(a)), yaml(placement(b)));
    assertEquals(yaml(placement(a)), json(toJson(placement(b))));
  }

  @Test
  void placementRulesThatOnlyLookAlikeAreAccepted() {
    PlacementSpec p =
        yaml(placement(
                """
                replicas: 100000
                spread: [{topologyKey: site, maxPerValue: 100000}]
                affinity: [{deployment: b}, {deployment: b, topologyKey: site}]
                antiAffinity: [{deployment: b, topologyKey: district}]
                tolerations:
                  - {key: a, value: x}
                  - {key: a, value: y}
                  - {key: a, value: ''}
                """))
            .placement();
    assertEquals(100_000, p.replicas());
    assertEquals(2, p.affinity().size());
    assertEquals(List.of(new DeploymentAffinity("b", "district")), p.antiAffinity());
    assertEquals(new Toleration("a", Operator.EQUAL, "", null), p.tolerations().get(2));
  }

  @Test
  void datesAndYamlOneOneWordsStayWhatTheyAre() {
    // A date-like scalar is text (no timestamp type); `yes` is a YAML 1.1 boolean and refused as
    // an env value with a hint, rather than silently becoming "true".
    assertEquals("2024-05-01", yaml(template("env: {D: 2024-05-01}")).template().env().get("D"));
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> yaml(template("env: {ENABLED: yes}")));
    assertEquals("spec.template.env[\"ENABLED\"]", e.field());
    assertEquals(
        "must be a string, was the boolean true; quote it (\"true\") to use it as text", e.rule());
  }

  @Test
  void portsOnOneNumberWithDifferentProtocolsOrAddressesDoNotClash() {
    WorkloadTemplate t =
        yaml(template(
                """
                ports:
                  - {containerPort: 53, protocol: UDP}
                  - {containerPort: 53, protocol: TCP}
                  - {containerPort: 80, hostIP: 127.0.0.1}
                  - {containerPort: 80, hostIP: 10.0.0.1}
                  - {containerPort: 81, hostIP: "fe80::1"}
                """))
            .template();
    assertEquals(5, t.ports().size());
  }

  @Test
  void yamlAnchorsAndMergeKeysWorkWithinTheLimits() {
    String text =
        """
        apiVersion: flotilla.dev/v1
        kind: Deployment
        metadata: {name: aq}
        spec:
          template:
            image: img
            command: &cmd [/bin/aq]
            healthCheck:
              exec: {command: *cmd}
            env:
              <<: {A: "1"}
              B: "2"
        """;
    WorkloadTemplate t = yaml(text).template();
    assertEquals(List.of("/bin/aq"), t.probe().command());
    assertEquals(Map.of("A", "1", "B", "2"), t.env());
  }

  record Refusal(String name, String yaml, String field, String rule) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Refusal refusal(String name, String yaml, String field, String rule) {
    return new Refusal(name, yaml, field, rule);
  }

  private static Refusal inTemplate(String lines, String field, String rule) {
    return new Refusal(lines.strip(), template(lines), field, rule);
  }

  private static Refusal inPlacement(String lines, String field, String rule) {
    return new Refusal("placement " + lines.strip(), placement(lines), field, rule);
  }

  /** Refusals the YAML and the JSON twin both give, with the exact field and rule. */
  static Stream<Refusal> refusals() {
    String known = "known fields are ";
    return Stream.of(
        refusal(
            "wrong apiVersion",
            MINIMAL.replace("flotilla.dev/v1", "apps/v1"),
            "apiVersion",
            "must be flotilla.dev/v1, was 'apps/v1'"),
        refusal(
            "no apiVersion",
            MINIMAL.replace("apiVersion: flotilla.dev/v1\n", ""),
            "apiVersion",
            "is required"),
        refusal(
            "wrong kind",
            MINIMAL.replace("Deployment", "Pod"),
            "kind",
            "must be Deployment, was 'Pod'"),
        refusal(
            "kind a number",
            MINIMAL.replace("Deployment", "3"),
            "kind",
            "must be a string, was the number 3; quote it (\"3\") to use it as text"),
        refusal(
            "unknown top-level field",
            MINIMAL + "status: {}\n",
            "status",
            "unknown field; " + known + "apiVersion, kind, metadata, spec"),
        refusal("document not a mapping", "just text\n", "", "must be a mapping, was 'just text'"),
        refusal(
            "no metadata",
            MINIMAL.replace("metadata:\n  name: aq\n", ""),
            "metadata",
            "is required"),
        refusal(
            "no name",
            MINIMAL.replace("  name: aq\n", "  labels: {a: b}\n"),
            "metadata.name",
            "is required"),
        refusal(
            "bad name",
            MINIMAL.replace("name: aq", "name: Air_Quality"),
            "metadata.name",
            "must be 1 to 63 characters of a-z, 0-9 and '-', starting with a letter or digit, was"
                + " 'Air_Quality'"),
        refusal(
            "long name",
            MINIMAL.replace("name: aq", "name: " + "a".repeat(64)),
            "metadata.name",
            "must be 1 to 63 characters of a-z, 0-9 and '-', starting with a letter or digit, was"
                + " '"
                + "a".repeat(57)
                + "...'"),
        refusal(
            "unknown metadata field",
            MINIMAL.replace("  name: aq\n", "  name: aq\n  namespace: x\n"),
            "metadata.namespace",
            "unknown field; " + known + "name, labels"),
        refusal(
            "bad label key",
            MINIMAL.replace("  name: aq\n", "  name: aq\n  labels: {'Bad Key': x}\n"),
            "metadata.labels[\"Bad Key\"]",
            "key 'Bad Key' is invalid: the name must be at most 63 characters of A-Z, a-z, 0-9,"
                + " '-', '_' and '.', beginning and ending with a letter or digit"),
        refusal(
            "number label value",
            MINIMAL.replace("  name: aq\n", "  name: aq\n  labels: {version: 1.4}\n"),
            "metadata.labels[\"version\"]",
            "must be a string, was the number 1.4; quote it (\"1.4\") to use it as text"),
        refusal(
            "labels a list",
            MINIMAL.replace("  name: aq\n", "  name: aq\n  labels: [a]\n"),
            "metadata.labels",
            "must be a mapping, was a list"),
        refusal("no spec", MINIMAL.substring(0, MINIMAL.indexOf("spec:")), "spec", "is required"),
        refusal(
            "unknown spec field",
            MINIMAL + "  replicas: 3\n",
            "spec.replicas",
            "unknown field; "
                + known
                + "selector, placement, strategy, maintenanceWindows, template"),
        refusal(
            "no template",
            MINIMAL.replace("  template:\n    image: localhost/aq:1\n", "  selector: {}\n"),
            "spec.template",
            "is required"),
        refusal(
            "template a string",
            MINIMAL.replace("  template:\n    image: localhost/aq:1\n", "  template: nginx\n"),
            "spec.template",
            "must be a mapping, was 'nginx'"),
        refusal(
            "bad matchLabels value",
            MINIMAL.replace("spec:\n", "spec:\n  selector: {matchLabels: {site: 'a b'}}\n"),
            "spec.selector.matchLabels[\"site\"]",
            "value 'a b' is invalid: it must be empty or at most 63 characters of A-Z, a-z, 0-9,"
                + " '-', '_' and '.', beginning and ending with a letter or digit"),
        refusal(
            "unknown selector field",
            MINIMAL.replace("spec:\n", "spec:\n  selector: {matchFields: {}}\n"),
            "spec.selector.matchFields",
            "unknown field; " + known + "matchLabels, matchExpressions"),
        refusal(
            "matchExpressions a mapping",
            MINIMAL.replace("spec:\n", "spec:\n  selector: {matchExpressions: {key: a}}\n"),
            "spec.selector.matchExpressions",
            "must be a list, was a mapping"),
        refusal(
            "unknown operator",
            MINIMAL.replace(
                "spec:\n",
                "spec:\n"
                    + "  selector: {matchExpressions: [{key: a, operator: Equals, values:"
                    + " [b]}]}\n"),
            "spec.selector.matchExpressions[0].operator",
            "must be one of In, NotIn, Exists, DoesNotExist, was 'Equals'"),
        refusal(
            "In without values",
            MINIMAL.replace(
                "spec:\n", "spec:\n  selector: {matchExpressions: [{key: a, operator: In}]}\n"),
            "spec.selector.matchExpressions[0].values",
            "must list at least one value for In"),
        refusal(
            "Exists with values",
            MINIMAL.replace(
                "spec:\n",
                "spec:\n"
                    + "  selector: {matchExpressions: [{key: a, operator: Exists, values:"
                    + " [b]}]}\n"),
            "spec.selector.matchExpressions[0].values",
            "must be absent or empty for Exists"),
        refusal(
            "bad expression key",
            MINIMAL.replace(
                "spec:\n",
                "spec:\n  selector: {matchExpressions: [{key: a, operator: Exists},"
                    + " {key: '-b', operator: Exists}]}\n"),
            "spec.selector.matchExpressions[1].key",
            "key '-b' is invalid: the name must be at most 63 characters of A-Z, a-z, 0-9, '-',"
                + " '_' and '.', beginning and ending with a letter or digit"),
        refusal(
            "bad expression value",
            MINIMAL.replace(
                "spec:\n",
                "spec:\n  selector: {matchExpressions: [{key: a, operator: NotIn, values: [b,"
                    + " 'c d']}]}\n"),
            "spec.selector.matchExpressions[0].values[1]",
            "value 'c d' is invalid: it must be empty or at most 63 characters of A-Z, a-z, 0-9,"
                + " '-', '_' and '.', beginning and ending with a letter or digit"),
        refusal(
            "unknown expression field",
            MINIMAL.replace(
                "spec:\n",
                "spec:\n  selector: {matchExpressions: [{key: a, operator: In, value: b}]}\n"),
            "spec.selector.matchExpressions[0].value",
            "unknown field; " + known + "key, operator, values"),
        refusal(
            "placement a string",
            MINIMAL + "  placement: everywhere\n",
            "spec.placement",
            "must be a mapping, was 'everywhere'"),
        inPlacement(
            "nodeName: gw-1",
            "spec.placement.nodeName",
            "unknown field; "
                + known
                + "replicas, architectures, minFirmwareVersion, peripherals, tolerations,"
                + " affinity, antiAffinity, spread"),
        inPlacement("replicas: 0", "spec.placement.replicas", "must be from 1 to 100000, was 0"),
        inPlacement(
            "replicas: 100001", "spec.placement.replicas", "must be from 1 to 100000, was 100001"),
        inPlacement(
            "replicas: '3'",
            "spec.placement.replicas",
            "must be an integer from 1 to 100000, was '3'; write it without quotes"),
        inPlacement(
            "replicas: 3.0",
            "spec.placement.replicas",
            "must be an integer from 1 to 100000, was the number 3.0"),
        inPlacement(
            "architectures: arm64",
            "spec.placement.architectures",
            "must be a list of strings, was 'arm64'"),
        inPlacement(
            "architectures: [arm64, x86_64]",
            "spec.placement.architectures[1]",
            "must be one of amd64, arm64, arm, riscv64, was 'x86_64'"),
        inPlacement(
            "architectures: [arm64, amd64, arm64]",
            "spec.placement.architectures[2]",
            "'arm64' is already listed at spec.placement.architectures[0]"),
        inPlacement(
            "minFirmwareVersion: 12.10",
            "spec.placement.minFirmwareVersion",
            "must be a quoted version such as \"12.0\", not a number, which loses digits (12.10"
                + " reads as 12.1), was the number 12.1"),
        inPlacement(
            "minFirmwareVersion: 12",
            "spec.placement.minFirmwareVersion",
            "must be a quoted version such as \"12.0\", not a number, which loses digits (12.10"
                + " reads as 12.1), was the number 12"),
        inPlacement(
            "minFirmwareVersion: v12",
            "spec.placement.minFirmwareVersion",
            "must be one to four dot-separated numbers of at most 9 digits, like \"12\", \"6.0\""
                + " or \"2024.09.1\", was 'v12'"),
        inPlacement(
            "minFirmwareVersion: '1.2.3.4.5'",
            "spec.placement.minFirmwareVersion",
            "must be one to four dot-separated numbers of at most 9 digits, like \"12\", \"6.0\""
                + " or \"2024.09.1\", was '1.2.3.4.5'"),
        inPlacement(
            "peripherals: [gpu]", "spec.placement.peripherals", "must be a mapping, was a list"),
        inPlacement(
            "peripherals: {gpu: 1, GPU: 1}",
            "spec.placement.peripherals[\"GPU\"]",
            "peripheral names must be 1 to 32 characters of a-z, 0-9 and '-', starting with a"
                + " letter (gpu, serial, camera)"),
        inPlacement(
            "peripherals: {" + "a".repeat(33) + ": 1}",
            "spec.placement.peripherals[\"" + "a".repeat(33) + "\"]",
            "peripheral names must be 1 to 32 characters of a-z, 0-9 and '-', starting with a"
                + " letter (gpu, serial, camera)"),
        inPlacement(
            "peripherals: {gpu: 0}",
            "spec.placement.peripherals[\"gpu\"]",
            "must be from 1 to 1024, was 0"),
        inPlacement(
            "peripherals: {serial: 1025}",
            "spec.placement.peripherals[\"serial\"]",
            "must be from 1 to 1024, was 1025"),
        inPlacement(
            "peripherals: {gpu: '1'}",
            "spec.placement.peripherals[\"gpu\"]",
            "must be an integer from 1 to 1024, was '1'; write it without quotes"),
        inPlacement(
            "tolerations: {key: a}", "spec.placement.tolerations", "must be a list, was a mapping"),
        inPlacement(
            "tolerations: [{key: a, operator: Exists}, {key: b, operator: In}]",
            "spec.placement.tolerations[1].operator",
            "must be Equal or Exists, was 'In'"),
        inPlacement(
            "tolerations: [{value: x}]",
            "spec.placement.tolerations[0].key",
            "is required for Equal; only operator: Exists may leave it out, to tolerate every"
                + " taint"),
        inPlacement(
            "tolerations: [{key: '', operator: Equal, value: ''}]",
            "spec.placement.tolerations[0].key",
            "is required for Equal; only operator: Exists may leave it out, to tolerate every"
                + " taint"),
        inPlacement(
            "tolerations: [{key: 'no space', operator: Exists}]",
            "spec.placement.tolerations[0].key",
            "key 'no space' is invalid: the name must be at most 63 characters of A-Z, a-z, 0-9,"
                + " '-', '_' and '.', beginning and ending with a letter or digit"),
        inPlacement(
            "tolerations: [{key: a, operator: Exists, value: x}]",
            "spec.placement.tolerations[0].value",
            "must be absent or empty for Exists"),
        inPlacement(
            "tolerations: [{key: a, value: 'x y'}]",
            "spec.placement.tolerations[0].value",
            "value 'x y' is invalid: it must be empty or at most 63 characters of A-Z, a-z, 0-9,"
                + " '-', '_' and '.', beginning and ending with a letter or digit"),
        inPlacement(
            "tolerations: [{key: a, value: 1}]",
            "spec.placement.tolerations[0].value",
            "must be a string, was the number 1; quote it (\"1\") to use it as text"),
        inPlacement(
            "tolerations: [{key: a, effect: PreferNoSchedule}]",
            "spec.placement.tolerations[0].effect",
            "must be NoSchedule or NoExecute, or absent for both, was 'PreferNoSchedule'"),
        inPlacement(
            "tolerations: [{key: a, tolerationSeconds: 60}]",
            "spec.placement.tolerations[0].tolerationSeconds",
            "unknown field; " + known + "key, operator, value, effect"),
        inPlacement(
            "affinity: [{topologyKey: site}]",
            "spec.placement.affinity[0].deployment",
            "is required"),
        inPlacement(
            "affinity: [{deployment: MQTT_Bridge}]",
            "spec.placement.affinity[0].deployment",
            "must be a deployment name, 1 to 63 characters of a-z, 0-9 and '-', starting with a"
                + " letter or digit, was 'MQTT_Bridge'"),
        inPlacement(
            "affinity: [{deployment: b}, {deployment: aq, topologyKey: site}]",
            "spec.placement.affinity[1].deployment",
            "names this deployment itself; to run at most one copy per node or topology value,"
                + " use spread with maxPerValue: 1"),
        inPlacement(
            "antiAffinity: [{deployment: aq}]",
            "spec.placement.antiAffinity[0].deployment",
            "names this deployment itself; to run at most one copy per node or topology value,"
                + " use spread with maxPerValue: 1"),
        inPlacement(
            "affinity: [{deployment: b, topologyKey: '/site'}]",
            "spec.placement.affinity[0].topologyKey",
            "key '/site' has an invalid prefix: before the '/' must come a DNS subdomain of at"
                + " most 253 characters of a-z, 0-9, '-' and '.' (e.g. example.com)"),
        inPlacement(
            "affinity: [{deployment: b, weight: 10}]",
            "spec.placement.affinity[0].weight",
            "unknown field; " + known + "deployment, topologyKey"),
        inPlacement(
            "affinity: [{deployment: b}, {deployment: c}, {deployment: b}]",
            "spec.placement.affinity[2]",
            "repeats spec.placement.affinity[0] ('b' on the same node)"),
        inPlacement(
            "antiAffinity: [{deployment: b, topologyKey: site}, {deployment: b, topologyKey:"
                + " site}]",
            "spec.placement.antiAffinity[1]",
            "repeats spec.placement.antiAffinity[0] ('b' on the same value of 'site')"),
        inPlacement(
            "affinity: [{deployment: b, topologyKey: site}]\n"
                + "antiAffinity: [{deployment: c}, {deployment: b, topologyKey: site}]",
            "spec.placement.antiAffinity[1]",
            "contradicts spec.placement.affinity[0]: 'b' on the same value of 'site' cannot be"
                + " both required and refused"),
        inPlacement(
            "affinity: [{deployment: b}]\nantiAffinity: [{deployment: b}]",
            "spec.placement.antiAffinity[0]",
            "contradicts spec.placement.affinity[0]: 'b' on the same node cannot be both required"
                + " and refused"),
        inPlacement("spread: site", "spec.placement.spread", "must be a list, was 'site'"),
        inPlacement(
            "spread: [{maxPerValue: 1}]", "spec.placement.spread[0].topologyKey", "is required"),
        inPlacement(
            "spread: [{topologyKey: site}]", "spec.placement.spread[0].maxPerValue", "is required"),
        inPlacement(
            "spread: [{topologyKey: 'a b', maxPerValue: 1}]",
            "spec.placement.spread[0].topologyKey",
            "key 'a b' is invalid: the name must be at most 63 characters of A-Z, a-z, 0-9, '-',"
                + " '_' and '.', beginning and ending with a letter or digit"),
        inPlacement(
            "spread: [{topologyKey: site, maxPerValue: 0}]",
            "spec.placement.spread[0].maxPerValue",
            "must be from 1 to 100000, was 0"),
        inPlacement(
            "spread: [{topologyKey: site, maxPerValue: 1.5}]",
            "spec.placement.spread[0].maxPerValue",
            "must be an integer from 1 to 100000, was the number 1.5"),
        inPlacement(
            "spread: [{topologyKey: district, maxPerValue: 2}, {topologyKey: district,"
                + " maxPerValue: 1}]",
            "spec.placement.spread[1].topologyKey",
            "'district' is already spread by spec.placement.spread[0]"),
        inPlacement(
            "spread: [{topologyKey: site, maxPerValue: 1, whenUnsatisfiable: DoNotSchedule}]",
            "spec.placement.spread[0].whenUnsatisfiable",
            "unknown field; " + known + "topologyKey, maxPerValue"),
        refusal(
            "no image",
            MINIMAL.replace("image: localhost/aq:1", "args: [x]"),
            "spec.template.image",
            "is required"),
        refusal(
            "image with a space",
            MINIMAL.replace("image: localhost/aq:1", "image: 'localhost/aq: 1'"),
            "spec.template.image",
            "must be an image reference without whitespace, was 'localhost/aq: 1'"),
        inTemplate(
            "imagePullPolicy: Always",
            "spec.template.imagePullPolicy",
            "unknown field; "
                + known
                + "image, command, args, env, ports, volumes, resources, healthCheck,"
                + " restartPolicy"),
        inTemplate(
            "command: /bin/sh",
            "spec.template.command",
            "must be a list of strings, was '/bin/sh'"),
        inTemplate(
            "args: [--port, 8080]",
            "spec.template.args[1]",
            "must be a string, was the number 8080; quote it (\"8080\") to use it as text"),
        inTemplate(
            "env: {PORT: 8080}",
            "spec.template.env[\"PORT\"]",
            "must be a string, was the number 8080; quote it (\"8080\") to use it as text"),
        inTemplate(
            "env: {EMPTY: null}",
            "spec.template.env[\"EMPTY\"]",
            "must be a string, was null (no value); write \"\" for an empty value"),
        inTemplate(
            "env: {'A=B': x}",
            "spec.template.env[\"A=B\"]",
            "variable names must be non-empty, without '=' or NUL characters"),
        inTemplate(
            "env: {'': x}",
            "spec.template.env[\"\"]",
            "variable names must be non-empty, without '=' or NUL characters"),
        inTemplate(
            "env: [{name: A, value: b}]", "spec.template.env", "must be a mapping, was a list"),
        inTemplate(
            "ports: [{containerPort: 80}, {containerPort: 70000}]",
            "spec.template.ports[1].containerPort",
            "must be from 1 to 65535, was 70000"),
        inTemplate(
            "ports: [{containerPort: 0}]",
            "spec.template.ports[0].containerPort",
            "must be from 1 to 65535, was 0"),
        inTemplate(
            "ports: [{hostPort: 80}]", "spec.template.ports[0].containerPort", "is required"),
        inTemplate(
            "ports: [{containerPort: '8080'}]",
            "spec.template.ports[0].containerPort",
            "must be an integer from 1 to 65535, was '8080'; write it without quotes"),
        inTemplate(
            "ports: [{containerPort: 80.5}]",
            "spec.template.ports[0].containerPort",
            "must be an integer from 1 to 65535, was the number 80.5"),
        inTemplate(
            "ports: [{containerPort: 99999999999999999999999}]",
            "spec.template.ports[0].containerPort",
            "must be from 1 to 65535, was 99999999999999999999999"),
        inTemplate(
            "ports: [{containerPort: 80, hostPort: 0}]",
            "spec.template.ports[0].hostPort",
            "must be from 1 to 65535, was 0"),
        inTemplate(
            "ports: [{containerPort: 80, protocol: tcp}]",
            "spec.template.ports[0].protocol",
            "must be TCP or UDP, was 'tcp'"),
        inTemplate(
            "ports: [{containerPort: 80, hostIP: localhost}]",
            "spec.template.ports[0].hostIP",
            "must be an IPv4 or IPv6 address, or absent for all interfaces, was 'localhost'"),
        inTemplate(
            "ports: [{containerPort: 80, hostIP: 256.1.1.1}]",
            "spec.template.ports[0].hostIP",
            "must be an IPv4 or IPv6 address, or absent for all interfaces, was '256.1.1.1'"),
        inTemplate(
            "ports: [{containerPort: 80, name: web}]",
            "spec.template.ports[0].name",
            "unknown field; " + known + "containerPort, hostPort, protocol, hostIP"),
        inTemplate(
            "ports: [{containerPort: 8080, hostPort: 80}, {containerPort: 80}]",
            "spec.template.ports[1].hostPort",
            "80/tcp on all interfaces is already published by spec.template.ports[0]"),
        inTemplate(
            "ports: [{containerPort: 80, hostIP: 127.0.0.1}, {containerPort: 80, hostIP: 0.0.0.0}]",
            "spec.template.ports[1].hostPort",
            "80/tcp on 0.0.0.0 is already published by spec.template.ports[0]"),
        inTemplate(
            "ports: [{containerPort: 53, protocol: UDP}, {containerPort: 54, hostPort: 53,"
                + " protocol: UDP, hostIP: 10.0.0.1}]",
            "spec.template.ports[1].hostPort",
            "53/udp on 10.0.0.1 is already published by spec.template.ports[0]"),
        inTemplate(
            "ports: {containerPort: 80}", "spec.template.ports", "must be a list, was a mapping"),
        inTemplate(
            "volumes: [{source: /a, target: data}]",
            "spec.template.volumes[0].target",
            "must be an absolute path in the container, was 'data'"),
        inTemplate("volumes: [{target: /data}]", "spec.template.volumes[0].source", "is required"),
        inTemplate(
            "volumes: [{source: 'my vol', target: /data}]",
            "spec.template.volumes[0].source",
            "must be an absolute host path or a volume name ([A-Za-z0-9][A-Za-z0-9_.-]*), was 'my"
                + " vol'"),
        inTemplate(
            "volumes: [{source: /a, target: /data}, {source: /b, target: /data}]",
            "spec.template.volumes[1].target",
            "'/data' is already mounted by spec.template.volumes[0]"),
        inTemplate(
            "volumes: [{source: /a, target: /data, readOnly: 'yes'}]",
            "spec.template.volumes[0].readOnly",
            "must be true or false, was 'yes'"),
        inTemplate(
            "resources: {limits: {cpu: lots}}",
            "spec.template.resources.limits.cpu",
            "must be a CPU amount: millicores like \"500m\", or cores like 1, 2 or \"0.5\", was"
                + " 'lots'"),
        inTemplate(
            "resources: {limits: {cpu: '0.0001'}}",
            "spec.template.resources.limits.cpu",
            "must be a whole number of millicores (1m = 0.001), was '0.0001'"),
        inTemplate(
            "resources: {limits: {cpu: 0}}",
            "spec.template.resources.limits.cpu",
            "must be more than 0 and at most 1024 cores; leave it out for no value, was the"
                + " number 0"),
        inTemplate(
            "resources: {limits: {cpu: 2000}}",
            "spec.template.resources.limits.cpu",
            "must be more than 0 and at most 1024 cores; leave it out for no value, was the"
                + " number 2000"),
        inTemplate(
            "resources: {limits: {memory: 64MB}}",
            "spec.template.resources.limits.memory",
            "must be a memory amount: bytes as an integer, or a number with a suffix such as"
                + " \"64Mi\", \"1Gi\", \"500M\" or \"128k\" (k M G T P E are powers of 1000; Ki Mi"
                + " Gi Ti Pi Ei of 1024), was '64MB'"),
        inTemplate(
            "resources: {limits: {memory: '0.5'}}",
            "spec.template.resources.limits.memory",
            "must come to a whole number of bytes, was '0.5'"),
        inTemplate(
            "resources: {limits: {memory: 2Ei}}",
            "spec.template.resources.limits.memory",
            "must be more than 0 and at most 1Ei; leave it out for no value, was '2Ei'"),
        inTemplate(
            "resources: {limits: {cpu: 100m}, requests: {cpu: 200m}}",
            "spec.template.resources.requests.cpu",
            "is 200m, more than the limit of 100m"),
        inTemplate(
            "resources: {limits: {memory: 64Mi}, requests: {memory: 1Gi}}",
            "spec.template.resources.requests.memory",
            "is 1Gi, more than the limit of 64Mi"),
        inTemplate(
            "resources: {limits: {gpu: 1}}",
            "spec.template.resources.limits.gpu",
            "unknown field; " + known + "cpu, memory"),
        inTemplate(
            "resources: {claims: []}",
            "spec.template.resources.claims",
            "unknown field; " + known + "limits, requests"),
        inTemplate(
            "healthCheck: {http: {port: 80}, tcp: {port: 80}}",
            "spec.template.healthCheck",
            "must set exactly one of http, tcp or exec, found http and tcp"),
        inTemplate(
            "healthCheck: {periodSeconds: 5}",
            "spec.template.healthCheck",
            "must set exactly one of http, tcp or exec, found none"),
        inTemplate(
            "healthCheck: {http: {path: /}}", "spec.template.healthCheck.http.port", "is required"),
        inTemplate(
            "healthCheck: {http: {port: 80, path: healthz}}",
            "spec.template.healthCheck.http.path",
            "must start with '/' and hold no whitespace, was 'healthz'"),
        inTemplate(
            "healthCheck: {http: {port: 80, scheme: HTTPS}}",
            "spec.template.healthCheck.http.scheme",
            "unknown field; " + known + "port, path"),
        inTemplate(
            "healthCheck: {tcp: {port: 65536}}",
            "spec.template.healthCheck.tcp.port",
            "must be from 1 to 65535, was 65536"),
        inTemplate(
            "healthCheck: {exec: {command: []}}",
            "spec.template.healthCheck.exec.command",
            "must name the command to run as its first item"),
        inTemplate(
            "healthCheck: {exec: {command: ['  ', x]}}",
            "spec.template.healthCheck.exec.command",
            "must name the command to run as its first item"),
        inTemplate(
            "healthCheck: {tcp: {port: 80}, periodSeconds: 0}",
            "spec.template.healthCheck.periodSeconds",
            "must be from 1 to 3600, was 0"),
        inTemplate(
            "healthCheck: {tcp: {port: 80}, timeoutSeconds: 4000}",
            "spec.template.healthCheck.timeoutSeconds",
            "must be from 1 to 3600, was 4000"),
        inTemplate(
            "healthCheck: {tcp: {port: 80}, failureThreshold: 0}",
            "spec.template.healthCheck.failureThreshold",
            "must be from 1 to 100, was 0"),
        inTemplate(
            "healthCheck: {tcp: {port: 80}, initialDelaySeconds: -1}",
            "spec.template.healthCheck.initialDelaySeconds",
            "must be from 0 to 3600, was -1"),
        inTemplate(
            "healthCheck: {tcp: {port: 80}, successThreshold: 1}",
            "spec.template.healthCheck.successThreshold",
            "unknown field; "
                + known
                + "http, tcp, exec, initialDelaySeconds, periodSeconds, timeoutSeconds,"
                + " failureThreshold"),
        inTemplate(
            "restartPolicy: Sometimes",
            "spec.template.restartPolicy",
            "must be Always, OnFailure or Never, was 'Sometimes'"),
        inTemplate(
            "restartPolicy: 3",
            "spec.template.restartPolicy",
            "must be Always, OnFailure or Never, or a mapping with mode, initialBackoff and"
                + " maxBackoff, was the number 3"),
        inTemplate(
            "restartPolicy: {mode: always}",
            "spec.template.restartPolicy.mode",
            "must be Always, OnFailure or Never, was 'always'"),
        inTemplate(
            "restartPolicy: {initialBackoff: 10}",
            "spec.template.restartPolicy.initialBackoff",
            "must be a duration with units, like \"500ms\", \"10s\", \"5m\", \"2h\" or \"1m30s\","
                + " was the number 10"),
        inTemplate(
            "restartPolicy: {initialBackoff: 0s}",
            "spec.template.restartPolicy.initialBackoff",
            "must be from 1ms to 24h, was '0s'"),
        inTemplate(
            "restartPolicy: {maxBackoff: 48h}",
            "spec.template.restartPolicy.maxBackoff",
            "must be from 1ms to 24h, was '48h'"),
        inTemplate(
            "restartPolicy: {initialBackoff: 10m}",
            "spec.template.restartPolicy.initialBackoff",
            "makes the back-off ceiling (5m, the default) shorter than the first back-off (10m)"),
        inTemplate(
            "restartPolicy: {initialBackoff: 1s, maxBackoff: 500ms}",
            "spec.template.restartPolicy.maxBackoff",
            "makes the back-off ceiling (500ms) shorter than the first back-off (1s)"),
        inTemplate(
            "restartPolicy: {maxBackoff: 500ms}",
            "spec.template.restartPolicy.maxBackoff",
            "makes the back-off ceiling (500ms) shorter than the first back-off (1s, the"
                + " default)"),
        inTemplate(
            "restartPolicy: {mode: Never, limit: 3}",
            "spec.template.restartPolicy.limit",
            "unknown field; " + known + "mode, initialBackoff, maxBackoff"));
  }

  @ParameterizedTest(name = "YAML: {0}")
  @MethodSource("refusals")
  void refusesYamlNamingTheFieldAndTheRule(Refusal r) {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> yaml(r.yaml()));
    assertEquals(r.field(), e.field(), e.getMessage());
    assertEquals(r.rule(), e.rule());
  }

  @ParameterizedTest(name = "JSON: {0}")
  @MethodSource("refusals")
  void refusesTheJsonTwinAlike(Refusal r) {
    String json = toJson(r.yaml());
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> json(json), json);
    assertEquals(r.field(), e.field(), e.getMessage());
    assertEquals(r.rule(), e.rule());
  }

  @Test
  void refusesNonStringKeysInYaml() {
    InvalidInputException e =
        assertThrows(
            InvalidInputException.class,
            () -> yaml(MINIMAL.replace("  name: aq\n", "  name: aq\n  1: x\n")));
    assertEquals("metadata", e.field());
    assertEquals(
        "keys must be strings, found the number 1; quote it (\"1\") to use it as text", e.rule());
  }

  @Test
  void refusesAYamlListAtTheTop() {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> yaml("- a\n- b\n"));
    assertEquals("", e.field());
    assertEquals("must be a mapping, was a list", e.rule());
  }

  private static InvalidInputException malformed(String text, ManifestFormat format) {
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> ManifestReader.read(text, format));
    assertEquals("", e.field(), e.getMessage());
    return e;
  }

  @Test
  void malformedYamlIsRefusedWithItsLineAndColumn() {
    String rule =
        malformed("apiVersion: flotilla.dev/v1\nkind: [Deployment\n", ManifestFormat.YAML).rule();
    assertTrue(rule.startsWith("is not valid YAML at line 3, column 1: "), rule);
    String tabs = malformed("apiVersion: x\n\tkind: y\n", ManifestFormat.YAML).rule();
    assertTrue(tabs.startsWith("is not valid YAML at line 2, column 1: "), tabs);
  }

  @Test
  void duplicateYamlKeysAreRefused() {
    String rule =
        malformed(
                MINIMAL.replace("kind: Deployment\n", "kind: Deployment\nkind: Pod\n"),
                ManifestFormat.YAML)
            .rule();
    assertTrue(
        rule.startsWith("is not valid YAML at line 3, column 1: found duplicate key kind"), rule);
    String nested = malformed(template("env: {A: x, A: y}"), ManifestFormat.YAML).rule();
    assertTrue(nested.contains("found duplicate key A"), nested);
  }

  @Test
  void yamlTagsForObjectsAndNonPlainTypesAreRefused() {
    for (String tagged :
        List.of(
            "!!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL"
                + " [\"http://x/\"]]]]",
            "!!binary aGVsbG8=",
            "!!timestamp 2024-05-01",
            "!!set {a, b}",
            "!!omap [a: 1]",
            "!custom x")) {
      String rule = malformed(template("env: {A: " + tagged + "}"), ManifestFormat.YAML).rule();
      assertTrue(rule.startsWith("is not valid YAML at line "), tagged + " -> " + rule);
    }
  }

  @Test
  void aBillionLaughsDocumentIsRefusedAtOnce() {
    StringBuilder bomb =
        new StringBuilder(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (char c = 'b'; c <= 'j'; c++) {
      char prev = (char) (c - 1);
      bomb.append(c).append(": &").append(c).append(" [");
      for (int i = 0; i < 9; i++) {
        bomb.append(i == 0 ? "" : ",").append('*').append(prev);
      }
      bomb.append("]\n");
    }
    InvalidInputException e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(2),
            () ->
                assertThrows(
                    InvalidInputException.class,
                    () -> ManifestReader.read(bomb.toString(), ManifestFormat.YAML)));
    assertEquals("", e.field());
    assertTrue(e.rule().startsWith("is not acceptable YAML: "), e.rule());
    assertTrue(e.rule().contains("aliases"), e.rule());
  }

  @Test
  void deepNestingIsRefusedInBothFormats() {
    String yaml = "a: " + "[".repeat(100) + "]".repeat(100) + "\n";
    assertTrue(malformed(yaml, ManifestFormat.YAML).rule().contains("Nesting Depth"));
    String json = "{\"a\": " + "[".repeat(100) + "]".repeat(100) + "}";
    String rule = malformed(json, ManifestFormat.JSON).rule();
    assertTrue(rule.startsWith("is not valid JSON"), rule);
    assertTrue(rule.contains("nesting depth (33) exceeds the maximum allowed (32"), rule);
  }

  @Test
  void anOversizedTextIsRefusedBeforeParsing() {
    String huge = MINIMAL + "#" + "x".repeat(ManifestReader.MAX_CHARS);
    for (ManifestFormat format : ManifestFormat.values()) {
      assertEquals(
          "is " + huge.length() + " characters long; at most 1048576 are accepted",
          malformed(huge, format).rule());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   \n", "# just a comment\n", "---\n---\n"})
  void anEmptyYamlTextIsRefused(String text) {
    assertEquals(
        "is empty; expected a manifest with apiVersion flotilla.dev/v1",
        malformed(text, ManifestFormat.YAML).rule());
  }

  @Test
  void malformedJsonIsRefusedWithItsLineAndColumn() {
    String rule =
        malformed(
                "{\n  \"apiVersion\": \"flotilla.dev/v1\",\n  \"kind\" \"x\"\n}",
                ManifestFormat.JSON)
            .rule();
    assertTrue(rule.startsWith("is not valid JSON at line 3, column 10: "), rule);
    assertEquals(
        "is empty; expected a manifest with apiVersion flotilla.dev/v1",
        malformed(" ", ManifestFormat.JSON).rule());
  }

  @Test
  void duplicateJsonKeysAreRefused() {
    String rule =
        malformed("{\"kind\": \"Deployment\", \"kind\": \"Pod\"}", ManifestFormat.JSON).rule();
    assertTrue(rule.startsWith("is not valid JSON at line 1, column "), rule);
    assertTrue(rule.contains("Duplicate field 'kind'"), rule);
  }

  @Test
  void trailingJsonIsRefused() {
    String one = toJson(MINIMAL);
    String rule = malformed(one + " {}", ManifestFormat.JSON).rule();
    assertTrue(rule.startsWith("is not valid JSON at line 1, column "), rule);
    assertTrue(rule.contains("Trailing token"), rule);
  }

  @Test
  void readRefusesSeveralManifests() {
    String two = MINIMAL + "---\n" + MINIMAL.replace("name: aq", "name: other");
    assertEquals(
        "holds 2 manifests where one is expected; send them one at a time",
        malformed(two, ManifestFormat.YAML).rule());
  }

  @Test
  void readAllReadsEveryYamlDocumentInOrderSkippingEmptyOnes() {
    String text =
        "---\n"
            + MINIMAL
            + "---\n# nothing here\n---\n"
            + MINIMAL.replace("name: aq", "name: bb")
            + "---\n"
            + FULL_YAML;
    List<DeploymentManifest> all = ManifestReader.readAll(text, ManifestFormat.YAML);
    assertEquals(
        List.of("aq", "bb", "air-quality"), all.stream().map(DeploymentManifest::name).toList());
    assertEquals(FULL, all.get(2));
  }

  @Test
  void readAllTakesAJsonObjectOrAnArray() {
    String a = toJson(MINIMAL);
    String b = toJson(MINIMAL.replace("name: aq", "name: bb"));
    assertEquals(1, ManifestReader.readAll(a, ManifestFormat.JSON).size());
    assertEquals(
        List.of("aq", "bb"),
        ManifestReader.readAll("[" + a + "," + b + "]", ManifestFormat.JSON).stream()
            .map(DeploymentManifest::name)
            .toList());
  }

  @Test
  void readAllNamesTheDocumentAtFault() {
    String text = MINIMAL + "---\n" + MINIMAL.replace("image: localhost/aq:1", "image: ''");
    InvalidInputException e =
        assertThrows(
            InvalidInputException.class, () -> ManifestReader.readAll(text, ManifestFormat.YAML));
    assertEquals("documents[1].spec.template.image", e.field());
    InvalidInputException single =
        assertThrows(
            InvalidInputException.class,
            () ->
                ManifestReader.readAll(
                    MINIMAL.replace("kind: Deployment", "kind: Pod"), ManifestFormat.YAML));
    assertEquals("kind", single.field());
  }

  @Test
  void readAllRefusesTwoManifestsWithOneName() {
    String text =
        MINIMAL + "---\n" + FULL_YAML + "---\n" + MINIMAL.replace("localhost/aq:1", "x:2");
    InvalidInputException e =
        assertThrows(
            InvalidInputException.class, () -> ManifestReader.readAll(text, ManifestFormat.YAML));
    assertEquals("documents[2].metadata.name", e.field());
    assertEquals("'aq' is already used by documents[0]", e.rule());
  }
}
