package dev.flotilla.controller;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Secrets the controller hands out (API tokens, bootstrap tokens, node passwords) are 256-bit
 * random strings; only their SHA-256 is stored. A fast hash is enough for secrets of that entropy:
 * there is nothing to guess.
 */
public final class Tokens {
  /** Prefix of API tokens, so a leaked one is recognisable. */
  public static final String API_PREFIX = "flt_";

  /** Prefix of bootstrap (enrollment) tokens. */
  public static final String BOOTSTRAP_PREFIX = "flb_";

  private Tokens() {}

  public static String sha256(String secret) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }
}
