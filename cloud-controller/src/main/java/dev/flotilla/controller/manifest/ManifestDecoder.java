package dev.flotilla.controller.manifest;

import dev.flotilla.controller.fleet.LabelRules;
import dev.flotilla.controller.fleet.LabelSelector;
import dev.flotilla.controller.fleet.LabelSelector.Operator;
import dev.flotilla.controller.fleet.LabelSelector.Requirement;
import dev.flotilla.controller.manifest.Values.Mapping;
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
import dev.flotilla.controller.model.RolloutStrategy.Waves;
import dev.flotilla.controller.model.Taint;
import dev.flotilla.controller.model.Toleration;
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
import java.math.BigInteger;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The one validator of manifests: walks the plain maps and lists that either parser produced,
 * refuses the first fault with its exact path, and builds the {@link DeploymentManifest} with
 * defaults filled in. One method per section, each knowing its own field list, so a new section is
 * a new name in the list of its parent and a new method. Pure.
 *
 * <p>The rules are at least as strict as the wire's {@code DesiredStateRules}, so whatever is
 * accepted here also passes there once mapped.
 */
final class ManifestDecoder {
  static final String API_VERSION = "flotilla.dev/v1";
  static final String KIND = "Deployment";

  /** The agent's probe defaults ({@code DesiredStateMapper}), written out so they are visible. */
  static final int DEFAULT_PERIOD_SECONDS = 10;

  static final int DEFAULT_TIMEOUT_SECONDS = 2;
  static final int DEFAULT_FAILURE_THRESHOLD = 3;

  /** An hour: a probe that waits longer is a mistake, and it keeps the wire's uint32 far away. */
  static final int MAX_PROBE_SECONDS = 3_600;

  static final int MAX_FAILURE_THRESHOLD = 100;

  /** A day: the restart back-off on the wire is a uint32 of milliseconds (49 days). */
  static final long MAX_BACKOFF_MS = 86_400_000;

  static final String NAME_RULE =
      "1 to 63 characters of a-z, 0-9 and '-', starting with a letter or digit";

  /** Fleets are thousands of nodes; a larger count is a typo. */
  static final int MAX_REPLICAS = 100_000;

  /** Far beyond any gateway; a larger count is a typo. */
  static final int MAX_PERIPHERAL_COUNT = 1_024;

  static final String PERIPHERAL_RULE =
      "1 to 32 characters of a-z, 0-9 and '-', starting with a letter (gpu, serial, camera)";

  /** A canary with more steps is a rollout nobody will watch through. */
  static final int MAX_CANARY_STEPS = 20;

  /** Windows travel in every node's desired state; a few cover any real schedule. */
  static final int MAX_WINDOWS = 16;

  static final long SECOND_MS = 1_000;
  static final long HOUR_MS = 3_600_000;
  static final long DAY_MS = 24 * HOUR_MS;

  /** A pause after a canary step or a wave: at most a week, or until an operator resumes. */
  static final long MAX_PAUSE_MS = 7 * DAY_MS;

  static final long MAX_SOAK_MS = DAY_MS;
  static final long MAX_PROGRESS_DEADLINE_MS = 7 * DAY_MS;
  static final long MAX_SWITCH_AFTER_MS = HOUR_MS;
  static final long MAX_GIVE_UP_AFTER_MS = DAY_MS;

  /** The pause that waits for an operator instead of a time. */
  static final String UNTIL_RESUMED = "untilResumed";

  static final String AMOUNT_RULE = "a count like 3 or a share like 10%";
  static final String TIME_RULE = "a time of day as \"HH:MM\" on the 24-hour clock, like \"02:00\"";

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  private static final Pattern PERIPHERAL = Pattern.compile("[a-z][a-z0-9-]{0,31}");
  private static final Pattern VOLUME_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
  // The same address shapes as DesiredStateRules, so a host IP accepted here passes there too.
  private static final Pattern IPV4 =
      Pattern.compile(
          "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]{2,45}");
  private static final Pattern PERCENT = Pattern.compile("(\\d{1,9})%");
  private static final Pattern TIME_OF_DAY = Pattern.compile("([01]\\d|2[0-3]):([0-5]\\d)");

  /** Copied once: {@link ZoneId#getAvailableZoneIds()} builds a new set on every call. */
  private static final Set<String> ZONE_IDS = Set.copyOf(ZoneId.getAvailableZoneIds());

  private static final List<String> DOCUMENT_FIELDS =
      List.of("apiVersion", "kind", "metadata", "spec");
  private static final List<String> METADATA_FIELDS = List.of("name", "labels");
  private static final List<String> SPEC_FIELDS =
      List.of("selector", "placement", "strategy", "maintenanceWindows", "template");
  private static final List<String> SELECTOR_FIELDS = List.of("matchLabels", "matchExpressions");
  private static final List<String> EXPRESSION_FIELDS = List.of("key", "operator", "values");
  private static final List<String> PLACEMENT_FIELDS =
      List.of(
          "replicas",
          "architectures",
          "minFirmwareVersion",
          "peripherals",
          "tolerations",
          "affinity",
          "antiAffinity",
          "spread");
  private static final List<String> TOLERATION_FIELDS =
      List.of("key", "operator", "value", "effect");
  private static final List<String> AFFINITY_FIELDS = List.of("deployment", "topologyKey");
  private static final List<String> SPREAD_FIELDS = List.of("topologyKey", "maxPerValue");
  private static final List<String> STRATEGY_FIELDS =
      List.of(
          "type",
          "maxUpdating",
          "steps",
          "waves",
          "onNode",
          "blueGreen",
          "soak",
          "progressDeadline",
          "errorThreshold",
          "onFailure",
          "unreachable");
  private static final List<String> STEP_FIELDS = List.of("percent", "pause");
  private static final List<String> WAVES_FIELDS =
      List.of("labelKey", "order", "successThreshold", "pause");
  private static final List<String> BLUE_GREEN_FIELDS = List.of("switchAfter", "giveUpAfter");
  private static final List<String> UNREACHABLE_FIELDS = List.of("policy", "quorum");
  private static final List<String> WINDOW_FIELDS =
      List.of("start", "end", "timeZone", "days", "nodeSelector");
  private static final List<String> TEMPLATE_FIELDS =
      List.of(
          "image",
          "command",
          "args",
          "env",
          "ports",
          "volumes",
          "resources",
          "healthCheck",
          "restartPolicy");
  private static final List<String> PORT_FIELDS =
      List.of("containerPort", "hostPort", "protocol", "hostIP");
  private static final List<String> VOLUME_FIELDS = List.of("source", "target", "readOnly");
  private static final List<String> RESOURCES_FIELDS = List.of("limits", "requests");
  private static final List<String> AMOUNT_FIELDS = List.of("cpu", "memory");
  private static final List<String> PROBE_FIELDS =
      List.of(
          "http",
          "tcp",
          "exec",
          "initialDelaySeconds",
          "periodSeconds",
          "timeoutSeconds",
          "failureThreshold");
  private static final List<String> HTTP_FIELDS = List.of("port", "path");
  private static final List<String> TCP_FIELDS = List.of("port");
  private static final List<String> EXEC_FIELDS = List.of("command");
  private static final List<String> RESTART_FIELDS =
      List.of("mode", "initialBackoff", "maxBackoff");

