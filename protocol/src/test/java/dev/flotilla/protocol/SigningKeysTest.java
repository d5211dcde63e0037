package dev.flotilla.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import org.junit.jupiter.api.Test;

class SigningKeysTest {
  @Test
  void keysSurviveTheirTextEncoding() throws ProtocolException {
    KeyPair keys = SigningKeys.generate();
    KeyPair reloaded =
        new KeyPair(
            SigningKeys.decodePublic(SigningKeys.encodePublic(keys.getPublic())),
            SigningKeys.decodePrivate(SigningKeys.encodePrivate(keys.getPrivate())));

    byte[] wire =
        new DesiredStateSigner(reloaded).sign(Fixtures.desired("gw-001", 1)).toByteArray();
    assertEquals(
        1,
        new DesiredStateVerifier(keys.getPublic(), new NodeId("gw-001"))
            .verify(wire, 0)
            .getGeneration());
  }

  @Test
  void keyIdsAreStableShortAndDistinct() {
    KeyPair a = SigningKeys.generate();
    KeyPair b = SigningKeys.generate();
    String id = SigningKeys.keyId(a.getPublic());
    assertTrue(id.matches("ed25519:[0-9a-f]{16}"), id);
    assertEquals(
        id, SigningKeys.keyId(SigningKeys.decodePublic(SigningKeys.encodePublic(a.getPublic()))));
    assertNotEquals(id, SigningKeys.keyId(b.getPublic()));
  }

  @Test
  void somethingThatIsNotAKeyIsRefusedClearly() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SigningKeys.decodePublic("bm9wZQ=="));
    assertTrue(e.getMessage().contains("Ed25519 public key"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SigningKeys.decodePrivate("%%%"));
  }
}
