package dev.flotilla.cli.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Splits a YAML stream into its documents at {@code ---} lines, keeping each document's text as
 * written (the controller reads the manifest itself, so quoting such as {@code "12.0"} must reach
 * it untouched). Documents with nothing but comments and blank lines are dropped. Pure.
 */
public final class ManifestDocuments {
  private static final Pattern SEPARATOR = Pattern.compile("^---(?:[ \\t].*)?$");
  private static final Pattern END = Pattern.compile("^\\.\\.\\.[ \\t]*$");
  private static final YAMLMapper YAML = new YAMLMapper();

  private ManifestDocuments() {}

  /**
   * One document of the stream.
   *
   * @param index its place among the documents kept, from 1
   * @param line the line it starts on, from 1
   * @param text its text
   */
  public record Document(int index, int line, String text) {
    /** Its {@code metadata.name}, or empty when it has none or is not YAML. */
    public String name() {
      try {
        JsonNode root = YAML.readTree(text);
        JsonNode name = root == null ? null : root.path("metadata").path("name");
        return name != null && name.isTextual() ? name.asText() : "";
      } catch (IOException e) {
        return "";
      }
    }
  }

  public static List<Document> split(String stream) {
    List<Document> docs = new ArrayList<>();
    String[] lines = stream.split("\r?\n", -1);
    StringBuilder current = new StringBuilder();
    int start = 1;
    for (int i = 0; i < lines.length; i++) {
      String l = lines[i];
      if (SEPARATOR.matcher(l).matches() || END.matcher(l).matches()) {
        add(docs, current, start);
        current.setLength(0);
        start = i + 2;
        // "--- {key: value}" carries content on the separator line.
        if (l.startsWith("---") && l.length() > 3 && !l.substring(3).isBlank()) {
          current.append(l.substring(3).strip()).append('\n');
          start = i + 1;
        }
        continue;
      }
      current.append(l).append('\n');
    }
    add(docs, current, start);
    return docs;
  }

  private static void add(List<Document> docs, StringBuilder text, int start) {
    boolean content =
        text.toString()
            .lines()
            .map(String::strip)
            .anyMatch(l -> !l.isEmpty() && !l.startsWith("#"));
    if (content) {
      docs.add(new Document(docs.size() + 1, start, text.toString()));
    }
  }
}
