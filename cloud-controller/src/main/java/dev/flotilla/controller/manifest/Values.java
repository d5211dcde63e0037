package dev.flotilla.controller.manifest;

import dev.flotilla.controller.fleet.LabelRules;
import dev.flotilla.controller.model.InvalidInputException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Typed reads of the plain values that SnakeYAML and Jackson produce (maps, lists, strings,
 * numbers, booleans, null), each refusal naming the field. Both parsers feed the same values in, so
 * YAML and JSON are refused alike. Pure.
 */
final class Values {
  private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_]+");

  private Values() {}

  /**
   * The path of {@code key} inside the mapping at {@code path}: {@code a.b}, or {@code a["x y"]}.
   */
  static String child(String path, String key) {
    if (!PLAIN_KEY.matcher(key).matches()) {
      return path + "[\"" + key.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]";
    }
    return path.isEmpty() ? key : path + "." + key;
  }

  /** The path of item {@code index} of the list at {@code path}. */
  static String item(String path, int index) {
    return path + "[" + index + "]";
  }

  /**
   * A mapping with string keys, every key among {@code known}.
   *
   * @throws InvalidInputException naming {@code path} when {@code raw} is not a mapping or a key is
   *     not a string, or naming the first unknown key's own path and listing the known ones
   */
  static Mapping mapping(String path, @Nullable Object raw, List<String> known) {
    Map<String, Object> map = stringKeyed(path, raw);
    for (String key : map.keySet()) {
      if (!known.contains(key)) {
        throw new InvalidInputException(
            child(path, key), "unknown field; known fields are " + String.join(", ", known));
      }
    }
    return new Mapping(path, map);
  }

  /** A mapping with string keys and any values, in input order. */
  static Map<String, Object> stringKeyed(String path, @Nullable Object raw) {
    if (!(raw instanceof Map<?, ?> map)) {
      throw new InvalidInputException(path, "must be a mapping, was " + describe(raw));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getKey() instanceof String key)) {
        throw new InvalidInputException(
            path, "keys must be strings, found " + describe(e.getKey()) + quoteHint(e.getKey()));
      }
      out.put(key, e.getValue());
    }
    return out;
  }

  /** A mapping of strings to strings, e.g. labels or environment variables. */
  static Map<String, String> stringMap(String path, @Nullable Object raw) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : stringKeyed(path, raw).entrySet()) {
      String at = LabelRules.entryField(path, e.getKey());
      if (!(e.getValue() instanceof String value)) {
        throw new InvalidInputException(
            at,
            "must be a string, was "
                + describe(e.getValue())
                + (e.getValue() == null
                    ? "; write \"\" for an empty value"
                    : quoteHint(e.getValue())));
      }
      out.put(e.getKey(), value);
    }
    return out;
  }

  static List<?> list(String path, @Nullable Object raw) {
    if (!(raw instanceof List<?> list)) {
      throw new InvalidInputException(path, "must be a list, was " + describe(raw));
    }
    return list;
  }

  /** A list of strings; any other item is refused at its own index. */
  static List<String> stringList(String path, @Nullable Object raw) {
    if (!(raw instanceof List<?> list)) {
      throw new InvalidInputException(path, "must be a list of strings, was " + describe(raw));
    }
    List<String> out = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof String s)) {
        throw new InvalidInputException(
            item(path, i),
            "must be a string, was " + describe(list.get(i)) + quoteHint(list.get(i)));
      }
      out.add(s);
    }
    return out;
  }

  static String string(String path, @Nullable Object raw) {
    if (!(raw instanceof String s)) {
      throw new InvalidInputException(
          path, "must be a string, was " + describe(raw) + quoteHint(raw));
    }
    return s;
  }

  static boolean bool(String path, @Nullable Object raw) {
    if (!(raw instanceof Boolean b)) {
      throw new InvalidInputException(path, "must be true or false, was " + describe(raw));
    }
    return b;
  }

  /** An integer from {@code min} to {@code max}; decimals and quoted numbers are refused. */
  static int integer(String path, @Nullable Object raw, int min, int max) {
    if (!(raw instanceof Integer || raw instanceof Long || raw instanceof BigInteger)) {
      String hint =
          raw instanceof String s && s.trim().matches("-?\\d+") ? "; write it without quotes" : "";
      throw new InvalidInputException(
          path, "must be an integer from " + min + " to " + max + ", was " + describe(raw) + hint);
    }
    BigInteger value = new BigInteger(raw.toString());
    if (value.compareTo(BigInteger.valueOf(min)) < 0
        || value.compareTo(BigInteger.valueOf(max)) > 0) {
      throw new InvalidInputException(
          path, "must be from " + min + " to " + max + ", was " + shorten(value.toString()));
    }
    return value.intValueExact();
  }

  /** The value as a refusal shows it: its kind and, for scalars, the value cut to a sane length. */
  static String describe(@Nullable Object raw) {
    return dev.flotilla.profiles.Quantities.describe(raw);
  }

  /** A hint for a number or boolean where text was wanted, which YAML users meet often. */
  private static String quoteHint(@Nullable Object raw) {
    return raw instanceof Number || raw instanceof Boolean
        ? "; quote it (\"" + shorten(String.valueOf(raw)) + "\") to use it as text"
        : "";
  }

  static String shorten(String s) {
    return dev.flotilla.profiles.Quantities.shorten(s);
  }

  /**
   * A mapping being read, already checked for unknown keys. Absent keys and keys with a null value
   * read the same, as in Kubernetes, so {@code image:} with nothing after it counts as missing.
   */
  record Mapping(String path, Map<String, Object> values) {
    String at(String key) {
      return child(path, key);
    }

    boolean has(String key) {
      return values.get(key) != null;
    }

    @Nullable Object get(String key) {
      return values.get(key);
    }

    Object required(String key) {
      Object value = values.get(key);
      if (value == null) {
        throw new InvalidInputException(at(key), "is required");
      }
      return value;
    }
  }
}