  private ManifestDecoder() {}

  /**
   * @param path where the document sits in the input: empty for a lone document, {@code
   *     documents[2]} in a stream of several
   * @throws InvalidInputException naming the first field at fault
   */
  static DeploymentManifest decode(String path, @Nullable Object document) {
    Mapping doc = Values.mapping(path, document, DOCUMENT_FIELDS);
    String apiVersion = Values.string(doc.at("apiVersion"), doc.required("apiVersion"));
    if (!apiVersion.equals(API_VERSION)) {
      throw new InvalidInputException(
          doc.at("apiVersion"), "must be " + API_VERSION + ", was " + Values.describe(apiVersion));
    }
    String kind = Values.string(doc.at("kind"), doc.required("kind"));
    if (!kind.equals(KIND)) {
      throw new InvalidInputException(
          doc.at("kind"), "must be " + KIND + ", was " + Values.describe(kind));
    }
    Mapping metadata =
        Values.mapping(doc.at("metadata"), doc.required("metadata"), METADATA_FIELDS);
    String name = name(metadata);
    TreeMap<String, String> labels = labels(metadata.at("labels"), metadata.get("labels"));
    Mapping spec = Values.mapping(doc.at("spec"), doc.required("spec"), SPEC_FIELDS);
    LabelSelector selector =
        spec.has("selector")
            ? selector(spec.at("selector"), spec.get("selector"))
            : LabelSelector.EVERYTHING;
    PlacementSpec placement =
        spec.has("placement")
            ? placement(spec.at("placement"), spec.get("placement"), name)
            : PlacementSpec.EVERY_NODE;
    RolloutStrategy strategy =
        spec.has("strategy")
            ? strategy(spec.at("strategy"), spec.get("strategy"))
            : RolloutStrategy.DEFAULT;
    List<MaintenanceWindow> windows =
        spec.has("maintenanceWindows")
            ? windows(spec.at("maintenanceWindows"), spec.get("maintenanceWindows"))
            : List.of();
    WorkloadTemplate template = template(spec.at("template"), spec.required("template"));
    checkSideBySide(spec.at("strategy"), strategy, spec.at("template"), template);
    return new DeploymentManifest(name, labels, selector, placement, strategy, windows, template);
  }

  private static String name(Mapping metadata) {
    String name = Values.string(metadata.at("name"), metadata.required("name"));
    if (!DNS_LABEL.matcher(name).matches()) {
      throw new InvalidInputException(
          metadata.at("name"), "must be " + NAME_RULE + ", was " + Values.describe(name));
    }
    return name;
  }

  private static TreeMap<String, String> labels(String path, @Nullable Object raw) {
    if (raw == null) {
      return new TreeMap<>();
    }
    Map<String, String> labels = Values.stringMap(path, raw);
    LabelRules.validate(path, labels);
    return new TreeMap<>(labels);
  }

  private static LabelSelector selector(String path, @Nullable Object raw) {
    Mapping selector = Values.mapping(path, raw, SELECTOR_FIELDS);
    Map<String, String> matchLabels =
        labels(selector.at("matchLabels"), selector.get("matchLabels"));
    List<Requirement> expressions = new ArrayList<>();
    if (selector.has("matchExpressions")) {
      String at = selector.at("matchExpressions");
      List<?> list = Values.list(at, selector.get("matchExpressions"));
      for (int i = 0; i < list.size(); i++) {
        expressions.add(expression(Values.item(at, i), list.get(i)));
      }
    }
    return LabelSelector.of(matchLabels, expressions);
  }

  private static Requirement expression(String path, @Nullable Object raw) {
    Mapping e = Values.mapping(path, raw, EXPRESSION_FIELDS);
    String key = Values.string(e.at("key"), e.required("key"));
    LabelRules.validateKey(e.at("key"), key);
    String operatorName = Values.string(e.at("operator"), e.required("operator"));
    Operator operator =
        Operator.fromManifestName(operatorName)
            .orElseThrow(
                () ->
                    new InvalidInputException(
                        e.at("operator"),
                        "must be one of "
                            + Operator.manifestNames()
                            + ", was "
                            + Values.describe(operatorName)));
    List<String> values =
        e.has("values") ? Values.stringList(e.at("values"), e.get("values")) : List.of();
    if (operator.takesValues() && values.isEmpty()) {
      throw new InvalidInputException(
          e.at("values"), "must list at least one value for " + operator.manifestName());
    }
    if (!operator.takesValues() && !values.isEmpty()) {
      throw new InvalidInputException(
          e.at("values"), "must be absent or empty for " + operator.manifestName());
    }
    for (int i = 0; i < values.size(); i++) {
      LabelRules.validateValue(Values.item(e.at("values"), i), values.get(i));
    }
    return new Requirement(key, operator, values);
  }

