package dev.flotilla.simulator.report;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * A {@link RunReport} as JSON, and back: the machine-readable record of a run, with every figure.
 *
 * <p>The document is one object: {@code summary} first (the {@link Summary}, derived, for people
 * and scripts that want the key figures), then the report's fields in the order the record declares
 * them, nested records likewise. Nulls are written as {@code null}; the instant is an ISO-8601
 * string ({@code 2026-11-22T10:15:30Z}); numbers are plain JSON numbers. Two spaces of indentation
 * and {@code \n} line ends on every platform, so that equal reports give equal text.
 *
 * <p>Pure and thread-safe.
 */
public final class JsonReport {

  /** The key {@link #toJson} writes the derived {@link Summary} under. */
  public static final String SUMMARY = "summary";

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(
              new SimpleModule("flotilla-report-instant")
                  .addSerializer(Instant.class, ToStringSerializer.instance)
                  .addDeserializer(Instant.class, new IsoInstantDeserializer()))
          .disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          // toJson writes every field, nulls included: a missing one is an error, not a 0 or null.
          .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .defaultPrettyPrinter(prettyPrinter())
          .build();

  private JsonReport() {}

  /** The report as pretty-printed JSON, with a derived {@code summary} object first. */
  public static String toJson(RunReport report) {
    ObjectNode root = MAPPER.createObjectNode();
    root.set(SUMMARY, MAPPER.valueToTree(Summary.of(report)));
    root.setAll((ObjectNode) MAPPER.valueToTree(report));
    try {
      return MAPPER.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      // A tree of plain nodes always serialises; reaching here is a bug in this class.
      throw new IllegalStateException("could not write the run report as JSON", e);
    }
  }

  /**
   * The report {@code json} describes, as {@link #toJson} wrote it. The {@code summary} object is
   * derived and ignored. Every field of the model must be there, {@code null} where the model
   * allows it; a missing field and one the model does not have are refused, so that a figure is
   * never read as a silent 0.
   *
   * @throws IllegalArgumentException when {@code json} is not a run report, naming what is wrong
   */
  public static RunReport fromJson(String json) {
    try {
      JsonNode root = MAPPER.readTree(json);
      if (!(root instanceof ObjectNode object)) {
        throw new IllegalArgumentException(
            "a run report is a JSON object, got "
                + (root == null ? "nothing" : root.getNodeType()));
      }
      ObjectNode fields = object.deepCopy();
      fields.remove(SUMMARY);
      return MAPPER.treeToValue(fields, RunReport.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a run report: " + e.getMessage(), e);
    }
  }

  private static DefaultPrettyPrinter prettyPrinter() {
    DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
    DefaultPrettyPrinter printer =
        new DefaultPrettyPrinter()
            .withSeparators(
                Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withArrayEmptySeparator("")
                    .withObjectEmptySeparator(""));
    printer.indentObjectsWith(indenter);
    printer.indentArraysWith(indenter);
    return printer;
  }

  /** An ISO-8601 instant, as {@link Instant#toString()} writes it. */
  private static final class IsoInstantDeserializer extends StdScalarDeserializer<Instant> {
    private static final long serialVersionUID = 1L;

    IsoInstantDeserializer() {
      super(Instant.class);
    }

    @Override
    public Instant deserialize(JsonParser parser, DeserializationContext context)
        throws IOException {
      String text = parser.getValueAsString();
      if (text == null) {
        return (Instant) context.handleUnexpectedToken(Instant.class, parser);
      }
      try {
        return Instant.parse(text);
      } catch (DateTimeParseException e) {
        return (Instant)
            context.handleWeirdStringValue(
                Instant.class, text, "expected an ISO-8601 instant such as 2026-11-22T10:15:30Z");
      }
    }
  }
}
