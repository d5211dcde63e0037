package dev.flotilla.protocol;

import dev.flotilla.protocol.ProtocolException.Reason;
import dev.flotilla.protocol.v1.DesiredState;
import dev.flotilla.protocol.v1.SignedDesiredState;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.util.Objects;

/**
 * The one way an agent turns bytes from its desired topic into a {@link DesiredState} it may apply.
 * Checks, in order: size, envelope structure and version, key id against the key pinned at
 * enrollment, the Ed25519 signature, payload structure and version, the node id, the content rules
 * ({@link DesiredStateRules}), and that the generation is newer than the one applied. Thread-safe.
 */
public final class DesiredStateVerifier {
  private final PublicKey pinnedKey;
  private final String pinnedKeyId;
  private final NodeId node;
  private final WireDecoder decoder;

  public DesiredStateVerifier(PublicKey pinnedKey, NodeId node, DecodeLimits limits) {
    this.pinnedKey = Objects.requireNonNull(pinnedKey, "pinnedKey");
    this.pinnedKeyId = SigningKeys.keyId(pinnedKey);
    this.node = Objects.requireNonNull(node, "node");
    this.decoder = new WireDecoder(limits);
  }

  public DesiredStateVerifier(PublicKey pinnedKey, NodeId node) {
    this(pinnedKey, node, DecodeLimits.DEFAULT);
  }

  /**
   * @param wire the bytes received on {@code flotilla/v1/nodes/{node}/desired}
   * @param appliedGeneration the generation the agent has applied; 0 when it has none
   * @return the verified desired state, never null
   * @throws ProtocolException whatever the refusal; the caller keeps its last good state
   */
  public DesiredState verify(byte[] wire, long appliedGeneration) throws ProtocolException {
    SignedDesiredState envelope = decoder.signedDesiredState(wire);
    if (!pinnedKeyId.equals(envelope.getKeyId())) {
      throw new ProtocolException(
          Reason.UNKNOWN_KEY,
          "desired state is signed with key '"
              + envelope.getKeyId()
              + "' but this node trusts '"
              + pinnedKeyId
              + "' only; re-enroll the node if the controller key was rotated");
    }
    byte[] payload = envelope.getPayload().toByteArray();
    if (!signatureHolds(payload, envelope.getSignature().toByteArray())) {
      throw new ProtocolException(
          Reason.BAD_SIGNATURE,
          "desired state signature does not verify against key '" + pinnedKeyId + "'");
    }
    DesiredState state = decoder.desiredStatePayload(payload);
    if (!state.getNodeId().equals(node.value())) {
      throw new ProtocolException(
          Reason.WRONG_NODE,
          "desired state is for node '" + state.getNodeId() + "', this is '" + node + "'");
    }
    DesiredStateRules.check(state);
    long generation = state.getGeneration();
    if (Long.compareUnsigned(generation, appliedGeneration) < 0) {
      throw new ProtocolException(
          Reason.STALE_GENERATION,
          "desired state generation "
              + Long.toUnsignedString(generation)
              + " is older than the applied generation "
              + Long.toUnsignedString(appliedGeneration));
    }
    if (generation == appliedGeneration) {
      throw new ProtocolException(
          Reason.DUPLICATE_GENERATION,
          "desired state generation " + Long.toUnsignedString(generation) + " is already applied");
    }
    return state;
  }

  private boolean signatureHolds(byte[] payload, byte[] signatureBytes) {
    try {
      Signature signature = Signature.getInstance(SigningKeys.ALGORITHM);
      signature.initVerify(pinnedKey);
      signature.update(DesiredStateSigner.CONTEXT);
      signature.update(payload);
      return signature.verify(signatureBytes);
    } catch (SignatureException e) {
      // A signature of the wrong length or shape: as bad as one that does not verify.
      return false;
    } catch (InvalidKeyException e) {
      throw new IllegalStateException("the pinned key is not an Ed25519 key", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no Ed25519 provider", e);
    }
  }
}