  /**
   * {@code spec.placement}. Every field is optional and an empty list means the same as none, so
   * {@code placement: {}} reads as {@link PlacementSpec#EVERY_NODE}.
   *
   * @param self this manifest's {@code metadata.name}, which affinity rules may not name
   */
  private static PlacementSpec placement(String path, Object raw, String self) {
    Mapping p = Values.mapping(path, raw, PLACEMENT_FIELDS);
    Integer replicas =
        p.has("replicas")
            ? Values.integer(p.at("replicas"), p.get("replicas"), 1, MAX_REPLICAS)
            : null;
    TreeSet<Architecture> architectures =
        p.has("architectures")
            ? architectures(p.at("architectures"), p.get("architectures"))
            : new TreeSet<>();
    FirmwareVersion minFirmware =
        p.has("minFirmwareVersion")
            ? firmwareVersion(p.at("minFirmwareVersion"), p.get("minFirmwareVersion"))
            : null;
    TreeMap<String, Integer> peripherals =
        p.has("peripherals")
            ? peripherals(p.at("peripherals"), p.get("peripherals"))
            : new TreeMap<>();
    List<Toleration> tolerations =
        p.has("tolerations") ? tolerations(p.at("tolerations"), p.get("tolerations")) : List.of();
    List<DeploymentAffinity> affinity =
        p.has("affinity") ? affinities(p.at("affinity"), p.get("affinity"), self, null) : List.of();
    List<DeploymentAffinity> antiAffinity =
        p.has("antiAffinity")
            ? affinities(
                p.at("antiAffinity"),
                p.get("antiAffinity"),
                self,
                new Contrary(p.at("affinity"), affinity))
            : List.of();
    List<Spread> spread = p.has("spread") ? spread(p.at("spread"), p.get("spread")) : List.of();
    return new PlacementSpec(
        replicas,
        architectures,
        minFirmware,
        peripherals,
        tolerations,
        affinity,
        antiAffinity,
        spread);
  }

