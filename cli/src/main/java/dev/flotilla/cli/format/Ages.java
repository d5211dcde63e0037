package dev.flotilla.cli.format;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.jspecify.annotations.Nullable;

/**
 * Ages and times the way kubectl shows them: {@code 45s}, {@code 12m}, {@code 3h20m}, {@code 5d},
 * {@code 2y}. Pure: the caller passes now.
 */
public final class Ages {
  private Ages() {}

  /** How long ago {@code at} (an ISO-8601 instant) was; {@code -} when null or unparsable. */
  public static String since(@Nullable String at, Instant now) {
    Instant t = parse(at);
    return t == null ? "-" : format(Duration.between(t, now));
  }

  /** The instant, or null when the text is null, empty or not an ISO-8601 instant. */
  public static @Nullable Instant parse(@Nullable String at) {
    if (at == null || at.isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(at);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** A duration in its two largest units at most (a negative one, from clock skew, is 0s). */
  public static String format(Duration d) {
    long s = Math.max(0, d.getSeconds());
    if (s < 120) {
      return s + "s";
    }
    long m = s / 60;
    if (m < 10) {
      return m + "m" + (s % 60 == 0 ? "" : (s % 60) + "s");
    }
    if (m < 180) {
      return m + "m";
    }
    long h = m / 60;
    if (h < 8) {
      return h + "h" + (m % 60 == 0 ? "" : (m % 60) + "m");
    }
    if (h < 48) {
      return h + "h";
    }
    long days = h / 24;
    if (days < 8) {
      return days + "d" + (h % 24 == 0 ? "" : (h % 24) + "h");
    }
    if (days < 365 * 2) {
      return days + "d";
    }
    return (days / 365) + "y";
  }
}
