package dev.flotilla.simulator.scenario;

import dev.flotilla.controller.fleet.LabelRules;
import dev.flotilla.controller.manifest.DeploymentManifest;
import dev.flotilla.controller.model.InvalidInputException;
import dev.flotilla.controller.model.WorkloadTemplate;
import dev.flotilla.controller.rollout.RolloutState;
import dev.flotilla.profiles.PlainYaml;
import dev.flotilla.profiles.ProfileCatalog;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads scenario YAML into a checked {@link Scenario}, and finds the scenarios shipped with the
 * simulator. Pure apart from {@link #load} reading a file and the shipped ones reading the class
 * path; thread-safe (a fresh YAML parser per call).
 *
 * <p>The document is parsed as plain data (maps, lists, scalars) with the same safe set-up as
 * manifests and profiles ({@link PlainYaml}: no tags, no duplicate keys, bounded size, nesting and
 * aliases), then checked field by field. Unknown keys, wrong types and missing required keys are
 * refused, never ignored. Every refusal is a {@link ScenarioException} naming the source and the
 * exact path, e.g. {@code steps[3].partition.for}, and saying what is expected. Besides each
 * field's own rules it checks that:
 *
 * <ul>
 *   <li>profiles (of groups, image rules and selectors) are in the controller's built-in catalog
 *       ({@link ProfileCatalog#builtIn()}), and those of rules and selectors in the fleet too;
 *   <li>selector labels name keys and values the fleet's layout and groups give some node;
 *   <li>each {@code apply} manifest is one the controller's own reader accepts;
 *   <li>each image rule names an image some {@code apply} manifest runs (a misspelt one would
 *       silently change nothing);
 *   <li>each rollout await, rollout command and expected rollout names a deployment an earlier
 *       {@code apply} defines, and that a rollout can exist by then: a first install starts none,
 *       only a later apply with a changed {@code spec.template} does;
 *   <li>{@code expect.maxIdleBytesPerNodePerMinute} has an {@code idle} step to be measured over.
 * </ul>
 */
public final class ScenarioReader {
  /** Where the shipped scenarios and their {@link #INDEX} lie on the class path. */
  static final String RESOURCE_DIR = "dev/flotilla/simulator/scenarios/";

  /**
   * Lists the shipped scenario names, one per line ({@code #} comments allowed): a class path
   * cannot be listed reliably (inside a jar), so the index says what is shipped, and a test checks
   * it against the folder.
   */
  static final String INDEX = "index";

  /** The largest scenario text accepted: 4 MiB of characters, far beyond a real one. */
  static final int MAX_CHARS = 4 << 20;

  static final int MAX_DEPTH = 64;
  static final int MAX_ALIASES = 100;

  /** The step kinds, as YAML keys, in the order the docs give them. */
  static final List<String> STEP_KINDS =
      List.of(
          "apply",
          "wait",
          "await",
          "rollout",
          "partition",
          "flap",
          "latency",
          "restartBroker",
          "restartController",
          "crash",
          "reboot",
          "idle");

  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  private static final List<String> TOP =
      List.of("name", "description", "fleet", "steps", "expect");
  private static final List<String> FLEET =
      List.of(
          "nodes", "districts", "sitesPerDistrict", "seed", "store", "groups", "images", "agent");
  private static final List<String> GROUP = List.of("profile", "share", "labels");
  private static final List<String> IMAGE =
      List.of(
          "image",
          "profiles",
          "share",
          "pullTime",
          "pullFails",
          "startDelay",
          "crashAfter",
          "probeHealthy");
  private static final List<String> AGENT =
      List.of(
          "keepAlive",
          "willDelay",
          "reconnectMin",
          "reconnectMax",
          "reconcileInterval",
          "summaryInterval");
  private static final List<String> SELECTOR = List.of("labels", "profiles", "share", "count");
  private static final List<String> EXPECT =
      List.of(
          "converged",
          "rollouts",
          "maxLostEvents",
          "maxReconnectRestarts",
          "convergenceP99",
          "reconnectP99",
          "maxIdleBytesPerNodePerMinute");

  /** The default profile of a fleet without groups. */
  static final String DEFAULT_PROFILE = "generic-arm64";

  private final String source;

  private ScenarioReader(String source) {
    this.source = source;
  }

  /**
   * Reads and checks one scenario.
   *
   * @param yaml the scenario text
   * @param source names the scenario in refusals: a file name or path
   * @throws ScenarioException at the first fault, naming {@code source} and the path of the fault
   */
  public static Scenario read(String yaml, String source) {
    Objects.requireNonNull(yaml, "yaml");
    Objects.requireNonNull(source, "source");
    return new ScenarioReader(source).scenario(yaml);
  }

  /**
   * The shipped scenario {@code name}, from {@code /dev/flotilla/simulator/scenarios/NAME.yaml} on
   * the class path.
   *
   * @throws ScenarioException when no scenario of that name is shipped, listing those that are
   */
  public static Scenario shipped(String name) {
    if (!shippedNames().contains(name)) {
      throw new ScenarioException(
          name,
          "",
          "is not a shipped scenario; the shipped ones are " + String.join(", ", shippedNames()));
    }
    String file = name + ".yaml";
    return read(resource(RESOURCE_DIR + file), file);
  }

  /** The names of the shipped scenarios, in the order of their index. */
  public static List<String> shippedNames() {
    List<String> names = new ArrayList<>();
    for (String line : resource(RESOURCE_DIR + INDEX).split("\n", -1)) {
      String name = line.strip();
      if (!name.isEmpty() && !name.startsWith("#")) {
        names.add(name);
      }
    }
    return List.copyOf(names);
  }

  /**
   * A shipped scenario by name, else a scenario file by path (refusals then name the path as
   * given).
   *
   * @throws ScenarioException when it is neither (listing the shipped names), when the file cannot
   *     be read or is too large or not UTF-8, or at the scenario's first fault
   */
  public static Scenario load(String nameOrFile) {
    Objects.requireNonNull(nameOrFile, "nameOrFile");
    if (shippedNames().contains(nameOrFile)) {
      return shipped(nameOrFile);
    }
    Path file;
    try {
      file = Path.of(nameOrFile);
    } catch (InvalidPathException e) {
      throw notFound(nameOrFile);
    }
    if (!Files.isRegularFile(file)) {
      throw notFound(nameOrFile);
    }
    try {
      long size = Files.size(file);
      // UTF-8 takes at most four bytes per character, so this bounds the text before reading it.
      if (size > 4L * MAX_CHARS) {
        throw new ScenarioException(
            nameOrFile,
            "",
            "is " + size + " bytes long; a scenario may hold at most " + MAX_CHARS + " characters");
      }
      return read(utf8(nameOrFile, Files.readAllBytes(file)), nameOrFile);
    } catch (IOException e) {
      throw new ScenarioException(nameOrFile, "", "cannot be read: " + e, e);
    }
  }

  private static ScenarioException notFound(String nameOrFile) {
    return new ScenarioException(
        nameOrFile,
        "",
        "is neither a shipped scenario nor a file; name one of "
            + String.join(", ", shippedNames())
            + ", or the path of a scenario file");
  }

  // ---------------------------------------------------------------------------------------------
  // The document

  private Scenario scenario(String yaml) {
    if (yaml.length() > MAX_CHARS) {
      throw fail(
          "", "is " + yaml.length() + " characters long; at most " + MAX_CHARS + " are accepted");
    }
    Object document;
    try {
      document = PlainYaml.parser(MAX_CHARS, MAX_DEPTH, MAX_ALIASES).load(yaml);
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String where =
          mark == null
              ? ""
              : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
      String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
      throw fail("", "is not valid YAML" + where + ": " + problem);
    } catch (YAMLException e) {
      throw fail("", "is not acceptable YAML: " + e.getMessage());
    }
    if (document == null) {
      throw fail("", "is empty; a scenario is a mapping with name, fleet and steps");
    }
    Fields top = fields("", document, TOP);
    String name = string(top.at("name"), top.required("name"));
    if (!NAME.matcher(name).matches()) {
      throw fail(
          top.at("name"),
          quote(name)
              + " is not a scenario name; use 1 to 63 lower-case letters, digits and dashes,"
              + " starting and ending with a letter or digit");
    }
    String description =
        top.has("description") ? string(top.at("description"), top.get("description")) : "";
    FleetSpec fleet = fleet(top.at("fleet"), top.required("fleet"));
    Deployments deployments = new Deployments();
    List<Step> steps = steps(top.at("steps"), top.required("steps"), fleet, deployments);
    for (int i = 0; i < fleet.images().size(); i++) {
      deployments.requireImage(
          top.at("fleet") + ".images[" + i + "].image", fleet.images().get(i).image());
    }
    Expectations expect =
        top.has("expect")
            ? expect(top.at("expect"), top.get("expect"), steps, deployments)
            : Expectations.DEFAULTS;
    return new Scenario(name, description, fleet, steps, expect);
  }

  // ---------------------------------------------------------------------------------------------
  // The fleet

  private FleetSpec fleet(String path, Object value) {
    Fields f = fields(path, value, FLEET);
    int nodes = (int) integer(f.at("nodes"), f.required("nodes"), 1, FleetSpec.MAX_NODES);
    int districts =
        f.has("districts")
            ? (int) integer(f.at("districts"), f.get("districts"), 1, FleetSpec.MAX_DISTRICTS)
            : 1;
    int sites =
        f.has("sitesPerDistrict")
            ? (int)
                integer(
                    f.at("sitesPerDistrict"), f.get("sitesPerDistrict"), 1, FleetSpec.MAX_DISTRICTS)
            : 1;
    long seed =
        f.has("seed") ? integer(f.at("seed"), f.get("seed"), Long.MIN_VALUE, Long.MAX_VALUE) : 1;
    StoreKind store = f.has("store") ? store(f.at("store"), f.get("store")) : StoreKind.MEMORY;
    List<Group> groups =
        f.has("groups")
            ? groups(f.at("groups"), f.get("groups"))
            : List.of(new Group(DEFAULT_PROFILE, 1, Map.of()));
    Set<String> fleetProfiles = new TreeSet<>();
    groups.forEach(g -> fleetProfiles.add(g.profile()));
    List<ImageRule> images = new ArrayList<>();
    if (f.has("images")) {
      List<?> list = list(f.at("images"), f.get("images"));
      for (int i = 0; i < list.size(); i++) {
        images.add(image(f.at("images") + "[" + i + "]", list.get(i), fleetProfiles));
      }
    }
    AgentTuning agent =
        f.has("agent") ? agent(f.at("agent"), f.get("agent")) : AgentTuning.DEFAULTS;
    return new FleetSpec(nodes, districts, sites, seed, store, groups, images, agent);
  }

  private StoreKind store(String path, @Nullable Object value) {
    String text = string(path, value);
    for (StoreKind kind : StoreKind.values()) {
      if (kind.name().equalsIgnoreCase(text)) {
        return kind;
      }
    }
    throw fail(
        path,
        quote(text)
            + " is not a store; use "
            + String.join(" or ", Arrays.stream(StoreKind.values()).map(Enum::name).toList()));
  }

  private List<Group> groups(String path, @Nullable Object value) {
    List<?> list = list(path, value);
    if (list.isEmpty()) {
      throw fail(
          path, "is empty; give at least one group, or leave groups out for " + DEFAULT_PROFILE);
    }
    List<Group> groups = new ArrayList<>();
    double sum = 0;
    for (int i = 0; i < list.size(); i++) {
      String at = path + "[" + i + "]";
      Fields g = fields(at, list.get(i), GROUP);
      String profile = knownProfile(g.at("profile"), g.required("profile"));
      double share;
      if (g.has("share")) {
        share = share(g.at("share"), g.get("share"));
      } else if (list.size() == 1) {
        share = 1;
      } else {
        throw fail(g.at("share"), "is required when the fleet has several groups");
      }
      Map<String, String> labels =
          g.has("labels") ? labels(g.at("labels"), g.get("labels")) : Map.of();
      for (String reserved : List.of(FleetSpec.DISTRICT, FleetSpec.SITE)) {
        if (labels.containsKey(reserved)) {
          throw fail(
              LabelRules.entryField(g.at("labels"), reserved),
              "is set on every node by the fleet layout (districts, sitesPerDistrict); give the"
                  + " group's label another key");
        }
      }
      sum += share;
      groups.add(new Group(profile, share, labels));
    }
    if (Math.abs(sum - 1) > FleetSpec.SHARE_TOLERANCE) {
      throw fail(
          path,
          "the shares sum to "
              + Shares.format(sum)
              + "; they must sum to 100% (so each node belongs to one group)");
    }
    return groups;
  }

  private ImageRule image(String path, @Nullable Object value, Set<String> fleetProfiles) {
    Fields f = fields(path, value, IMAGE);
    String image = string(f.at("image"), f.required("image"));
    if (image.isBlank()
        || !image.equals(image.strip())
        || image.chars().anyMatch(Character::isWhitespace)) {
      throw fail(
          f.at("image"),
          quote(image)
              + " is not an image reference; write it as a manifest's spec.template.image, e.g."
              + " registry.example/air-quality:2");
    }
    List<String> profiles =
        f.has("profiles")
            ? fleetProfiles(f.at("profiles"), f.get("profiles"), fleetProfiles)
            : List.of();
    double share = f.has("share") ? share(f.at("share"), f.get("share")) : 1;
    Duration pullTime =
        f.has("pullTime") ? duration(f.at("pullTime"), f.get("pullTime")) : Duration.ZERO;
    boolean pullFails = f.has("pullFails") && bool(f.at("pullFails"), f.get("pullFails"));
    Duration startDelay =
        f.has("startDelay") ? duration(f.at("startDelay"), f.get("startDelay")) : Duration.ZERO;
    Duration crashAfter =
        f.has("crashAfter") ? duration(f.at("crashAfter"), f.get("crashAfter")) : null;
    boolean probeHealthy =
        !f.has("probeHealthy") || bool(f.at("probeHealthy"), f.get("probeHealthy"));
    return new ImageRule(
        image, profiles, share, pullTime, pullFails, startDelay, crashAfter, probeHealthy);
  }

  private AgentTuning agent(String path, @Nullable Object value) {
    Fields f = fields(path, value, AGENT);
    Duration keepAlive = null;
    if (f.has("keepAlive")) {
      keepAlive = positive(f.at("keepAlive"), f.get("keepAlive"));
      wholeSeconds(f.at("keepAlive"), keepAlive, 65_535);
    }
    Duration willDelay = null;
    if (f.has("willDelay")) {
      willDelay = duration(f.at("willDelay"), f.get("willDelay"));
      wholeSeconds(f.at("willDelay"), willDelay, 86_400);
    }
    Duration reconnectMin =
        f.has("reconnectMin") ? positive(f.at("reconnectMin"), f.get("reconnectMin")) : null;
    Duration reconnectMax =
        f.has("reconnectMax") ? positive(f.at("reconnectMax"), f.get("reconnectMax")) : null;
    if (reconnectMin != null && reconnectMax != null && reconnectMax.compareTo(reconnectMin) < 0) {
      throw fail(
          f.at("reconnectMax"),
          "is "
              + Durations.format(reconnectMax)
              + ", below reconnectMin ("
              + Durations.format(reconnectMin)
              + "); the back-off grows from the minimum to the maximum");
    }
    Duration reconcileInterval =
        f.has("reconcileInterval")
            ? positive(f.at("reconcileInterval"), f.get("reconcileInterval"))
            : null;
    Duration summaryInterval =
        f.has("summaryInterval")
            ? positive(f.at("summaryInterval"), f.get("summaryInterval"))
            : null;
    return new AgentTuning(
        keepAlive, willDelay, reconnectMin, reconnectMax, reconcileInterval, summaryInterval);
  }

  private void wholeSeconds(String path, Duration value, long maxSeconds) {
    if (value.toMillis() % 1000 != 0 || value.getSeconds() > maxSeconds) {
      throw fail(
          path,
          "is "
              + Durations.format(value)
              + "; MQTT counts it in whole seconds: use whole seconds, at most "
              + maxSeconds
              + "s");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Steps

  private List<Step> steps(String path, Object value, FleetSpec fleet, Deployments deployments) {
    List<?> list = list(path, value);
    if (list.isEmpty()) {
      throw fail(path, "is empty; a scenario needs at least one step");
    }
    Layout layout = new Layout(fleet);
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String at = path + "[" + i + "]";
      Object item = list.get(i);
      if (!(item instanceof Map<?, ?> map) || map.size() != 1) {
        throw fail(
            at,
            (item instanceof Map<?, ?> map
                    ? "holds " + map.size() + " keys"
                    : "is " + describe(item))
                + "; a step is a mapping of one key, the step kind: "
                + String.join(", ", STEP_KINDS));
      }
      Map.Entry<?, ?> entry = map.entrySet().iterator().next();
      if (!(entry.getKey() instanceof String kind) || !STEP_KINDS.contains(kind)) {
        throw fail(
            at,
            "unknown step "
                + quote(String.valueOf(entry.getKey()))
                + "; the step kinds are "
                + String.join(", ", STEP_KINDS));
      }
      steps.add(step(at + "." + kind, kind, entry.getValue(), layout, deployments));
    }
    return steps;
  }

  private Step step(
      String path, String kind, @Nullable Object value, Layout layout, Deployments deployments) {
    return switch (kind) {
      case "apply" -> apply(path, value, deployments);
      case "wait" -> new Step.Wait(positive(path, value));
      case "idle" -> new Step.Idle(positive(path, value));
      case "await" -> await(path, value, deployments);
      case "rollout" -> {
        Fields f = fields(path, value, List.of("deployment", "command"));
        String deployment = string(f.at("deployment"), f.required("deployment"));
        deployments.requireRollout(f.at("deployment"), deployment);
        String command = string(f.at("command"), f.required("command"));
        if (!Step.ROLLOUT_COMMANDS.contains(command)) {
          throw fail(
              f.at("command"),
              quote(command)
                  + " is not a rollout command; use one of "
                  + String.join(", ", Step.ROLLOUT_COMMANDS));
        }
        yield new Step.RolloutCommand(deployment, command);
      }
      case "partition" -> {
        Fields f = fields(path, value, List.of("nodes", "for"));
        yield new Step.Partition(
            selector(f.at("nodes"), f.required("nodes"), layout),
            positive(f.at("for"), f.required("for")));
      }
      case "flap" -> {
        Fields f = fields(path, value, List.of("nodes", "down", "up", "for"));
        yield new Step.Flap(
            selector(f.at("nodes"), f.required("nodes"), layout),
            positive(f.at("down"), f.required("down")),
            positive(f.at("up"), f.required("up")),
            positive(f.at("for"), f.required("for")));
      }
      case "latency" -> {
        Fields f = fields(path, value, List.of("nodes", "delay", "for"));
        yield new Step.Latency(
            selector(f.at("nodes"), f.required("nodes"), layout),
            positive(f.at("delay"), f.required("delay")),
            positive(f.at("for"), f.required("for")));
      }
      case "restartBroker" -> {
        Fields f = optionalFields(path, value, List.of("down"));
        yield new Step.RestartBroker(
            f.has("down") ? duration(f.at("down"), f.get("down")) : Duration.ZERO);
      }
      case "restartController" -> {
        Fields f = optionalFields(path, value, List.of("kill", "down"));
        yield new Step.RestartController(
            f.has("kill") && bool(f.at("kill"), f.get("kill")),
            f.has("down") ? duration(f.at("down"), f.get("down")) : Duration.ZERO);
      }
      case "crash" -> {
        Fields f = fields(path, value, List.of("nodes", "down"));
        yield new Step.Crash(
            selector(f.at("nodes"), f.required("nodes"), layout),
            f.has("down") ? duration(f.at("down"), f.get("down")) : Duration.ZERO);
      }
      case "reboot" -> {
        Fields f = fields(path, value, List.of("nodes", "down", "offlineFor"));
        yield new Step.Reboot(
            selector(f.at("nodes"), f.required("nodes"), layout),
            f.has("down") ? duration(f.at("down"), f.get("down")) : Duration.ZERO,
            f.has("offlineFor") ? positive(f.at("offlineFor"), f.get("offlineFor")) : null);
      }
      default -> throw new IllegalStateException("step kind without a reader: " + kind);
    };
  }

  private Step.Apply apply(String path, @Nullable Object value, Deployments deployments) {
    if (!(value instanceof String manifest)) {
      throw fail(
          path,
          "is "
              + describe(value)
              + "; write the manifest as a block of text under `- apply: |`, indented");
    }
    Step.Apply apply = new Step.Apply(manifest);
    DeploymentManifest parsed;
    try {
      parsed = apply.parsed();
    } catch (InvalidInputException e) {
      throw fail(path, "the controller refuses this manifest: " + e.getMessage());
    }
    deployments.applied(parsed);
    return apply;
  }

  private Step await(String path, @Nullable Object value, Deployments deployments) {
    if ("converged".equals(value)) {
      return new Step.AwaitConverged(Step.AwaitConverged.DEFAULT_TIMEOUT);
    }
    if (value instanceof String || !(value instanceof Map<?, ?>)) {
      throw fail(
          path,
          describe(value)
              + " is not something to await; write `await: converged`, `await: {converged: true,"
              + " timeout: 5m}` or `await: {rollout: NAME, state: SUCCEEDED, timeout: 10m}`");
    }
    Fields f = fields(path, value, List.of("converged", "rollout", "state", "timeout"));
    if (f.has("rollout")) {
      if (f.has("converged")) {
        throw fail(
            f.at("converged"),
            "await a rollout or convergence in one step, not both; make them two steps");
      }
      String deployment = string(f.at("rollout"), f.get("rollout"));
      deployments.requireRollout(f.at("rollout"), deployment);
      Set<String> states = states(f.at("state"), f.required("state"));
      Duration timeout =
          f.has("timeout")
              ? positive(f.at("timeout"), f.get("timeout"))
              : Step.AwaitRollout.DEFAULT_TIMEOUT;
      return new Step.AwaitRollout(deployment, states, timeout);
    }
    if (f.has("state")) {
      throw fail(f.at("state"), "belongs to a rollout await; name the deployment in rollout");
    }
    if (!f.has("converged")) {
      throw fail(path, "says nothing to await; add converged: true, or rollout: NAME with a state");
    }
    if (!bool(f.at("converged"), f.get("converged"))) {
      throw fail(
          f.at("converged"),
          "is false; only convergence can be awaited (converged: true); use wait for a pause");
    }
    Duration timeout =
        f.has("timeout")
            ? positive(f.at("timeout"), f.get("timeout"))
            : Step.AwaitConverged.DEFAULT_TIMEOUT;
    return new Step.AwaitConverged(timeout);
  }

  private Set<String> states(String path, @Nullable Object value) {
    List<?> items = value instanceof List<?> list ? list : Collections.singletonList(value);
    if (items.isEmpty()) {
      throw fail(path, "is empty; name at least one rollout state");
    }
    Set<String> states = new TreeSet<>();
    for (int i = 0; i < items.size(); i++) {
      String at = value instanceof List<?> ? path + "[" + i + "]" : path;
      String text = string(at, items.get(i));
      if (text.equalsIgnoreCase("done")) {
        states.addAll(Step.AwaitRollout.DONE);
        continue;
      }
      states.add(rolloutState(at, text));
    }
    return states;
  }

  private String rolloutState(String path, String text) {
    for (RolloutState state : RolloutState.values()) {
      if (state.name().equalsIgnoreCase(text)) {
        return state.name();
      }
    }
    throw fail(
        path,
        quote(text)
            + " is not a rollout state; use one of "
            + String.join(", ", Arrays.stream(RolloutState.values()).map(Enum::name).toList())
            + " (or done for any of the final four)");
  }

  private NodeSelector selector(String path, @Nullable Object value, Layout layout) {
    Fields f = fields(path, value, SELECTOR);
    Map<String, String> labels = Map.of();
    if (f.has("labels")) {
      labels = labels(f.at("labels"), f.get("labels"));
      for (Map.Entry<String, String> e : labels.entrySet()) {
        layout.requireLabel(
            LabelRules.entryField(f.at("labels"), e.getKey()), e.getKey(), e.getValue());
      }
    }
    List<String> profiles =
        f.has("profiles")
            ? fleetProfiles(f.at("profiles"), f.get("profiles"), layout.profiles)
            : List.of();
    if (f.has("share") && f.has("count")) {
      throw fail(f.at("count"), "and share both pick a number of nodes; keep one of the two");
    }
    Double share = f.has("share") ? share(f.at("share"), f.get("share")) : null;
    Integer count =
        f.has("count")
            ? (int) integer(f.at("count"), f.get("count"), 1, FleetSpec.MAX_NODES)
            : null;
    return new NodeSelector(labels, profiles, share, count);
  }

  // ---------------------------------------------------------------------------------------------
  // Expectations

  private Expectations expect(
      String path, @Nullable Object value, List<Step> steps, Deployments deployments) {
    Fields f = fields(path, value, EXPECT);
    boolean converged = !f.has("converged") || bool(f.at("converged"), f.get("converged"));
    Map<String, String> rollouts = new TreeMap<>();
    if (f.has("rollouts")) {
      Fields r = fields(f.at("rollouts"), f.get("rollouts"), null);
      for (String deployment : r.keys()) {
        String at = LabelRules.entryField(f.at("rollouts"), deployment);
        deployments.requireRollout(at, deployment);
        rollouts.put(deployment, rolloutState(at, string(at, r.get(deployment))));
      }
    }
    long lost =
        f.has("maxLostEvents")
            ? integer(f.at("maxLostEvents"), f.get("maxLostEvents"), 0, Long.MAX_VALUE)
            : 0;
    long restarts =
        f.has("maxReconnectRestarts")
            ? integer(
                f.at("maxReconnectRestarts"), f.get("maxReconnectRestarts"), 0, Long.MAX_VALUE)
            : 0;
    Duration convergenceP99 =
        f.has("convergenceP99") ? positive(f.at("convergenceP99"), f.get("convergenceP99")) : null;
    Duration reconnectP99 =
        f.has("reconnectP99") ? positive(f.at("reconnectP99"), f.get("reconnectP99")) : null;
    Double idle = null;
    if (f.has("maxIdleBytesPerNodePerMinute")) {
      String at = f.at("maxIdleBytesPerNodePerMinute");
      Object v = f.get("maxIdleBytesPerNodePerMinute");
      if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue()) || n.doubleValue() <= 0) {
        throw fail(at, describe(v) + " is not a number of bytes above zero; write e.g. 2048");
      }
      if (steps.stream().noneMatch(s -> s instanceof Step.Idle)) {
        throw fail(at, "needs an idle step to be measured over; add one, e.g. `- idle: 5m`");
      }
      idle = n.doubleValue();
    }
    return new Expectations(
        converged, rollouts, lost, restarts, convergenceP99, reconnectP99, idle);
  }

  // ---------------------------------------------------------------------------------------------
  // What the steps know of the fleet and the deployments

  /**
   * The label keys and values, and the profiles, that the fleet's layout and groups give. Judged on
   * the declared layout, not the node count, so {@link Scenario#withNodes} changes nothing here.
   */
  private final class Layout {
    private final int districts;
    private final int sites;
    private final Map<String, Set<String>> groupLabels = new TreeMap<>();
    private final Set<String> profiles = new TreeSet<>();

    Layout(FleetSpec fleet) {
      districts = fleet.districts();
      sites = fleet.sitesPerDistrict();
      for (Group group : fleet.groups()) {
        profiles.add(group.profile());
        group
            .labels()
            .forEach((k, v) -> groupLabels.computeIfAbsent(k, x -> new TreeSet<>()).add(v));
      }
    }

    void requireLabel(String path, String key, String value) {
      if (key.equals(FleetSpec.DISTRICT)) {
        if (!isDistrict(value)) {
          throw fail(
              path,
              "no node has district="
                  + value
                  + "; the districts are "
                  + range(FleetSpec.district(0), FleetSpec.district(districts - 1)));
        }
      } else if (key.equals(FleetSpec.SITE)) {
        int dash = value.lastIndexOf("-s");
        boolean known = false;
        if (dash > 0 && isDistrict(value.substring(0, dash))) {
          int s = index(value.substring(dash + 2));
          known = s >= 0 && s < sites && FleetSpec.site(0, s).endsWith(value.substring(dash));
        }
        if (!known) {
          throw fail(
              path,
              "no node has site="
                  + value
                  + "; the sites are "
                  + range(FleetSpec.site(0, 0), FleetSpec.site(districts - 1, sites - 1))
                  + " (the district, -s and the site's number)");
        }
      } else if (!groupLabels.containsKey(key)) {
        Set<String> keys = new TreeSet<>(groupLabels.keySet());
        keys.add(FleetSpec.DISTRICT);
        keys.add(FleetSpec.SITE);
        throw fail(
            path,
            "no node has the label "
                + quote(key)
                + "; the fleet's label keys are "
                + String.join(", ", keys));
      } else if (!groupLabels.get(key).contains(value)) {
        throw fail(
            path,
            "no node has "
                + key
                + "="
                + value
                + "; the groups give "
                + key
                + " the values "
                + String.join(", ", groupLabels.get(key)));
      }
    }

    private boolean isDistrict(String value) {
      if (!value.startsWith("d")) {
        return false;
      }
      int d = index(value.substring(1));
      return d >= 0 && d < districts && FleetSpec.district(d).equals(value);
    }

    /** The number {@code digits} spells, or -1 when they are not a small number. */
    private static int index(String digits) {
      if (digits.isEmpty() || digits.length() > 6 || !digits.chars().allMatch(Character::isDigit)) {
        return -1;
      }
      return Integer.parseInt(digits);
    }

    private static String range(String first, String last) {
      return first.equals(last) ? "only " + first : first + " to " + last;
    }
  }

  /** Tracks, step by step, which deployments are applied and which can have a rollout. */
  private final class Deployments {
    private final Map<String, WorkloadTemplate> templates = new LinkedHashMap<>();
    private final Set<String> withRollout = new TreeSet<>();
    private final Set<String> images = new TreeSet<>();

    void applied(DeploymentManifest manifest) {
      images.add(manifest.template().image());
      WorkloadTemplate before = templates.put(manifest.name(), manifest.template());
      if (before != null && !before.equals(manifest.template())) {
        withRollout.add(manifest.name());
      }
    }

    /** An image rule for an image no manifest runs is a typo that would silently do nothing. */
    void requireImage(String path, String image) {
      if (!images.contains(image)) {
        throw fail(
            path,
            "no apply step runs the image "
                + quote(image)
                + ", so this rule would change nothing; "
                + (images.isEmpty()
                    ? "no step applies a manifest"
                    : "the applied images are " + String.join(", ", images)));
      }
    }

    void requireRollout(String path, String deployment) {
      if (!templates.containsKey(deployment)) {
        throw fail(
            path,
            "deployment "
                + quote(deployment)
                + " is not applied by an earlier step; apply it first"
                + (templates.isEmpty()
                    ? ""
                    : " (applied so far: " + String.join(", ", templates.keySet()) + ")"));
      }
      if (!withRollout.contains(deployment)) {
        throw fail(
            path,
            "deployment "
                + quote(deployment)
                + " has no rollout yet: its first install (or the same template applied again)"
                + " starts none; apply it again with a changed spec.template first");
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Plain values

  /** A mapping's entries, with its path, after checking its keys are text and known. */
  private final class Fields {
    private final String path;
    private final Map<String, @Nullable Object> map;

    Fields(String path, Map<String, @Nullable Object> map) {
      this.path = path;
      this.map = map;
    }

    boolean has(String key) {
      return map.get(key) != null;
    }

    @Nullable Object get(String key) {
      return map.get(key);
    }

    Object required(String key) {
      Object value = map.get(key);
      if (value == null) {
        throw fail(at(key), map.containsKey(key) ? "is empty; give it a value" : "is required");
      }
      return value;
    }

    String at(String key) {
      return path.isEmpty() ? key : path + "." + key;
    }

    Set<String> keys() {
      return map.keySet();
    }
  }

  /**
   * @param known the keys allowed; null: any text key
   */
  private Fields fields(String path, @Nullable Object value, @Nullable List<String> known) {
    if (!(value instanceof Map<?, ?> raw)) {
      throw fail(
          path,
          "is "
              + describe(value)
              + "; expected a mapping"
              + (known == null ? "" : " with " + String.join(", ", known)));
    }
    Map<String, @Nullable Object> map = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : raw.entrySet()) {
      if (!(e.getKey() instanceof String key)) {
        throw fail(path, "has the key " + e.getKey() + ", which is not text; keys are names");
      }
      if (known != null && !known.contains(key)) {
        throw fail(
            path.isEmpty() ? key : path + "." + key,
            "is not a known key; the keys here are " + String.join(", ", known));
      }
      map.put(key, e.getValue());
    }
    return new Fields(path, map);
  }

  /** As {@link #fields}, but an empty value (`restartBroker:`) is an empty mapping. */
  private Fields optionalFields(String path, @Nullable Object value, List<String> known) {
    return fields(path, value == null ? Map.of() : value, known);
  }

  private List<?> list(String path, @Nullable Object value) {
    if (!(value instanceof List<?> list)) {
      throw fail(path, "is " + describe(value) + "; expected a list");
    }
    return list;
  }

  private String string(String path, @Nullable Object value) {
    if (!(value instanceof String text)) {
      throw fail(
          path,
          "is "
              + describe(value)
              + "; expected text"
              + (value instanceof Number || value instanceof Boolean
                  ? " (quote it: \"" + value + "\")"
                  : ""));
    }
    return text;
  }

  private boolean bool(String path, @Nullable Object value) {
    if (!(value instanceof Boolean b)) {
      throw fail(path, "is " + describe(value) + "; expected true or false");
    }
    return b;
  }

  private long integer(String path, @Nullable Object value, long min, long max) {
    BigInteger n;
    if (value instanceof Integer || value instanceof Long) {
      n = BigInteger.valueOf(((Number) value).longValue());
    } else if (value instanceof BigInteger big) {
      n = big;
    } else {
      throw fail(
          path,
          "is "
              + describe(value)
              + "; expected a whole number"
              + (value instanceof String ? " without quotes" : ""));
    }
    if (n.compareTo(BigInteger.valueOf(min)) < 0 || n.compareTo(BigInteger.valueOf(max)) > 0) {
      throw fail(
          path,
          "is " + n + "; it must be " + min + (max == Long.MAX_VALUE ? " or more" : " to " + max));
    }
    return n.longValue();
  }

  private double share(String path, @Nullable Object value) {
    double share;
    try {
      share = Shares.parse(value == null ? "" : value);
    } catch (IllegalArgumentException e) {
      throw fail(path, e.getMessage());
    }
    if (!(share > 0 && share <= 1)) {
      throw fail(
          path,
          "is "
              + Shares.format(share)
              + "; a share is above 0% and at most 100% (a bare number is the fraction: 0.25 is"
              + " 25%)");
    }
    return share;
  }

  private Duration duration(String path, @Nullable Object value) {
    if (!(value instanceof String) && !(value instanceof Number)) {
      throw fail(path, "is " + describe(value) + "; expected a duration; " + Durations.FORMS);
    }
    try {
      return Durations.parse(String.valueOf(value));
    } catch (IllegalArgumentException e) {
      throw fail(path, e.getMessage());
    }
  }

  private Duration positive(String path, @Nullable Object value) {
    Duration d = duration(path, value);
    if (d.isZero()) {
      throw fail(path, "is 0s; it must be above zero");
    }
    return d;
  }

  private Map<String, String> labels(String path, @Nullable Object value) {
    Fields f = fields(path, value, null);
    Map<String, String> labels = new TreeMap<>();
    for (String key : f.keys()) {
      String at = LabelRules.entryField(path, key);
      String v = string(at, f.get(key));
      try {
        LabelRules.validateKey(at, key);
        LabelRules.validateValue(at, v);
      } catch (InvalidInputException e) {
        throw fail(at, e.rule());
      }
      labels.put(key, v);
    }
    return labels;
  }

  private String knownProfile(String path, @Nullable Object value) {
    String profile = string(path, value);
    List<String> known = Profiles.CATALOG.names();
    if (!known.contains(profile)) {
      throw fail(
          path,
          quote(profile)
              + " is not a profile the controller knows; use one of "
              + String.join(", ", known));
    }
    return profile;
  }

  /** A list of known profiles that some group of the fleet has. */
  private List<String> fleetProfiles(String path, @Nullable Object value, Set<String> fleet) {
    List<?> list = list(path, value);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String at = path + "[" + i + "]";
      String profile = knownProfile(at, list.get(i));
      if (!fleet.contains(profile)) {
        throw fail(
            at,
            "no node of the fleet has profile "
                + quote(profile)
                + "; the fleet's profiles are "
                + String.join(", ", fleet));
      }
      out.add(profile);
    }
    return out;
  }

  private ScenarioException fail(String path, String rule) {
    return new ScenarioException(source, path, rule);
  }

  /** How a refusal shows a value it did not expect. */
  static String describe(@Nullable Object value) {
    return switch (value) {
      case null -> "empty";
      case String s -> quote(s);
      case Boolean b -> b + " (true or false)";
      case Number n -> n + " (a number)";
      case Map<?, ?> m -> "a mapping";
      case List<?> l -> "a list";
      default -> value.getClass().getSimpleName();
    };
  }

  private static String quote(String text) {
    return "\"" + text + "\"";
  }

  private static String resource(String path) {
    try (InputStream in = ScenarioReader.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new ScenarioException(
            path, "", "is missing from the class path; the simulator jar is incomplete");
      }
      return utf8(path, in.readAllBytes());
    } catch (IOException e) {
      throw new ScenarioException(path, "", "cannot be read from the class path: " + e, e);
    }
  }

  private static String utf8(String source, byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new ScenarioException(source, "", "is not UTF-8 text; save it as UTF-8", e);
    }
  }

  /** The built-in profile catalog, read once on first use. */
  private static final class Profiles {
    static final ProfileCatalog CATALOG = ProfileCatalog.builtIn();
  }
}
