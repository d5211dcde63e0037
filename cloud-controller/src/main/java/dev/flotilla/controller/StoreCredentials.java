package dev.flotilla.controller;

import dev.flotilla.controller.broker.BrokerCredentials;
import dev.flotilla.controller.broker.BrokerPrincipal;
import dev.flotilla.controller.store.FleetStore;
import dev.flotilla.protocol.NodeId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;

/**
 * The broker's authenticator reads node credentials from here: a copy of the store's credential
 * hashes, refreshed whenever a node is enrolled or deleted, so an MQTT CONNECT never waits on the
 * database. Thread-safe.
 */
final class StoreCredentials implements BrokerCredentials {
  /** The controller's own MQTT user name. */
  static final String CONTROLLER_USER = "flotilla-controller";

  private final FleetStore store;
  private final byte[] controllerPasswordHash;
  private volatile Map<String, String> hashes = Map.of();

  StoreCredentials(FleetStore store, String controllerPassword) {
    this.store = store;
    this.controllerPasswordHash =
        Tokens.sha256(controllerPassword).getBytes(StandardCharsets.US_ASCII);
    refresh();
  }

  void refresh() {
    hashes = Map.copyOf(store.credentialHashes());
  }

  /** Adds one enrolled node without reading the whole table again. */
  synchronized void added(NodeId node, String credentialHash) {
    Map<String, String> next = new java.util.HashMap<>(hashes);
    next.put(node.value(), credentialHash);
    hashes = next;
  }

  @Override
  public Optional<BrokerPrincipal> authenticate(String username, byte[] password) {
    if (username == null || password == null) {
      return Optional.empty();
    }
    byte[] given =
        Tokens.sha256(new String(password, StandardCharsets.UTF_8))
            .getBytes(StandardCharsets.US_ASCII);
    if (CONTROLLER_USER.equals(username)) {
      return MessageDigest.isEqual(given, controllerPasswordHash)
          ? Optional.of(new BrokerPrincipal.Controller())
          : Optional.empty();
    }
    String stored = hashes.get(username);
    if (stored == null
        || !NodeId.isValid(username)
        || !MessageDigest.isEqual(given, stored.getBytes(StandardCharsets.US_ASCII))) {
      return Optional.empty();
    }
    return Optional.of(new BrokerPrincipal.Node(new NodeId(username)));
  }
}
