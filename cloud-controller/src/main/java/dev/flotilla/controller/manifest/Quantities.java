package dev.flotilla.controller.manifest;

import dev.flotilla.controller.model.InvalidInputException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The quantity notations of manifests, read and written: CPU ({@code 500m}, {@code 0.5}, {@code
 * 2}), memory ({@code 64Mi}, {@code 500M}, {@code 1048576}) and durations ({@code 500ms}, {@code
 * 10s}, {@code 1m30s}). Writing picks one spelling per amount, the one {@link ManifestWriter} uses,
 * and reading it back gives the same amount. Pure.
 */
final class Quantities {
  /** 1024 cores: far above any edge gateway, low enough to stay clear of int overflow. */
  static final int MAX_CPU_MILLIS = 1_024_000;

  /** One exbibyte; the wire field is 64-bit, and no edge device comes near. */
  static final long MAX_MEMORY_BYTES = 1L << 60;

  static final String CPU_RULE =
      "a CPU amount: millicores like \"500m\", or cores like 1, 2 or \"0.5\"";
  static final String MEMORY_RULE =
      "a memory amount: bytes as an integer, or a number with a suffix such as \"64Mi\", \"1Gi\","
          + " \"500M\" or \"128k\" (k M G T P E are powers of 1000; Ki Mi Gi Ti Pi Ei of 1024)";
  static final String DURATION_RULE =
      "a duration with units, like \"500ms\", \"10s\", \"5m\", \"2h\" or \"1m30s\"";

  private static final Pattern CPU_MILLIS = Pattern.compile("(\\d{1,10})m");
  private static final Pattern DECIMAL = Pattern.compile("\\d{1,19}(\\.\\d{1,19})?");
  private static final Pattern MEMORY =
      Pattern.compile("(\\d{1,19}(?:\\.\\d{1,19})?)(k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?");
  private static final Pattern DURATION = Pattern.compile("(?:\\d{1,9}(?:ms|h|m|s))+");
  private static final Pattern DURATION_PART = Pattern.compile("(\\d{1,9})(ms|h|m|s)");

  private static final String[] BINARY = {"Ei", "Pi", "Ti", "Gi", "Mi", "Ki"};
  private static final String[] DECIMAL_SUFFIXES = {"E", "P", "T", "G", "M", "k"};

  private Quantities() {}

  /**
   * @param raw an integer or decimal (cores) or a string as described by {@link #CPU_RULE}
   * @return millicores, 1 to {@link #MAX_CPU_MILLIS}
   */
  static int cpuMillis(String field, Object raw) {
    BigDecimal millis;
    if (raw instanceof Double d && !Double.isFinite(d)) {
      throw new InvalidInputException(
          field, "must be " + CPU_RULE + ", was " + Values.describe(raw));
    } else if (isNumber(raw)) {
      millis = new BigDecimal(raw.toString()).movePointRight(3);
    } else if (raw instanceof String s && CPU_MILLIS.matcher(s).matches()) {
      millis = new BigDecimal(s.substring(0, s.length() - 1));
    } else if (raw instanceof String s && DECIMAL.matcher(s).matches()) {
      millis = new BigDecimal(s).movePointRight(3);
    } else {
      throw new InvalidInputException(
          field, "must be " + CPU_RULE + ", was " + Values.describe(raw));
    }
    if (millis.stripTrailingZeros().scale() > 0) {
      throw new InvalidInputException(
          field, "must be a whole number of millicores (1m = 0.001), was " + Values.describe(raw));
    }
    if (millis.signum() <= 0 || millis.compareTo(BigDecimal.valueOf(MAX_CPU_MILLIS)) > 0) {
      throw new InvalidInputException(
          field,
          "must be more than 0 and at most "
              + (MAX_CPU_MILLIS / 1000)
              + " cores; leave it out for no value, was "
              + Values.describe(raw));
    }
    return millis.intValueExact();
  }

