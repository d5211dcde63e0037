package dev.flotilla.profiles;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The quantity notations that profiles and manifests share, read and written: CPU ({@code 500m},
 * {@code 0.5}, {@code 2}), memory and storage ({@code 64Mi}, {@code 500M}, {@code 1048576}) and
 * durations ({@code 500ms}, {@code 10s}, {@code 1m30s}). Reading takes the plain values a YAML or
 * JSON parser produces (strings, integers, decimals). Writing picks one spelling per amount, and
 * reading it back gives the same amount. Pure and thread-safe.
 *
 * <p>Every refusal is a {@link QuantityException} whose message is the rule and the value, worded
 * to follow a field name: {@code must be a CPU amount: ..., was 'x'}. The controller's manifest
 * reader wraps these methods, so its refusals read the same as the profile loader's.
 */
public final class Quantities {
  /** 1024 cores: far above any edge gateway, low enough to stay clear of int overflow. */
  public static final int MAX_CPU_MILLIS = 1_024_000;

  /** One exbibyte; the wire field is 64-bit, and no edge device comes near. */
  public static final long MAX_MEMORY_BYTES = 1L << 60;

  public static final String CPU_RULE =
      "a CPU amount: millicores like \"500m\", or cores like 1, 2 or \"0.5\"";
  public static final String MEMORY_RULE =
      "a memory amount: bytes as an integer, or a number with a suffix such as \"64Mi\", \"1Gi\","
          + " \"500M\" or \"128k\" (k M G T P E are powers of 1000; Ki Mi Gi Ti Pi Ei of 1024)";
  public static final String DURATION_RULE =
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
   * @throws QuantityException for anything else, zero included (an absent field means none)
   */
  public static int cpuMillis(@Nullable Object raw) {
    BigDecimal millis;
    if (raw instanceof Double d && !Double.isFinite(d)) {
      throw new QuantityException("must be " + CPU_RULE + ", was " + describe(raw));
    } else if (isNumber(raw)) {
      millis = new BigDecimal(raw.toString()).movePointRight(3);
    } else if (raw instanceof String s && CPU_MILLIS.matcher(s).matches()) {
      millis = new BigDecimal(s.substring(0, s.length() - 1));
    } else if (raw instanceof String s && DECIMAL.matcher(s).matches()) {
      millis = new BigDecimal(s).movePointRight(3);
    } else {
      throw new QuantityException("must be " + CPU_RULE + ", was " + describe(raw));
    }
    if (millis.stripTrailingZeros().scale() > 0) {
      throw new QuantityException(
          "must be a whole number of millicores (1m = 0.001), was " + describe(raw));
    }
    if (millis.signum() <= 0 || millis.compareTo(BigDecimal.valueOf(MAX_CPU_MILLIS)) > 0) {
      throw new QuantityException(
          "must be more than 0 and at most "
              + (MAX_CPU_MILLIS / 1000)
              + " cores; leave it out for no value, was "
              + describe(raw));
    }
    return millis.intValueExact();
  }

  /**
   * @param raw an integer (bytes) or a string as described by {@link #MEMORY_RULE}; storage uses
   *     the same notation
   * @return bytes, 1 to {@link #MAX_MEMORY_BYTES}
   * @throws QuantityException for anything else, zero included (an absent field means none)
   */
  public static long memoryBytes(@Nullable Object raw) {
    BigDecimal bytes;
    if (raw instanceof Integer || raw instanceof Long || raw instanceof BigInteger) {
      bytes = new BigDecimal(raw.toString());
    } else if (raw instanceof String s && MEMORY.matcher(s).matches()) {
      Matcher m = MEMORY.matcher(s);
      m.matches();
      bytes = new BigDecimal(m.group(1)).multiply(new BigDecimal(multiplier(m.group(2))));
    } else {
      throw new QuantityException("must be " + MEMORY_RULE + ", was " + describe(raw));
    }
    if (bytes.stripTrailingZeros().scale() > 0) {
      throw new QuantityException("must come to a whole number of bytes, was " + describe(raw));
    }
    if (bytes.signum() <= 0 || bytes.compareTo(BigDecimal.valueOf(MAX_MEMORY_BYTES)) > 0) {
      throw new QuantityException(
          "must be more than 0 and at most 1Ei; leave it out for no value, was " + describe(raw));
    }
    return bytes.longValueExact();
  }

  /**
   * @param raw a string as described by {@link #DURATION_RULE}; a bare number is refused because
   *     its unit would be a guess
   * @return milliseconds, {@code min} to {@code max}
   * @throws QuantityException when {@code raw} is not such a string or is out of bounds
   */
  public static long durationMs(@Nullable Object raw, long min, long max) {
    if (!(raw instanceof String s) || !DURATION.matcher(s).matches()) {
      throw new QuantityException("must be " + DURATION_RULE + ", was " + describe(raw));
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
      throw new QuantityException(
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

  /** {@code 2} for 2000, {@code 500m} for 500, {@code 0} for 0. */
  public static String formatCpu(int millis) {
    return millis % 1000 == 0 ? Integer.toString(millis / 1000) : millis + "m";
  }

  /**
   * The largest binary suffix that divides exactly, else the largest decimal one, else bytes:
   * {@code 64Mi}, {@code 1M}, {@code 1500}; {@code 0} for 0. Negative amounts (an over-committed
   * node's free memory) keep their sign.
   */
  public static String formatMemory(long bytes) {
    if (bytes == 0) {
      return "0";
    }
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

  /**
   * The largest of h, m, s, ms that divides exactly, a single unit: {@code 5m}, {@code 90s}, {@code
   * 1500ms}, {@code 0ms}. The edge agent's configuration reads every one of these.
   */
  public static String formatDuration(long ms) {
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

  /**
   * A value as a refusal shows it: its kind and, for scalars, the value cut to 60 characters. The
   * controller's manifest refusals use the same wording.
   */
  public static String describe(@Nullable Object raw) {
    return switch (raw) {
      case null -> "null (no value)";
      case String s -> "'" + shorten(s) + "'";
      case Boolean b -> "the boolean " + b;
      case Integer n -> "the number " + n;
      case Long n -> "the number " + n;
      case BigInteger n -> "the number " + shorten(n.toString());
      case Double n -> "the number " + n;
      case BigDecimal n -> "the number " + shorten(n.toString());
      case Map<?, ?> m -> "a mapping";
      case List<?> l -> "a list";
      case Collection<?> c -> "a set";
      case byte[] b -> "binary data";
      default -> "a " + raw.getClass().getSimpleName();
    };
  }

  /** {@code s} itself up to 60 characters, else its first 57 and {@code ...}. */
  public static String shorten(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
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

  private static boolean isNumber(@Nullable Object raw) {
    return raw instanceof Integer
        || raw instanceof Long
        || raw instanceof BigInteger
        || raw instanceof Double
        || raw instanceof BigDecimal;
  }
}
