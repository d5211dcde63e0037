package dev.flotilla.cli.format;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * kubectl's label arguments: {@code key=value} sets a label, {@code key-} removes one. Answers the
 * changes as the API's label patch wants them: key to value, or to null for a removal. Pure; the
 * controller checks the label rules themselves.
 */
public final class LabelArgs {
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]*");

  private LabelArgs() {}

  /**
   * @throws IllegalArgumentException naming the argument when one is neither form, or a key is
   *     given twice
   */
  public static Map<String, @Nullable String> parse(List<String> args) {
    if (args.isEmpty()) {
      throw new IllegalArgumentException("give at least one key=value or key- change");
    }
    Map<String, @Nullable String> changes = new LinkedHashMap<>();
    for (String a : args) {
      String key;
      String value;
      int eq = a.indexOf('=');
      if (eq >= 0) {
        key = a.substring(0, eq);
        value = a.substring(eq + 1);
      } else if (a.endsWith("-") && a.length() > 1) {
        key = a.substring(0, a.length() - 1);
        value = null;
      } else {
        throw new IllegalArgumentException(
            "'" + a + "' is neither key=value (set a label) nor key- (remove it)");
      }
      if (!KEY.matcher(key).matches()) {
        throw new IllegalArgumentException("'" + a + "': '" + key + "' is not a label key");
      }
      if (changes.containsKey(key)) {
        throw new IllegalArgumentException("label " + key + " is changed twice");
      }
      changes.put(key, value);
    }
    return changes;
  }
}
