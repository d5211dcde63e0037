package dev.flotilla.cli.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AgesTest {
  @ParameterizedTest
  @CsvSource({
    "0, 0s",
    "59, 59s",
    "119, 119s",
    "120, 2m",
    "150, 2m30s",
    "600, 10m",
    "10799, 179m",
    "10800, 3h",
    "12000, 3h20m",
    "86400, 24h",
    "172800, 2d",
    "187200, 2d4h",
    "864000, 10d",
    "94608000, 3y"
  })
  void durationsPrintInKubectlsUnits(long seconds, String expected) {
    assertEquals(expected, Ages.format(Duration.ofSeconds(seconds)));
  }

  @Test
  void aTimeInTheFutureFromClockSkewIsZero() {
    assertEquals("0s", Ages.format(Duration.ofSeconds(-30)));
  }

  @Test
  void sinceReadsIsoInstantsAndPrintsADashForNoneOrGarbage() {
    Instant now = Instant.parse("2026-11-22T12:00:00Z");
    assertEquals("5m", Ages.since("2026-11-22T11:55:00Z", now));
    assertEquals("-", Ages.since(null, now));
    assertEquals("-", Ages.since("", now));
    assertEquals("-", Ages.since("yesterday", now));
  }
}
