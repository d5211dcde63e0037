package dev.flotilla.simulator.report;

import java.util.Arrays;
import java.util.Collection;
import org.jspecify.annotations.Nullable;

/**
 * Nearest-rank percentiles: the {@code q} quantile of n values is the smallest value such that at
 * least {@code q * n} of the values are less than or equal to it, i.e. the value of rank {@code
 * ceil(q * n)} (at least 1) in ascending order. It is always one of the values, never an
 * interpolation, so a p99 of reconnect times is a time some node actually took. Pure; inputs are
 * never modified.
 */
public final class Percentiles {

  private Percentiles() {}

  /**
   * The {@code q} quantile of {@code values}: null when there are none.
   *
   * @param q between 0 and 1; 0 gives the minimum, 1 the maximum
   * @throws IllegalArgumentException when q is outside [0, 1] or a value is NaN
   */
  public static @Nullable Double p(double[] values, double q) {
    checkQuantile(q);
    if (values.length == 0) {
      return null;
    }
    return ofSorted(sorted(values), q);
  }

  /**
   * The {@code q} quantile of {@code values}: null when there are none.
   *
   * @param values no nulls
   * @param q between 0 and 1; 0 gives the minimum, 1 the maximum
   * @throws IllegalArgumentException when q is outside [0, 1] or a value is NaN
   */
  public static @Nullable Double p(Collection<Double> values, double q) {
    return p(toArray(values), q);
  }

  /**
   * The {@code q} quantile of values already sorted ascending, at least one; the caller sorts once
   * for several quantiles.
   */
  static double ofSorted(double[] ascending, double q) {
    checkQuantile(q);
    if (ascending.length == 0) {
      throw new IllegalArgumentException("no values to take a percentile of");
    }
    // Math.ceil(q * n) for q = 0.95 and n = 100 is 95 as it should be, but 0.07 * 100 is
    // 7.000000000000001: subtract a hair so that a product a rounding error above an integer
    // keeps that integer's rank.
    long rank = (long) Math.ceil(q * ascending.length - 1e-9);
    int index = (int) Math.max(0, Math.min(ascending.length - 1, rank - 1));
    return ascending[index];
  }

  /** A sorted copy; refuses NaN, which has no rank. */
  static double[] sorted(double[] values) {
    double[] copy = values.clone();
    for (double v : copy) {
      if (Double.isNaN(v)) {
        throw new IllegalArgumentException("a value is NaN; percentiles need numbers");
      }
    }
    Arrays.sort(copy);
    return copy;
  }

  static double[] toArray(Collection<Double> values) {
    double[] array = new double[values.size()];
    int i = 0;
    for (Double v : values) {
      if (v == null) {
        throw new NullPointerException("values[" + i + "] is null");
      }
      array[i++] = v;
    }
    return array;
  }

  private static void checkQuantile(double q) {
    if (!(q >= 0 && q <= 1)) {
      throw new IllegalArgumentException("q must be between 0 and 1, got " + q);
    }
  }
}
