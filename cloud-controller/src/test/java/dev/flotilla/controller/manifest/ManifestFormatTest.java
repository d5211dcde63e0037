package dev.flotilla.controller.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flotilla.controller.model.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ManifestFormatTest {
  @ParameterizedTest
  @CsvSource({
    "application/json, JSON",
    "application/json; charset=utf-8, JSON",
    "Application/JSON, JSON",
    "application/yaml, YAML",
    "application/x-yaml, YAML",
    "text/yaml; charset=UTF-8, YAML",
    "' text/yaml ', YAML"
  })
  void knowsTheJsonAndYamlMediaTypes(String contentType, ManifestFormat expected) {
    assertEquals(expected, ManifestFormat.fromContentType(contentType));
  }

  @ParameterizedTest
  @ValueSource(strings = {"text/plain", "application/xml", "", "application/jsonx", "yaml"})
  void refusesOtherMediaTypesNamingTheHeader(String contentType) {
    InvalidInputException e =
        assertThrows(
            InvalidInputException.class, () -> ManifestFormat.fromContentType(contentType));
    assertEquals("Content-Type", e.field());
    assertEquals(
        "must be application/json or application/yaml (also application/x-yaml or text/yaml), was '"
            + contentType
            + "'",
        e.rule());
  }

  @Test
  void refusesAMissingContentType() {
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> ManifestFormat.fromContentType(null));
    assertEquals("Content-Type", e.field());
    assertEquals(
        "must be application/json or application/yaml (also application/x-yaml or text/yaml), was"
            + " missing",
        e.rule());
  }
}