  /**
   * @param raw an integer (bytes) or a string as described by {@link #MEMORY_RULE}
   * @return bytes, 1 to {@link #MAX_MEMORY_BYTES}
   */
  static long memoryBytes(String field, Object raw) {
    BigDecimal bytes;
    if (raw instanceof Integer || raw instanceof Long || raw instanceof BigInteger) {
      bytes = new BigDecimal(raw.toString());
    } else if (raw instanceof String s && MEMORY.matcher(s).matches()) {
      Matcher m = MEMORY.matcher(s);
      m.matches();
      bytes = new BigDecimal(m.group(1)).multiply(new BigDecimal(multiplier(m.group(2))));
    } else {
      throw new InvalidInputException(
          field, "must be " + MEMORY_RULE + ", was " + Values.describe(raw));
    }
    if (bytes.stripTrailingZeros().scale() > 0) {
      throw new InvalidInputException(
          field, "must come to a whole number of bytes, was " + Values.describe(raw));
    }
    if (bytes.signum() <= 0 || bytes.compareTo(BigDecimal.valueOf(MAX_MEMORY_BYTES)) > 0) {
      throw new InvalidInputException(
          field,
          "must be more than 0 and at most 1Ei; leave it out for no value, was "
              + Values.describe(raw));
    }
    return bytes.longValueExact();
  }

  /**
   * @param raw a string as described by {@link #DURATION_RULE}; a bare number is refused because
   *     its unit would be a guess
   * @return milliseconds, {@code min} to {@code max}
   */
  static long durationMs(String field, Object raw, long min, long max) {
    if (!(raw instanceof String s) || !DURATION.matcher(s).matches()) {
      throw new InvalidInputException(
          field, "must be " + DURATION_RULE + ", was " + Values.describe(raw));
    }
    long total = 0;
    Matcher m = DURATION_PART.matcher(s);
    while (m.find()) {
      long unit =
          switch (m.group(2)) {
            case "ms" -> 1;
            case "s" -> 1_000;
            case "m" -> 60_000;
            default -> 3_600_000;
          };
      // At most 9 digits per part and a bounded input size keep this far from overflow.
      total += Long.parseLong(m.group(1)) * unit;
    }
    if (total < min || total > max) {
      throw new InvalidInputException(
          field,
          "must be from "
              + formatDuration(min)
              + " to "
              + formatDuration(max)
              + ", was '"
              + s
              + "'");
    }
    return total;
  }

  /** {@code 2} for 2000, {@code 500m} for 500. */
  static String formatCpu(int millis) {
    return millis % 1000 == 0 ? Integer.toString(millis / 1000) : millis + "m";
  }

  /** The largest binary suffix that divides exactly, else the largest decimal one, else bytes. */
  static String formatMemory(long bytes) {
    for (String suffix : BINARY) {
      long unit = multiplier(suffix);
      if (bytes % unit == 0) {
        return (bytes / unit) + suffix;
      }
    }
    for (String suffix : DECIMAL_SUFFIXES) {
      long unit = multiplier(suffix);
      if (bytes % unit == 0) {
        return (bytes / unit) + suffix;
      }
    }
    return Long.toString(bytes);
  }

  /** The largest of h, m, s, ms that divides exactly: {@code 5m}, {@code 90s}, {@code 1500ms}. */
  static String formatDuration(long ms) {
    if (ms != 0 && ms % 3_600_000 == 0) {
      return (ms / 3_600_000) + "h";
    }
    if (ms != 0 && ms % 60_000 == 0) {
      return (ms / 60_000) + "m";
    }
    if (ms != 0 && ms % 1_000 == 0) {
      return (ms / 1_000) + "s";
    }
    return ms + "ms";
  }

  private static long multiplier(@Nullable String suffix) {
    if (suffix == null) {
      return 1;
    }
    // Decimal kilo is a lower-case k, binary kibi an upper-case Ki, as in Kubernetes.
    int power = "KMGTPE".indexOf(Character.toUpperCase(suffix.charAt(0))) + 1;
    long base = suffix.endsWith("i") ? 1024 : 1000;
    long out = 1;
    for (int i = 0; i < power; i++) {
      out *= base;
    }
    return out;
  }

  private static boolean isNumber(Object raw) {
    return raw instanceof Integer
        || raw instanceof Long
        || raw instanceof BigInteger
        || raw instanceof Double
        || raw instanceof BigDecimal;
  }
}
