package dev.flotilla.cli;

import dev.flotilla.cli.client.ApiClient;
import dev.flotilla.cli.client.ApiException;
import dev.flotilla.cli.client.ConfigException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A command that calls the controller. It prints what went wrong as one line on stderr, {@code
 * flotilla: ...}, and exits 1 for a refused call or an unreachable controller; a bad argument found
 * after parsing is a usage error (exit 2) through {@link #usage(String)}.
 */
@Command(mixinStandardHelpOptions = true)
abstract class ClientCommand implements Callable<Integer> {
  /** Exit status when the API refused a call or the controller cannot be reached. */
  static final int FAILED = 1;

  @Spec CommandSpec spec;

  @Mixin ConnectionOptions connectionOptions = new ConnectionOptions();

  private ApiClient client;

  @Override
  public final Integer call() {
    try {
      return execute();
    } catch (ApiException | ConfigException e) {
      err().println("flotilla: " + e.getMessage());
      err().flush();
      return FAILED;
    } finally {
      out().flush();
    }
  }

  /** Does the command's work; answers the exit status. */
  abstract int execute();

  final FlotillaMain root() {
    return (FlotillaMain) spec.root().userObject();
  }

  /** The API client, made on first use from the resolved connection. */
  final ApiClient api() {
    if (client == null) {
      client = new ApiClient(root().connection(connectionOptions));
    }
    return client;
  }

  final PrintWriter out() {
    return spec.commandLine().getOut();
  }

  final PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** Now, for ages. */
  final Instant now() {
    return Instant.now();
  }

  /** A usage error found after parsing: exit 2 with the message. */
  final ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  static String path(String first, String... segments) {
    StringBuilder s = new StringBuilder(first);
    for (String seg : segments) {
      s.append('/').append(ApiClient.encode(seg));
    }
    return s.toString();
  }
}
