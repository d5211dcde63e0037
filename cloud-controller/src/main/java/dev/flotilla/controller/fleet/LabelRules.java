package dev.flotilla.controller.fleet;

import dev.flotilla.controller.model.InvalidInputException;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The syntax of labels on nodes and deployments, the same as Kubernetes': a key is an optional DNS
 * subdomain prefix and {@code /} followed by a name; a value is empty or a name. Names are at most
 * 63 characters of letters, digits, {@code -}, {@code _} and {@code .}, beginning and ending with a
 * letter or digit. Keeping the Kubernetes rules lets operators reuse their habits and selectors.
 * Pure.
 */
public final class LabelRules {
  /** The most labels one object may carry; selectors are matched against every node, so few. */
  public static final int MAX_LABELS = 64;

  static final int MAX_NAME = 63;
  static final int MAX_PREFIX = 253;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  private static final String NAME_RULE =
      "at most 63 characters of A-Z, a-z, 0-9, '-', '_' and '.', beginning and ending with a"
          + " letter or digit";

  private LabelRules() {}

  /**
   * @param field where the key sits in the input, used in the refusal
   * @throws InvalidInputException naming {@code field} when {@code key} is not a label key
   */
  public static void validateKey(String field, String key) {
    String problem = keyProblem(key);
    if (problem != null) {
      throw new InvalidInputException(field, problem);
    }
  }

  /**
   * @param field where the value sits in the input, used in the refusal
   * @throws InvalidInputException naming {@code field} when {@code value} is not a label value
   */
  public static void validateValue(String field, String value) {
    String problem = valueProblem(value);
    if (problem != null) {
      throw new InvalidInputException(field, problem);
    }
  }

  /**
   * Checks a whole label set.
   *
   * @param field the path of the map, e.g. {@code metadata.labels}; a fault in one entry is
   *     reported as {@code field["key"]}
   * @throws InvalidInputException on more than {@link #MAX_LABELS} labels or on the first bad key
   *     or value
   */
  public static void validate(String field, Map<String, String> labels) {
    if (labels.size() > MAX_LABELS) {
      throw new InvalidInputException(
          field, "holds " + labels.size() + " labels; at most " + MAX_LABELS + " are allowed");
    }
    for (Map.Entry<String, String> e : labels.entrySet()) {
      String at = entryField(field, e.getKey());
      validateKey(at, e.getKey());
      validateValue(at, e.getValue());
    }
  }

  /** {@code field["key"]}: the path of one entry of a string-keyed map in refusals. */
  public static String entryField(String field, String key) {
    return field + "[\"" + key.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]";
  }

  /** What is wrong with {@code key} as a label key, or null when it is valid. */
  static @Nullable String keyProblem(String key) {
    int slash = key.indexOf('/');
    String name = slash < 0 ? key : key.substring(slash + 1);
    if (slash >= 0) {
      String prefix = key.substring(0, slash);
      if (prefix.isEmpty()
          || prefix.length() > MAX_PREFIX
          || !DNS_SUBDOMAIN.matcher(prefix).matches()) {
        return "key "
            + quoted(key)
            + " has an invalid prefix: before the '/' must come a DNS subdomain of at most "
            + MAX_PREFIX
            + " characters of a-z, 0-9, '-' and '.' (e.g. example.com)";
      }
    }
    if (name.isEmpty() || name.length() > MAX_NAME || !NAME.matcher(name).matches()) {
      return "key "
          + quoted(key)
          + " is invalid: the name"
          + (slash >= 0 ? " after the '/'" : "")
          + " must be "
          + NAME_RULE;
    }
    return null;
  }

  /** What is wrong with {@code value} as a label value, or null when it is valid. */
  static @Nullable String valueProblem(String value) {
    if (value.isEmpty() || (value.length() <= MAX_NAME && NAME.matcher(value).matches())) {
      return null;
    }
    return "value " + quoted(value) + " is invalid: it must be empty or " + NAME_RULE;
  }

  /** {@code 'text'}, cut to a readable length so that a huge input does not flood the answer. */
  static String quoted(String text) {
    return text.length() <= 80 ? "'" + text + "'" : "'" + text.substring(0, 77) + "...'";
  }
}
