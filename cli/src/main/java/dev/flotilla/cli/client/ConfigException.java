package dev.flotilla.cli.client;

/** The client's settings are wrong: the message is one line that says which and how to fix it. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }
}