  private static TreeSet<Architecture> architectures(String path, Object raw) {
    List<String> names = Values.stringList(path, raw);
    TreeSet<Architecture> out = new TreeSet<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      Architecture architecture = Architecture.fromOciName(name).orElse(null);
      if (architecture == null) {
        throw new InvalidInputException(
            Values.item(path, i),
            "must be one of "
                + String.join(", ", Architecture.ociNames())
                + ", was "
                + Values.describe(name));
      }
      if (!out.add(architecture)) {
        throw new InvalidInputException(
            Values.item(path, i),
            Values.describe(name)
                + " is already listed at "
                + Values.item(path, names.indexOf(name)));
      }
    }
    return out;
  }

  private static FirmwareVersion firmwareVersion(String path, Object raw) {
    // A YAML or JSON number has already lost what was written: 12.10 arrives as 12.1, a
    // different version. Only quoted text keeps every part, so numbers are refused outright.
    if (raw instanceof Number) {
      throw new InvalidInputException(
          path,
          "must be a quoted version such as \"12.0\", not a number, which loses digits (12.10"
              + " reads as 12.1), was "
              + Values.describe(raw));
    }
    String text = Values.string(path, raw);
    return FirmwareVersion.parse(text)
        .orElseThrow(
            () ->
                new InvalidInputException(
                    path, "must be " + FirmwareVersion.RULE + ", was " + Values.describe(text)));
  }

  private static TreeMap<String, Integer> peripherals(String path, Object raw) {
    TreeMap<String, Integer> out = new TreeMap<>();
    for (Map.Entry<String, Object> e : Values.stringKeyed(path, raw).entrySet()) {
      String at = LabelRules.entryField(path, e.getKey());
      if (!PERIPHERAL.matcher(e.getKey()).matches()) {
        throw new InvalidInputException(at, "peripheral names must be " + PERIPHERAL_RULE);
      }
      out.put(e.getKey(), Values.integer(at, e.getValue(), 1, MAX_PERIPHERAL_COUNT));
    }
    return out;
  }

  private static List<Toleration> tolerations(String path, Object raw) {
    List<?> list = Values.list(path, raw);
    List<Toleration> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      Mapping t = Values.mapping(Values.item(path, i), list.get(i), TOLERATION_FIELDS);
      Toleration.Operator operator = Toleration.Operator.EQUAL;
      if (t.has("operator")) {
        String name = Values.string(t.at("operator"), t.get("operator"));
        operator = Toleration.Operator.fromManifestName(name);
        if (operator == null) {
          throw new InvalidInputException(
              t.at("operator"), "must be Equal or Exists, was " + Values.describe(name));
        }
      }
      String key = t.has("key") ? Values.string(t.at("key"), t.get("key")) : "";
      if (key.isEmpty() && operator == Toleration.Operator.EQUAL) {
        throw new InvalidInputException(
            t.at("key"),
            "is required for Equal; only operator: Exists may leave it out, to tolerate every"
                + " taint");
      }
      if (!key.isEmpty()) {
        LabelRules.validateKey(t.at("key"), key);
      }
      String value = t.has("value") ? Values.string(t.at("value"), t.get("value")) : "";
      if (operator == Toleration.Operator.EXISTS && !value.isEmpty()) {
        throw new InvalidInputException(t.at("value"), "must be absent or empty for Exists");
      }
      LabelRules.validateValue(t.at("value"), value);
      Taint.Effect effect = null;
      if (t.has("effect")) {
        String name = Values.string(t.at("effect"), t.get("effect"));
        effect = Taint.Effect.fromManifestName(name);
        if (effect == null) {
          throw new InvalidInputException(
              t.at("effect"),
              "must be NoSchedule or NoExecute, or absent for both, was " + Values.describe(name));
        }
      }
      out.add(new Toleration(key, operator, value, effect));
    }
    return out;
  }

  /** The affinity rules an anti-affinity rule may not repeat, and where they were written. */
  private record Contrary(String path, List<DeploymentAffinity> rules) {}

  /**
   * {@code affinity} or {@code antiAffinity}.
   *
   * @param contrary for {@code antiAffinity}, the affinity rules it may not contradict; null for
   *     {@code affinity} itself
   */
  private static List<DeploymentAffinity> affinities(
      String path, Object raw, String self, @Nullable Contrary contrary) {
    List<?> list = Values.list(path, raw);
    List<DeploymentAffinity> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String at = Values.item(path, i);
      Mapping a = Values.mapping(at, list.get(i), AFFINITY_FIELDS);
      String deployment = Values.string(a.at("deployment"), a.required("deployment"));
      if (!DNS_LABEL.matcher(deployment).matches()) {
        throw new InvalidInputException(
            a.at("deployment"),
            "must be a deployment name, " + NAME_RULE + ", was " + Values.describe(deployment));
      }
      if (deployment.equals(self)) {
        throw new InvalidInputException(
            a.at("deployment"),
            "names this deployment itself; to run at most one copy per node or topology value,"
                + " use spread with maxPerValue: 1");
      }
      String topologyKey = null;
      if (a.has("topologyKey")) {
        topologyKey = Values.string(a.at("topologyKey"), a.get("topologyKey"));
        LabelRules.validateKey(a.at("topologyKey"), topologyKey);
      }
      DeploymentAffinity rule = new DeploymentAffinity(deployment, topologyKey);
      int earlier = out.indexOf(rule);
      if (earlier >= 0) {
        throw new InvalidInputException(
            at, "repeats " + Values.item(path, earlier) + " (" + describe(rule) + ")");
      }
      if (contrary != null && contrary.rules().contains(rule)) {
        throw new InvalidInputException(
            at,
            "contradicts "
                + Values.item(contrary.path(), contrary.rules().indexOf(rule))
                + ": "
                + describe(rule)
                + " cannot be both required and refused");
      }
      out.add(rule);
    }
    return out;
  }

  /** {@code 'mqtt-bridge' on the same node}, or {@code ... on the same value of 'site'}. */
  private static String describe(DeploymentAffinity rule) {
    return "'"
        + rule.deployment()
        + "' on the same "
        + (rule.topologyKey() == null ? "node" : "value of '" + rule.topologyKey() + "'");
  }

  private static List<Spread> spread(String path, Object raw) {
    List<?> list = Values.list(path, raw);
    List<Spread> out = new ArrayList<>();
    Map<String, String> keys = new HashMap<>();
    for (int i = 0; i < list.size(); i++) {
      String at = Values.item(path, i);
      Mapping s = Values.mapping(at, list.get(i), SPREAD_FIELDS);
      String key = Values.string(s.at("topologyKey"), s.required("topologyKey"));
      LabelRules.validateKey(s.at("topologyKey"), key);
      String earlier = keys.putIfAbsent(key, at);
      if (earlier != null) {
        throw new InvalidInputException(
            s.at("topologyKey"), Values.describe(key) + " is already spread by " + earlier);
      }
      int max = Values.integer(s.at("maxPerValue"), s.required("maxPerValue"), 1, MAX_REPLICAS);
      out.add(new Spread(key, max));
    }
    return out;
  }

  /**
   * {@code spec.strategy}. Every field is optional, and {@code strategy: {}} reads as {@link
   * RolloutStrategy#DEFAULT}. A field that belongs to another type, node update or unreachable
   * policy is refused rather than ignored, so a strategy never seems to say more than it does.
   * Whether {@code onNode: BlueGreen} suits the template is checked once the template is read
   * ({@link #checkSideBySide}).
   */
  private static RolloutStrategy strategy(String path, Object raw) {
    Mapping s = Values.mapping(path, raw, STRATEGY_FIELDS);
    RolloutStrategy d = RolloutStrategy.DEFAULT;
    Type type =
        s.has("type")
            ? choice(s.at("type"), s.get("type"), Type.values(), Type::manifestName)
            : d.type();
    String typeIs = "type is " + type.manifestName() + (s.has("type") ? "" : ", the default");
    Amount maxUpdating = d.maxUpdating();
    if (s.has("maxUpdating")) {
      if (type != Type.ROLLING && type != Type.WAVES) {
        throw new InvalidInputException(
            s.at("maxUpdating"), "applies to types Rolling and Waves only; " + typeIs);
      }
      maxUpdating = amount(s.at("maxUpdating"), s.get("maxUpdating"), 1);
    }
    List<CanaryStep> steps = List.of();
    if (s.has("steps")) {
      if (type != Type.CANARY) {
        throw new InvalidInputException(s.at("steps"), "applies to type Canary only; " + typeIs);
      }
      steps = steps(s.at("steps"), s.get("steps"));
    } else if (type == Type.CANARY) {
      throw new InvalidInputException(
          s.at("steps"),
          "is required for type Canary: list the shares of the nodes to release, ending at 100");
    }
    Waves waves = null;
    if (s.has("waves")) {
      if (type != Type.WAVES) {
        throw new InvalidInputException(s.at("waves"), "applies to type Waves only; " + typeIs);
      }
      waves = waves(s.at("waves"), s.get("waves"));
    } else if (type == Type.WAVES) {
      throw new InvalidInputException(
          s.at("waves"),
          "is required for type Waves: name at least the labelKey whose values group the nodes");
    }
    NodeUpdate onNode =
        s.has("onNode")
            ? choice(s.at("onNode"), s.get("onNode"), NodeUpdate.values(), NodeUpdate::manifestName)
            : d.onNode();
    BlueGreen blueGreen = d.blueGreen();
    if (s.has("blueGreen")) {
      if (onNode != NodeUpdate.BLUE_GREEN) {
        throw new InvalidInputException(
            s.at("blueGreen"),
            "applies to onNode: BlueGreen only; onNode is "
                + onNode.manifestName()
                + (s.has("onNode") ? "" : ", the default"));
      }
      blueGreen = blueGreen(s.at("blueGreen"), s.get("blueGreen"));
    }
    long soak =
        s.has("soak")
            ? Quantities.durationMs(s.at("soak"), s.get("soak"), 0, MAX_SOAK_MS)
            : d.soak().toMillis();
    long deadline =
        s.has("progressDeadline")
            ? Quantities.durationMs(
                s.at("progressDeadline"),
                s.get("progressDeadline"),
                SECOND_MS,
                MAX_PROGRESS_DEADLINE_MS)
            : d.progressDeadline().toMillis();
    if (deadline <= soak) {
      // Name the field that was written: with only one of them set, the other is the default.
      if (s.has("progressDeadline")) {
        throw new InvalidInputException(
            s.at("progressDeadline"),
            "must be longer than soak ("
                + Quantities.formatDuration(soak)
                + (s.has("soak") ? "" : ", the default")
                + "), or no node could ever pass, was "
                + Values.describe(s.get("progressDeadline")));
      }
      throw new InvalidInputException(
          s.at("soak"),
          "must be shorter than progressDeadline ("
              + Quantities.formatDuration(deadline)
              + ", the default), or no node could ever pass, was "
              + Values.describe(s.get("soak")));
    }
    Amount errorThreshold =
        s.has("errorThreshold")
            ? amount(s.at("errorThreshold"), s.get("errorThreshold"), 0)
            : d.errorThreshold();
    OnFailure onFailure =
        s.has("onFailure")
            ? choice(
                s.at("onFailure"), s.get("onFailure"), OnFailure.values(), OnFailure::manifestName)
            : d.onFailure();
    Unreachable unreachable =
        s.has("unreachable")
            ? unreachable(s.at("unreachable"), s.get("unreachable"))
            : d.unreachable();
    return new RolloutStrategy(
        type,
        maxUpdating,
        steps,
        waves,
        onNode,
        blueGreen,
        Duration.ofMillis(soak),
        Duration.ofMillis(deadline),
        errorThreshold,
        onFailure,
        unreachable);
  }

  /** Canary steps: cumulative shares, strictly increasing, the last one 100. */
  private static List<CanaryStep> steps(String path, Object raw) {
    List<?> list = Values.list(path, raw);
    if (list.isEmpty() || list.size() > MAX_CANARY_STEPS) {
      throw new InvalidInputException(
          path, "must list 1 to " + MAX_CANARY_STEPS + " steps, found " + list.size());
    }
    List<CanaryStep> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      Mapping step = Values.mapping(Values.item(path, i), list.get(i), STEP_FIELDS);
      int percent = Values.integer(step.at("percent"), step.required("percent"), 1, 100);
      if (!out.isEmpty() && percent <= out.getLast().percent()) {
        throw new InvalidInputException(
            step.at("percent"),
            "must be more than the step before ("
                + out.getLast().percent()
                + "), as each step counts every node released so far, was "
                + percent);
      }
      Pause pause = step.has("pause") ? pause(step.at("pause"), step.get("pause")) : Pause.NONE;
      out.add(new CanaryStep(percent, pause));
    }
    if (out.getLast().percent() != 100) {
      throw new InvalidInputException(
          Values.child(Values.item(path, out.size() - 1), "percent"),
          "must be 100 in the last step, which releases every node, was "
              + out.getLast().percent());
    }
    return out;
  }

  /** A duration from 0s to {@link #MAX_PAUSE_MS}, or {@code untilResumed}. */
  private static Pause pause(String path, Object raw) {
    if (UNTIL_RESUMED.equals(raw)) {
      return Pause.UNTIL_RESUMED;
    }
    try {
      Quantities.durationMs(path, raw, 0, Long.MAX_VALUE);
    } catch (InvalidInputException notADuration) {
      throw new InvalidInputException(
          path,
          "must be "
              + UNTIL_RESUMED
              + " or "
              + dev.flotilla.profiles.Quantities.DURATION_RULE
              + ", was "
              + Values.describe(raw));
    }
    return Pause.of(Duration.ofMillis(Quantities.durationMs(path, raw, 0, MAX_PAUSE_MS)));
  }

  private static Waves waves(String path, Object raw) {
    Mapping w = Values.mapping(path, raw, WAVES_FIELDS);
    String key = Values.string(w.at("labelKey"), w.required("labelKey"));
    LabelRules.validateKey(w.at("labelKey"), key);
    List<String> order =
        w.has("order") ? Values.stringList(w.at("order"), w.get("order")) : List.of();
    for (int i = 0; i < order.size(); i++) {
      String at = Values.item(w.at("order"), i);
      LabelRules.validateValue(at, order.get(i));
      int earlier = order.indexOf(order.get(i));
      if (earlier < i) {
        throw new InvalidInputException(
            at,
            Values.describe(order.get(i))
                + " is already listed at "
                + Values.item(w.at("order"), earlier));
      }
    }
    Amount threshold =
        w.has("successThreshold")
            ? amount(w.at("successThreshold"), w.get("successThreshold"), 1)
            : Amount.ALL;
    Pause pause = w.has("pause") ? pause(w.at("pause"), w.get("pause")) : Pause.NONE;
    return new Waves(key, order, threshold, pause);
  }

  private static BlueGreen blueGreen(String path, Object raw) {
    Mapping b = Values.mapping(path, raw, BLUE_GREEN_FIELDS);
    Duration switchAfter =
        b.has("switchAfter")
            ? wholeSeconds(b.at("switchAfter"), b.get("switchAfter"), 0, MAX_SWITCH_AFTER_MS)
            : BlueGreen.DEFAULT.switchAfter();
    Duration giveUpAfter =
        b.has("giveUpAfter")
            ? wholeSeconds(
                b.at("giveUpAfter"), b.get("giveUpAfter"), SECOND_MS, MAX_GIVE_UP_AFTER_MS)
            : BlueGreen.DEFAULT.giveUpAfter();
    return new BlueGreen(switchAfter, giveUpAfter);
  }

  /** A duration the node counts in whole seconds (the wire's {@code UpdatePolicy}). */
  private static Duration wholeSeconds(String path, Object raw, long min, long max) {
    long ms = Quantities.durationMs(path, raw, min, max);
    if (ms % SECOND_MS != 0) {
      throw new InvalidInputException(
          path, "must be whole seconds, which nodes count in, was " + Values.describe(raw));
    }
    return Duration.ofMillis(ms);
  }

  private static Unreachable unreachable(String path, Object raw) {
    Mapping u = Values.mapping(path, raw, UNREACHABLE_FIELDS);
    boolean waitForQuorum = false;
    if (u.has("policy")) {
      String policy = Values.string(u.at("policy"), u.get("policy"));
      waitForQuorum =
          switch (policy) {
            case "Proceed" -> false;
            case "WaitForQuorum" -> true;
            default ->
                throw new InvalidInputException(
                    u.at("policy"),
                    "must be Proceed or WaitForQuorum, was " + Values.describe(policy));
          };
    }
    Amount quorum = Unreachable.PROCEED.quorum();
    if (u.has("quorum")) {
      if (!waitForQuorum) {
        throw new InvalidInputException(
            u.at("quorum"),
            "applies to policy: WaitForQuorum only; policy is Proceed"
                + (u.has("policy") ? "" : ", the default"));
      }
      quorum = amount(u.at("quorum"), u.get("quorum"), 1);
    }
    return new Unreachable(waitForQuorum, quorum);
  }

  /**
   * A count (a YAML or JSON integer) or a share (a string {@code N%}).
   *
   * @param min the least count and the least percentage accepted
   */
  private static Amount amount(String path, Object raw, int min) {
    String range =
        "must be a count from "
            + min
            + " to "
            + MAX_REPLICAS
            + " or a share from "
            + min
            + "% to 100%, was ";
    if (raw instanceof Integer || raw instanceof Long || raw instanceof BigInteger) {
      BigInteger n = new BigInteger(raw.toString());
      if (n.compareTo(BigInteger.valueOf(min)) < 0
          || n.compareTo(BigInteger.valueOf(MAX_REPLICAS)) > 0) {
        throw new InvalidInputException(path, range + Values.shorten(n.toString()));
      }
      return Amount.count(n.intValueExact());
    }
    if (raw instanceof String text) {
      Matcher m = PERCENT.matcher(text);
      if (m.matches()) {
        int percent = Integer.parseInt(m.group(1));
        if (percent < min || percent > 100) {
          throw new InvalidInputException(path, range + Values.describe(text));
        }
        return Amount.percent(percent);
      }
    }
    String hint =
        raw instanceof String text && text.trim().matches("\\d+")
            ? "; write a count without quotes"
            : "";
    throw new InvalidInputException(
        path, "must be " + AMOUNT_RULE + ", was " + Values.describe(raw) + hint);
  }

  /** One of {@code values}, spelt as {@code name} gives it. */
  private static <E extends Enum<E>> E choice(
      String path, Object raw, E[] values, Function<E, String> name) {
    String text = Values.string(path, raw);
    for (E value : values) {
      if (name.apply(value).equals(text)) {
        return value;
      }
    }
    List<String> names = Arrays.stream(values).map(name).toList();
    throw new InvalidInputException(
        path, "must be " + oneOf(names) + ", was " + Values.describe(text));
  }

  /** {@code A, B or C}. */
  private static String oneOf(List<String> names) {
    return names.size() == 1
        ? names.getFirst()
        : String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.getLast();
  }

  /**
   * {@code onNode: BlueGreen} starts the new revision beside the running one, so a published host
   * port would be bound twice and the new container could not start. Every port of a template
   * publishes one ({@code hostPort} defaults to {@code containerPort}), so any port is refused; and
   * an http or tcp health check, which the agent reaches through a published port, is refused too
   * (the wire's {@code DesiredStateRules} refuses both the same way).
   */
  private static void checkSideBySide(
      String strategyPath, RolloutStrategy strategy, String templatePath, WorkloadTemplate t) {
    if (strategy.onNode() != NodeUpdate.BLUE_GREEN) {
      return;
    }
    Probe probe = t.probe();
    if (probe != null && probe.kind() != ProbeKind.EXEC) {
      throw new InvalidInputException(
          Values.child(strategyPath, "onNode"),
          "cannot be BlueGreen with "
              + (probe.kind() == ProbeKind.HTTP ? "an http" : "a tcp")
              + " health check: the agent reaches it through a published host port, which a"
              + " side-by-side revision cannot have; use an exec check, or Replace");
    }
    if (t.ports().isEmpty()) {
      return;
    }
    Port port = t.ports().getFirst();
    throw new InvalidInputException(
        Values.child(strategyPath, "onNode"),
        "cannot be BlueGreen while the template publishes host ports: the old and the new"
            + " revision run side by side on a node and would both bind "
            + port.hostPort()
            + "/"
            + port.transport().name().toLowerCase(Locale.ROOT)
            + " ("
            + Values.item(Values.child(templatePath, "ports"), 0)
            + "); use Replace, or publish no ports");
  }

  /** {@code spec.maintenanceWindows}: at most {@link #MAX_WINDOWS}; empty means none. */
  private static List<MaintenanceWindow> windows(String path, Object raw) {
    List<?> list = Values.list(path, raw);
    if (list.size() > MAX_WINDOWS) {
      throw new InvalidInputException(
          path, "holds " + list.size() + " windows; at most " + MAX_WINDOWS + " are allowed");
    }
    List<MaintenanceWindow> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      Mapping w = Values.mapping(Values.item(path, i), list.get(i), WINDOW_FIELDS);
      LocalTime start = timeOfDay(w.at("start"), w.required("start"));
      LocalTime end = timeOfDay(w.at("end"), w.required("end"));
      if (end.equals(start)) {
        throw new InvalidInputException(
            w.at("end"),
            "must differ from start; an end before the start runs past midnight, was "
                + Values.describe(w.get("end")));
      }
      ZoneId zone = w.has("timeZone") ? zone(w.at("timeZone"), w.get("timeZone")) : null;
      EnumSet<DayOfWeek> days =
          w.has("days") ? days(w.at("days"), w.get("days")) : EnumSet.noneOf(DayOfWeek.class);
      LabelSelector nodes =
          w.has("nodeSelector")
              ? selector(w.at("nodeSelector"), w.get("nodeSelector"))
              : LabelSelector.EVERYTHING;
      out.add(new MaintenanceWindow(start, end, zone, days, nodes));
    }
    return out;
  }

  private static LocalTime timeOfDay(String path, Object raw) {
    if (!(raw instanceof String text)) {
      // YAML 1.1 reads an unquoted 22:00 as a base-60 integer, so the hint matters there.
      throw new InvalidInputException(
          path,
          "must be "
              + TIME_RULE
              + ", was "
              + Values.describe(raw)
              + (raw instanceof Number
                  ? "; quote it, as YAML reads an unquoted 22:00 as the number 1320"
                  : ""));
    }
    Matcher m = TIME_OF_DAY.matcher(text);
    if (!m.matches()) {
      throw new InvalidInputException(
          path, "must be " + TIME_RULE + ", was " + Values.describe(text));
    }
    return LocalTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
  }

  /** A region id of the JDK's time-zone database, or {@code UTC}; fixed offsets are refused. */
  private static ZoneId zone(String path, Object raw) {
    String id = Values.string(path, raw);
    if (!id.equals("UTC") && !ZONE_IDS.contains(id)) {
      throw new InvalidInputException(
          path,
          "must be an IANA time zone such as \"Europe/Berlin\" or \"UTC\", or absent for the"
              + " node's own local time, was "
              + Values.describe(id));
    }
    return ZoneId.of(id);
  }

  private static EnumSet<DayOfWeek> days(String path, Object raw) {
    List<String> names = Values.stringList(path, raw);
    List<String> known = Arrays.stream(DayOfWeek.values()).map(ManifestDecoder::dayName).toList();
    EnumSet<DayOfWeek> out = EnumSet.noneOf(DayOfWeek.class);
    for (int i = 0; i < names.size(); i++) {
      String at = Values.item(path, i);
      int index = known.indexOf(names.get(i));
      if (index < 0) {
        throw new InvalidInputException(
            at, "must be " + oneOf(known) + ", was " + Values.describe(names.get(i)));
      }
      if (!out.add(DayOfWeek.values()[index])) {
        throw new InvalidInputException(
            at,
            Values.describe(names.get(i))
                + " is already listed at "
                + Values.item(path, names.indexOf(names.get(i))));
      }
    }
    return out;
  }

  /**
   * The manifest spelling of a day, {@code Monday} to {@code Sunday}, for {@link ManifestWriter}.
   */
  static String dayName(DayOfWeek day) {
    String name = day.name();
    return name.charAt(0) + name.substring(1).toLowerCase(Locale.ROOT);
  }

  /** The manifest spelling of a window's time, {@code HH:MM}, for {@link ManifestWriter}. */
  static String timeName(LocalTime time) {
    return String.format(Locale.ROOT, "%02d:%02d", time.getHour(), time.getMinute());
  }

  private static WorkloadTemplate template(String path, Object raw) {
    Mapping t = Values.mapping(path, raw, TEMPLATE_FIELDS);
    String image = Values.string(t.at("image"), t.required("image"));
    if (image.isBlank() || image.chars().anyMatch(Character::isWhitespace)) {
      throw new InvalidInputException(
          t.at("image"),
          "must be an image reference without whitespace, was " + Values.describe(image));
    }
    List<String> command =
        t.has("command") ? Values.stringList(t.at("command"), t.get("command")) : List.of();
    List<String> args = t.has("args") ? Values.stringList(t.at("args"), t.get("args")) : List.of();
    Map<String, String> env = t.has("env") ? env(t.at("env"), t.get("env")) : Map.of();
    List<Port> ports = t.has("ports") ? ports(t.at("ports"), t.get("ports")) : List.of();
    List<Volume> volumes =
        t.has("volumes") ? volumes(t.at("volumes"), t.get("volumes")) : List.of();
    Resources limits = Resources.NONE;
    Resources requests = Resources.NONE;
    if (t.has("resources")) {
      Mapping r = Values.mapping(t.at("resources"), t.get("resources"), RESOURCES_FIELDS);
      limits = r.has("limits") ? amounts(r.at("limits"), r.get("limits")) : Resources.NONE;
      requests = r.has("requests") ? amounts(r.at("requests"), r.get("requests")) : Resources.NONE;
      checkRequestsWithinLimits(r.at("requests"), requests, limits);
    }
    Probe probe = t.has("healthCheck") ? probe(t.at("healthCheck"), t.get("healthCheck")) : null;
    Restart restart =
        t.has("restartPolicy")
            ? restart(t.at("restartPolicy"), t.get("restartPolicy"))
            : Restart.DEFAULT;
    return new WorkloadTemplate(
        image, command, args, new TreeMap<>(env), ports, volumes, limits, requests, probe, restart);
  }

  private static Map<String, String> env(String path, Object raw) {
    Map<String, String> env = Values.stringMap(path, raw);
    for (String name : env.keySet()) {
      if (name.isEmpty() || name.contains("=") || name.indexOf('\0') >= 0) {
        throw new InvalidInputException(
            LabelRules.entryField(path, name),
            "variable names must be non-empty, without '=' or NUL characters");
      }
    }
    return env;
  }

  /** A port already read, with where it was, for the clash check ({@link Port#clashesWith}). */
  private record Binding(Port port, String path) {}

  private static List<Port> ports(String path, Object raw) {
    List<?> list = Values.list(path, raw);
    List<Port> ports = new ArrayList<>();
    List<Binding> bindings = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String at = Values.item(path, i);
      Mapping p = Values.mapping(at, list.get(i), PORT_FIELDS);
      int container = Values.integer(p.at("containerPort"), p.required("containerPort"), 1, 65_535);
      int host =
          p.has("hostPort")
              ? Values.integer(p.at("hostPort"), p.get("hostPort"), 1, 65_535)
              : container;
      Transport transport = Transport.TCP;
      if (p.has("protocol")) {
        String protocol = Values.string(p.at("protocol"), p.get("protocol"));
        transport =
            switch (protocol) {
              case "TCP" -> Transport.TCP;
              case "UDP" -> Transport.UDP;
              default ->
                  throw new InvalidInputException(
                      p.at("protocol"), "must be TCP or UDP, was " + Values.describe(protocol));
            };
      }
      String hostIp = p.has("hostIP") ? Values.string(p.at("hostIP"), p.get("hostIP")) : "";
      if (!hostIp.isEmpty()
          && !IPV4.matcher(hostIp).matches()
          && !(hostIp.contains(":") && IPV6.matcher(hostIp).matches())) {
        throw new InvalidInputException(
            p.at("hostIP"),
            "must be an IPv4 or IPv6 address, or absent for all interfaces, was "
                + Values.describe(hostIp));
      }
      Port port = new Port(container, host, transport, hostIp);
      for (Binding earlier : bindings) {
        if (port.clashesWith(earlier.port())) {
          throw new InvalidInputException(
              p.at("hostPort"),
              host
                  + "/"
                  + transport.name().toLowerCase(Locale.ROOT)
                  + " on "
                  + (hostIp.isEmpty() ? "all interfaces" : hostIp)
                  + " is already published by "
                  + earlier.path());
        }
      }
      bindings.add(new Binding(port, at));
      ports.add(port);
    }
    return ports;
  }

  private static List<Volume> volumes(String path, Object raw) {
    List<?> list = Values.list(path, raw);
    List<Volume> volumes = new ArrayList<>();
    Map<String, String> targets = new HashMap<>();
    for (int i = 0; i < list.size(); i++) {
      String at = Values.item(path, i);
      Mapping v = Values.mapping(at, list.get(i), VOLUME_FIELDS);
      String source = Values.string(v.at("source"), v.required("source"));
      if (!source.startsWith("/") && !VOLUME_NAME.matcher(source).matches()) {
        throw new InvalidInputException(
            v.at("source"),
            "must be an absolute host path or a volume name ([A-Za-z0-9][A-Za-z0-9_.-]*), was "
                + Values.describe(source));
      }
      String target = Values.string(v.at("target"), v.required("target"));
      if (!target.startsWith("/")) {
        throw new InvalidInputException(
            v.at("target"),
            "must be an absolute path in the container, was " + Values.describe(target));
      }
      // Podman refuses two mounts on one destination; say so before the node has to.
      String earlier = targets.putIfAbsent(target, at);
      if (earlier != null) {
        throw new InvalidInputException(
            v.at("target"), Values.describe(target) + " is already mounted by " + earlier);
      }
      boolean readOnly = v.has("readOnly") && Values.bool(v.at("readOnly"), v.get("readOnly"));
      volumes.add(new Volume(source, target, readOnly));
    }
    return volumes;
  }

  private static Resources amounts(String path, Object raw) {
    Mapping a = Values.mapping(path, raw, AMOUNT_FIELDS);
    int cpu = a.has("cpu") ? Quantities.cpuMillis(a.at("cpu"), a.get("cpu")) : 0;
    long memory = a.has("memory") ? Quantities.memoryBytes(a.at("memory"), a.get("memory")) : 0;
    return new Resources(cpu, memory);
  }

  private static void checkRequestsWithinLimits(String path, Resources requests, Resources limits) {
    if (limits.cpuMillis() > 0 && requests.cpuMillis() > limits.cpuMillis()) {
      throw new InvalidInputException(
          Values.child(path, "cpu"),
          "is "
              + Quantities.formatCpu(requests.cpuMillis())
              + ", more than the limit of "
              + Quantities.formatCpu(limits.cpuMillis()));
    }
    if (limits.memoryBytes() > 0 && requests.memoryBytes() > limits.memoryBytes()) {
      throw new InvalidInputException(
          Values.child(path, "memory"),
          "is "
              + Quantities.formatMemory(requests.memoryBytes())
              + ", more than the limit of "
              + Quantities.formatMemory(limits.memoryBytes()));
    }
  }

  private static Probe probe(String path, Object raw) {
    Mapping h = Values.mapping(path, raw, PROBE_FIELDS);
    List<String> checks = List.of("http", "tcp", "exec").stream().filter(h::has).toList();
    if (checks.size() != 1) {
      throw new InvalidInputException(
          path,
          "must set exactly one of http, tcp or exec, "
              + (checks.isEmpty() ? "found none" : "found " + String.join(" and ", checks)));
    }
    int delay = seconds(h, "initialDelaySeconds", 0, 0);
    int period = seconds(h, "periodSeconds", 1, DEFAULT_PERIOD_SECONDS);
    int timeout = seconds(h, "timeoutSeconds", 1, DEFAULT_TIMEOUT_SECONDS);
    int threshold =
        h.has("failureThreshold")
            ? Values.integer(
                h.at("failureThreshold"), h.get("failureThreshold"), 1, MAX_FAILURE_THRESHOLD)
            : DEFAULT_FAILURE_THRESHOLD;
    return switch (checks.getFirst()) {
      case "http" -> {
        Mapping c = Values.mapping(h.at("http"), h.get("http"), HTTP_FIELDS);
        int port = Values.integer(c.at("port"), c.required("port"), 1, 65_535);
        String probePath = c.has("path") ? Values.string(c.at("path"), c.get("path")) : "/";
        if (!probePath.startsWith("/") || probePath.chars().anyMatch(Character::isWhitespace)) {
          throw new InvalidInputException(
              c.at("path"),
              "must start with '/' and hold no whitespace, was " + Values.describe(probePath));
        }
        yield new Probe(
            ProbeKind.HTTP, port, probePath, List.of(), delay, period, timeout, threshold);
      }
      case "tcp" -> {
        Mapping c = Values.mapping(h.at("tcp"), h.get("tcp"), TCP_FIELDS);
        int port = Values.integer(c.at("port"), c.required("port"), 1, 65_535);
        yield new Probe(ProbeKind.TCP, port, "", List.of(), delay, period, timeout, threshold);
      }
      default -> {
        Mapping c = Values.mapping(h.at("exec"), h.get("exec"), EXEC_FIELDS);
        List<String> command = Values.stringList(c.at("command"), c.required("command"));
        if (command.isEmpty() || command.getFirst().isBlank()) {
          throw new InvalidInputException(
              c.at("command"), "must name the command to run as its first item");
        }
        yield new Probe(ProbeKind.EXEC, 0, "", command, delay, period, timeout, threshold);
      }
    };
  }

  private static int seconds(Mapping h, String key, int min, int fallback) {
    return h.has(key) ? Values.integer(h.at(key), h.get(key), min, MAX_PROBE_SECONDS) : fallback;
  }

  private static Restart restart(String path, Object raw) {
    // The short form `restartPolicy: OnFailure` keeps the default back-off.
    if (raw instanceof String modeName) {
      return new Restart(
          mode(path, modeName), Restart.DEFAULT.initialBackoffMs(), Restart.DEFAULT.maxBackoffMs());
    }
    if (!(raw instanceof Map<?, ?>)) {
      throw new InvalidInputException(
          path,
          "must be Always, OnFailure or Never, or a mapping with mode, initialBackoff and"
              + " maxBackoff, was "
              + Values.describe(raw));
    }
    Mapping r = Values.mapping(path, raw, RESTART_FIELDS);
    RestartMode mode =
        r.has("mode")
            ? mode(r.at("mode"), Values.string(r.at("mode"), r.get("mode")))
            : Restart.DEFAULT.mode();
    long initial =
        r.has("initialBackoff")
            ? Quantities.durationMs(
                r.at("initialBackoff"), r.get("initialBackoff"), 1, MAX_BACKOFF_MS)
            : Restart.DEFAULT.initialBackoffMs();
    long max =
        r.has("maxBackoff")
            ? Quantities.durationMs(r.at("maxBackoff"), r.get("maxBackoff"), 1, MAX_BACKOFF_MS)
            : Restart.DEFAULT.maxBackoffMs();
    if (max < initial) {
      // Name the field that was written: with only one of them set, the other is the default.
      String field = r.has("maxBackoff") ? r.at("maxBackoff") : r.at("initialBackoff");
      throw new InvalidInputException(
          field,
          "makes the back-off ceiling ("
              + Quantities.formatDuration(max)
              + (r.has("maxBackoff") ? "" : ", the default")
              + ") shorter than the first back-off ("
              + Quantities.formatDuration(initial)
              + (r.has("initialBackoff") ? "" : ", the default")
              + ")");
    }
    return new Restart(mode, initial, max);
  }

  private static RestartMode mode(String path, String name) {
    return switch (name) {
      case "Always" -> RestartMode.ALWAYS;
      case "OnFailure" -> RestartMode.ON_FAILURE;
      case "Never" -> RestartMode.NEVER;
      default ->
          throw new InvalidInputException(
              path, "must be Always, OnFailure or Never, was " + Values.describe(name));
    };
  }

  /** The manifest spelling of a restart mode, for {@link ManifestWriter}. */
  static String modeName(RestartMode mode) {
    return switch (mode) {
      case ALWAYS -> "Always";
      case ON_FAILURE -> "OnFailure";
      case NEVER -> "Never";
    };
  }
}
