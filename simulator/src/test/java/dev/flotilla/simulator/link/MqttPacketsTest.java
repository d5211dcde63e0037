package dev.flotilla.simulator.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.simulator.link.MqttPackets.Connack;
import dev.flotilla.simulator.link.MqttPackets.Connect;
import dev.flotilla.simulator.link.MqttPackets.Decoder;
import dev.flotilla.simulator.link.MqttPackets.Disconnect;
import dev.flotilla.simulator.link.MqttPackets.Packet;
import dev.flotilla.simulator.link.MqttPackets.PingReq;
import dev.flotilla.simulator.link.MqttPackets.PingResp;
import dev.flotilla.simulator.link.MqttPackets.Puback;
import dev.flotilla.simulator.link.MqttPackets.Publish;
import dev.flotilla.simulator.link.MqttPackets.Suback;
import dev.flotilla.simulator.link.MqttPackets.Subscribe;
import dev.flotilla.simulator.link.MqttPackets.Subscription;
import dev.flotilla.simulator.link.MqttPackets.Will;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class MqttPacketsTest {
  private static final String TOPIC = "flotilla/v1/nodes/sim-1/desired";

  static Stream<Packet> packets() {
    return Stream.of(
        new Connect(
            "sim-1",
            false,
            30,
            3600,
            0,
            new Will("flotilla/v1/nodes/sim-1/presence", bytes("offline"), 1, true, 5),
            "sim-1",
            bytes("secret")),
        new Connect("c", true, 0, 0, 20, null, null, null),
        new Connect("", true, 65_535, 0xFFFF_FFFFL, 65_535, null, "u", null),
        Connack.of(true, 0),
        new Connack(false, 0x87, 10, 5, "not authorized", "assigned-1"),
        new Publish(TOPIC, bytes("payload"), 1, true, false, 7),
        new Publish(TOPIC, bytes("again"), 1, false, true, 65_535),
        new Publish(TOPIC, new byte[0], 0, false, false, 0),
        new Publish(TOPIC, bytes("reply"), 1, false, false, 8, bytes("c-0001")),
        new Publish(TOPIC, bytes("empty correlation"), 1, false, false, 9, new byte[0]),
        Puback.success(1),
        new Puback(2, 0x97, "quota exceeded"),
        new Puback(3, 0x10, null),
        new Subscribe(
            9, List.of(Subscription.of(TOPIC, 1), new Subscription("a/+/#", 0, true, true, 2))),
        new Suback(9, List.of(1, 0x80), null),
        new Suback(10, List.of(0), "ok"),
        new PingReq(),
        new PingResp(),
        Disconnect.of(0),
        Disconnect.of(0x04),
        new Disconnect(0x8E, "session taken over"));
  }

  @ParameterizedTest
  @MethodSource("packets")
  void everyPacketDecodesToWhatWasEncoded(Packet packet) throws Exception {
    assertEquals(List.of(packet), decodeAll(MqttPackets.encode(packet)));
  }

  @ParameterizedTest
  @MethodSource("packets")
  void aPacketFedOneByteAtATimeComesOutWholeOnceItsLastByteArrives(Packet packet) throws Exception {
    byte[] wire = toArray(MqttPackets.encode(packet));
    Decoder decoder = new Decoder(MqttPackets.MAX_REMAINING_LENGTH);
    List<Packet> out = new ArrayList<>();
    for (int i = 0; i < wire.length; i++) {
      decoder.feed(ByteBuffer.wrap(wire, i, 1), out::add);
      assertEquals(i == wire.length - 1 ? 1 : 0, out.size(), "packets after byte " + i);
    }
    assertEquals(List.of(packet), out);
    assertFalse(decoder.midPacket());
  }

  @Test
  void severalPacketsInOneChunkComeOutInOrder() throws Exception {
    List<Packet> all = packets().toList();
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    for (Packet packet : all) {
      stream.writeBytes(toArray(MqttPackets.encode(packet)));
    }
    assertEquals(all, decodeAll(ByteBuffer.wrap(stream.toByteArray())));
  }

  @Test
  void chunksThatCutPacketsAnywhereStillYieldEveryPacketInOrder() throws Exception {
    List<Packet> all = packets().toList();
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    for (Packet packet : all) {
      stream.writeBytes(toArray(MqttPackets.encode(packet)));
    }
    byte[] wire = stream.toByteArray();
    for (int chunk : new int[] {2, 3, 7, 13, 64}) {
      Decoder decoder = new Decoder(MqttPackets.MAX_REMAINING_LENGTH);
      List<Packet> out = new ArrayList<>();
      for (int at = 0; at < wire.length; at += chunk) {
        decoder.feed(ByteBuffer.wrap(wire, at, Math.min(chunk, wire.length - at)), out::add);
      }
      assertEquals(all, out, "chunks of " + chunk);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152})
  void remainingLengthsAtTheVariableByteIntegerBoundariesRoundTrip(int bodyLength)
      throws Exception {
    // A QoS 0 PUBLISH with topic "t" has 3 bytes before its payload (length 2, 't', properties 0).
    int payload = Math.max(0, bodyLength - 4);
    Packet packet = new Publish("t", new byte[payload], 0, false, false, 0);
    ByteBuffer wire = MqttPackets.encode(packet);
    int remaining = payload + 4;
    assertEquals(1 + MqttPackets.varintSize(remaining) + remaining, wire.remaining());
    assertEquals(List.of(packet), decodeAll(wire));
  }

  @Test
  void variableByteIntegersTakeOneToFourBytesAtTheSpecBoundaries() {
    assertEquals(1, MqttPackets.varintSize(0));
    assertEquals(1, MqttPackets.varintSize(127));
    assertEquals(2, MqttPackets.varintSize(128));
    assertEquals(2, MqttPackets.varintSize(16_383));
    assertEquals(3, MqttPackets.varintSize(16_384));
    assertEquals(3, MqttPackets.varintSize(2_097_151));
    assertEquals(4, MqttPackets.varintSize(2_097_152));
    assertEquals(4, MqttPackets.varintSize(MqttPackets.MAX_REMAINING_LENGTH));
    assertThrows(
        IllegalArgumentException.class,
        () -> MqttPackets.varintSize(MqttPackets.MAX_REMAINING_LENGTH + 1));
  }

  @Test
  void correlationDataIsThePublishsOnePropertyAndItsBytesAreCountedInTheRemainingLength()
      throws Exception {
    byte[] wire =
        toArray(MqttPackets.encode(new Publish("t", bytes("p"), 1, false, false, 1, bytes("ab"))));
    // topic (2 + 1), packet id (2), properties (length 5: id 0x09, length 2, 'a', 'b'), payload 1
    assertEquals(
        "320c" + "000174" + "0001" + "05" + "09" + "0002" + "6162" + "70",
        HexFormat.of().formatHex(wire));
    assertEquals(wire.length - 2, wire[1]);
  }

  @Test
  void aBrokersPublishWithExpiryResponseTopicAndCorrelationDataKeepsOnlyTheCorrelationData()
      throws Exception {
    // As a broker forwards a command: message expiry 30 s, response topic "r", correlation "id".
    String properties = "02" + "0000001e" + "08" + "0001" + "72" + "09" + "0002" + "6964";
    String body = "0001" + "74" + "0007" + "0e" + properties + "70";
    byte[] wire = HexFormat.of().parseHex("32" + String.format("%02x", body.length() / 2) + body);
    Publish publish = (Publish) decodeAll(ByteBuffer.wrap(wire)).get(0);
    assertEquals("t", publish.topic());
    assertEquals(7, publish.packetId());
    assertArrayEquals(bytes("id"), publish.correlationData());
    assertArrayEquals(bytes("p"), publish.payload());
  }

  @Test
  void aPublishWithoutCorrelationDataDecodesWithNone() throws Exception {
    Publish publish =
        (Publish)
            decodeAll(MqttPackets.encode(new Publish("t", bytes("p"), 0, false, false, 0))).get(0);
    assertNull(publish.correlationData());
  }

  @Test
  void correlationDataLongerThanAnMqttBinaryFieldIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new Publish("t", new byte[0], 0, false, false, 0, new byte[65_536]));
  }

  @Test
  void theRemainingLengthIsEncodedLittleEndianSevenBitsAtATime() {
    byte[] wire =
        toArray(MqttPackets.encode(new Publish("t", new byte[321 - 4], 0, false, false, 0)));
    // 321 = 0b10_1000001: 0xC1 (65 with the continuation bit), then 0x02.
    assertEquals(0x30, wire[0] & 0xFF);
    assertEquals(0xC1, wire[1] & 0xFF);
    assertEquals(0x02, wire[2] & 0xFF);
  }

  @Test
  void theConnectCarriesTheWillDelayTheSessionExpiryAndTheCredentialsWhereTheSpecPutsThem() {
    Connect connect =
        new Connect("n", false, 10, 60, 0, new Will("w", bytes("x"), 1, true, 2), "n", bytes("p"));
    String hex = HexFormat.of().formatHex(toArray(MqttPackets.encode(connect)));
    assertEquals(
        "10" // CONNECT
            + "25" // remaining length 37
            + "00044d515454" // "MQTT"
            + "05" // version 5
            + "ec" // user name, password, will retain, will QoS 1, will; clean start off
            + "000a" // keep-alive 10
            + "05"
            + "110000003c" // properties: session expiry 60
            + "00016e" // client id "n"
            + "05"
            + "1800000002" // will properties: will delay 2
            + "000177" // will topic "w"
            + "000178" // will payload "x"
            + "00016e" // user name "n"
            + "000170", // password "p"
        hex);
  }

  @Test
  void aSuccessfulPubackIsSentInItsTwoByteShortForm() {
    assertEquals(
        "40020005", HexFormat.of().formatHex(toArray(MqttPackets.encode(Puback.success(5)))));
  }

  @Test
  void aShortPubackAndAPubackWithoutPropertiesAreBothAccepted() throws Exception {
    assertEquals(List.of(Puback.success(5)), decodeAll(hex("40020005")));
    assertEquals(List.of(new Puback(5, 0x10, null)), decodeAll(hex("4003000510")));
    assertEquals(List.of(new Puback(5, 0x97, null)), decodeAll(hex("400400059700")));
  }

  @Test
  void aNormalDisconnectIsTwoBytesAndOtherReasonsCarryTheirCode() throws Exception {
    assertEquals("e000", HexFormat.of().formatHex(toArray(MqttPackets.encode(Disconnect.of(0)))));
    assertEquals(
        "e0020400", HexFormat.of().formatHex(toArray(MqttPackets.encode(Disconnect.of(4)))));
    assertEquals(List.of(Disconnect.of(0x8E)), decodeAll(hex("e0018e")));
  }

  @Test
  void aConnackKeepsTheBrokersReceiveMaximumAndServerKeepAliveAndSkipsOtherProperties()
      throws Exception {
    // Properties: retain available 1, user property ("k","v"), receive maximum 10, maximum packet
    // size 1024, topic alias maximum 5, server keep alive 20, wildcard available 1.
    String properties =
        "2501" + "2600016b000176" + "21000a" + "2700000400" + "220005" + "130014" + "2801";
    int propertiesLength = properties.length() / 2;
    String body = "01" + "00" + String.format("%02x", propertiesLength) + properties;
    Connack connack =
        (Connack) decodeAll(hex("20" + String.format("%02x", body.length() / 2) + body)).get(0);
    assertTrue(connack.sessionPresent());
    assertEquals(0, connack.reasonCode());
    assertEquals(10, connack.receiveMaximum());
    assertEquals(20, connack.serverKeepAlive());
    assertNull(connack.reasonString());
  }

  @Test
  void anUnknownPropertyEndsItsBlockButTheFieldsAfterTheBlockAreStillRead() throws Exception {
    // SUBACK id 1, properties: an unknown id 0x7F and three bytes, then reason code 1.
    Suback suback = (Suback) decodeAll(hex("9008" + "0001" + "047f0a0b0c" + "01")).get(0);
    assertEquals(List.of(1), suback.reasonCodes());
  }

  @Test
  void anMqtt311StyleTwoByteConnackIsReadAsARefusal() throws Exception {
    Connack connack = (Connack) decodeAll(hex("20020001")).get(0);
    assertEquals(1, connack.reasonCode());
    assertEquals(65_535, connack.receiveMaximum());
  }

  @Test
  void aPublishWithPropertiesFromTheBrokerKeepsItsPayloadAndDropsTheProperties() throws Exception {
    // QoS 1, topic "a/b", id 3, properties: payload format 1, message expiry 60, subscription id 4.
    String body = "0003612f62" + "0003" + "09" + "0101" + "020000003c" + "0b04" + "6869";
    Publish publish =
        (Publish) decodeAll(hex("32" + String.format("%02x", body.length() / 2) + body)).get(0);
    assertEquals("a/b", publish.topic());
    assertEquals(3, publish.packetId());
    assertArrayEquals(bytes("hi"), publish.payload());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "30ffffffff01", // a remaining length of five bytes
        "3080808080", // four continuation bytes
        "f000", // AUTH: not spoken
        "5002000a", // PUBREC: not spoken
        "00", // reserved type 0
        "36020000", // PUBLISH with QoS 3
        "3803000161", // PUBLISH at QoS 0 with DUP
        "8003000100", // SUBSCRIBE without its required flags 0010
        "c100", // PINGREQ with flags set
        "d00100", // PINGRESP with a body
        "4001" + "00", // PUBACK too short for its packet id
        "40020000", // PUBACK for packet id 0
        "2003000005", // CONNACK whose property block runs past its end
        "200200", // CONNACK shorter than its remaining length says: held back, then see below
        "3005000361ff62", // PUBLISH topic with a byte that is not UTF-8
        "30040005" + "6162", // PUBLISH topic that runs past the packet
        "3005" + "0002006100", // PUBLISH topic with U+0000
        "3003" + "000000", // PUBLISH with an empty topic
        "9003000100", // SUBACK without a reason code
        "2004" + "000000" + "00", // CONNACK with a byte left over
      })
  void malformedBytesAreRefusedWithAnExceptionThatSaysWhatIsWrong(String hex) {
    byte[] wire = HexFormat.of().parseHex(hex);
    if (hex.equals("200200")) {
      // Too short on the wire: the decoder waits for the rest rather than guessing.
      Decoder decoder = new Decoder(MqttPackets.MAX_REMAINING_LENGTH);
      List<Packet> out = new ArrayList<>();
      assertThrowsNothing(() -> decoder.feed(ByteBuffer.wrap(wire), out::add));
      assertTrue(out.isEmpty());
      assertTrue(decoder.midPacket());
      return;
    }
    MalformedPacketException e =
        assertThrows(MalformedPacketException.class, () -> decodeAll(ByteBuffer.wrap(wire)));
    assertFalse(e.getMessage().isBlank());
  }

  @Test
  void aPacketLongerThanTheDecodersLimitIsRefusedBeforeItsBodyArrives() {
    Decoder decoder = new Decoder(1024);
    MalformedPacketException e =
        assertThrows(
            MalformedPacketException.class, () -> decoder.feed(hex("30" + "818008"), packet -> {}));
    assertTrue(e.getMessage().contains("longer than this client accepts"), e.getMessage());
  }

  @Test
  void packetsBeforeAMalformedOneAreStillHandedOver() {
    List<Packet> out = new ArrayList<>();
    Decoder decoder = new Decoder(MqttPackets.MAX_REMAINING_LENGTH);
    assertThrows(
        MalformedPacketException.class, () -> decoder.feed(hex("d000" + "f000"), out::add));
    assertEquals(List.of(new PingResp()), out);
  }

  @Test
  void recordsRefuseValuesTheWireCannotCarry() {
    assertThrows(
        IllegalArgumentException.class, () -> new Publish(TOPIC, new byte[0], 1, false, false, 0));
    assertThrows(
        IllegalArgumentException.class, () -> new Publish(TOPIC, new byte[0], 0, false, true, 0));
    assertThrows(
        IllegalArgumentException.class, () -> new Publish("", new byte[0], 0, false, false, 0));
    assertThrows(IllegalArgumentException.class, () -> Puback.success(65_536));
    assertThrows(IllegalArgumentException.class, () -> new Subscribe(1, List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> MqttPackets.encode(new Publish("x".repeat(65_536), new byte[0], 0, false, false, 0)));
  }

  // ---- helpers ----

  private static List<Packet> decodeAll(ByteBuffer wire) throws MalformedPacketException {
    Decoder decoder = new Decoder(MqttPackets.MAX_REMAINING_LENGTH);
    List<Packet> out = new ArrayList<>();
    decoder.feed(wire, out::add);
    assertFalse(decoder.midPacket(), "bytes left over in the decoder");
    return out;
  }

  private interface Feeding {
    void run() throws Exception;
  }

  private static void assertThrowsNothing(Feeding feeding) {
    try {
      feeding.run();
    } catch (Exception e) {
      throw new AssertionError("unexpected " + e, e);
    }
  }

  private static ByteBuffer hex(String hex) {
    return ByteBuffer.wrap(HexFormat.of().parseHex(hex));
  }

  private static byte[] toArray(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.duplicate().get(out);
    return out;
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
