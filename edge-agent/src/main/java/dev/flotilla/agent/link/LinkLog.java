package dev.flotilla.agent.link;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * Structured log lines of the links to the broker: {@code event key=value ...}. The agent's Paho
 * link and the simulator's multiplexed link write the same shape through it.
 */
public final class LinkLog {
  private LinkLog() {}

  public static void log(Logger logger, Level level, String event, Object... keyValues) {
    log(logger, level, event, null, keyValues);
  }

  /**
   * Logs {@code event} with its key/value pairs when {@code level} is enabled; values that are
   * empty or hold spaces or quotes are quoted. Builds nothing when the level is off, which matters
   * at ten thousand links.
   */
  public static void log(
      Logger logger, Level level, String event, Throwable thrown, Object... keyValues) {
    if (!logger.isLoggable(level)) {
      return;
    }
    StringBuilder line = new StringBuilder(event);
    for (int i = 0; i + 1 < keyValues.length; i += 2) {
      line.append(' ').append(keyValues[i]).append('=');
      String value = String.valueOf(keyValues[i + 1]);
      if (value.isEmpty() || value.indexOf(' ') >= 0 || value.indexOf('"') >= 0) {
        line.append('"').append(value.replace("\"", "\\\"")).append('"');
      } else {
        line.append(value);
      }
    }
    if (thrown == null) {
      logger.log(level, line.toString());
    } else {
      logger.log(level, line.toString(), thrown);
    }
  }
}
