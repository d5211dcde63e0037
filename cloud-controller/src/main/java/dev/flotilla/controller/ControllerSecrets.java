package dev.flotilla.controller;

import dev.flotilla.protocol.SigningKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * The controller's secrets in its data directory, made on first start and read on every later one:
 * the Ed25519 signing key ({@code signing-key}), the controller's own broker password ({@code
 * broker-password}). Files are created owner-only ({@code 0600}).
 */
public final class ControllerSecrets {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final KeyPair signingKey;
  private final String brokerPassword;

  private ControllerSecrets(KeyPair signingKey, String brokerPassword) {
    this.signingKey = signingKey;
    this.brokerPassword = brokerPassword;
  }

  /** Reads the secrets from {@code dir}, creating those that are missing. */
  public static ControllerSecrets loadOrCreate(Path dir) {
    try {
      Files.createDirectories(dir);
      Path keyFile = dir.resolve("signing-key");
      if (!Files.exists(keyFile)) {
        KeyPair fresh = SigningKeys.generate();
        writeSecret(
            keyFile,
            SigningKeys.encodePrivate(fresh.getPrivate())
                + "\n"
                + SigningKeys.encodePublic(fresh.getPublic())
                + "\n");
      }
      List<String> lines = Files.readAllLines(keyFile, StandardCharsets.US_ASCII);
      if (lines.size() < 2) {
        throw new IllegalStateException(
            keyFile + " is damaged: expected the private and the public key on two lines");
      }
      PrivateKey priv = SigningKeys.decodePrivate(lines.get(0).trim());
      PublicKey pub = SigningKeys.decodePublic(lines.get(1).trim());
      Path passwordFile = dir.resolve("broker-password");
      if (!Files.exists(passwordFile)) {
        writeSecret(passwordFile, randomSecret() + "\n");
      }
      String password = Files.readString(passwordFile, StandardCharsets.US_ASCII).trim();
      return new ControllerSecrets(new KeyPair(pub, priv), password);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the controller's secrets in " + dir, e);
    }
  }

  /** A random secret of 256 bits, URL-safe Base64. */
  public static String randomSecret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** A random identifier of 64 bits, hex. */
  public static String randomId() {
    byte[] bytes = new byte[8];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /** Writes {@code content} to a new owner-only file; fails if the file exists. */
  public static void writeSecret(Path file, String content) throws IOException {
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file);
    } catch (FileAlreadyExistsException e) {
      throw e;
    }
    Files.writeString(file, content, StandardCharsets.US_ASCII, StandardOpenOption.WRITE);
  }

  public KeyPair signingKey() {
    return signingKey;
  }

  public String brokerPassword() {
    return brokerPassword;
  }
}
