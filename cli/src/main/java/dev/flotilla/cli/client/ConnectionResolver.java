package dev.flotilla.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Decides the controller URL and the API token, each on its own, in this order: the {@code
 * --controller} / {@code --token} flags, the environment ({@code FLOTILLA_CONTROLLER}, {@code
 * FLOTILLA_TOKEN}), the config file ({@code controller:} and {@code token:} keys), and last {@code
 * http://localhost:8080} with no token.
 *
 * <p>The config file is {@code --config FILE} when given (then it must exist), else {@code
 * $XDG_CONFIG_HOME/flotilla/config.yaml}, else {@code ~/.config/flotilla/config.yaml} (a missing
 * default file is simply skipped). Pure but for reading that one file.
 */
public final class ConnectionResolver {
  /** Where a controller is looked for when nothing names one. */
  public static final String DEFAULT_CONTROLLER = "http://localhost:8080";

  /** How the places the settings come from are named in messages. */
  public static final String WHERE =
      "set --controller, FLOTILLA_CONTROLLER or controller: in ~/.config/flotilla/config.yaml";

  private static final YAMLMapper YAML = new YAMLMapper();

  private ConnectionResolver() {}

  /**
   * @param controllerFlag {@code --controller}, null when not given
   * @param tokenFlag {@code --token}, null when not given
   * @param configFlag {@code --config}, null when not given
   * @param env the environment
   * @param home the user's home directory
   * @throws ConfigException when the config file given cannot be read or a URL is not one
   */
  public static Connection resolve(
      @Nullable String controllerFlag,
      @Nullable String tokenFlag,
      @Nullable String configFlag,
      Map<String, String> env,
      Path home) {
    Path file = configFile(configFlag, env, home);
    Map<String, String> config = file == null ? Map.of() : read(file, configFlag != null);
    String controller =
        first(
            controllerFlag,
            env.get("FLOTILLA_CONTROLLER"),
            config.get("controller"),
            DEFAULT_CONTROLLER);
    String token = first(tokenFlag, env.get("FLOTILLA_TOKEN"), config.get("token"), null);
    boolean fileUsed = file != null && !config.isEmpty();
    return new Connection(url(controller), token, fileUsed ? file.toString() : null);
  }

  /** The config file to read: {@code --config}, else the XDG location. */
  static @Nullable Path configFile(
      @Nullable String configFlag, Map<String, String> env, Path home) {
    if (configFlag != null) {
      return Path.of(configFlag);
    }
    String xdg = env.get("XDG_CONFIG_HOME");
    Path base = xdg == null || xdg.isBlank() ? home.resolve(".config") : Path.of(xdg);
    return base.resolve("flotilla").resolve("config.yaml");
  }

  /**
   * The file's {@code controller} and {@code token}; empty when the file is missing and was not
   * asked for.
   */
  static Map<String, String> read(Path file, boolean required) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      if (required) {
        throw new ConfigException("config file " + file + " does not exist");
      }
      return Map.of();
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
    }
    return parse(text, file.toString());
  }

  /** The {@code controller} and {@code token} keys of a config file's text. */
  static Map<String, String> parse(String text, String name) {
    JsonNode root;
    try {
      root = text.isBlank() ? null : YAML.readTree(text);
    } catch (IOException e) {
      throw new ConfigException("config file " + name + " is not YAML: " + firstLine(e));
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return Map.of();
    }
    if (!root.isObject()) {
      throw new ConfigException(
          "config file " + name + " must be a mapping with controller: and token: keys");
    }
    java.util.TreeMap<String, String> out = new java.util.TreeMap<>();
    for (Map.Entry<String, JsonNode> e : root.properties()) {
      if (!e.getKey().equals("controller") && !e.getKey().equals("token")) {
        throw new ConfigException(
            "config file "
                + name
                + " has an unknown key '"
                + e.getKey()
                + "'; it may hold controller: and token:");
      }
      if (!e.getValue().isValueNode() || e.getValue().isNull()) {
        throw new ConfigException("config file " + name + ": " + e.getKey() + " must be a string");
      }
      out.put(e.getKey(), e.getValue().asText().trim());
    }
    return out;
  }

  /** The controller URL, checked: http or https with a host; a trailing slash is dropped. */
  static URI url(String text) {
    String t = text.trim();
    while (t.endsWith("/")) {
      t = t.substring(0, t.length() - 1);
    }
    URI uri;
    try {
      uri = new URI(t);
    } catch (URISyntaxException e) {
      throw new ConfigException("controller URL '" + text + "' is not a URL; " + WHERE);
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
        || uri.getHost() == null) {
      throw new ConfigException(
          "controller URL '"
              + text
              + "' must be http:// or https:// with a host, e.g. http://controller:8080");
    }
    return uri;
  }

  private static @Nullable String first(
      @Nullable String a, @Nullable String b, @Nullable String c, @Nullable String d) {
    for (String s : new String[] {a, b, c}) {
      if (s != null && !s.isBlank()) {
        return s.trim();
      }
    }
    return d;
  }

  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
