package dev.flotilla.cli.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelArgsTest {
  @Test
  void keyValueSetsAndKeyDashRemovesInTheOrderGiven() {
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("site", "north");
    expected.put("gpu", null);
    expected.put("flotilla.dev/zone", "");
    assertEquals(expected, LabelArgs.parse(List.of("site=north", "gpu-", "flotilla.dev/zone=")));
  }

  @Test
  void aValueMayHoldEqualsSigns() {
    assertEquals(Map.of("note", "a=b"), LabelArgs.parse(List.of("note=a=b")));
  }

  @Test
  void anArgumentOfNeitherFormIsRefusedByName() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> LabelArgs.parse(List.of("site")));
    assertTrue(e.getMessage().contains("'site'"), e.getMessage());
  }

  @Test
  void aKeyChangedTwiceNoChangeAndABadKeyAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> LabelArgs.parse(List.of("a=1", "a-")));
    assertThrows(IllegalArgumentException.class, () -> LabelArgs.parse(List.of()));
    assertThrows(IllegalArgumentException.class, () -> LabelArgs.parse(List.of("-")));
    assertThrows(IllegalArgumentException.class, () -> LabelArgs.parse(List.of("=v")));
  }
}
