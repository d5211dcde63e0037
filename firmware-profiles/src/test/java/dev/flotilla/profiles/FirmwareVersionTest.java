package dev.flotilla.profiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FirmwareVersionTest {
  private static FirmwareVersion v(String text) {
    return FirmwareVersion.parse(text).orElseThrow();
  }

  @ParameterizedTest(name = "{0} vs {1}: {2}")
  @CsvSource({
    "12, 12.0, 0",
    "6.0, 6, 0",
    "6.0.1, 6, 1",
    "12.8, 12.10, -1",
    "2024.09.1, 2024.9.1, 0",
    "36.3, 36.2.1, 1",
    "1.5.1, 1.5.1.0, 0",
    "0.9, 1, -1",
    "999999999, 1.999999999, 1"
  })
  void comparesNumberByNumberWithMissingPartsAsZero(String a, String b, int sign) {
    assertEquals(sign, Integer.signum(v(a).compareTo(v(b))));
    assertEquals(-sign, Integer.signum(v(b).compareTo(v(a))));
    assertEquals(sign == 0, v(a).equals(v(b)));
  }

  @Test
  void equalVersionsHaveEqualHashCodes() {
    assertEquals(v("6").hashCode(), v("6.0.0").hashCode());
    assertEquals(v("2024.09.1").hashCode(), v("2024.9.1").hashCode());
    assertNotEquals(v("6"), v("6.0.1"));
  }

  @Test
  void printsItsPartsAsNumbers() {
    assertEquals("6.0", v("6.0").toString());
    assertEquals("2024.9.1", v("2024.09.1").toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "v12", "12.", ".12", "1.2.3.4.5", "12.8-rc1", "1 2", "1234567890"})
  void refusesTextThatBreaksTheRule(String text) {
    assertEquals(Optional.empty(), FirmwareVersion.parse(text));
  }

  @Test
  void refusesAWrongNumberOfParts() {
    assertThrows(IllegalArgumentException.class, () -> new FirmwareVersion(new int[0]));
    assertThrows(IllegalArgumentException.class, () -> new FirmwareVersion(new int[5]));
  }

  @Test
  void sortsAsVersionsNotAsText() {
    List<FirmwareVersion> sorted =
        List.of(v("12.10"), v("9"), v("12.8"), v("12.8.1")).stream().sorted().toList();

    assertEquals(List.of(v("9"), v("12.8"), v("12.8.1"), v("12.10")), sorted);
    assertTrue(v("12.10").compareTo(v("12.9")) > 0);
  }
}
