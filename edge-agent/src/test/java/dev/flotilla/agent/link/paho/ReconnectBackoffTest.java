package dev.flotilla.agent.link.paho;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReconnectBackoffTest {
  private static final Duration MIN = Duration.ofMillis(500);
  private static final Duration MAX = Duration.ofSeconds(60);

  @Test
  void waitsBetweenMinAndTwiceMinAfterTheFirstFailure() {
    Random random = new Random(42);
    for (int i = 0; i < 1_000; i++) {
      long ms = ReconnectBackoff.delay(0, MIN, MAX, random).toMillis();
      assertTrue(ms >= 500 && ms <= 1_000, "delay " + ms);
    }
  }

  @ParameterizedTest
  @ValueSource(
      ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 20, 52, 53, 54, 61, 62, 63, 64, 1_000, Integer.MAX_VALUE})
  void staysWithinHalfTheCeilingAndTheCeilingCappedAtMax(int failures) {
    Random random = new Random(7);
    long ceiling =
        failures >= 20 ? MAX.toMillis() : Math.min(MAX.toMillis(), 500L << (failures + 1));
    long floor = Math.max(MIN.toMillis(), ceiling / 2);
    for (int i = 0; i < 200; i++) {
      long ms = ReconnectBackoff.delay(failures, MIN, MAX, random).toMillis();
      assertTrue(ms >= floor && ms <= ceiling, "failures " + failures + " delay " + ms);
    }
  }

  @Test
  void roughlyDoublesUntilItReachesMax() {
    Random random = new Random(1);
    List<Long> lowest = new ArrayList<>();
    for (int failures = 0; failures < 10; failures++) {
      long low = Long.MAX_VALUE;
      for (int i = 0; i < 200; i++) {
        low = Math.min(low, ReconnectBackoff.delay(failures, MIN, MAX, random).toMillis());
      }
      lowest.add(low);
    }
    // Floors: 500, 1000, 2000, 4000, 8000, 16000, 30000 (half of the 60 s cap) from then on.
    assertTrue(
        lowest.get(1) >= 1_000 && lowest.get(2) >= 2_000 && lowest.get(5) >= 16_000, "" + lowest);
    for (int failures = 6; failures < 10; failures++) {
      assertTrue(lowest.get(failures) >= 30_000, "" + lowest);
    }
  }

  @Test
  void isReproducibleWithTheSameSeed() {
    List<Duration> first = new ArrayList<>();
    List<Duration> second = new ArrayList<>();
    Random a = new Random(123);
    Random b = new Random(123);
    for (int failures = 0; failures < 12; failures++) {
      first.add(ReconnectBackoff.delay(failures, MIN, MAX, a));
      second.add(ReconnectBackoff.delay(failures, MIN, MAX, b));
    }
    assertEquals(first, second);
  }

  @Test
  void spreadsAFleetOverTheInterval() {
    // 1000 nodes losing the broker at the same moment do not all come back in the same millisecond.
    Random random = new Random(99);
    Set<Long> distinct = new HashSet<>();
    for (int node = 0; node < 1_000; node++) {
      distinct.add(ReconnectBackoff.delay(3, MIN, MAX, random).toMillis());
    }
    assertTrue(distinct.size() > 500, "only " + distinct.size() + " distinct delays");
  }

  @Test
  void isConstantWhenMinEqualsMax() {
    Random random = new Random(5);
    for (int failures = 0; failures < 10; failures++) {
      assertEquals(MIN, ReconnectBackoff.delay(failures, MIN, MIN, random));
    }
  }

  @Test
  void refusesNonsense() {
    Random random = new Random(0);
    assertThrows(
        IllegalArgumentException.class, () -> ReconnectBackoff.delay(-1, MIN, MAX, random));
    assertThrows(
        IllegalArgumentException.class,
        () -> ReconnectBackoff.delay(0, Duration.ZERO, MAX, random));
    assertThrows(IllegalArgumentException.class, () -> ReconnectBackoff.delay(0, MAX, MIN, random));
  }
}
