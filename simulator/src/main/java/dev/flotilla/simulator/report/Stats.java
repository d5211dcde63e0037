package dev.flotilla.simulator.report;

import java.util.Collection;
import org.jspecify.annotations.Nullable;

/**
 * The usual figures of a set of durations, nearest-rank as {@link Percentiles}: what a {@link
 * RunReport.Phase} or a {@link RunReport.FaultEpisode} reports. Every figure is null when there
 * were no values ({@code count == 0}) and non-null otherwise.
 *
 * @param count how many values there were
 */
public record Stats(
    int count,
    @Nullable Double p50,
    @Nullable Double p95,
    @Nullable Double p99,
    @Nullable Double max) {

  /** No values. */
  public static final Stats EMPTY = new Stats(0, null, null, null, null);

  public Stats {
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative, got " + count);
    }
    boolean figures = p50 != null && p95 != null && p99 != null && max != null;
    boolean none = p50 == null && p95 == null && p99 == null && max == null;
    if (count == 0 ? !none : !figures) {
      throw new IllegalArgumentException(
          "figures must all be null when count is 0 and all be set otherwise; count=" + count);
    }
  }

  /**
   * The figures of {@code values}, which are not modified.
   *
   * @throws IllegalArgumentException when a value is NaN
   */
  public static Stats of(double[] values) {
    if (values.length == 0) {
      return EMPTY;
    }
    double[] sorted = Percentiles.sorted(values);
    return new Stats(
        sorted.length,
        Percentiles.ofSorted(sorted, 0.50),
        Percentiles.ofSorted(sorted, 0.95),
        Percentiles.ofSorted(sorted, 0.99),
        sorted[sorted.length - 1]);
  }

  /**
   * The figures of {@code values}, which must hold no nulls.
   *
   * @throws IllegalArgumentException when a value is NaN
   */
  public static Stats of(Collection<Double> values) {
    return of(Percentiles.toArray(values));
  }
}
