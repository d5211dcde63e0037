package dev.flotilla.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.flotilla.protocol.ProtocolException.Reason;
import dev.flotilla.protocol.v1.DesiredState;
import dev.flotilla.protocol.v1.ProtocolVersion;
import dev.flotilla.protocol.v1.SignedDesiredState;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DesiredStateVerifierTest {
  private static final KeyPair CONTROLLER = SigningKeys.generate();
  private static final NodeId GW = new NodeId("gw-001");

  private final DesiredStateSigner signer = new DesiredStateSigner(CONTROLLER);
  private final DesiredStateVerifier verifier =
      new DesiredStateVerifier(CONTROLLER.getPublic(), GW);

  private static ProtocolException refusal(Reason expected, ThrowingCall call) {
    ProtocolException e = assertThrows(ProtocolException.class, call::run);
    assertEquals(expected, e.reason(), e.getMessage());
    return e;
  }

  private interface ThrowingCall {
    void run() throws Exception;
  }

  @Test
  void aSignedStateRoundTripsAndIsReturnedAsSent() throws ProtocolException {
    DesiredState sent = Fixtures.desired("gw-001", 7);
    byte[] wire = signer.sign(sent).toByteArray();

    DesiredState received = verifier.verify(wire, 6);

    assertEquals(sent, received);
    assertEquals("sensor-reader", received.getWorkloads(0).getName());
  }

  @Test
  void theFirstStateIsAcceptedWhenNothingWasAppliedYet() throws ProtocolException {
    byte[] wire = signer.sign(Fixtures.desired("gw-001", 1)).toByteArray();
    assertEquals(1, verifier.verify(wire, 0).getGeneration());
  }

  @Test
  void theSignerStampsTheProtocolVersionWhenTheCallerForgot() throws ProtocolException {
    DesiredState unversioned = Fixtures.desired("gw-001", 3).toBuilder().clearVersion().build();
    DesiredState received = verifier.verify(signer.sign(unversioned).toByteArray(), 0);
    assertEquals(ProtocolVersions.MAJOR, received.getVersion().getMajor());
  }

  @Test
  void aFlippedSignatureByteIsRefused() {
    SignedDesiredState signed = signer.sign(Fixtures.desired("gw-001", 2));
    byte[] sig = signed.getSignature().toByteArray();
    sig[5] ^= 0x01;
    byte[] wire = signed.toBuilder().setSignature(ByteString.copyFrom(sig)).build().toByteArray();
    refusal(Reason.BAD_SIGNATURE, () -> verifier.verify(wire, 1));
  }

  @Test
  void aTamperedPayloadIsRefusedEvenWhenItStillParses() {
    SignedDesiredState signed = signer.sign(Fixtures.desired("gw-001", 2));
    DesiredState evil =
        Fixtures.desired("gw-001", 2).toBuilder()
            .setWorkloads(
                0, Fixtures.sensorReader().toBuilder().setImage("evil.example/miner:latest"))
            .build();
    byte[] wire = signed.toBuilder().setPayload(evil.toByteString()).build().toByteArray();
    refusal(Reason.BAD_SIGNATURE, () -> verifier.verify(wire, 1));
  }

  @Test
  void aSignatureOfTheWrongLengthIsRefusedAsBad() {
    SignedDesiredState signed = signer.sign(Fixtures.desired("gw-001", 2));
    byte[] wire =
        signed.toBuilder()
            .setSignature(ByteString.copyFrom(new byte[] {1, 2, 3}))
            .build()
            .toByteArray();
    refusal(Reason.BAD_SIGNATURE, () -> verifier.verify(wire, 1));
  }

  @Test
  void aStateSignedByAnotherKeyIsRefusedByKeyId() {
    DesiredStateSigner rogue = new DesiredStateSigner(SigningKeys.generate());
    byte[] wire = rogue.sign(Fixtures.desired("gw-001", 2)).toByteArray();
    ProtocolException e = refusal(Reason.UNKNOWN_KEY, () -> verifier.verify(wire, 1));
    assertTrue(e.getMessage().contains(rogue.keyId()), e.getMessage());
  }

  @Test
  void anotherKeyClaimingThePinnedKeyIdFailsTheSignature() {
    KeyPair rogueKeys = SigningKeys.generate();
    DesiredStateSigner impostor =
        new DesiredStateSigner(rogueKeys.getPrivate(), SigningKeys.keyId(CONTROLLER.getPublic()));
    byte[] wire = impostor.sign(Fixtures.desired("gw-001", 2)).toByteArray();
    refusal(Reason.BAD_SIGNATURE, () -> verifier.verify(wire, 1));
  }

  @Test
  void aSignatureOverThePayloadWithoutTheContextPrefixIsRefused() throws Exception {
    byte[] payload = Fixtures.desired("gw-001", 2).toByteArray();
    Signature plain = Signature.getInstance("Ed25519");
    plain.initSign(CONTROLLER.getPrivate());
    plain.update(payload);
    byte[] wire =
        SignedDesiredState.newBuilder()
            .setVersion(ProtocolVersions.current())
            .setPayload(ByteString.copyFrom(payload))
            .setSignature(ByteString.copyFrom(plain.sign()))
            .setKeyId(SigningKeys.keyId(CONTROLLER.getPublic()))
            .build()
            .toByteArray();
    refusal(Reason.BAD_SIGNATURE, () -> verifier.verify(wire, 1));
  }

  @Test
  void aStateForAnotherNodeIsRefused() {
    byte[] wire = signer.sign(Fixtures.desired("gw-002", 5)).toByteArray();
    ProtocolException e = refusal(Reason.WRONG_NODE, () -> verifier.verify(wire, 1));
    assertTrue(e.getMessage().contains("gw-002"), e.getMessage());
  }

  @Test
  void anOlderGenerationIsRefusedAsStale() {
    byte[] wire = signer.sign(Fixtures.desired("gw-001", 4)).toByteArray();
    ProtocolException e = refusal(Reason.STALE_GENERATION, () -> verifier.verify(wire, 9));
    assertTrue(e.getMessage().contains("4") && e.getMessage().contains("9"), e.getMessage());
  }

  @Test
  void theSameGenerationAgainIsADuplicate() {
    byte[] wire = signer.sign(Fixtures.desired("gw-001", 9)).toByteArray();
    refusal(Reason.DUPLICATE_GENERATION, () -> verifier.verify(wire, 9));
  }

  @Test
  void generationsAboveTheSignedLongRangeStillOrderCorrectly() throws ProtocolException {
    long huge = Long.MIN_VALUE + 5; // 2^63 + 5 as an unsigned uint64
    byte[] wire = signer.sign(Fixtures.desired("gw-001", huge)).toByteArray();
    assertEquals(huge, verifier.verify(wire, Long.MAX_VALUE).getGeneration());
    refusal(Reason.STALE_GENERATION, () -> verifier.verify(wire, -1L));
  }

  @Test
  void anOversizeMessageIsRefusedBeforeParsing() {
    DesiredStateVerifier strict =
        new DesiredStateVerifier(CONTROLLER.getPublic(), GW, new DecodeLimits(1024));
    DesiredState big =
        Fixtures.desired("gw-001", 2).toBuilder()
            .setWorkloads(
                0, Fixtures.sensorReader().toBuilder().putEnv("BLOB", "x".repeat(4096)).build())
            .build();
    byte[] wire = signer.sign(big).toByteArray();
    ProtocolException e = refusal(Reason.OVERSIZE, () -> strict.verify(wire, 1));
    assertTrue(e.getMessage().contains("1024"), e.getMessage());
  }

  @Test
  void theDefaultLimitIs256KiB() {
    byte[] wire = new byte[256 * 1024 + 1];
    refusal(Reason.OVERSIZE, () -> verifier.verify(wire, 0));
  }

  @Test
  void truncatedBytesAreMalformed() {
    byte[] wire = signer.sign(Fixtures.desired("gw-001", 2)).toByteArray();
    for (int cut : new int[] {1, 7, wire.length / 2, wire.length - 1}) {
      byte[] truncated = Arrays.copyOf(wire, cut);
      ProtocolException e =
          assertThrows(ProtocolException.class, () -> verifier.verify(truncated, 1));
      assertTrue(
          e.reason() == Reason.MALFORMED || e.reason() == Reason.MISSING_VERSION,
          "cut at " + cut + ": " + e.getMessage());
    }
  }

  @Test
  void garbageIsMalformed() {
    byte[] garbage = "this is not protobuf at all \u0000\u00ff".getBytes(StandardCharsets.UTF_8);
    refusal(Reason.MALFORMED, () -> verifier.verify(garbage, 0));
    refusal(Reason.MALFORMED, () -> verifier.verify(null, 0));
  }

  @Test
  void anEmptyMessageCarriesNoVersion() {
    refusal(Reason.MISSING_VERSION, () -> verifier.verify(new byte[0], 0));
  }

  @Test
  void anUnknownMajorVersionOnTheEnvelopeIsRefused() {
    byte[] wire =
        signer.sign(Fixtures.desired("gw-001", 2)).toBuilder()
            .setVersion(ProtocolVersion.newBuilder().setMajor(2))
            .build()
            .toByteArray();
    ProtocolException e = refusal(Reason.UNSUPPORTED_VERSION, () -> verifier.verify(wire, 1));
    assertTrue(e.getMessage().contains("2.0"), e.getMessage());
  }

  @Test
  void anUnknownMajorVersionInsideTheSignedPayloadIsRefused() {
    DesiredState v2 =
        Fixtures.desired("gw-001", 2).toBuilder()
            .setVersion(ProtocolVersion.newBuilder().setMajor(2).setMinor(1))
            .build();
    byte[] wire = signer.sign(v2).toByteArray();
    refusal(Reason.UNSUPPORTED_VERSION, () -> verifier.verify(wire, 1));
  }

  @Test
  void aNewerMinorVersionOfTheSameMajorIsAccepted() throws ProtocolException {
    DesiredState newer =
        Fixtures.desired("gw-001", 2).toBuilder()
            .setVersion(ProtocolVersion.newBuilder().setMajor(1).setMinor(9))
            .build();
    assertEquals(9, verifier.verify(signer.sign(newer).toByteArray(), 1).getVersion().getMinor());
  }

  @Test
  void unknownFieldsFromANewerMinorAreSkippedAndStillVerify() throws Exception {
    byte[] payload = Fixtures.desired("gw-001", 2).toByteArray();
    // Field 40, varint 1: a field this build does not know (in no reserved range).
    byte[] extended = Arrays.copyOf(payload, payload.length + 3);
    extended[payload.length] = (byte) 0xC0;
    extended[payload.length + 1] = 0x02;
    extended[payload.length + 2] = 0x01;
    SignedDesiredState signed = signer.sign(Fixtures.desired("gw-001", 2));
    byte[] sig = TestSigning.sign(CONTROLLER, extended);
    byte[] wire =
        signed.toBuilder()
            .setPayload(ByteString.copyFrom(extended))
            .setSignature(ByteString.copyFrom(sig))
            .build()
            .toByteArray();
    assertEquals(2, verifier.verify(wire, 1).getGeneration());
  }

  @Test
  void aSignedPayloadThatIsNotADesiredStateIsMalformed() throws Exception {
    byte[] junk = {(byte) 0xff, (byte) 0xff, (byte) 0xff};
    SignedDesiredState signed = signer.sign(Fixtures.desired("gw-001", 2));
    byte[] wire =
        signed.toBuilder()
            .setPayload(ByteString.copyFrom(junk))
            .setSignature(ByteString.copyFrom(TestSigning.sign(CONTROLLER, junk)))
            .build()
            .toByteArray();
    refusal(Reason.MALFORMED, () -> verifier.verify(wire, 1));
  }

  @Test
  void aSignedStateBreakingAContentRuleIsRefusedNamingTheField() throws Exception {
    DesiredState bad =
        Fixtures.desired("gw-001", 2).toBuilder()
            .addWorkloads(Fixtures.sensorReader().toBuilder().clearPorts())
            .build();
    byte[] payload = bad.toByteArray();
    byte[] wire =
        signer.sign(Fixtures.desired("gw-001", 2)).toBuilder()
            .setPayload(ByteString.copyFrom(payload))
            .setSignature(ByteString.copyFrom(TestSigning.sign(CONTROLLER, payload)))
            .build()
            .toByteArray();
    ProtocolException e = refusal(Reason.INVALID_FIELD, () -> verifier.verify(wire, 1));
    assertTrue(e.getMessage().contains("workloads[1].name"), e.getMessage());
  }

  @Test
  void theSignerRefusesToSignAStateThatBreaksAContentRule() {
    DesiredState bad = Fixtures.desired("gw-001", 0);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> signer.sign(bad));
    assertTrue(e.getMessage().contains("generation"), e.getMessage());
  }

  @Test
  void signingIsDeterministicForTheSameState() {
    SignedDesiredState a = signer.sign(Fixtures.desired("gw-001", 2));
    SignedDesiredState b = signer.sign(Fixtures.desired("gw-001", 2));
    assertArrayEquals(a.getSignature().toByteArray(), b.getSignature().toByteArray());
    assertEquals(SigningKeys.keyId(CONTROLLER.getPublic()), a.getKeyId());
  }
}
