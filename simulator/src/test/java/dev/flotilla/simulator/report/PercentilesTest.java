package dev.flotilla.simulator.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PercentilesTest {

  private static final double[] ONE_TO_HUNDRED =
      IntStream.rangeClosed(1, 100).asDoubleStream().toArray();

  @Test
  void noValuesHaveNoPercentile() {
    assertNull(Percentiles.p(new double[0], 0.5));
    assertNull(Percentiles.p(List.of(), 0.99));
  }

  @ParameterizedTest
  @ValueSource(doubles = {0, 0.01, 0.5, 0.95, 0.99, 1})
  void oneValueIsEveryPercentile(double q) {
    assertEquals(4.2, Percentiles.p(new double[] {4.2}, q));
  }

  @ParameterizedTest
  @CsvSource({
    "0, 1",
    "0.01, 1",
    "0.07, 7", // 0.07 * 100 is 7.000000000000001 in doubles: still rank 7
    "0.5, 50",
    "0.505, 51",
    "0.95, 95",
    "0.99, 99",
    "0.999, 100",
    "1, 100"
  })
  void theQuantileOfAHundredValuesIsTheValueOfRankCeilQTimesN(double q, double expected) {
    assertEquals(expected, Percentiles.p(ONE_TO_HUNDRED, q));
  }

  @Test
  void theNinetyNinthPercentileOfAHundredShuffledValuesIsTheNinetyNinthSmallest() {
    List<Double> shuffled = new ArrayList<>();
    for (int i = 1; i <= 100; i++) {
      shuffled.add(i * 10.0);
    }
    Collections.shuffle(shuffled, new Random(7));

    assertEquals(990.0, Percentiles.p(shuffled, 0.99));
    assertEquals(1000.0, Percentiles.p(shuffled, 1));
  }

  @Test
  void tiesGiveTheTiedValue() {
    double[] values = {5, 1, 5, 5, 5, 5, 5, 5, 5, 9};

    assertEquals(1, Percentiles.p(values, 0.1));
    assertEquals(5, Percentiles.p(values, 0.5));
    assertEquals(5, Percentiles.p(values, 0.9));
    assertEquals(9, Percentiles.p(values, 0.91));
  }

  @Test
  void twoValuesSplitAtTheMiddle() {
    double[] values = {3, 1};

    assertEquals(1, Percentiles.p(values, 0.5));
    assertEquals(3, Percentiles.p(values, 0.51));
  }

  @Test
  void theInputIsLeftAsItWas() {
    double[] values = {3, 1, 2};

    Percentiles.p(values, 0.5);
    Stats.of(values);

    assertArrayEquals(new double[] {3, 1, 2}, values);
  }

  @ParameterizedTest
  @ValueSource(doubles = {-0.01, 1.01, Double.NaN})
  void aQuantileOutsideZeroToOneIsRefused(double q) {
    var e = assertThrows(IllegalArgumentException.class, () -> Percentiles.p(ONE_TO_HUNDRED, q));
    assertEquals("q must be between 0 and 1, got " + q, e.getMessage());
  }

  @Test
  void aNaNValueIsRefusedAndANullOneNamed() {
    assertThrows(
        IllegalArgumentException.class, () -> Percentiles.p(new double[] {1, Double.NaN}, 0.5));
    var e =
        assertThrows(
            NullPointerException.class, () -> Percentiles.p(Arrays.asList(1.0, null), 0.5));
    assertEquals("values[1] is null", e.getMessage());
  }

  @Test
  void statsOfNothingAreAllNull() {
    assertSame(Stats.EMPTY, Stats.of(new double[0]));
    assertSame(Stats.EMPTY, Stats.of(List.of()));
    assertEquals(new Stats(0, null, null, null, null), Stats.of(List.of()));
  }

  @Test
  void statsOfOneValueAreThatValue() {
    assertEquals(new Stats(1, 2.5, 2.5, 2.5, 2.5), Stats.of(List.of(2.5)));
  }

  @Test
  void statsOfAHundredValuesAreTheirNearestRankPercentiles() {
    assertEquals(new Stats(100, 50.0, 95.0, 99.0, 100.0), Stats.of(ONE_TO_HUNDRED));
  }

  @Test
  void statsOfAThousandValuesAreTheirNearestRankPercentiles() {
    List<Double> values = new ArrayList<>();
    for (int i = 1000; i >= 1; i--) {
      values.add(i / 10.0);
    }

    assertEquals(new Stats(1000, 50.0, 95.0, 99.0, 100.0), Stats.of(values));
  }

  @Test
  void statsWithSomeFiguresMissingAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Stats(1, 1.0, null, 1.0, 1.0));
    assertThrows(IllegalArgumentException.class, () -> new Stats(0, 1.0, 1.0, 1.0, 1.0));
    assertThrows(IllegalArgumentException.class, () -> new Stats(-1, null, null, null, null));
  }
}
