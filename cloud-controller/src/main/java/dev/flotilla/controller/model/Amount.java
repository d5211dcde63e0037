package dev.flotilla.controller.model;

/**
 * A number of nodes, absolute ({@code 3}) or a share of some total ({@code 10%}), as rollout
 * strategies state sizes and thresholds.
 *
 * @param value the count, or the percentage (0 to 100) when {@code percent}
 */
public record Amount(int value, boolean percent) {
  public static final Amount ZERO = new Amount(0, false);
  public static final Amount ALL = new Amount(100, true);

  public Amount {
    if (value < 0 || (percent && value > 100)) {
      throw new IllegalArgumentException("amount out of range: " + value + (percent ? "%" : ""));
    }
  }

  public static Amount count(int n) {
    return new Amount(n, false);
  }

  public static Amount percent(int p) {
    return new Amount(p, true);
  }

  /** This amount of {@code total}, rounded up: 10% of 15 is 2, 1% of 3 is 1, 0% is 0. */
  public int ceilOf(int total) {
    if (!percent) {
      return value;
    }
    return (int) ((value * (long) total + 99) / 100);
  }

  /**
   * Whether {@code n} out of {@code total} is more than this amount: the test of an error
   * threshold, so {@code 0} is exceeded by the first failure and {@code 10%} of 20 by the third.
   */
  public boolean exceededBy(int n, int total) {
    if (!percent) {
      return n > value;
    }
    return n * 100L > value * (long) total;
  }

  /** Whether {@code n} out of {@code total} reaches this amount (a success threshold). */
  public boolean reachedBy(int n, int total) {
    if (!percent) {
      return n >= Math.min(value, total);
    }
    return n * 100L >= value * (long) total;
  }

  /** The manifest notation: {@code 3} or {@code 10%}. */
  @Override
  public String toString() {
    return percent ? value + "%" : Integer.toString(value);
  }
}
