package dev.flotilla.profiles;

import java.math.BigInteger;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads one profile file into a {@link FirmwareProfile}. Pure and thread-safe (a fresh YAML parser
 * per call).
 *
 * <p>Strict: unknown fields are refused at every level, so a misspelt option is never silently
 * dropped; every required field is checked; every refusal is a {@link ProfileException} naming the
 * file and the field's path ({@code capacity.memory}, {@code agent.keepAlive}) and saying what is
 * expected. The format is described in {@code docs/firmware-profiles.md}.
 *
 * <p>Bounded: at most {@link #MAX_CHARS} characters, {@link #MAX_DEPTH} levels of nesting, a few
 * aliases, duplicate keys refused, and only plain YAML types (no tags, objects, sets, binary or
 * timestamps).
 */
public final class ProfileLoader {
  /** The largest profile file accepted: 64 KiB of characters, a hundred times a real one. */
  public static final int MAX_CHARS = 64 * 1024;

  /** A profile needs 2 levels of nesting. */
  static final int MAX_DEPTH = 16;

  /** Anchors have no real use in a profile; a few are allowed, expansions are not. */
  static final int MAX_YAML_ALIASES = 10;

  static final int MAX_DESCRIPTION = 200;
  static final int MAX_FIRMWARE_NAME = 64;

  static final List<String> TOP_FIELDS =
      List.of(
          "name",
          "description",
          "architecture",
          "firmware",
          "capacity",
          "reserved",
          "peripherals",
          "connectivity",
          "agent");
  static final List<String> FIRMWARE_FIELDS = List.of("name", "version");
  static final List<String> CAPACITY_FIELDS = List.of("cpu", "memory", "storage");
  static final List<String> AGENT_FIELDS =
      List.of("keepAlive", "statusSummaryInterval", "willDelay", "reconnectMax");

  /** Names people write for an architecture, to the OCI name a profile wants. */
  private static final Map<String, String> ARCHITECTURE_ALIASES =
      Map.of(
          "x86_64", "amd64",
          "x86-64", "amd64",
          "x64", "amd64",
          "aarch64", "arm64",
          "armv7", "arm",
          "armv7l", "arm",
          "armhf", "arm");

  private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_]+");

  private ProfileLoader() {}

  /**
   * Reads and checks one profile.
   *
   * @param fileName names the file in refusals; its last path element without {@code .yaml} or
   *     {@code .yml} is the name the profile must carry
   * @param yamlText the file's content
   * @throws ProfileException at the first fault, naming {@code fileName} and the field
   */
  public static FirmwareProfile parse(String fileName, String yamlText) {
    Objects.requireNonNull(fileName, "fileName");
    Objects.requireNonNull(yamlText, "yamlText");
    return new Reader(fileName).profile(yamlText);
  }

  /** The profile name a file must carry: its last path element less a .yaml or .yml extension. */
  static String expectedName(String fileName) {
    String base =
        fileName.substring(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
    String lower = base.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".yaml")) {
      return base.substring(0, base.length() - ".yaml".length());
    }
    if (lower.endsWith(".yml")) {
      return base.substring(0, base.length() - ".yml".length());
    }
    return base;
  }

  /** The reading of one file; every refusal carries its name. */
  private record Reader(String file) {
    FirmwareProfile profile(String text) {
      if (text.length() > MAX_CHARS) {
        throw fault(
            "", "is " + text.length() + " characters long; at most " + MAX_CHARS + " are accepted");
      }
      Object document = parseYaml(text);
      if (document == null) {
        throw fault(
            "",
            "is empty; expected a profile with name, description, architecture, firmware,"
                + " capacity and connectivity");
      }
      if (!(document instanceof Map<?, ?>)) {
        throw fault(
            "",
            "must be a mapping of profile fields ("
                + String.join(", ", TOP_FIELDS)
                + "), was "
                + Quantities.describe(document));
      }
      Map<String, @Nullable Object> top = mapping("", document, TOP_FIELDS);

      String name = string("name", required(top, "", "name"));
      if (!FirmwareProfile.NAME.matcher(name).matches()) {
        throw fault("name", "must be " + FirmwareProfile.NAME_RULE + ", was " + describe(name));
      }
      String expected = expectedName(file);
      if (!name.equals(expected)) {
        throw fault(
            "name",
            "is "
                + describe(name)
                + " but the file is named for '"
                + expected
                + "'; a profile's name must be its file name without .yaml (rename one of them)");
      }

      String description = string("description", required(top, "", "description"));
      if (description.isBlank()
          || description.length() > MAX_DESCRIPTION
          || description.chars().anyMatch(Character::isISOControl)) {
        throw fault(
            "description",
            "must be one line of 1 to "
                + MAX_DESCRIPTION
                + " characters, was "
                + describe(description));
      }

      Architecture architecture = architecture(required(top, "", "architecture"));
      Firmware firmware = firmware(required(top, "", "firmware"));
      Capacity capacity = capacity(required(top, "", "capacity"));
      Capacity reserved = reserved(top.get("reserved"), capacity);
      Map<String, Integer> peripherals = peripherals(top.get("peripherals"));
      Connectivity connectivity = connectivity(required(top, "", "connectivity"));
      AgentTuning agent = agent(top.get("agent"), AgentTuning.defaultsFor(connectivity));
      try {
        return new FirmwareProfile(
            name,
            description,
            architecture,
            firmware,
            capacity,
            reserved,
            new TreeMap<>(peripherals),
            connectivity,
            agent);
      } catch (IllegalArgumentException e) {
        // The checks above cover every invariant; this is a backstop, not a path.
        throw new ProfileException(file, "", String.valueOf(e.getMessage()), e);
      }
    }

    private @Nullable Object parseYaml(String text) {
      try {
        return PlainYaml.parser(MAX_CHARS, MAX_DEPTH, MAX_YAML_ALIASES).load(text);
      } catch (MarkedYAMLException e) {
        Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
        String where =
            mark == null
                ? ""
                : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
        String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
        String context = e.getContext() != null ? " (" + e.getContext() + ")" : "";
        throw new ProfileException(
            file, "", "is not valid YAML" + where + ": " + problem + context, e);
      } catch (YAMLException e) {
        // Limits (aliases, size, depth) fail without a mark.
        throw new ProfileException(file, "", "is not acceptable YAML: " + e.getMessage(), e);
      }
    }

    private Architecture architecture(Object raw) {
      String name = string("architecture", raw);
      return Architecture.fromOciName(name)
          .orElseThrow(
              () -> {
                String alias = ARCHITECTURE_ALIASES.get(name.toLowerCase(Locale.ROOT));
                return fault(
                    "architecture",
                    "must be one of "
                        + String.join(", ", Architecture.ociNames())
                        + " (the OCI names), was "
                        + describe(name)
                        + (alias == null ? "" : "; write " + alias + " for " + name));
              });
    }

    private Firmware firmware(Object raw) {
      Map<String, @Nullable Object> m = mapping("firmware", raw, FIRMWARE_FIELDS);
      String name = string("firmware.name", required(m, "firmware", "name"));
      if (name.isBlank()
          || name.length() > MAX_FIRMWARE_NAME
          || name.chars().anyMatch(Character::isISOControl)) {
        throw fault(
            "firmware.name",
            "must be one line of 1 to " + MAX_FIRMWARE_NAME + " characters, was " + describe(name));
      }
      Object version = required(m, "firmware", "version");
      if (!(version instanceof String text)) {
        // An unquoted 12.10 reads as the number 12.1: only text keeps every digit.
        throw fault(
            "firmware.version",
            "must be text, "
                + FirmwareVersion.RULE
                + ", was "
                + describe(version)
                + quoteHint(version));
      }
      FirmwareVersion parsed =
          FirmwareVersion.parse(text)
              .orElseThrow(
                  () ->
                      fault(
                          "firmware.version",
                          "must be " + FirmwareVersion.RULE + ", was " + describe(text)));
      return new Firmware(name, parsed);
    }

    private Capacity capacity(Object raw) {
      Map<String, @Nullable Object> m = mapping("capacity", raw, CAPACITY_FIELDS);
      return new Capacity(
          cpu("capacity.cpu", required(m, "capacity", "cpu")),
          memory("capacity.memory", required(m, "capacity", "memory")),
          memory("capacity.storage", required(m, "capacity", "storage")));
    }

    /** Each field optional (none reserved), each below the same field of {@code capacity}. */
    private Capacity reserved(@Nullable Object raw, Capacity capacity) {
      if (raw == null) {
        return Capacity.NONE;
      }
      Map<String, @Nullable Object> m = mapping("reserved", raw, CAPACITY_FIELDS);
      int cpu = m.get("cpu") == null ? 0 : cpu("reserved.cpu", m.get("cpu"));
      long memory = m.get("memory") == null ? 0 : memory("reserved.memory", m.get("memory"));
      long storage = m.get("storage") == null ? 0 : memory("reserved.storage", m.get("storage"));
      if (cpu >= capacity.cpuMillis()) {
        throw belowCapacity(
            "cpu", Quantities.formatCpu(cpu), Quantities.formatCpu(capacity.cpuMillis()));
      }
      if (memory >= capacity.memoryBytes()) {
        throw belowCapacity(
            "memory",
            Quantities.formatMemory(memory),
            Quantities.formatMemory(capacity.memoryBytes()));
      }
      if (storage >= capacity.storageBytes()) {
        throw belowCapacity(
            "storage",
            Quantities.formatMemory(storage),
            Quantities.formatMemory(capacity.storageBytes()));
      }
      return new Capacity(cpu, memory, storage);
    }

    private ProfileException belowCapacity(String key, String reserved, String capacity) {
      return fault(
          "reserved." + key,
          "is "
              + reserved
              + ", not below capacity."
              + key
              + " ("
              + capacity
              + "); the reservation must leave some for workloads");
    }

    private Map<String, Integer> peripherals(@Nullable Object raw) {
      Map<String, Integer> out = new LinkedHashMap<>();
      if (raw == null) {
        return out;
      }
      for (Map.Entry<String, @Nullable Object> e : stringKeyed("peripherals", raw).entrySet()) {
        String at = child("peripherals", e.getKey());
        if (!FirmwareProfile.PERIPHERAL.matcher(e.getKey()).matches()) {
          throw fault(
              at, "is not a peripheral name: a name must be " + FirmwareProfile.PERIPHERAL_RULE);
        }
        Object count = e.getValue();
        if (!(count instanceof Integer || count instanceof Long || count instanceof BigInteger)) {
          throw fault(
              at,
              "must be a whole number from 1 to "
                  + FirmwareProfile.MAX_PERIPHERAL_COUNT
                  + ", was "
                  + describe(count));
        }
        BigInteger n = new BigInteger(count.toString());
        if (n.signum() <= 0
            || n.compareTo(BigInteger.valueOf(FirmwareProfile.MAX_PERIPHERAL_COUNT)) > 0) {
          throw fault(
              at,
              "must be from 1 to "
                  + FirmwareProfile.MAX_PERIPHERAL_COUNT
                  + ", was "
                  + Quantities.shorten(n.toString())
                  + (n.signum() == 0 ? "; leave a peripheral out when the device has none" : ""));
        }
        out.put(e.getKey(), n.intValueExact());
      }
      return out;
    }

    private Connectivity connectivity(Object raw) {
      String name = string("connectivity", raw);
      return Connectivity.fromYamlName(name)
          .orElseThrow(
              () ->
                  fault(
                      "connectivity",
                      "must be one of "
                          + String.join(", ", Connectivity.yamlNames())
                          + ", was "
                          + describe(name)));
    }

    /** Each field optional; the ones left out come from {@code defaults}. */
    private AgentTuning agent(@Nullable Object raw, AgentTuning defaults) {
      if (raw == null) {
        return defaults;
      }
      Map<String, @Nullable Object> m = mapping("agent", raw, AGENT_FIELDS);
      return new AgentTuning(
          duration(
              m,
              "keepAlive",
              defaults.keepAlive(),
              AgentTuning.KEEP_ALIVE_MIN,
              AgentTuning.KEEP_ALIVE_MAX),
          duration(
              m,
              "statusSummaryInterval",
              defaults.statusSummaryInterval(),
              AgentTuning.STATUS_SUMMARY_MIN,
              AgentTuning.STATUS_SUMMARY_MAX),
          duration(
              m,
              "willDelay",
              defaults.willDelay(),
              AgentTuning.WILL_DELAY_MIN,
              AgentTuning.WILL_DELAY_MAX),
          duration(
              m,
              "reconnectMax",
              defaults.reconnectMax(),
              AgentTuning.RECONNECT_MAX_MIN,
              AgentTuning.RECONNECT_MAX_MAX));
    }

    private Duration duration(
        Map<String, @Nullable Object> m,
        String key,
        Duration fallback,
        Duration min,
        Duration max) {
      Object raw = m.get(key);
      if (raw == null) {
        return fallback;
      }
      try {
        return Duration.ofMillis(Quantities.durationMs(raw, min.toMillis(), max.toMillis()));
      } catch (QuantityException e) {
        throw new ProfileException(file, "agent." + key, String.valueOf(e.getMessage()), e);
      }
    }

    private int cpu(String field, @Nullable Object raw) {
      try {
        return Quantities.cpuMillis(raw);
      } catch (QuantityException e) {
        throw new ProfileException(file, field, String.valueOf(e.getMessage()), e);
      }
    }

    private long memory(String field, @Nullable Object raw) {
      try {
        return Quantities.memoryBytes(raw);
      } catch (QuantityException e) {
        throw new ProfileException(file, field, String.valueOf(e.getMessage()), e);
      }
    }

    /** A mapping with string keys, every one among {@code known}. */
    private Map<String, @Nullable Object> mapping(String path, Object raw, List<String> known) {
      Map<String, @Nullable Object> map = stringKeyed(path, raw);
      for (String key : map.keySet()) {
        if (!known.contains(key)) {
          throw fault(
              child(path, key), "unknown field; known fields are " + String.join(", ", known));
        }
      }
      return map;
    }

    private Map<String, @Nullable Object> stringKeyed(String path, Object raw) {
      if (!(raw instanceof Map<?, ?> map)) {
        throw fault(path, "must be a mapping, was " + describe(raw));
      }
      Map<String, @Nullable Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String key)) {
          throw fault(
              path, "keys must be text, found " + describe(e.getKey()) + quoteHint(e.getKey()));
        }
        out.put(key, e.getValue());
      }
      return out;
    }

    /** The value of {@code key}; absent and null (a key with nothing after it) read the same. */
    private Object required(Map<String, @Nullable Object> m, String path, String key) {
      Object value = m.get(key);
      if (value == null) {
        throw fault(child(path, key), "is required");
      }
      return value;
    }

    private String string(String path, Object raw) {
      if (!(raw instanceof String s)) {
        throw fault(path, "must be text, was " + describe(raw) + quoteHint(raw));
      }
      return s;
    }

    private ProfileException fault(String field, String rule) {
      return new ProfileException(file, field, rule);
    }
  }

  /**
   * The path of {@code key} inside the mapping at {@code path}: {@code a.b}, or {@code a["x y"]}.
   */
  static String child(String path, String key) {
    if (!PLAIN_KEY.matcher(key).matches()) {
      return path + "[\"" + key.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]";
    }
    return path.isEmpty() ? key : path + "." + key;
  }

  private static String describe(@Nullable Object raw) {
    return Quantities.describe(raw);
  }

  /** A hint for a number or boolean where text was wanted, which YAML users meet often. */
  private static String quoteHint(@Nullable Object raw) {
    return raw instanceof Number || raw instanceof Boolean
        ? "; quote it (\"" + Quantities.shorten(String.valueOf(raw)) + "\") to use it as text"
        : "";
  }
}
