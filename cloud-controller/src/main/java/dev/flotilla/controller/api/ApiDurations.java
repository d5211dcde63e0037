package dev.flotilla.controller.api;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the public API writes a duration in a query or body ({@code timeout}, {@code followFor},
 * {@code ttl}): a whole number of seconds, minutes, hours or days, such as {@code 30s}, {@code 5m},
 * {@code 24h} or {@code 7d}. Public so that clients (the CLI) read their options the same way.
 */
public final class ApiDurations {
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})([smhd])");

  private ApiDurations() {}

  /** The duration {@code text} writes, or empty when it is not one. */
  public static Optional<Duration> parse(String text) {
    Matcher m = DURATION.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    long n = Long.parseLong(m.group(1));
    return Optional.of(
        switch (m.group(2)) {
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        });
  }
}
