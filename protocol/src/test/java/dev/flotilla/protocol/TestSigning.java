package dev.flotilla.protocol;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;

/** Signs arbitrary bytes the way {@link DesiredStateSigner} does, for hand-built envelopes. */
final class TestSigning {
  private TestSigning() {}

  static byte[] sign(KeyPair keys, byte[] payload) throws GeneralSecurityException {
    Signature signature = Signature.getInstance(SigningKeys.ALGORITHM);
    signature.initSign(keys.getPrivate());
    signature.update(DesiredStateSigner.CONTEXT);
    signature.update(payload);
    return signature.sign();
  }
}
