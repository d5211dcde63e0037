package dev.flotilla.protocol;

import com.google.protobuf.ByteString;
import dev.flotilla.protocol.v1.DesiredState;
import dev.flotilla.protocol.v1.SignedDesiredState;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Objects;

/**
 * Signs desired states with the controller's Ed25519 key. Thread-safe.
 *
 * <p>By default it signs with the JDK's provider (a {@link Signature} per call). A faster
 * implementation of the same algorithm (RFC 8032 Ed25519, which is deterministic: the same key and
 * message give the same signature) may stand in through {@link Signing}; the controller uses one,
 * since it signs a desired state for every node a change touches.
 */
public final class DesiredStateSigner {
  /**
   * Prefixed to the payload before signing, so that a signature made for one kind of message can
   * never be presented as a signature over another.
   */
  static final byte[] CONTEXT =
      "flotilla/v1/desired\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** Pure Ed25519 over a whole message with one private key; must be thread-safe. */
  @FunctionalInterface
  public interface Signing {
    /** The 64-byte signature of {@code message}. */
    byte[] sign(byte[] message);
  }

  private final Signing signing;
  private final String keyId;

  public DesiredStateSigner(KeyPair keys) {
    this(keys.getPrivate(), SigningKeys.keyId(keys.getPublic()));
  }

  public DesiredStateSigner(PrivateKey privateKey, String keyId) {
    this(keyId, jdk(Objects.requireNonNull(privateKey, "privateKey")));
  }

  /** Signs with {@code signing}, which must be Ed25519 with the key that {@code keyId} names. */
  public DesiredStateSigner(String keyId, Signing signing) {
    this.keyId = Objects.requireNonNull(keyId, "keyId");
    this.signing = Objects.requireNonNull(signing, "signing");
  }

  public String keyId() {
    return keyId;
  }

  /**
   * Stamps the current protocol version on {@code state} if it has none, serializes it, and signs
   * the bytes.
   *
   * @throws IllegalArgumentException when {@code state} breaks {@link DesiredStateRules}: the
   *     controller validates manifests before it gets here, so this is a bug, and a signed state
   *     that every agent refuses would help no one
   */
  public SignedDesiredState sign(DesiredState state) {
    try {
      DesiredStateRules.check(state);
    } catch (ProtocolException e) {
      throw new IllegalArgumentException("refusing to sign: " + e.getMessage(), e);
    }
    DesiredState stamped =
        state.hasVersion()
            ? state
            : state.toBuilder().setVersion(ProtocolVersions.current()).build();
    byte[] payload = stamped.toByteArray();
    return SignedDesiredState.newBuilder()
        .setVersion(ProtocolVersions.current())
        .setPayload(ByteString.copyFrom(payload))
        .setSignature(ByteString.copyFrom(signBytes(payload)))
        .setKeyId(keyId)
        .build();
  }

  /** The bytes a desired state's signature covers: {@link #CONTEXT}, then the payload. */
  static byte[] signedBytes(byte[] payload) {
    byte[] message = new byte[CONTEXT.length + payload.length];
    System.arraycopy(CONTEXT, 0, message, 0, CONTEXT.length);
    System.arraycopy(payload, 0, message, CONTEXT.length, payload.length);
    return message;
  }

  private byte[] signBytes(byte[] payload) {
    byte[] signature = signing.sign(signedBytes(payload));
    if (signature.length != 64) {
      throw new IllegalStateException(
          "Ed25519 signing gave " + signature.length + " bytes, not 64");
    }
    return signature;
  }

  /** Ed25519 with the JDK's provider. */
  static Signing jdk(PrivateKey privateKey) {
    return message -> {
      try {
        Signature signature = Signature.getInstance(SigningKeys.ALGORITHM);
        signature.initSign(privateKey);
        signature.update(message);
        return signature.sign();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("Ed25519 signing failed: " + e.getMessage(), e);
      }
    };
  }
}
