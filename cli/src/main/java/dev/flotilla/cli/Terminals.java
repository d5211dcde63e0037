package dev.flotilla.cli;

import java.io.Console;
import java.lang.reflect.Method;

/** Whether standard output is a terminal, on JDK 21 and on 22+ (where {@link Console} changed). */
final class Terminals {
  private Terminals() {}

  static boolean isTerminal() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      // JDK 22+: System.console() answers even when redirected; isTerminal() tells.
      Method isTerminal = Console.class.getMethod("isTerminal");
      return (Boolean) isTerminal.invoke(console);
    } catch (ReflectiveOperationException e) {
      return true; // JDK 21: a console exists only for a terminal
    }
  }
}
