package dev.flotilla.controller.broker;

import java.util.Optional;

/**
 * The port through which the broker extension checks a CONNECT's user name and password. The
 * controller's store implements it; tests use an in-memory map.
 *
 * <p>Contract for implementations:
 *
 * <ul>
 *   <li>Thread-safe: HiveMQ calls it concurrently from its extension threads, once per CONNECT.
 *   <li>Quick: a lookup in memory, no network or disk I/O on the calling thread, because every
 *       connecting client waits on it.
 *   <li>Total: never throws for any input (unknown user, empty or huge password); it answers {@link
 *       Optional#empty()} instead. The extension refuses the connection should it throw all the
 *       same.
 *   <li>Compares passwords in constant time (e.g. {@link java.security.MessageDigest#isEqual}) and
 *       keeps neither the array nor a copy of it; the caller clears the array afterwards.
 * </ul>
 */
@FunctionalInterface
public interface BrokerCredentials {

  /**
   * Checks a user name and password.
   *
   * @param username the CONNECT's user name, never null (connections without one are refused before
   *     this is asked)
   * @param password the CONNECT's password, never null; empty when the client sent none
   * @return the principal the credentials belong to, or empty when the user is unknown or the
   *     password is wrong (the two are not told apart, to the client or in the log)
   */
  Optional<BrokerPrincipal> authenticate(String username, byte[] password);
}
