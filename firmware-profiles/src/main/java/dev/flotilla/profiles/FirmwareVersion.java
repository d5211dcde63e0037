package dev.flotilla.profiles;

import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A firmware or OS version of one to four dot-separated numbers ({@code 12}, {@code 6.0}, {@code
 * 2024.09.1}), compared number by number, missing parts counting as zero: {@code 6.0 == 6} and
 * {@code 6.0.1 > 6}. Pure.
 */
public record FirmwareVersion(int[] parts) implements Comparable<FirmwareVersion> {
  public static final String RULE =
      "one to four dot-separated numbers of at most 9 digits, like \"12\", \"6.0\" or"
          + " \"2024.09.1\"";

  private static final Pattern SHAPE = Pattern.compile("\\d{1,9}(\\.\\d{1,9}){0,3}");

  public FirmwareVersion {
    parts = parts.clone();
    if (parts.length < 1 || parts.length > 4) {
      throw new IllegalArgumentException("a version has one to four parts");
    }
  }

  /** The version written as {@code text}; empty when it does not follow {@link #RULE}. */
  public static Optional<FirmwareVersion> parse(String text) {
    if (text == null || !SHAPE.matcher(text).matches()) {
      return Optional.empty();
    }
    return Optional.of(
        new FirmwareVersion(
            Arrays.stream(text.split("\\.")).mapToInt(Integer::parseInt).toArray()));
  }

  @Override
  public int compareTo(FirmwareVersion other) {
    int n = Math.max(parts.length, other.parts.length);
    for (int i = 0; i < n; i++) {
      int a = i < parts.length ? parts[i] : 0;
      int b = i < other.parts.length ? other.parts[i] : 0;
      if (a != b) {
        return Integer.compare(a, b);
      }
    }
    return 0;
  }

  /** Versions are equal when they compare equal: {@code 6} equals {@code 6.0}. */
  @Override
  public boolean equals(Object o) {
    return o instanceof FirmwareVersion v && compareTo(v) == 0;
  }

  @Override
  public int hashCode() {
    int end = parts.length;
    while (end > 1 && parts[end - 1] == 0) {
      end--;
    }
    return Arrays.hashCode(Arrays.copyOf(parts, end));
  }

  /**
   * The parts as numbers: {@code 6.0} stays {@code 6.0}, {@code 2024.09.1} prints {@code 2024.9.1}.
   */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        b.append('.');
      }
      b.append(parts[i]);
    }
    return b.toString();
  }
}
