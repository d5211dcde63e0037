package dev.flotilla.cli.client;

/**
 * A call the controller refused or could not take. The message is one line for the operator
 * (without the {@code flotilla:} prefix); {@link #status()} is the HTTP status, 0 when no answer
 * came.
 *
 * @see ApiErrorText
 */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String error;
  private final String field;

  public ApiException(int status, String error, String field, String message) {
    super(message);
    this.status = status;
    this.error = error;
    this.field = field;
  }

  /** The HTTP status; 0 when the controller did not answer. */
  public int status() {
    return status;
  }

  /** The API's error code ({@code invalid}, {@code not_found}, ...); empty when none came. */
  public String error() {
    return error;
  }

  /** The input field the API named; empty when none. */
  public String field() {
    return field;
  }
}
