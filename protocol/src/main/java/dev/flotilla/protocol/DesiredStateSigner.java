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
 * Signs desired states with the controller's Ed25519 key. Thread-safe: a {@link Signature} is made
 * per call (Ed25519 signing is cheap; the object is not).
 */
public final class DesiredStateSigner {
  /**
   * Prefixed to the payload before signing, so that a signature made for one kind of message can
   * never be presented as a signature over another.
   */
  static final byte[] CONTEXT =
      "flotilla/v1/desired\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final PrivateKey privateKey;
  private final String keyId;

  public DesiredStateSigner(KeyPair keys) {
    this(keys.getPrivate(), SigningKeys.keyId(keys.getPublic()));
  }

  public DesiredStateSigner(PrivateKey privateKey, String keyId) {
    this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
    this.keyId = Objects.requireNonNull(keyId, "keyId");
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

  private byte[] signBytes(byte[] payload) {
    try {
      Signature signature = Signature.getInstance(SigningKeys.ALGORITHM);
      signature.initSign(privateKey);
      signature.update(CONTEXT);
      signature.update(payload);
      return signature.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed: " + e.getMessage(), e);
    }
  }
}
