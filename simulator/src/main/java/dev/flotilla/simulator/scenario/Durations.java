package dev.flotilla.simulator.scenario;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration notation of scenarios: a whole number and a unit, {@code 500ms}, {@code 30s},
 * {@code 5m} or {@code 1h}. Pure.
 */
public final class Durations {
  /** How a refusal says what is accepted. */
  static final String FORMS = "use e.g. 500ms, 30s, 5m, 1h";

  /** At most nine digits: large enough for any scenario, too small to overflow. */
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

  private Durations() {}

  /**
   * Reads {@code 500ms}, {@code 30s}, {@code 5m} or {@code 1h}; zero ({@code 0s}) is a duration
   * here, and callers refuse it where it makes no sense.
   *
   * @throws IllegalArgumentException for anything else (a bare number, a fraction, a sign, spaces,
   *     another unit), with a message that quotes the text and gives the accepted forms
   */
  public static Duration parse(String text) {
    Matcher m = DURATION.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("\"" + text + "\" is not a duration; " + FORMS);
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  /**
   * The notation {@link #parse} reads, in the largest unit that states {@code duration} exactly,
   * except that one minute reads {@code 60s}: {@code 60s}, {@code 90s}, {@code 5m}, {@code 1h},
   * {@code 1500ms}, {@code 0s}. Sub-millisecond parts are dropped.
   *
   * @throws IllegalArgumentException for a negative duration
   */
  public static String format(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("a negative duration has no notation: " + duration);
    }
    long ms = duration.toMillis();
    if (ms == 0) {
      return "0s";
    }
    if (ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0 && ms > 60_000) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }
}
