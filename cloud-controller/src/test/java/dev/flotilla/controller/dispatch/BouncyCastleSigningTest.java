package dev.flotilla.controller.dispatch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flotilla.protocol.DesiredStateSigner;
import dev.flotilla.protocol.DesiredStateVerifier;
import dev.flotilla.protocol.NodeId;
import dev.flotilla.protocol.ProtocolVersions;
import dev.flotilla.protocol.SigningKeys;
import dev.flotilla.protocol.v1.DesiredState;
import dev.flotilla.protocol.v1.SignedDesiredState;
import dev.flotilla.protocol.v1.Workload;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import org.junit.jupiter.api.Test;

class BouncyCastleSigningTest {
  private static DesiredState state(String node, long generation) {
    return DesiredState.newBuilder()
        .setVersion(ProtocolVersions.current())
        .setNodeId(node)
        .setGeneration(generation)
        .addWorkloads(
            Workload.newBuilder()
                .setName("air-quality")
                .setImage("registry.example/air-quality:" + generation)
                .setRevision(Long.toString(generation)))
        .build();
  }

  @Test
  void itSignsExactlyAsTheJdkDoesAndAgentsVerifyIt() {
    for (int i = 0; i < 20; i++) {
      KeyPair keys = SigningKeys.generate();
      DesiredStateSigner jdk = new DesiredStateSigner(keys);
      DesiredStateSigner fast =
          new DesiredStateSigner(
              SigningKeys.keyId(keys.getPublic()), BouncyCastleSigning.of(keys.getPrivate()));
      DesiredState state = state("gw-" + i, i + 1);

      SignedDesiredState a = jdk.sign(state);
      SignedDesiredState b = fast.sign(state);

      assertArrayEquals(a.toByteArray(), b.toByteArray(), "key " + i);
      DesiredStateVerifier verifier =
          new DesiredStateVerifier(keys.getPublic(), new NodeId("gw-" + i));
      assertEquals(state, assertVerifies(verifier, b));
    }
  }

  private static DesiredState assertVerifies(
      DesiredStateVerifier verifier, SignedDesiredState signed) {
    try {
      return verifier.verify(signed.toByteArray(), 0);
    } catch (dev.flotilla.protocol.ProtocolException e) {
      throw new AssertionError("the agent's verifier refused it: " + e.getMessage(), e);
    }
  }

  @Test
  void anotherKindOfKeyIsRefused() throws Exception {
    KeyPair rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> BouncyCastleSigning.of(rsa.getPrivate()));
    assertEquals("not an Ed25519 private key: RSA", e.getMessage());
  }
}
