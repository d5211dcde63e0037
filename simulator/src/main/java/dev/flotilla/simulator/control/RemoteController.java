package dev.flotilla.simulator.control;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A controller already running elsewhere ({@code flotilla simulate --controller URL}): the
 * simulator enrolls its nodes there and drives it through its API, but cannot restart it or see its
 * process.
 */
public final class RemoteController implements ControlTarget {
  private final URI api;
  private final String token;

  public RemoteController(URI api, String token) {
    this.api = Objects.requireNonNull(api, "api");
    this.token = Objects.requireNonNull(token, "token");
  }

  @Override
  public URI api() {
    return api;
  }

  @Override
  public String token() {
    return token;
  }

  @Override
  public String mode() {
    return "remote " + api;
  }

  @Override
  public boolean restartable() {
    return false;
  }

  @Override
  public void restartBroker(Duration down) {
    throw new UnsupportedOperationException(
        "the controller at " + api + " is not the simulator's; it cannot restart its broker");
  }

  @Override
  public void restartController(boolean kill, Duration down) {
    throw new UnsupportedOperationException(
        "the controller at " + api + " is not the simulator's; it cannot restart it");
  }

  @Override
  public List<Sample> samples() {
    return List.of();
  }

  @Override
  public void close() {}
}
