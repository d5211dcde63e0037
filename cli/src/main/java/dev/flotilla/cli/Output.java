package dev.flotilla.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** The {@code -o} formats and how API objects print in them. */
enum Output {
  TABLE,
  WIDE,
  YAML,
  JSON;

  private static final ObjectMapper JSON_MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final YAMLMapper YAML_MAPPER =
      YAMLMapper.builder()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
          .build();

  /** Completion candidates for {@code -o}. */
  static final class Names extends java.util.ArrayList<String> {
    private static final long serialVersionUID = 1L;

    Names() {
      super(List.of("table", "wide", "yaml", "json"));
    }
  }

  /** The format named, or a usage error listing the allowed ones. */
  static Output of(String name, List<Output> allowed, CommandSpec spec) {
    for (Output o : allowed) {
      if (o.name().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
        return o;
      }
    }
    throw new ParameterException(
        spec.commandLine(),
        "-o must be one of "
            + String.join(
                ", ", allowed.stream().map(o -> o.name().toLowerCase(Locale.ROOT)).toList())
            + ", was '"
            + name
            + "'");
  }

  /** The API object as JSON (indented) or YAML, ending in a newline. */
  static String print(JsonNode node, Output format) {
    try {
      return switch (format) {
        case YAML -> YAML_MAPPER.writeValueAsString(node);
        default -> JSON_MAPPER.writeValueAsString(node) + "\n";
      };
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ObjectMapper json() {
    return JSON_MAPPER;
  }
}
