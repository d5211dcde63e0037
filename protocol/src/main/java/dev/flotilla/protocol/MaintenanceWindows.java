package dev.flotilla.protocol;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRulesException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The maintenance windows of one workload: when a node may replace the revision it runs with a new
 * one (the wire's {@code UpdatePolicy.windows}). No windows: at any time. Pure and immutable; the
 * same answers on every node for the same instant and node zone.
 *
 * <p><b>Occurrences.</b> A window opens on each of its days (every day when {@link Window#days()}
 * is empty), at {@code start} local time in its zone, and closes at {@code end}: the same day when
 * {@code end} is after {@code start}, otherwise the next day (a window 22:00-02:00 on SATURDAY runs
 * from Saturday 22:00 into Sunday 02:00; its days are the days it <em>opens</em>). An occurrence is
 * half-open: open at {@code start}, closed again at {@code end}.
 *
 * <p><b>Daylight saving.</b> Times are wall-clock times in the window's zone. A local time that the
 * clock skips (spring forward) resolves to the instant the clock jumps, so a window 01:30-02:30 on
 * that night in Europe/Berlin ends at 03:00 CEST, and a window that lies wholly in the skipped hour
 * does not open that day. A local time that occurs twice (fall back) means its first occurrence, so
 * a window 02:00-03:00 on that night lasts two hours of real time.
 *
 * @param windows the windows; the set is open when any one of them is
 */
public record MaintenanceWindows(List<Window> windows) {
  /** No windows: a new revision may replace the running one at any time. */
  public static final MaintenanceWindows ANY_TIME = new MaintenanceWindows(List.of());

  /** The most windows one workload may have. */
  public static final int MAX_WINDOWS = 16;

  private static final Pattern HH_MM = Pattern.compile("([01]\\d|2[0-3]):([0-5]\\d)");

  /**
   * Occurrences are looked for this many days ahead: a weekly window opens within 7 days, and a
   * daylight-saving gap can swallow one occurrence.
   */
  private static final int LOOK_AHEAD_DAYS = 15;

  public MaintenanceWindows {
    windows = List.copyOf(windows);
  }

  /**
   * One recurring window.
   *
   * @param start opening time, whole minutes
   * @param end closing time, whole minutes; not after {@code start}: the window runs past midnight
   *     into the next day; never equal to {@code start}
   * @param zone the zone of {@code start}, {@code end} and {@code days}; empty: the node's own zone
   * @param days the days on which the window opens; empty: every day
   */
  public record Window(LocalTime start, LocalTime end, Optional<ZoneId> zone, Set<DayOfWeek> days) {
    public Window {
      Objects.requireNonNull(start, "start");
      Objects.requireNonNull(end, "end");
      Objects.requireNonNull(zone, "zone");
      if (start.getSecond() != 0 || start.getNano() != 0) {
        throw new IllegalArgumentException("start must be whole minutes, was " + start);
      }
      if (end.getSecond() != 0 || end.getNano() != 0) {
        throw new IllegalArgumentException("end must be whole minutes, was " + end);
      }
      if (start.equals(end)) {
        throw new IllegalArgumentException(
            "a window must not start and end at the same time (" + start + ")");
      }
      days =
          Collections.unmodifiableSet(
              days.isEmpty() ? EnumSet.noneOf(DayOfWeek.class) : EnumSet.copyOf(days));
    }

    /** True when the window closes on the day after it opens. */
    public boolean spansMidnight() {
      return !end.isAfter(start);
    }

    /**
     * The occurrence that opens on {@code date} (a local date in the window's zone), or null when
     * the window does not open that day or lies wholly in a daylight-saving gap.
     */
    private Occurrence occurrence(LocalDate date, ZoneId zone) {
      if (!days.isEmpty() && !days.contains(date.getDayOfWeek())) {
        return null;
      }
      Instant opens = resolve(date, start, zone);
      Instant closes = resolve(spansMidnight() ? date.plusDays(1) : date, end, zone);
      return closes.isAfter(opens) ? new Occurrence(opens, closes) : null;
    }
  }

  /** One opening of a window: open from {@code opens} (inclusive) to {@code closes} (exclusive). */
  private record Occurrence(Instant opens, Instant closes) {
    boolean holds(Instant at) {
      return !at.isBefore(opens) && at.isBefore(closes);
    }
  }

  /**
   * The windows of a wire {@code UpdatePolicy}. The wire must have passed {@link
   * DesiredStateRules}.
   *
   * @throws IllegalArgumentException naming the rule a window breaks, for a wire that did not pass
   *     the rules
   */
  public static MaintenanceWindows fromWire(List<dev.flotilla.protocol.v1.MaintenanceWindow> wire) {
    if (wire.isEmpty()) {
      return ANY_TIME;
    }
    List<Window> windows = new ArrayList<>(wire.size());
    for (dev.flotilla.protocol.v1.MaintenanceWindow w : wire) {
      LocalTime start =
          parseTime(w.getStart())
              .orElseThrow(() -> new IllegalArgumentException("start is not HH:MM: " + w));
      LocalTime end =
          parseTime(w.getEnd())
              .orElseThrow(() -> new IllegalArgumentException("end is not HH:MM: " + w));
      Optional<ZoneId> zone =
          w.getTimeZone().isEmpty()
              ? Optional.empty()
              : Optional.of(
                  parseZone(w.getTimeZone())
                      .orElseThrow(() -> new IllegalArgumentException("unknown time zone: " + w)));
      Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
      for (dev.flotilla.protocol.v1.DayOfWeek day : w.getDaysList()) {
        days.add(dayOf(day).orElseThrow(() -> new IllegalArgumentException("unknown day: " + day)));
      }
      windows.add(new Window(start, end, zone, days));
    }
    return new MaintenanceWindows(windows);
  }

  /** True when there are no windows, so that updates are never held. */
  public boolean isEmpty() {
    return windows.isEmpty();
  }

  /**
   * Whether a new revision may replace the running one at {@code at}: true with no windows, or when
   * {@code at} is inside an occurrence of any window.
   *
   * @param nodeZone the zone of windows that name none
   */
  public boolean isOpen(Instant at, ZoneId nodeZone) {
    if (windows.isEmpty()) {
      return true;
    }
    for (Window w : windows) {
      ZoneId zone = w.zone().orElse(nodeZone);
      LocalDate today = at.atZone(zone).toLocalDate();
      // An occurrence lasts less than a day, so only one opened yesterday or today can hold `at`.
      for (LocalDate d = today.minusDays(1); !d.isAfter(today); d = d.plusDays(1)) {
        Occurrence occurrence = w.occurrence(d, zone);
        if (occurrence != null && occurrence.holds(at)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The first instant strictly after {@code after} at which an occurrence of a window opens; empty
   * when there are no windows (nothing is ever held, so nothing opens). When the windows are closed
   * at {@code after}, this is when they open next.
   *
   * @param nodeZone the zone of windows that name none
   */
  public Optional<Instant> nextOpening(Instant after, ZoneId nodeZone) {
    Instant best = null;
    for (Window w : windows) {
      ZoneId zone = w.zone().orElse(nodeZone);
      LocalDate today = after.atZone(zone).toLocalDate();
      for (int i = -1; i <= LOOK_AHEAD_DAYS; i++) {
        Occurrence occurrence = w.occurrence(today.plusDays(i), zone);
        if (occurrence != null && occurrence.opens().isAfter(after)) {
          if (best == null || occurrence.opens().isBefore(best)) {
            best = occurrence.opens();
          }
          break; // later days open later still
        }
      }
    }
    return Optional.ofNullable(best);
  }

  /** "HH:MM" on the 24-hour clock, or empty when {@code text} is not that. */
  static Optional<LocalTime> parseTime(String text) {
    var m = HH_MM.matcher(text);
    return m.matches()
        ? Optional.of(LocalTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))))
        : Optional.empty();
  }

  /** An IANA zone id (or a fixed offset) this JDK knows, or empty. */
  static Optional<ZoneId> parseZone(String id) {
    try {
      return Optional.of(ZoneId.of(id));
    } catch (DateTimeParseException | ZoneRulesException e) {
      return Optional.empty();
    }
  }

  static Optional<DayOfWeek> dayOf(dev.flotilla.protocol.v1.DayOfWeek day) {
    return switch (day) {
      case MONDAY -> Optional.of(DayOfWeek.MONDAY);
      case TUESDAY -> Optional.of(DayOfWeek.TUESDAY);
      case WEDNESDAY -> Optional.of(DayOfWeek.WEDNESDAY);
      case THURSDAY -> Optional.of(DayOfWeek.THURSDAY);
      case FRIDAY -> Optional.of(DayOfWeek.FRIDAY);
      case SATURDAY -> Optional.of(DayOfWeek.SATURDAY);
      case SUNDAY -> Optional.of(DayOfWeek.SUNDAY);
      case DAY_OF_WEEK_UNSPECIFIED, UNRECOGNIZED -> Optional.empty();
    };
  }

  /**
   * The instant of a local date and time in {@code zone}: in a gap, the instant the clock jumps; in
   * an overlap, the first of the two.
   */
  private static Instant resolve(LocalDate date, LocalTime time, ZoneId zone) {
    LocalDateTime local = LocalDateTime.of(date, time);
    ZoneOffsetTransition transition = zone.getRules().getTransition(local);
    if (transition != null && transition.isGap()) {
      return transition.getInstant();
    }
    return ZonedDateTime.of(local, zone).toInstant(); // an overlap keeps the earlier offset
  }
}
