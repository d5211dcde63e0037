package dev.flotilla.controller.cli;

import dev.flotilla.controller.broker.BrokerStartException;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.EmbeddedApplication;
import java.net.BindException;

/**
 * Entry point of {@code flotilla controller} and of {@code java -jar flotilla-controller.jar}:
 * starts the API, the broker and the store with the defaults (data in {@code ./flotilla-data}) or
 * whatever configuration and environment say. A start that fails prints one line saying why and
 * exits with status 1.
 */
public final class ControllerMain {
  static final int START_FAILED = 1;

  private ControllerMain() {}

  public static void main(String[] args) {
    // Not Micronaut.run: on a failed start it logs a stack trace and exits on its own, and the
    // operator should read one line instead.
    ApplicationContext context = null;
    try {
      context = ApplicationContext.builder(ControllerMain.class).args(args).start();
      context.findBean(EmbeddedApplication.class).ifPresent(EmbeddedApplication::start);
      ApplicationContext running = context;
      Runtime.getRuntime().addShutdownHook(new Thread(running::close, "flotilla-shutdown"));
    } catch (RuntimeException e) {
      if (context != null && context.isRunning()) {
        context.close();
      }
      System.err.println("flotilla controller: " + explain(e));
      System.exit(START_FAILED);
    }
  }

  /** One line that tells the operator why the controller could not start and what to change. */
  static String explain(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof BrokerStartException b) {
        return b.getMessage();
      }
      if (t instanceof BindException) {
        return "the HTTP port is already in use ("
            + t.getMessage()
            + "); set micronaut.server.port or MICRONAUT_SERVER_PORT to another port";
      }
      if (t.getCause() == t) {
        break;
      }
    }
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return "cannot start: " + root.getMessage();
  }
}
