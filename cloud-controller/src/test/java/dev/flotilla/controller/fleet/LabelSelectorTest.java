package dev.flotilla.controller.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.controller.fleet.LabelSelector.Operator;
import dev.flotilla.controller.fleet.LabelSelector.Requirement;
import dev.flotilla.controller.model.InvalidInputException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class LabelSelectorTest {
  private static Requirement req(String key, Operator op, String... values) {
    return new Requirement(key, op, List.of(values));
  }

  static Stream<Arguments> everyOperator() {
    return Stream.of(
        Arguments.of("site=north", req("site", Operator.IN, "north")),
        Arguments.of("site==north", req("site", Operator.IN, "north")),
        Arguments.of("site!=north", req("site", Operator.NOT_IN, "north")),
        Arguments.of("district in (d1, d2)", req("district", Operator.IN, "d1", "d2")),
        Arguments.of("district notin (d3)", req("district", Operator.NOT_IN, "d3")),
        Arguments.of("gpu", req("gpu", Operator.EXISTS)),
        Arguments.of("!gpu", req("gpu", Operator.DOES_NOT_EXIST)),
        Arguments.of("flotilla.dev/zone=a", req("flotilla.dev/zone", Operator.IN, "a")),
        Arguments.of("site=", req("site", Operator.IN, "")),
        Arguments.of("in=x", req("in", Operator.IN, "x")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyOperator")
  void parsesEveryOperator(String text, Requirement expected) {
    assertEquals(List.of(expected), LabelSelector.parse(text).requirements());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "site=north,district in (d1,d2),!gpu",
        "  site = north ,  district  in ( d2 , d1 ) , ! gpu  ",
        "!gpu,district in (d1,d2),site==north",
        "\tsite\t==\tnorth\t,district in(d1,d2),!gpu",
        "site in (north),district in (d1,d2),!gpu,!gpu"
      })
  void whitespaceOrderAndSpellingDoNotChangeTheSelector(String text) {
    LabelSelector expected =
        LabelSelector.of(
            Map.of("site", "north"),
            List.of(req("district", Operator.IN, "d1", "d2"), req("gpu", Operator.DOES_NOT_EXIST)));
    LabelSelector parsed = LabelSelector.parse(text);
    assertEquals(expected, parsed);
    assertEquals(expected.hashCode(), parsed.hashCode());
    assertEquals("district in (d1,d2),!gpu,site=north", parsed.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "\t\n"})
  void anEmptySelectorMatchesEverything(String text) {
    LabelSelector s = LabelSelector.parse(text);
    assertEquals(LabelSelector.EVERYTHING, s);
    assertTrue(s.isEverything());
    assertTrue(s.matches(Map.of()));
    assertTrue(s.matches(Map.of("site", "north")));
    assertEquals("", s.toString());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "site=north",
        "site!=north",
        "site=",
        "site!=",
        "a in (x,y,z),b notin (p,q),c,!d",
        "k in (,a)",
        "k notin (a,)",
        "example.com/k=v,example.com/k!=w",
        "a=1,a=2",
        "z,y,x,!w"
      })
  void theCanonicalTextReadsBackToAnEqualSelector(String text) {
    LabelSelector s = LabelSelector.parse(text);
    LabelSelector again = LabelSelector.parse(s.toString());
    assertEquals(s, again);
    assertEquals(s.toString(), again.toString());
  }

  @Test
  void requirementsComeInCanonicalOrder() {
    LabelSelector s = LabelSelector.parse("b=2,a notin (y,x),a,!c,a in (z)");
    assertEquals(
        List.of(
            req("a", Operator.IN, "z"),
            req("a", Operator.NOT_IN, "x", "y"),
            req("a", Operator.EXISTS),
            req("b", Operator.IN, "2"),
            req("c", Operator.DOES_NOT_EXIST)),
        s.requirements());
  }

  @ParameterizedTest(name = "''{0}'' on {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "site=north           | site:north            | true",
        "site=north           | site:south            | false",
        "site=north           | ''                    | false",
        "site!=north          | site:south            | true",
        "site!=north          | site:north            | false",
        "site!=north          | ''                    | true",
        "district in (a,b)    | district:b            | true",
        "district in (a,b)    | district:c            | false",
        "district in (a,b)    | ''                    | false",
        "district notin (a,b) | district:c            | true",
        "district notin (a,b) | district:a            | false",
        "district notin (a,b) | other:a               | true",
        "gpu                  | gpu:                  | true",
        "gpu                  | site:north            | false",
        "!gpu                 | site:north            | true",
        "!gpu                 | gpu:nvidia            | false",
        "site=                | site:                 | true",
        "site=                | site:x                | false",
        "site=north,gpu       | site:north,gpu:x      | true",
        "site=north,gpu       | site:north            | false",
        "''                   | ''                    | true"
      })
  void matchesWithKubernetesSemantics(String selector, String labels, boolean expected) {
    assertEquals(expected, LabelSelector.parse(selector).matches(labelMap(labels)));
  }

  private static Map<String, String> labelMap(String text) {
    if (text.isEmpty()) {
      return Map.of();
    }
    return Stream.of(text.split(","))
        .map(pair -> pair.split(":", 2))
        .collect(java.util.stream.Collectors.toMap(p -> p[0], p -> p[1]));
  }

  static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of(
            "site=north,", "expected a label key at character 12, found the end of the selector"),
        Arguments.of(",site", "expected a label key at character 1, found ','"),
        Arguments.of("site=north,,gpu", "expected a label key at character 12, found ','"),
        Arguments.of(
            "site=north gpu",
            "expected ',' or the end of the selector after 'site=north' at character 12, found"
                + " 'gpu'"),
        Arguments.of(
            "site ~ north",
            "expected '=', '==', '!=', 'in', 'notin', ',' or the end after key 'site' at"
                + " character 6, found '~'"),
        Arguments.of(
            "site within (a)",
            "expected '=', '==', '!=', 'in', 'notin', ',' or the end after key 'site' at"
                + " character 6, found 'within'"),
        Arguments.of("site in a", "expected '(' after 'in' at character 9, found 'a'"),
        Arguments.of(
            "site in (a",
            "expected ',' or ')' in the values of 'in' at character 11, found the end of the"
                + " selector"),
        Arguments.of(
            "site notin (a b)",
            "expected ',' or ')' in the values of 'notin' at character 15, found 'b'"),
        Arguments.of(
            "site in ( )", "expected at least one value after 'in (' at character 11, found ')'"),
        Arguments.of("!", "expected a label key at character 2, found the end of the selector"),
        Arguments.of(
            "!gpu=1",
            "expected ',' or the end of the selector after '!gpu' at character 5, found '='"),
        Arguments.of(
            "site===north",
            "expected ',' or the end of the selector after 'site=' at character 7, found '='"),
        Arguments.of(
            "-site=x",
            "at character 1: key '-site' is invalid: the name must be at most 63 characters of"
                + " A-Z, a-z, 0-9, '-', '_' and '.', beginning and ending with a letter or digit"),
        Arguments.of(
            "site=north-",
            "at character 6: value 'north-' is invalid: it must be empty or at most 63 characters"
                + " of A-Z, a-z, 0-9, '-', '_' and '.', beginning and ending with a letter or"
                + " digit"),
        Arguments.of(
            "a in (x, y/z)",
            "at character 10: value 'y/z' is invalid: it must be empty or at most 63 characters"
                + " of A-Z, a-z, 0-9, '-', '_' and '.', beginning and ending with a letter or"
                + " digit"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void refusesMalformedTextSayingWhatWasExpectedWhere(String text, String rule) {
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> LabelSelector.parse(text));
    assertEquals("labelSelector", e.field());
    assertEquals(rule, e.rule());
  }

  @Test
  void refusesAnOverlongKeyPrefixAtItsPosition() {
    String key = "x".repeat(254) + "/a";
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> LabelSelector.parse("gpu, " + key));
    assertTrue(e.rule().startsWith("at character 6: key '"), e.rule());
    assertTrue(e.rule().contains("invalid prefix"), e.rule());
  }

  @Test
  void manifestSelectorsEqualParsedOnes() {
    LabelSelector fromManifest =
        LabelSelector.of(
            Map.of("site", "north"),
            List.of(
                req("district", Operator.IN, "d2", "d1"),
                req("tier", Operator.NOT_IN, "test"),
                req("gpu", Operator.EXISTS),
                req("legacy", Operator.DOES_NOT_EXIST)));
    assertEquals(
        LabelSelector.parse("site=north,district in (d1,d2),tier!=test,gpu,!legacy"), fromManifest);
    assertEquals(LabelSelector.EVERYTHING, LabelSelector.of(Map.of(), List.of()));
  }

  @Test
  void ofRefusesInvalidMatchLabels() {
    InvalidInputException e =
        assertThrows(
            InvalidInputException.class,
            () -> LabelSelector.of(Map.of("site", "no rth"), List.of()));
    assertEquals("matchLabels[\"site\"]", e.field());
  }

  @Test
  void requirementsCheckTheirValueCountAndSyntax() {
    InvalidInputException noValues =
        assertThrows(InvalidInputException.class, () -> req("site", Operator.IN));
    assertEquals("labelSelector", noValues.field());
    assertEquals("'In' on key 'site' needs at least one value", noValues.rule());
    assertEquals(
        "'NotIn' on key 'site' needs at least one value",
        assertThrows(InvalidInputException.class, () -> req("site", Operator.NOT_IN)).rule());
    assertEquals(
        "'Exists' on key 'gpu' takes no values",
        assertThrows(InvalidInputException.class, () -> req("gpu", Operator.EXISTS, "x")).rule());
    assertEquals(
        "'DoesNotExist' on key 'gpu' takes no values",
        assertThrows(InvalidInputException.class, () -> req("gpu", Operator.DOES_NOT_EXIST, "x"))
            .rule());
    assertThrows(InvalidInputException.class, () -> req("bad key", Operator.EXISTS));
    assertThrows(InvalidInputException.class, () -> req("site", Operator.IN, "bad value"));
  }

  @Test
  void requirementValuesAreSortedNaturallyWhateverTheSetGiven() {
    TreeSet<String> reversed = new TreeSet<>(Comparator.reverseOrder());
    reversed.addAll(List.of("a", "b", "c"));
    Requirement r = new Requirement("k", Operator.IN, reversed);
    assertEquals(List.of("a", "b", "c"), List.copyOf(r.values()));
    assertEquals(req("k", Operator.IN, "c", "a", "b"), r);
    assertThrows(UnsupportedOperationException.class, () -> r.values().add("d"));
  }

  @Test
  void theManifestFormPutsSingleValueInsIntoMatchLabels() {
    LabelSelector s =
        LabelSelector.parse("site=north,site=south,district in (d1,d2),tier!=test,gpu,!legacy");
    assertEquals(
        Map.of(
            "matchLabels",
            Map.of("site", "north"),
            "matchExpressions",
            List.of(
                Map.of("key", "district", "operator", "In", "values", List.of("d1", "d2")),
                Map.of("key", "gpu", "operator", "Exists"),
                Map.of("key", "legacy", "operator", "DoesNotExist"),
                Map.of("key", "site", "operator", "In", "values", List.of("south")),
                Map.of("key", "tier", "operator", "NotIn", "values", List.of("test")))),
        s.toManifest());
    assertEquals(Map.of(), LabelSelector.EVERYTHING.toManifest());
  }

  @Test
  void operatorsHaveTheirManifestSpellings() {
    assertEquals("In, NotIn, Exists, DoesNotExist", Operator.manifestNames());
    for (Operator o : Operator.values()) {
      assertSame(o, Operator.fromManifestName(o.manifestName()).orElseThrow());
    }
    assertTrue(Operator.fromManifestName("in").isEmpty());
  }

  @Test
  void differentSelectorsAreNotEqual() {
    assertNotEquals(LabelSelector.parse("site=a"), LabelSelector.parse("site=b"));
    assertNotEquals(LabelSelector.parse("site=a"), LabelSelector.parse("site!=a"));
    assertNotEquals(LabelSelector.parse("site in (a,b)"), LabelSelector.parse("site in (a)"));
    assertFalse(LabelSelector.parse("site").isEverything());
  }
}
