package dev.flotilla.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.protocol.MaintenanceWindows.Window;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MaintenanceWindowsTest {
  private static final ZoneId UTC = ZoneOffset.UTC;
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");

  /** 2026-11-22 is a Sunday; 2026-11-28 a Saturday. */
  private static Instant at(String iso) {
    return Instant.parse(iso);
  }

  private static MaintenanceWindows windows(Window... windows) {
    return new MaintenanceWindows(List.of(windows));
  }

  private static Window window(String start, String end, ZoneId zone, DayOfWeek... days) {
    return new Window(
        LocalTime.parse(start), LocalTime.parse(end), Optional.ofNullable(zone), Set.of(days));
  }

  private static final MaintenanceWindows DAILY_2_TO_4_UTC = windows(window("02:00", "04:00", UTC));
  private static final MaintenanceWindows SATURDAY_NIGHT_UTC =
      windows(window("22:00", "02:00", UTC, DayOfWeek.SATURDAY));
  private static final MaintenanceWindows MONDAY_WEDNESDAY_MORNING =
      windows(window("09:00", "10:00", UTC, DayOfWeek.MONDAY, DayOfWeek.WEDNESDAY));
  private static final MaintenanceWindows NODE_ZONE_2_TO_4 =
      windows(window("02:00", "04:00", null));
  private static final MaintenanceWindows BERLIN_2_TO_3 = windows(window("02:00", "03:00", BERLIN));
  private static final MaintenanceWindows BERLIN_0130_TO_0230 =
      windows(window("01:30", "02:30", BERLIN));
  private static final MaintenanceWindows BERLIN_0230_TO_4 =
      windows(window("02:30", "04:00", BERLIN));
  private static final MaintenanceWindows BERLIN_WEEKENDS =
      windows(window("02:00", "04:00", BERLIN, DayOfWeek.SATURDAY, DayOfWeek.SUNDAY));

  static Stream<Arguments> openOrNot() {
    return Stream.of(
        // A plain daily window: half-open, [02:00, 04:00).
        Arguments.of("daily, just before", DAILY_2_TO_4_UTC, UTC, "2026-11-22T01:59:59Z", false),
        Arguments.of("daily, at the start", DAILY_2_TO_4_UTC, UTC, "2026-11-22T02:00:00Z", true),
        Arguments.of("daily, inside", DAILY_2_TO_4_UTC, UTC, "2026-11-22T03:59:59Z", true),
        Arguments.of("daily, at the end", DAILY_2_TO_4_UTC, UTC, "2026-11-22T04:00:00Z", false),
        // Past midnight: opens on Saturday, runs into Sunday.
        Arguments.of("sat night, fri", SATURDAY_NIGHT_UTC, UTC, "2026-11-27T23:00:00Z", false),
        Arguments.of(
            "sat night, sat early", SATURDAY_NIGHT_UTC, UTC, "2026-11-28T00:30:00Z", false),
        Arguments.of("sat night, before", SATURDAY_NIGHT_UTC, UTC, "2026-11-28T21:59:00Z", false),
        Arguments.of("sat night, opens", SATURDAY_NIGHT_UTC, UTC, "2026-11-28T22:00:00Z", true),
        Arguments.of("sat night, sun 01:59", SATURDAY_NIGHT_UTC, UTC, "2026-11-29T01:59:00Z", true),
        Arguments.of(
            "sat night, sun 02:00", SATURDAY_NIGHT_UTC, UTC, "2026-11-29T02:00:00Z", false),
        Arguments.of(
            "sat night, sun 22:30", SATURDAY_NIGHT_UTC, UTC, "2026-11-29T22:30:00Z", false),
        // The days filter.
        Arguments.of("mon", MONDAY_WEDNESDAY_MORNING, UTC, "2026-11-23T09:30:00Z", true),
        Arguments.of("tue", MONDAY_WEDNESDAY_MORNING, UTC, "2026-11-24T09:30:00Z", false),
        Arguments.of("wed", MONDAY_WEDNESDAY_MORNING, UTC, "2026-11-25T09:30:00Z", true),
        // No zone on the window: the node's.
        Arguments.of("node in Tokyo", NODE_ZONE_2_TO_4, TOKYO, "2026-11-22T17:30:00Z", true),
        Arguments.of("node in UTC", NODE_ZONE_2_TO_4, UTC, "2026-11-22T17:30:00Z", false),
        Arguments.of("zone on window", DAILY_2_TO_4_UTC, TOKYO, "2026-11-22T17:30:00Z", false),
        // Spring forward in Berlin, 2026-03-29: 02:00 CET jumps to 03:00 CEST (01:00Z).
        Arguments.of("2-3 the day before", BERLIN_2_TO_3, UTC, "2026-03-28T01:30:00Z", true),
        Arguments.of("2-3 skipped, 01:59", BERLIN_2_TO_3, UTC, "2026-03-29T00:59:00Z", false),
        Arguments.of("2-3 skipped, 03:00", BERLIN_2_TO_3, UTC, "2026-03-29T01:00:00Z", false),
        Arguments.of("1:30-2:30 open", BERLIN_0130_TO_0230, UTC, "2026-03-29T00:45:00Z", true),
        Arguments.of(
            "1:30-2:30 ends at jump", BERLIN_0130_TO_0230, UTC, "2026-03-29T01:00:00Z", false),
        Arguments.of("2:30-4 before jump", BERLIN_0230_TO_4, UTC, "2026-03-29T00:59:00Z", false),
        Arguments.of("2:30-4 opens at jump", BERLIN_0230_TO_4, UTC, "2026-03-29T01:00:00Z", true),
        Arguments.of(
            "2:30-4 ends 04:00 CEST", BERLIN_0230_TO_4, UTC, "2026-03-29T02:00:00Z", false),
        // Fall back, 2026-10-25: 03:00 CEST goes back to 02:00 CET (01:00Z); 02:00-03:00 twice.
        Arguments.of("2-3 first 02:00", BERLIN_2_TO_3, UTC, "2026-10-25T00:00:00Z", true),
        Arguments.of("2-3 second 02:30", BERLIN_2_TO_3, UTC, "2026-10-25T01:30:00Z", true),
        Arguments.of("2-3 03:00 CET", BERLIN_2_TO_3, UTC, "2026-10-25T02:00:00Z", false),
        // Nothing: always open.
        Arguments.of("no windows", MaintenanceWindows.ANY_TIME, UTC, "2026-11-22T12:00:00Z", true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("openOrNot")
  void aWindowIsOpenFromItsStartUntilItsEndInItsZone(
      String name, MaintenanceWindows windows, ZoneId node, String instant, boolean open) {
    assertEquals(open, windows.isOpen(at(instant), node));
  }

  static Stream<Arguments> nextOpenings() {
    return Stream.of(
        Arguments.of(
            "daily, after it",
            DAILY_2_TO_4_UTC,
            UTC,
            "2026-11-22T05:00:00Z",
            "2026-11-23T02:00:00Z"),
        Arguments.of(
            "daily, before it",
            DAILY_2_TO_4_UTC,
            UTC,
            "2026-11-22T01:00:00Z",
            "2026-11-22T02:00:00Z"),
        Arguments.of(
            "daily, at start",
            DAILY_2_TO_4_UTC,
            UTC,
            "2026-11-22T02:00:00Z",
            "2026-11-23T02:00:00Z"),
        Arguments.of(
            "sat night from sun",
            SATURDAY_NIGHT_UTC,
            UTC,
            "2026-11-22T03:00:00Z",
            "2026-11-28T22:00:00Z"),
        Arguments.of(
            "mon/wed from tue",
            MONDAY_WEDNESDAY_MORNING,
            UTC,
            "2026-11-24T12:00:00Z",
            "2026-11-25T09:00:00Z"),
        Arguments.of(
            "berlin weekends, winter",
            BERLIN_WEEKENDS,
            UTC,
            "2026-11-22T03:00:00Z",
            "2026-11-28T01:00:00Z"),
        Arguments.of(
            "berlin weekends, summer",
            BERLIN_WEEKENDS,
            UTC,
            "2026-06-01T12:00:00Z",
            "2026-06-06T00:00:00Z"),
        Arguments.of(
            "skips the spring gap",
            BERLIN_2_TO_3,
            UTC,
            "2026-03-28T03:00:00Z",
            "2026-03-30T00:00:00Z"),
        Arguments.of(
            "opens at the jump",
            BERLIN_0230_TO_4,
            UTC,
            "2026-03-28T12:00:00Z",
            "2026-03-29T01:00:00Z"),
        Arguments.of(
            "node zone", NODE_ZONE_2_TO_4, TOKYO, "2026-11-22T12:00:00Z", "2026-11-22T17:00:00Z"),
        Arguments.of(
            "the earliest of two",
            windows(window("05:00", "06:00", UTC), window("03:00", "04:00", UTC, DayOfWeek.MONDAY)),
            UTC,
            "2026-11-22T12:00:00Z",
            "2026-11-23T03:00:00Z"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nextOpenings")
  void theNextOpeningIsTheFirstStartAfterTheGivenInstant(
      String name, MaintenanceWindows windows, ZoneId node, String after, String expected) {
    assertEquals(Optional.of(at(expected)), windows.nextOpening(at(after), node));
  }

  @Test
  void withoutWindowsNothingEverOpensBecauseNothingIsHeld() {
    assertEquals(
        Optional.empty(), MaintenanceWindows.ANY_TIME.nextOpening(at("2026-11-22T12:00:00Z"), UTC));
  }

  @Test
  void throughAWholeYearOfBerlinTimeAClosedWindowOpensExactlyAtItsNextOpening() {
    List<MaintenanceWindows> cases =
        List.of(BERLIN_2_TO_3, BERLIN_WEEKENDS, windows(window("23:30", "00:30", BERLIN)));
    for (MaintenanceWindows windows : cases) {
      for (Instant t = at("2026-01-01T00:00:00Z");
          t.isBefore(at("2027-01-01T00:00:00Z"));
          t = t.plus(Duration.ofMinutes(127))) {
        if (windows.isOpen(t, UTC)) {
          continue;
        }
        Instant next = windows.nextOpening(t, UTC).orElseThrow();
        MaintenanceWindows w = windows;
        assertTrue(windows.isOpen(next, UTC), () -> w + " at " + next);
        assertFalse(windows.isOpen(next.minusMillis(1), UTC), () -> w + " before " + next);
        assertFalse(windows.isOpen(t.plus(Duration.between(t, next).dividedBy(2)), UTC));
      }
    }
  }

  @Test
  void aWindowMustNotStartAndEndAtTheSameTime() {
    assertThrows(IllegalArgumentException.class, () -> window("02:00", "02:00", UTC));
  }

  @Test
  void wireWindowsMapDaysZonesAndTimes() {
    MaintenanceWindows mapped =
        MaintenanceWindows.fromWire(
            List.of(
                dev.flotilla.protocol.v1.MaintenanceWindow.newBuilder()
                    .setStart("22:00")
                    .setEnd("02:00")
                    .setTimeZone("Europe/Berlin")
                    .addDays(dev.flotilla.protocol.v1.DayOfWeek.SATURDAY)
                    .addDays(dev.flotilla.protocol.v1.DayOfWeek.SUNDAY)
                    .build(),
                dev.flotilla.protocol.v1.MaintenanceWindow.newBuilder()
                    .setStart("03:15")
                    .setEnd("03:45")
                    .build()));
    assertEquals(
        windows(
            window("22:00", "02:00", BERLIN, DayOfWeek.SATURDAY, DayOfWeek.SUNDAY),
            window("03:15", "03:45", null)),
        mapped);
    assertTrue(mapped.windows().get(0).spansMidnight());
    assertEquals(MaintenanceWindows.ANY_TIME, MaintenanceWindows.fromWire(List.of()));
  }
}
