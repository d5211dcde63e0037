package dev.flotilla.controller.broker;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** {@link BrokerCredentials} from a map, for tests. Thread-safe. */
final class InMemoryBrokerCredentials implements BrokerCredentials {
  private record Entry(byte[] password, BrokerPrincipal principal) {}

  private final Map<String, Entry> users = new ConcurrentHashMap<>();

  InMemoryBrokerCredentials add(String username, String password, BrokerPrincipal principal) {
    users.put(username, new Entry(password.getBytes(StandardCharsets.UTF_8), principal));
    return this;
  }

  @Override
  public Optional<BrokerPrincipal> authenticate(String username, byte[] password) {
    Entry entry = users.get(username);
    if (entry == null || !MessageDigest.isEqual(entry.password(), password)) {
      return Optional.empty();
    }
    return Optional.of(entry.principal());
  }
}
