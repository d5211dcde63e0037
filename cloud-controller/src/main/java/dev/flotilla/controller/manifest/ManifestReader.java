package dev.flotilla.controller.manifest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.flotilla.controller.model.InvalidInputException;
import dev.flotilla.profiles.PlainYaml;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads {@code kind: Deployment} manifests, as {@code flotilla apply -f} sends them, into {@link
 * DeploymentManifest}s. Pure and thread-safe (a fresh YAML parser per call; the JSON mapper is
 * immutable).
 *
 * <p>Both notations are parsed into plain maps, lists and scalars and then checked by one
 * validator, so they accept and refuse the same things. Every refusal is an {@link
 * InvalidInputException} whose field is the exact path of the fault ({@code
 * spec.template.ports[1].containerPort}) and whose rule says what is expected; text that is not
 * YAML or JSON at all is refused with an empty field and the line and column of the fault. Unknown
 * fields are refused at every level, so a misspelt option is never silently dropped.
 *
 * <p>Hostile input is bounded: at most {@link #MAX_CHARS} characters, {@link #MAX_DEPTH} levels of
 * nesting, duplicate keys refused, YAML aliases to collections limited (a "billion laughs" document
 * fails at once instead of expanding), and YAML tags limited to the plain types (no objects, sets,
 * binary or timestamps).
 */
public final class ManifestReader {
  /** The largest manifest text accepted: 1 MiB of characters, a hundred times a real one. */
  public static final int MAX_CHARS = 1 << 20;

  /** The deepest nesting accepted; a manifest needs 6. */
  public static final int MAX_DEPTH = 32;

  /** Anchors are handy for sharing an env block, but a few dozen are plenty. */
  static final int MAX_YAML_ALIASES = 50;

  private static final ObjectMapper JSON =
      JsonMapper.builder(
              JsonFactory.builder()
                  .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNestingDepth(MAX_DEPTH)
                          .maxStringLength(MAX_CHARS)
                          .maxNumberLength(100)
                          .build())
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
          .build();

  private ManifestReader() {}

  /**
   * Reads a text holding exactly one manifest (a YAML stream may hold empty documents besides).
   *
   * @throws InvalidInputException at the first fault; with an empty field when the text is empty,
   *     malformed or holds several manifests
   */
  public static DeploymentManifest read(String text, ManifestFormat format) {
    List<@Nullable Object> documents = parse(text, format);
    if (documents.size() != 1) {
      throw new InvalidInputException(
          "",
          "holds "
              + documents.size()
              + " manifests where one is expected; send them one at a time");
    }
    return ManifestDecoder.decode("", documents.getFirst());
  }

  /**
   * Reads every manifest of a text: the documents of a YAML stream (separated by {@code ---}; empty
   * ones are skipped), or for JSON one object or an array of them. With more than one manifest the
   * fields in refusals start with {@code documents[i]}, counted from 0 among the non-empty
   * documents; with one they are as {@link #read} gives them.
   *
   * @return the manifests in input order, at least one
   * @throws InvalidInputException at the first fault, including two manifests with one name
   */
  public static List<DeploymentManifest> readAll(String text, ManifestFormat format) {
    List<@Nullable Object> documents = parse(text, format);
    List<DeploymentManifest> out = new ArrayList<>(documents.size());
    Map<String, String> names = new HashMap<>();
    for (int i = 0; i < documents.size(); i++) {
      String path = documents.size() == 1 ? "" : "documents[" + i + "]";
      DeploymentManifest manifest = ManifestDecoder.decode(path, documents.get(i));
      String earlier = names.putIfAbsent(manifest.name(), path);
      if (earlier != null) {
        throw new InvalidInputException(
            Values.child(Values.child(path, "metadata"), "name"),
            "'" + manifest.name() + "' is already used by " + earlier);
      }
      out.add(manifest);
    }
    return out;
  }

  /** The non-empty documents of {@code text}, as plain maps, lists and scalars. */
  private static List<@Nullable Object> parse(String text, ManifestFormat format) {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(format, "format");
    if (text.length() > MAX_CHARS) {
      throw new InvalidInputException(
          "", "is " + text.length() + " characters long; at most " + MAX_CHARS + " are accepted");
    }
    List<@Nullable Object> documents =
        switch (format) {
          case YAML -> parseYaml(text);
          case JSON -> parseJson(text);
        };
    if (documents.isEmpty()) {
      throw new InvalidInputException(
          "", "is empty; expected a manifest with apiVersion " + ManifestDecoder.API_VERSION);
    }
    return documents;
  }

  private static List<@Nullable Object> parseYaml(String text) {
    List<@Nullable Object> documents = new ArrayList<>();
    try {
      for (Object document :
          PlainYaml.parser(MAX_CHARS, MAX_DEPTH, MAX_YAML_ALIASES).loadAll(text)) {
        // `---` with nothing after it, or a document of comments only: skipped, as kubectl does.
        if (document != null) {
          documents.add(document);
        }
      }
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String where =
          mark == null
              ? ""
              : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
      String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
      String context = e.getContext() != null ? " (" + e.getContext() + ")" : "";
      throw new InvalidInputException("", "is not valid YAML" + where + ": " + problem + context);
    } catch (YAMLException e) {
      // Limits (aliases, size, depth) fail without a mark.
      throw new InvalidInputException("", "is not acceptable YAML: " + e.getMessage());
    }
    return documents;
  }

  private static List<@Nullable Object> parseJson(String text) {
    if (text.isBlank()) {
      return List.of();
    }
    Object value;
    try {
      value = JSON.readValue(text, Object.class);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where =
          at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new InvalidInputException(
          "", "is not valid JSON" + where + ": " + e.getOriginalMessage());
    }
    if (value instanceof List<?> list) {
      return new ArrayList<>(list);
    }
    List<@Nullable Object> one = new ArrayList<>();
    one.add(value);
    return one;
  }
}
