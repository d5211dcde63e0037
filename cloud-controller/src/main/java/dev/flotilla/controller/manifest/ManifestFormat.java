package dev.flotilla.controller.manifest;

import dev.flotilla.controller.model.InvalidInputException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** The notations a manifest may be written in. */
public enum ManifestFormat {
  YAML,
  JSON;

  /**
   * The format an HTTP body declares: {@code application/json} is JSON; {@code application/yaml},
   * {@code application/x-yaml} and {@code text/yaml} are YAML. Parameters such as {@code
   * charset=utf-8} and letter case are ignored.
   *
   * @param contentType the header's value; null when the request had none
   * @throws InvalidInputException with field {@code Content-Type} for a missing or other type
   */
  public static ManifestFormat fromContentType(@Nullable String contentType) {
    String mediaType =
        contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return switch (mediaType) {
      case "application/json" -> JSON;
      case "application/yaml", "application/x-yaml", "text/yaml" -> YAML;
      default ->
          throw new InvalidInputException(
              "Content-Type",
              "must be application/json or application/yaml (also application/x-yaml or"
                  + " text/yaml), was "
                  + (contentType == null ? "missing" : "'" + Values.shorten(contentType) + "'"));
    };
  }
}
