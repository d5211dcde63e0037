package dev.flotilla.protocol;

import static org.junit.jupiter.api.Assertions.fail;

import java.security.KeyPair;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Property: whatever bytes arrive, every decoder either returns a message or throws {@link
 * ProtocolException}; nothing else escapes. Inputs are seeded, so a failure names the seed that
 * reproduces it.
 */
class RandomInputTest {
  private static final int CASES = 5_000;
  private static final KeyPair CONTROLLER = SigningKeys.generate();

  private interface Decode {
    void apply(byte[] bytes) throws ProtocolException;
  }

  private static List<Decode> decoders() {
    WireDecoder decoder = new WireDecoder(new DecodeLimits(4096));
    DesiredStateVerifier verifier =
        new DesiredStateVerifier(
            CONTROLLER.getPublic(), new NodeId("gw-001"), new DecodeLimits(4096));
    return List.of(
        decoder::signedDesiredState,
        decoder::desiredStatePayload,
        decoder::nodeStatus,
        decoder::eventBatch,
        decoder::presence,
        decoder::command,
        decoder::commandReply,
        bytes -> verifier.verify(bytes, 0),
        bytes -> Topics.parse(new String(bytes, java.nio.charset.StandardCharsets.UTF_8)));
  }

  private static void assertOnlyTypedErrors(long seed, byte[] input) {
    for (Decode decode : decoders()) {
      try {
        decode.apply(input);
      } catch (ProtocolException expected) {
        // the one allowed failure
      } catch (Throwable t) {
        fail("seed " + seed + ": " + t.getClass().getName() + " escaped: " + t.getMessage(), t);
      }
    }
  }

  @Test
  void randomBytesNeverThrowAnythingButTheTypedError() {
    SplittableRandom random = new SplittableRandom(0xF10717A);
    for (int i = 0; i < CASES; i++) {
      long seed = random.nextLong();
      SplittableRandom r = new SplittableRandom(seed);
      byte[] input = new byte[r.nextInt(0, 6000)];
      r.nextBytes(input);
      assertOnlyTypedErrors(seed, input);
    }
  }

  @Test
  void mutatedValidMessagesNeverThrowAnythingButTheTypedError() {
    byte[] signed =
        new DesiredStateSigner(CONTROLLER).sign(Fixtures.desired("gw-001", 5)).toByteArray();
    byte[] status = WireDecoderTest.status().toByteArray();
    SplittableRandom random = new SplittableRandom(0xBADC0DE);
    for (int i = 0; i < CASES; i++) {
      long seed = random.nextLong();
      SplittableRandom r = new SplittableRandom(seed);
      byte[] input = (r.nextBoolean() ? signed : status).clone();
      int flips = r.nextInt(1, 8);
      for (int f = 0; f < flips; f++) {
        int at = r.nextInt(input.length);
        switch (r.nextInt(3)) {
          case 0 -> input[at] ^= (byte) (1 << r.nextInt(8));
          case 1 -> input[at] = (byte) r.nextInt(256);
          default -> input = java.util.Arrays.copyOf(input, Math.max(0, at));
        }
        if (input.length == 0) {
          break;
        }
      }
      assertOnlyTypedErrors(seed, input);
    }
  }
}
