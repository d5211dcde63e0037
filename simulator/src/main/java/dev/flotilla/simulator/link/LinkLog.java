package dev.flotilla.simulator.link;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/** Structured log lines for the simulator's link: {@code sim.link.event key=value ...}. */
final class LinkLog {
  private LinkLog() {}

  static void log(Logger logger, Level level, String event, Object... keyValues) {
    log(logger, level, event, null, keyValues);
  }

  /**
   * Logs {@code event} with its key/value pairs when {@code level} is enabled; values with spaces
   * or quotes are quoted. Builds nothing when the level is off, which matters at 10,000 links.
   */
  static void log(Logger logger, Level level, String event, Throwable thrown, Object... keyValues) {
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

  /** {@code 0x8E} style. */
  static String hex(int code) {
    return String.format("0x%02X", code);
  }
}
