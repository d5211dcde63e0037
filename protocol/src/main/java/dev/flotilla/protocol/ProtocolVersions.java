package dev.flotilla.protocol;

import dev.flotilla.protocol.v1.ProtocolVersion;

/**
 * The protocol version this code writes and the rule for what it reads: the same major version, any
 * minor version (newer minors only add fields, which proto3 skips).
 */
public final class ProtocolVersions {
  public static final int MAJOR = 1;
  public static final int MINOR = 0;

  private static final ProtocolVersion CURRENT =
      ProtocolVersion.newBuilder().setMajor(MAJOR).setMinor(MINOR).build();

  private ProtocolVersions() {}

  /** The version to stamp on every payload this code writes. */
  public static ProtocolVersion current() {
    return CURRENT;
  }

  /**
   * @param present whether the payload has the version field at all
   * @throws ProtocolException MISSING_VERSION or UNSUPPORTED_VERSION
   */
  static void check(String what, boolean present, ProtocolVersion version)
      throws ProtocolException {
    if (!present || version.getMajor() == 0) {
      throw new ProtocolException(
          ProtocolException.Reason.MISSING_VERSION, what + " carries no protocol version");
    }
    if (version.getMajor() != MAJOR) {
      throw new ProtocolException(
          ProtocolException.Reason.UNSUPPORTED_VERSION,
          what
              + " has protocol version "
              + version.getMajor()
              + "."
              + version.getMinor()
              + "; this build understands major version "
              + MAJOR
              + " only: upgrade the reader");
    }
  }
}
