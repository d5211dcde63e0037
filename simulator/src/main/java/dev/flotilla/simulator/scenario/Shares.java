package dev.flotilla.simulator.scenario;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Shares of nodes, written {@code 25%} or {@code 0.25}, held as a fraction from 0 to 1. Pure. */
final class Shares {
  /** How a refusal says what is accepted. */
  static final String FORMS = "write a share as e.g. 25% or 0.25";

  private static final Pattern PERCENT = Pattern.compile("(\\d{1,3}(?:\\.\\d{1,6})?)%");

  private Shares() {}

  /**
   * Reads {@code 25%} (text) or a YAML number as the fraction itself ({@code 0.25}; {@code 1} is
   * all). The range is the caller's to check.
   *
   * @throws IllegalArgumentException for other text, a negative or non-finite number, or another
   *     type, with a message that quotes the value and gives the accepted forms
   */
  static double parse(Object value) {
    if (value instanceof String text) {
      Matcher m = PERCENT.matcher(text);
      if (!m.matches()) {
        throw new IllegalArgumentException("\"" + text + "\" is not a share; " + FORMS);
      }
      return Double.parseDouble(m.group(1)) / 100;
    }
    if (value instanceof Number n) {
      double d = n.doubleValue();
      if (Double.isFinite(d) && d >= 0) {
        return d;
      }
      throw new IllegalArgumentException(value + " is not a share; " + FORMS);
    }
    throw new IllegalArgumentException(
        ScenarioReader.describe(value) + " is not a share; " + FORMS);
  }

  /**
   * {@code 0.1} as {@code 10%}, {@code 0.005} as {@code 0.5%}: at most four decimals of a per cent.
   */
  static String format(double share) {
    return BigDecimal.valueOf(share)
            .multiply(BigDecimal.valueOf(100))
            .setScale(4, RoundingMode.HALF_UP)
            .stripTrailingZeros()
            .toPlainString()
        + "%";
  }
}
