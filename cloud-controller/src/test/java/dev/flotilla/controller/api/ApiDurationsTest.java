package dev.flotilla.controller.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApiDurationsTest {
  @Test
  void aWholeNumberOfSecondsMinutesHoursOrDays() {
    assertEquals(Optional.of(Duration.ofSeconds(30)), ApiDurations.parse("30s"));
    assertEquals(Optional.of(Duration.ofMinutes(5)), ApiDurations.parse("5m"));
    assertEquals(Optional.of(Duration.ofHours(24)), ApiDurations.parse("24h"));
    assertEquals(Optional.of(Duration.ofDays(7)), ApiDurations.parse("7d"));
  }

  @Test
  void anythingElseIsNone() {
    for (String text : new String[] {"", "30", "s", "1.5h", "500ms", "-1s", "1w", "1234567890s"}) {
      assertEquals(Optional.empty(), ApiDurations.parse(text), text);
    }
  }
}
