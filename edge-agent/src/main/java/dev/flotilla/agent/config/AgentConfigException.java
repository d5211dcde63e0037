package dev.flotilla.agent.config;

/** A configuration the agent cannot run with; the message names the key and the source. */
public final class AgentConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public AgentConfigException(String message) {
    super(message);
  }

  public AgentConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
