package dev.flotilla.controller.fleet;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.controller.model.InvalidInputException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LabelRulesTest {
  private static final String NAME_63 = "a".repeat(63);
  private static final String PREFIX_253 = ("a".repeat(62) + ".").repeat(4) + "a";

  @ParameterizedTest
  @ValueSource(
      strings = {
        "site",
        "Site",
        "a",
        "9",
        "gpu.vendor",
        "under_score",
        "dash-ed",
        "flotilla.dev/zone",
        "a.b-c.example/x",
        "a/" + "b"
      })
  void acceptsKubernetesLabelKeys(String key) {
    assertDoesNotThrow(() -> LabelRules.validateKey("k", key));
  }

  @Test
  void acceptsTheLongestNameAndPrefix() {
    assertEquals(253, PREFIX_253.length());
    assertDoesNotThrow(() -> LabelRules.validateKey("k", PREFIX_253 + "/" + NAME_63));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "-site",
        "site-",
        ".site",
        "si te",
        "site!",
        "/site",
        "site/",
        "Example.com/site",
        "a_b.com/site",
        "a/b/c",
        "-a.com/site",
        "ünïcode"
      })
  void refusesKeysOutsideTheSyntaxNamingTheField(String key) {
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> LabelRules.validateKey("labels.x", key));
    assertEquals("labels.x", e.field());
    assertTrue(e.rule().startsWith("key '" + key + "'"), e.rule());
  }

  @Test
  void refusesANameOf64AndAPrefixOf254() {
    assertThrows(InvalidInputException.class, () -> LabelRules.validateKey("k", NAME_63 + "a"));
    InvalidInputException e =
        assertThrows(
            InvalidInputException.class,
            () -> LabelRules.validateKey("k", "a" + PREFIX_253 + "/site"));
    assertTrue(e.rule().contains("invalid prefix"), e.rule());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "north", "North-1", "v1.4.2", "a_b", "0"})
  void acceptsEmptyAndNameShapedValues(String value) {
    assertDoesNotThrow(() -> LabelRules.validateValue("v", value));
  }

  @ParameterizedTest
  @ValueSource(strings = {"-north", "north-", "a b", "a/b", "a=b", " "})
  void refusesOtherValues(String value) {
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> LabelRules.validateValue("v", value));
    assertEquals("v", e.field());
    assertTrue(e.rule().startsWith("value '" + value + "' is invalid"), e.rule());
  }

  @Test
  void refusesAValueOf64Characters() {
    assertDoesNotThrow(() -> LabelRules.validateValue("v", NAME_63));
    assertThrows(InvalidInputException.class, () -> LabelRules.validateValue("v", NAME_63 + "b"));
  }

  @Test
  void aLabelSetNamesTheEntryAtFault() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("site", "north");
    labels.put("Bad Key", "x");
    InvalidInputException e =
        assertThrows(
            InvalidInputException.class, () -> LabelRules.validate("metadata.labels", labels));
    assertEquals("metadata.labels[\"Bad Key\"]", e.field());

    InvalidInputException value =
        assertThrows(
            InvalidInputException.class,
            () -> LabelRules.validate("labels", Map.of("site", "north pole")));
    assertEquals("labels[\"site\"]", value.field());
  }

  @Test
  void aLabelSetHoldsAtMost64Labels() {
    Map<String, String> labels = new LinkedHashMap<>();
    for (int i = 0; i < LabelRules.MAX_LABELS; i++) {
      labels.put("k" + i, "v");
    }
    assertDoesNotThrow(() -> LabelRules.validate("labels", labels));
    labels.put("one-more", "v");
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> LabelRules.validate("labels", labels));
    assertEquals("labels", e.field());
    assertEquals("holds 65 labels; at most 64 are allowed", e.rule());
  }

  @Test
  void entryFieldsEscapeQuotes() {
    assertEquals("env[\"a\\\"b\"]", LabelRules.entryField("env", "a\"b"));
  }
}
