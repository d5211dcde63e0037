package dev.flotilla.agent.config;

import dev.flotilla.agent.core.AgentSettings;
import dev.flotilla.agent.link.LinkSettings;
import dev.flotilla.agent.store.AgentStore.OutboxLimits;
import dev.flotilla.protocol.DecodeLimits;
import dev.flotilla.protocol.NodeId;
import dev.flotilla.protocol.SigningKeys;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent's configuration: one properties file, each key overridable by an environment variable
 * ({@code FLOTILLA_} + the key in upper case with {@code .} and {@code -} as {@code _}, e.g. {@code
 * FLOTILLA_BROKER_URL} for {@code broker.url}). Unknown keys are refused, so a typo never silently
 * falls back to a default. See {@code docs/agent.md} for every key.
 */
public record AgentConfig(
    NodeId node,
    String brokerUrl,
    String brokerPassword,
    PublicKey controllerKey,
    Path podmanSocket,
    Path dataDir,
    Duration reconcileInterval,
    Duration summaryInterval,
    Duration sessionExpiry,
    Duration keepAlive,
    Duration willDelay,
    Duration reconnectMin,
    Duration reconnectMax,
    int maxInflight,
    OutboxLimits outboxLimits,
    DecodeLimits decodeLimits,
    ZoneId timeZone) {

  static final Map<String, String> DEFAULTS =
      Map.ofEntries(
          Map.entry("broker.password", ""),
          Map.entry("podman.socket", "/run/podman/podman.sock"),
          Map.entry("data.dir", "/var/lib/flotilla-agent"),
          Map.entry("reconcile.interval", "10s"),
          Map.entry("status.summary-interval", "5m"),
          Map.entry("link.session-expiry", "7d"),
          Map.entry("link.keep-alive", "60s"),
          Map.entry("link.will-delay", "30s"),
          Map.entry("link.reconnect-min", "1s"),
          Map.entry("link.reconnect-max", "5m"),
          Map.entry("link.max-inflight", "100"),
          Map.entry("outbox.max-events", "100000"),
          Map.entry("outbox.max-bytes", "64MiB"),
          Map.entry("decode.max-payload-bytes", "256KiB"),
          // Empty: the zone of the system the agent runs on.
          Map.entry("node.time-zone", ""));

  static final Set<String> REQUIRED = Set.of("node.id", "broker.url", "controller.public-key");

  /** The file the store lives in. */
  public Path storeFile() {
    return dataDir.resolve("agent.db");
  }

  /** Reads {@code file} and applies the environment on top. */
  public static AgentConfig load(Path file, Map<String, String> environment) {
    Properties props = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(in);
    } catch (IOException e) {
      throw new AgentConfigException(
          "cannot read the agent configuration " + file + ": " + e.getMessage(), e);
    }
    return from(props, environment, file.toString());
  }

  /**
   * @param source names the configuration in error messages
   */
  public static AgentConfig from(Properties props, Map<String, String> environment, String source) {
    Set<String> known = new TreeSet<>(DEFAULTS.keySet());
    known.addAll(REQUIRED);
    for (String key : props.stringPropertyNames()) {
      if (!known.contains(key)) {
        throw new AgentConfigException(
            source + ": unknown key '" + key + "'; known keys are " + String.join(", ", known));
      }
    }
    Values v = new Values(props, environment, source);
    NodeId node;
    try {
      node = NodeId.parse(v.get("node.id"));
    } catch (dev.flotilla.protocol.ProtocolException e) {
      throw v.invalid("node.id", e.getMessage());
    }
    String broker = v.get("broker.url");
    if (!broker.matches("(tcp|ssl|ws|wss)://[^/\\s]+(:\\d+)?/?")) {
      throw v.invalid(
          "broker.url", "expected tcp://HOST:PORT or ssl://HOST:PORT, got '" + broker + "'");
    }
    PublicKey key;
    try {
      key = SigningKeys.decodePublic(v.get("controller.public-key"));
    } catch (IllegalArgumentException e) {
      throw v.invalid("controller.public-key", e.getMessage());
    }
    Duration reconnectMin = v.duration("link.reconnect-min");
    Duration reconnectMax = v.duration("link.reconnect-max");
    if (reconnectMax.compareTo(reconnectMin) < 0) {
      throw v.invalid("link.reconnect-max", "must not be below link.reconnect-min");
    }
    long maxPayload = v.size("decode.max-payload-bytes");
    if (maxPayload > Integer.MAX_VALUE) {
      throw v.invalid("decode.max-payload-bytes", "must be below 2 GiB");
    }
    String zoneId = v.get("node.time-zone");
    ZoneId timeZone;
    try {
      timeZone = zoneId.isEmpty() ? ZoneId.systemDefault() : ZoneId.of(zoneId);
    } catch (DateTimeException e) {
      throw v.invalid(
          "node.time-zone",
          "expected an IANA time zone id such as Europe/Berlin (or empty for the system's zone),"
              + " got '"
              + zoneId
              + "'");
    }
    return new AgentConfig(
        node,
        broker,
        v.get("broker.password"),
        key,
        Path.of(v.get("podman.socket")),
        Path.of(v.get("data.dir")),
        v.duration("reconcile.interval"),
        v.duration("status.summary-interval"),
        v.duration("link.session-expiry"),
        v.duration("link.keep-alive"),
        v.duration("link.will-delay"),
        reconnectMin,
        reconnectMax,
        (int) v.number("link.max-inflight", 1, 65535),
        new OutboxLimits(
            v.number("outbox.max-events", 1, Long.MAX_VALUE), v.size("outbox.max-bytes")),
        new DecodeLimits((int) maxPayload),
        timeZone);
  }

  /** The environment variable that overrides {@code key}. */
  public static String environmentName(String key) {
    return "FLOTILLA_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  private record Values(Properties props, Map<String, String> env, String source) {
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)(B|KiB|MiB|GiB)?");

    String get(String key) {
      String value = env.get(environmentName(key));
      if (value == null) {
        value = props.getProperty(key);
      }
      if (value == null) {
        value = DEFAULTS.get(key);
      }
      if (value == null) {
        throw new AgentConfigException(
            source
                + ": '"
                + key
                + "' is required (set it in the file or as "
                + environmentName(key)
                + ")");
      }
      return value.strip();
    }

    Duration duration(String key) {
      Matcher m = DURATION.matcher(get(key));
      if (!m.matches()) {
        throw invalid(
            key, "expected a duration such as 500ms, 10s, 5m, 2h or 7d, got '" + get(key) + "'");
      }
      long n = Long.parseLong(m.group(1));
      Duration d =
          switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
          };
      if (d.isZero()) {
        throw invalid(key, "must be more than zero");
      }
      return d;
    }

    long size(String key) {
      Matcher m = SIZE.matcher(get(key));
      if (!m.matches()) {
        throw invalid(key, "expected a size such as 4096, 256KiB or 64MiB, got '" + get(key) + "'");
      }
      long n = Long.parseLong(m.group(1));
      String unit = m.group(2) == null ? "B" : m.group(2);
      long bytes =
          switch (unit) {
            case "KiB" -> n << 10;
            case "MiB" -> n << 20;
            case "GiB" -> n << 30;
            default -> n;
          };
      if (bytes < 1) {
        throw invalid(key, "must be more than zero");
      }
      return bytes;
    }

    long number(String key, long min, long max) {
      try {
        long n = Long.parseLong(get(key));
        if (n < min || n > max) {
          throw invalid(key, "must be between " + min + " and " + max + ", got " + n);
        }
        return n;
      } catch (NumberFormatException e) {
        throw invalid(key, "expected a whole number, got '" + get(key) + "'");
      }
    }

    AgentConfigException invalid(String key, String why) {
      boolean fromEnv = env.containsKey(environmentName(key));
      return new AgentConfigException(
          (fromEnv ? "environment " + environmentName(key) : source + ": '" + key + "'")
              + " "
              + why);
    }
  }

  /**
   * The link's settings from this configuration, for the gateway agent and the simulator's virtual
   * nodes alike.
   *
   * @param bootId this start's identity, reported in presence
   * @param appliedGeneration what the core applied last (reported in presence)
   */
  public LinkSettings linkSettings(String version, String bootId, LongSupplier appliedGeneration) {
    return new LinkSettings(
        brokerUrl(),
        node(),
        brokerPassword(),
        sessionExpiry(),
        keepAlive(),
        willDelay(),
        reconnectMin(),
        reconnectMax(),
        maxInflight(),
        version,
        bootId,
        appliedGeneration);
  }

  /** The core's settings from this configuration. */
  public AgentSettings agentSettings(String version, String bootId) {
    return new AgentSettings(
        node(), reconcileInterval(), summaryInterval(), version, bootId, timeZone());
  }
}
