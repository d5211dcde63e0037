package dev.flotilla.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Timestamp;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimestampsTest {
  @Test
  void keepsSecondsAndNanos() {
    Timestamp t = Timestamps.of(Instant.parse("2026-11-22T02:30:00.123456789Z"));
    assertEquals(Instant.parse("2026-11-22T02:30:00Z").getEpochSecond(), t.getSeconds());
    assertEquals(123_456_789, t.getNanos());
  }
}
