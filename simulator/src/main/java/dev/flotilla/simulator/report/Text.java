package dev.flotilla.simulator.report;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Escaping and the number formats the renderings share. Formats use {@link Locale#ROOT}, so a
 * report reads the same on every machine: {@code 12,345}, {@code 1.25 s}, {@code 3.4 MiB}.
 */
final class Text {

  /** What a missing figure shows as. */
  static final String NONE = "-";

  private static final String[] BINARY_UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};

  private Text() {}

  /**
   * {@code s} safe inside HTML or SVG text and inside a double- or single-quoted attribute value.
   */
  static String escape(String s) {
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String replacement =
          switch (c) {
            case '&' -> "&amp;";
            case '<' -> "&lt;";
            case '>' -> "&gt;";
            case '"' -> "&quot;";
            case '\'' -> "&#39;";
            default -> null;
          };
      if (replacement == null && Character.isISOControl(c) && c != '\n' && c != '\t') {
        replacement = "\uFFFD"; // control characters are not allowed in XML text
      }
      if (replacement != null) {
        if (out == null) {
          out = new StringBuilder(s.length() + 16).append(s, 0, i);
        }
        out.append(replacement);
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? s : out.toString();
  }

  /**
   * {@code s} on one terminal line: control characters (escape sequences, line breaks) become
   * {@code ?}, so that a scenario's text can neither colour nor break the summary.
   */
  static String plain(String s) {
    StringBuilder out = new StringBuilder(s.length());
    s.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return out.toString();
  }

  /** {@code s} cut to {@code width} characters, {@code ..} marking the cut. */
  static String cut(String s, int width) {
    return s.length() <= width ? s : s.substring(0, Math.max(0, width - 2)) + "..";
  }

  /** A count with thousands separators: {@code 12,345}. */
  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** {@code value} with {@code decimals} decimals and thousands separators. */
  static String number(double value, int decimals) {
    return String.format(Locale.ROOT, "%,." + decimals + "f", value);
  }

  /** A duration in seconds to two decimals, or {@link #NONE}: {@code 1.25 s}. */
  static String seconds(@Nullable Double seconds) {
    return seconds == null ? NONE : number(seconds, 2) + " s";
  }

  /** A duration in seconds without the unit, or {@link #NONE}: {@code 1.25}. */
  static String secondsBare(@Nullable Double seconds) {
    return seconds == null ? NONE : number(seconds, 2);
  }

  /** A size in binary units, three significant figures at most: {@code 512 B}, {@code 3.42 MiB}. */
  static String bytes(double bytes) {
    int unit = 0;
    double value = bytes;
    while (Math.abs(value) >= 1024 && unit < BINARY_UNITS.length - 1) {
      value /= 1024;
      unit++;
    }
    if (unit == 0) {
      return number(value, value == Math.rint(value) ? 0 : 1) + " B";
    }
    int decimals = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
    return number(value, decimals) + " " + BINARY_UNITS[unit];
  }

  /** {@link #bytes(double)}, or {@link #NONE} for null. */
  static String bytes(@Nullable Double bytes) {
    return bytes == null ? NONE : bytes((double) bytes);
  }
}
