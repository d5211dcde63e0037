package dev.flotilla.protocol;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Ed25519 keys as the protocol uses them, with the JDK's own provider (no crypto dependency).
 *
 * <p>Public keys travel as Base64 of their X.509 SubjectPublicKeyInfo encoding (what enrollment
 * hands to a node); private keys are stored as Base64 of PKCS#8. A key id is {@code ed25519:}
 * followed by the first 8 bytes, in hex, of the SHA-256 of the X.509 encoding.
 */
public final class SigningKeys {
  public static final String ALGORITHM = "Ed25519";

  private SigningKeys() {}

  public static KeyPair generate() {
    try {
      return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK has no Ed25519 provider (JDK 15+ has one)", e);
    }
  }

  public static String keyId(PublicKey key) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
      return "ed25519:" + HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK has no SHA-256", e);
    }
  }

  public static String encodePublic(PublicKey key) {
    return Base64.getEncoder().encodeToString(key.getEncoded());
  }

  public static String encodePrivate(PrivateKey key) {
    return Base64.getEncoder().encodeToString(key.getEncoded());
  }

  /**
   * @throws IllegalArgumentException when {@code base64} is not an Ed25519 public key
   */
  public static PublicKey decodePublic(String base64) {
    try {
      return KeyFactory.getInstance(ALGORITHM)
          .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64.strip())));
    } catch (IllegalArgumentException | InvalidKeySpecException e) {
      throw new IllegalArgumentException(
          "not an Ed25519 public key (expected Base64 of its X.509 encoding): " + e.getMessage(),
          e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no Ed25519 provider", e);
    }
  }

  /**
   * @throws IllegalArgumentException when {@code base64} is not an Ed25519 private key
   */
  public static PrivateKey decodePrivate(String base64) {
    try {
      return KeyFactory.getInstance(ALGORITHM)
          .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64.strip())));
    } catch (IllegalArgumentException | InvalidKeySpecException e) {
      throw new IllegalArgumentException(
          "not an Ed25519 private key (expected Base64 of its PKCS#8 encoding): " + e.getMessage(),
          e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no Ed25519 provider", e);
    }
  }
}
