package dev.flotilla.cli.client;

import java.net.URI;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where the client commands send their calls and with which API token.
 *
 * @param controller the controller's base URL, such as {@code http://localhost:8080}, without a
 *     trailing slash
 * @param token the API token; null when none was given anywhere
 * @param configFile the config file that was read; null when none was
 */
public record Connection(URI controller, @Nullable String token, @Nullable String configFile) {
  public Connection {
    Objects.requireNonNull(controller, "controller");
  }
}
