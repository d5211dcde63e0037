package dev.flotilla.profiles;

/**
 * A value that is not a quantity {@link Quantities} can read. The message is the rule as a sentence
 * fragment ({@code must be a CPU amount: ..., was 'x'}); the caller knows the field and puts it in
 * front, as the profile loader and the controller's manifest reader do.
 */
public final class QuantityException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public QuantityException(String rule) {
    super(rule);
  }
}
