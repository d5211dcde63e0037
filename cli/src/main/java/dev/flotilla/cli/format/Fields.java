package dev.flotilla.cli.format;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code describe}'s "Key: value" block: values aligned after the longest key, a multi-line value
 * continued under the first line's value. Pure.
 */
public final class Fields {
  private record Field(String key, List<String> lines) {}

  private final List<Field> fields = new ArrayList<>();

  /** Adds a field; an empty value prints as {@code <none>}. */
  public Fields add(String key, String value) {
    return add(key, value.isEmpty() ? List.of("<none>") : value.lines().toList());
  }

  /** Adds a field with one value line per element; none prints as {@code <none>}. */
  public Fields add(String key, List<String> lines) {
    fields.add(new Field(key, lines.isEmpty() ? List.of("<none>") : List.copyOf(lines)));
    return this;
  }

  public String render() {
    int width = 0;
    for (Field f : fields) {
      width = Math.max(width, f.key().length() + 1);
    }
    StringBuilder out = new StringBuilder();
    for (Field f : fields) {
      String head = f.key() + ":";
      for (int i = 0; i < f.lines().size(); i++) {
        String prefix = i == 0 ? head + " ".repeat(width - head.length()) : " ".repeat(width);
        out.append((prefix + "  " + f.lines().get(i)).stripTrailing()).append('\n');
      }
    }
    return out.toString();
  }
}
