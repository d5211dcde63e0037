package dev.flotilla.simulator.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
  @ParameterizedTest
  @CsvSource({
    "500ms, PT0.5S",
    "0s, PT0S",
    "30s, PT30S",
    "5m, PT5M",
    "1h, PT1H",
    "90s, PT1M30S",
    "1500ms, PT1.5S",
    "999999999h, PT999999999H"
  })
  void readsAWholeNumberWithAUnit(String text, String iso) {
    assertEquals(Duration.parse(iso), Durations.parse(text));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "60",
        "",
        "s",
        "1.5s",
        "-5s",
        "+5s",
        " 5s",
        "5s ",
        "5 s",
        "5S",
        "5sec",
        "1d",
        "1m30s",
        "PT5S",
        "1000000000s"
      })
  void refusesAnythingElseQuotingItAndGivingTheAcceptedForms(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
    assertEquals("\"" + text + "\" is not a duration; use e.g. 500ms, 30s, 5m, 1h", e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({
    "PT0S, 0s",
    "PT0.5S, 500ms",
    "PT30S, 30s",
    "PT1M, 60s",
    "PT1M30S, 90s",
    "PT5M, 5m",
    "PT1H, 1h",
    "PT90M, 90m",
    "PT2H, 2h",
    "PT1.5S, 1500ms"
  })
  void formatsInTheLargestExactUnitSoTheTextReadsBack(String iso, String text) {
    Duration d = Duration.parse(iso);
    assertEquals(text, Durations.format(d));
    assertEquals(d, Durations.parse(Durations.format(d)));
  }

  @org.junit.jupiter.api.Test
  void aNegativeDurationHasNoNotation() {
    assertThrows(IllegalArgumentException.class, () -> Durations.format(Duration.ofSeconds(-1)));
  }
}
