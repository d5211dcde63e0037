package dev.flotilla.controller.broker;

import org.jspecify.annotations.Nullable;

/**
 * The embedded broker could not start. The message is one line that says what went wrong and, where
 * an operator can fix it, which setting to change; the cause, when there is one, carries the
 * details.
 */
public final class BrokerStartException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BrokerStartException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
