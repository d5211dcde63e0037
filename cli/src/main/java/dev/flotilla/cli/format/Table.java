package dev.flotilla.cli.format;

import java.util.ArrayList;
import java.util.List;

/**
 * Columns aligned the way kubectl prints them: upper-case headers, each column as wide as its
 * widest cell, three spaces between columns, no trailing spaces. Pure.
 */
public final class Table {
  private static final String GAP = "   ";

  private final List<String> headers;
  private final List<List<String>> rows = new ArrayList<>();

  public Table(List<String> headers) {
    this.headers = List.copyOf(headers);
  }

  public Table(String... headers) {
    this(List.of(headers));
  }

  /** Adds a row; a null or empty cell prints as {@code <none>} in kubectl's way. */
  public Table row(List<String> cells) {
    if (cells.size() != headers.size()) {
      throw new IllegalArgumentException(
          "a row has " + cells.size() + " cells for " + headers.size() + " columns");
    }
    List<String> r = new ArrayList<>(cells.size());
    for (String c : cells) {
      r.add(c == null || c.isEmpty() ? "<none>" : c);
    }
    rows.add(r);
    return this;
  }

  public Table row(String... cells) {
    return row(java.util.Arrays.asList(cells));
  }

  /** How many rows it has. */
  public int size() {
    return rows.size();
  }

  public boolean isEmpty() {
    return rows.isEmpty();
  }

  /** The table, one line per row after the header, each ending in a newline. */
  public String render() {
    int[] width = new int[headers.size()];
    for (int i = 0; i < width.length; i++) {
      width[i] = headers.get(i).length();
      for (List<String> r : rows) {
        width[i] = Math.max(width[i], r.get(i).length());
      }
    }
    StringBuilder out = new StringBuilder();
    line(out, headers, width);
    for (List<String> r : rows) {
      line(out, r, width);
    }
    return out.toString();
  }

  private static void line(StringBuilder out, List<String> cells, int[] width) {
    StringBuilder l = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        l.append(GAP);
      }
      l.append(cells.get(i));
      if (i < cells.size() - 1) {
        l.append(" ".repeat(width[i] - cells.get(i).length()));
      }
    }
    out.append(l.toString().stripTrailing()).append('\n');
  }
}
