package dev.flotilla.simulator.link;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The MQTT 5 packets the simulator's link speaks, as records, with their encoding and a streaming
 * decoder. Pure: no I/O, no threads, no clock.
 *
 * <p><b>What is covered.</b> CONNECT (with will, will delay, user name, password, session expiry,
 * receive maximum), CONNACK, PUBLISH at QoS 0 and 1 (QoS 2 is decoded, so that a broker that sends
 * it is noticed, but the link never asks for it), PUBACK, SUBSCRIBE, SUBACK, PINGREQ, PINGRESP and
 * DISCONNECT in both directions. AUTH, PUBREC/PUBREL/PUBCOMP and UNSUBSCRIBE are refused as
 * malformed: the link never sends what would make a broker answer with them.
 *
 * <p><b>Properties.</b> The ones a packet record has a field for are encoded and decoded; every
 * other property is read over and dropped. A property identifier this code does not know ends the
 * property block early (its length is unknown) but is safe: the block's own length says where the
 * packet goes on. PUBLISH carries one property, the correlation data (0x09), both ways; the others
 * a broker may add to a PUBLISH (message expiry, response topic, ...) are read over and dropped.
 *
 * <p><b>Arrays.</b> Byte arrays in the records (payloads, the password) are neither copied nor
 * changed here; whoever makes a record must not change its arrays afterwards.
 *
 * <p>Spec references are to the OASIS MQTT Version 5.0 standard, section 2 (format) and 3
 * (packets).
 */
public final class MqttPackets {
  /** The largest remaining length MQTT can express (four bytes of variable byte integer). */
  public static final int MAX_REMAINING_LENGTH = 268_435_455;

  /** The reason code for success (and "normal disconnection", and "granted QoS 0"). */
  public static final int SUCCESS = 0x00;

  /** Reason codes from this value up are failures (section 2.4). */
  public static final int FIRST_FAILURE_CODE = 0x80;

  static final int CONNECT = 1;
  static final int CONNACK = 2;
  static final int PUBLISH = 3;
  static final int PUBACK = 4;
  static final int SUBSCRIBE = 8;
  static final int SUBACK = 9;
  static final int PINGREQ = 12;
  static final int PINGRESP = 13;
  static final int DISCONNECT = 14;

  private static final int PROTOCOL_VERSION = 5;
  private static final byte[] PROTOCOL_NAME = {0, 4, 'M', 'Q', 'T', 'T'};
  private static final int MAX_STRING_BYTES = 65_535;
  private static final byte[] EMPTY = new byte[0];

  // Property identifiers (section 2.2.2.2).
  private static final int PAYLOAD_FORMAT_INDICATOR = 0x01;
  private static final int MESSAGE_EXPIRY_INTERVAL = 0x02;
  private static final int CONTENT_TYPE = 0x03;
  private static final int RESPONSE_TOPIC = 0x08;
  private static final int CORRELATION_DATA = 0x09;
  private static final int SUBSCRIPTION_IDENTIFIER = 0x0B;
  private static final int SESSION_EXPIRY_INTERVAL = 0x11;
  private static final int ASSIGNED_CLIENT_IDENTIFIER = 0x12;
  private static final int SERVER_KEEP_ALIVE = 0x13;
  private static final int AUTHENTICATION_METHOD = 0x15;
  private static final int AUTHENTICATION_DATA = 0x16;
  private static final int REQUEST_PROBLEM_INFORMATION = 0x17;
  private static final int WILL_DELAY_INTERVAL = 0x18;
  private static final int REQUEST_RESPONSE_INFORMATION = 0x19;
  private static final int RESPONSE_INFORMATION = 0x1A;
  private static final int SERVER_REFERENCE = 0x1C;
  private static final int REASON_STRING = 0x1F;
  private static final int RECEIVE_MAXIMUM = 0x21;
  private static final int TOPIC_ALIAS_MAXIMUM = 0x22;
  private static final int TOPIC_ALIAS = 0x23;
  private static final int MAXIMUM_QOS = 0x24;
  private static final int RETAIN_AVAILABLE = 0x25;
  private static final int USER_PROPERTY = 0x26;
  private static final int MAXIMUM_PACKET_SIZE = 0x27;
  private static final int WILDCARD_SUBSCRIPTION_AVAILABLE = 0x28;
  private static final int SUBSCRIPTION_IDENTIFIER_AVAILABLE = 0x29;
  private static final int SHARED_SUBSCRIPTION_AVAILABLE = 0x2A;

  private MqttPackets() {}

  // ---- packets ----

  /** One MQTT control packet. */
  public sealed interface Packet
      permits Connect, Connack, Publish, Puback, Subscribe, Suback, PingReq, PingResp, Disconnect {}

  /**
   * The will of a connection: published by the broker when the connection ends without a normal
   * DISCONNECT.
   *
   * @param topic never empty
   * @param payload not copied
   * @param qos 0 to 2
   * @param retain whether the will is published retained
   * @param delaySeconds Will Delay Interval, 0 to 2^32-1; 0 is not sent (it is the default)
   */
  public record Will(String topic, byte[] payload, int qos, boolean retain, long delaySeconds) {
    public Will {
      requireNonEmpty(topic, "will topic");
      Objects.requireNonNull(payload, "payload");
      requireQos(qos, "will QoS");
      requireUnsignedInt(delaySeconds, "will delay");
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Will w
          && topic.equals(w.topic)
          && Arrays.equals(payload, w.payload)
          && qos == w.qos
          && retain == w.retain
          && delaySeconds == w.delaySeconds;
    }

    @Override
    public int hashCode() {
      return Objects.hash(topic, Arrays.hashCode(payload), qos, retain, delaySeconds);
    }

    @Override
    public String toString() {
      return "Will[topic=" + topic + ", bytes=" + payload.length + ", qos=" + qos + "]";
    }
  }

  /**
   * CONNECT (section 3.1).
   *
   * @param clientId may be empty (the broker then assigns one)
   * @param cleanStart the Clean Start flag
   * @param keepAliveSeconds 0 to 65535; 0 turns keep-alive off
   * @param sessionExpirySeconds Session Expiry Interval, 0 to 2^32-1; 0 is not sent (the default)
   * @param receiveMaximum Receive Maximum, 1 to 65535; 0 means the property is not sent (the broker
   *     then assumes 65535)
   * @param will null for none
   * @param userName null for none
   * @param password null for none; not copied
   */
  public record Connect(
      String clientId,
      boolean cleanStart,
      int keepAliveSeconds,
      long sessionExpirySeconds,
      int receiveMaximum,
      Will will,
      String userName,
      byte[] password)
      implements Packet {
    public Connect {
      Objects.requireNonNull(clientId, "clientId");
      requireUnsignedShort(keepAliveSeconds, "keep-alive");
      requireUnsignedInt(sessionExpirySeconds, "session expiry");
      requireUnsignedShort(receiveMaximum, "receive maximum");
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Connect c
          && clientId.equals(c.clientId)
          && cleanStart == c.cleanStart
          && keepAliveSeconds == c.keepAliveSeconds
          && sessionExpirySeconds == c.sessionExpirySeconds
          && receiveMaximum == c.receiveMaximum
          && Objects.equals(will, c.will)
          && Objects.equals(userName, c.userName)
          && Arrays.equals(password, c.password);
    }

    @Override
    public int hashCode() {
      return Objects.hash(
          clientId,
          cleanStart,
          keepAliveSeconds,
          sessionExpirySeconds,
          receiveMaximum,
          will,
          userName,
          Arrays.hashCode(password));
    }

    @Override
    public String toString() {
      return "Connect[clientId="
          + clientId
          + ", cleanStart="
          + cleanStart
          + ", keepAlive="
          + keepAliveSeconds
          + ", sessionExpiry="
          + sessionExpirySeconds
          + ", will="
          + will
          + ", userName="
          + userName
          + ", password="
          + (password == null ? "none" : "****")
          + "]";
    }
  }

  /**
   * CONNACK (section 3.2). Only the properties the link uses are kept.
   *
   * @param sessionPresent whether the broker had a session for the client
   * @param reasonCode 0 for success; anything else is a refusal (an MQTT 3.1.1 broker's return
   *     codes 1 to 5 included)
   * @param receiveMaximum how many QoS 1 and 2 publishes the client may have unacknowledged; 65535
   *     when the broker did not say
   * @param serverKeepAlive the keep-alive the broker imposes, in seconds; -1 when it did not
   * @param reasonString null when absent
   * @param assignedClientId null when absent
   */
  public record Connack(
      boolean sessionPresent,
      int reasonCode,
      int receiveMaximum,
      int serverKeepAlive,
      String reasonString,
      String assignedClientId)
      implements Packet {
    public Connack {
      requireByte(reasonCode, "reason code");
      if (receiveMaximum < 1 || receiveMaximum > 65_535) {
        throw new IllegalArgumentException("receive maximum must be 1 to 65535: " + receiveMaximum);
      }
      if (serverKeepAlive < -1 || serverKeepAlive > 65_535) {
        throw new IllegalArgumentException(
            "server keep-alive must be -1 (absent) or 0 to 65535: " + serverKeepAlive);
      }
    }

    /** A CONNACK with only a session flag and a reason code. */
    public static Connack of(boolean sessionPresent, int reasonCode) {
      return new Connack(sessionPresent, reasonCode, 65_535, -1, null, null);
    }
  }

  /**
   * PUBLISH (section 3.3).
   *
   * @param topic never empty (topic aliases are not used)
   * @param payload not copied
   * @param qos 0 to 2
   * @param retain the RETAIN flag
   * @param dup the DUP flag; false at QoS 0
   * @param packetId 1 to 65535 at QoS 1 and 2; 0 at QoS 0
   * @param correlationData the Correlation Data property (at most 65535 bytes); null when absent;
   *     not copied
   */
  public record Publish(
      String topic,
      byte[] payload,
      int qos,
      boolean retain,
      boolean dup,
      int packetId,
      byte[] correlationData)
      implements Packet {
    public Publish {
      requireNonEmpty(topic, "topic");
      Objects.requireNonNull(payload, "payload");
      requireQos(qos, "QoS");
      if (qos == 0 && (dup || packetId != 0)) {
        throw new IllegalArgumentException("a QoS 0 PUBLISH has no DUP flag and no packet id");
      }
      if (qos > 0) {
        requirePacketId(packetId);
      }
      if (correlationData != null && correlationData.length > MAX_STRING_BYTES) {
        throw new IllegalArgumentException(
            "correlation data may be at most "
                + MAX_STRING_BYTES
                + " bytes, not "
                + correlationData.length);
      }
    }

    /** A PUBLISH without correlation data. */
    public Publish(
        String topic, byte[] payload, int qos, boolean retain, boolean dup, int packetId) {
      this(topic, payload, qos, retain, dup, packetId, null);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Publish p
          && topic.equals(p.topic)
          && Arrays.equals(payload, p.payload)
          && qos == p.qos
          && retain == p.retain
          && dup == p.dup
          && packetId == p.packetId
          && Arrays.equals(correlationData, p.correlationData);
    }

    @Override
    public int hashCode() {
      return Objects.hash(
          topic,
          Arrays.hashCode(payload),
          qos,
          retain,
          dup,
          packetId,
          Arrays.hashCode(correlationData));
    }

    @Override
    public String toString() {
      return "Publish[topic="
          + topic
          + ", bytes="
          + payload.length
          + ", qos="
          + qos
          + ", retain="
          + retain
          + ", dup="
          + dup
          + ", packetId="
          + packetId
          + (correlationData == null ? "" : ", correlationBytes=" + correlationData.length)
          + "]";
    }
  }

  /**
   * PUBACK (section 3.4). A success without a reason string is encoded in the two-byte short form.
   *
   * @param packetId 1 to 65535
   * @param reasonCode below {@link #FIRST_FAILURE_CODE} for success
   * @param reasonString null when absent
   */
  public record Puback(int packetId, int reasonCode, String reasonString) implements Packet {
    public Puback {
      requirePacketId(packetId);
      requireByte(reasonCode, "reason code");
    }

    public static Puback success(int packetId) {
      return new Puback(packetId, SUCCESS, null);
    }
  }

  /**
   * One topic filter of a SUBSCRIBE and its options (section 3.8.3.1).
   *
   * @param filter never empty
   * @param qos the maximum QoS, 0 to 2
   * @param noLocal do not deliver the client's own publishes back to it
   * @param retainAsPublished keep the RETAIN flag as the publisher set it
   * @param retainHandling 0: send retained messages on subscribe; 1: only for a new subscription;
   *     2: never
   */
  public record Subscription(
      String filter, int qos, boolean noLocal, boolean retainAsPublished, int retainHandling) {
    public Subscription {
      requireNonEmpty(filter, "topic filter");
      requireQos(qos, "subscription QoS");
      if (retainHandling < 0 || retainHandling > 2) {
        throw new IllegalArgumentException("retain handling must be 0 to 2: " + retainHandling);
      }
    }

    /** {@code filter} at {@code qos}, with the default options. */
    public static Subscription of(String filter, int qos) {
      return new Subscription(filter, qos, false, false, 0);
    }
  }

  /**
   * SUBSCRIBE (section 3.8).
   *
   * @param packetId 1 to 65535
   * @param subscriptions at least one
   */
  public record Subscribe(int packetId, List<Subscription> subscriptions) implements Packet {
    public Subscribe {
      requirePacketId(packetId);
      subscriptions = List.copyOf(subscriptions);
      if (subscriptions.isEmpty()) {
        throw new IllegalArgumentException("a SUBSCRIBE needs at least one topic filter");
      }
    }
  }

  /**
   * SUBACK (section 3.9).
   *
   * @param packetId 1 to 65535
   * @param reasonCodes one per topic filter of the SUBSCRIBE, in order; the granted QoS, or a
   *     failure from {@link #FIRST_FAILURE_CODE} up
   * @param reasonString null when absent
   */
  public record Suback(int packetId, List<Integer> reasonCodes, String reasonString)
      implements Packet {
    public Suback {
      requirePacketId(packetId);
      reasonCodes = List.copyOf(reasonCodes);
      if (reasonCodes.isEmpty()) {
        throw new IllegalArgumentException("a SUBACK needs at least one reason code");
      }
      reasonCodes.forEach(code -> requireByte(code, "reason code"));
    }
  }

  /** PINGREQ (section 3.12). */
  public record PingReq() implements Packet {}

  /** PINGRESP (section 3.13). */
  public record PingResp() implements Packet {}

  /**
   * DISCONNECT (section 3.14), from either side.
   *
   * @param reasonCode 0x00 normal (the broker drops the will), 0x04 with will message, 0x8E session
   *     taken over, ...
   * @param reasonString null when absent
   */
  public record Disconnect(int reasonCode, String reasonString) implements Packet {
    public Disconnect {
      requireByte(reasonCode, "reason code");
    }

    public static Disconnect of(int reasonCode) {
      return new Disconnect(reasonCode, null);
    }
  }

  // ---- encoding ----

  /**
   * The wire form of {@code packet}: a heap buffer positioned at 0 with the whole packet between
   * position and limit.
   *
   * @throws IllegalArgumentException when a string is longer than 65535 UTF-8 bytes or the packet
   *     is longer than {@link #MAX_REMAINING_LENGTH}
   */
  public static ByteBuffer encode(Packet packet) {
    Objects.requireNonNull(packet, "packet");
    Writer body = new Writer();
    int flags = 0;
    int type;
    switch (packet) {
      case Connect c -> {
        type = CONNECT;
        encodeConnect(c, body);
      }
      case Connack c -> {
        type = CONNACK;
        body.u8(c.sessionPresent() ? 1 : 0);
        body.u8(c.reasonCode());
        Writer properties = new Writer();
        if (c.receiveMaximum() != 65_535) {
          properties.u8(RECEIVE_MAXIMUM).u16(c.receiveMaximum());
        }
        if (c.serverKeepAlive() >= 0) {
          properties.u8(SERVER_KEEP_ALIVE).u16(c.serverKeepAlive());
        }
        if (c.assignedClientId() != null) {
          properties.u8(ASSIGNED_CLIENT_IDENTIFIER).utf8(c.assignedClientId());
        }
        if (c.reasonString() != null) {
          properties.u8(REASON_STRING).utf8(c.reasonString());
        }
        body.properties(properties);
      }
      case Publish p -> {
        type = PUBLISH;
        flags = (p.dup() ? 0b1000 : 0) | (p.qos() << 1) | (p.retain() ? 1 : 0);
        body.utf8(p.topic());
        if (p.qos() > 0) {
          body.u16(p.packetId());
        }
        Writer properties = new Writer();
        if (p.correlationData() != null) {
          properties.u8(CORRELATION_DATA).binary(p.correlationData());
        }
        body.properties(properties);
        body.bytes(p.payload());
      }
      case Puback p -> {
        type = PUBACK;
        body.u16(p.packetId());
        if (p.reasonCode() != SUCCESS || p.reasonString() != null) {
          body.u8(p.reasonCode());
          Writer properties = new Writer();
          if (p.reasonString() != null) {
            properties.u8(REASON_STRING).utf8(p.reasonString());
          }
          body.properties(properties);
        }
      }
      case Subscribe s -> {
        type = SUBSCRIBE;
        flags = 0b0010;
        body.u16(s.packetId());
        body.varint(0);
        for (Subscription sub : s.subscriptions()) {
          body.utf8(sub.filter());
          body.u8(
              sub.qos()
                  | (sub.noLocal() ? 0b100 : 0)
                  | (sub.retainAsPublished() ? 0b1000 : 0)
                  | (sub.retainHandling() << 4));
        }
      }
      case Suback s -> {
        type = SUBACK;
        body.u16(s.packetId());
        Writer properties = new Writer();
        if (s.reasonString() != null) {
          properties.u8(REASON_STRING).utf8(s.reasonString());
        }
        body.properties(properties);
        s.reasonCodes().forEach(body::u8);
      }
      case PingReq p -> type = PINGREQ;
      case PingResp p -> type = PINGRESP;
      case Disconnect d -> {
        type = DISCONNECT;
        // A normal disconnection without properties has the short form: no variable header.
        if (d.reasonCode() != SUCCESS || d.reasonString() != null) {
          body.u8(d.reasonCode());
          Writer properties = new Writer();
          if (d.reasonString() != null) {
            properties.u8(REASON_STRING).utf8(d.reasonString());
          }
          body.properties(properties);
        }
      }
    }
    int length = body.size();
    if (length > MAX_REMAINING_LENGTH) {
      throw new IllegalArgumentException(
          "a packet may carry at most " + MAX_REMAINING_LENGTH + " bytes, not " + length);
    }
    ByteBuffer wire = ByteBuffer.allocate(1 + varintSize(length) + length);
    wire.put((byte) ((type << 4) | flags));
    putVarint(wire, length);
    wire.put(body.array(), 0, length);
    return wire.flip();
  }

  private static void encodeConnect(Connect c, Writer body) {
    Will will = c.will();
    int connectFlags =
        (c.userName() != null ? 0x80 : 0)
            | (c.password() != null ? 0x40 : 0)
            | (will != null && will.retain() ? 0x20 : 0)
            | (will != null ? will.qos() << 3 : 0)
            | (will != null ? 0x04 : 0)
            | (c.cleanStart() ? 0x02 : 0);
    body.bytes(PROTOCOL_NAME);
    body.u8(PROTOCOL_VERSION);
    body.u8(connectFlags);
    body.u16(c.keepAliveSeconds());
    Writer properties = new Writer();
    if (c.sessionExpirySeconds() != 0) {
      properties.u8(SESSION_EXPIRY_INTERVAL).u32(c.sessionExpirySeconds());
    }
    if (c.receiveMaximum() != 0) {
      properties.u8(RECEIVE_MAXIMUM).u16(c.receiveMaximum());
    }
    body.properties(properties);
    body.utf8(c.clientId());
    if (will != null) {
      Writer willProperties = new Writer();
      if (will.delaySeconds() != 0) {
        willProperties.u8(WILL_DELAY_INTERVAL).u32(will.delaySeconds());
      }
      body.properties(willProperties);
      body.utf8(will.topic());
      body.binary(will.payload());
    }
    if (c.userName() != null) {
      body.utf8(c.userName());
    }
    if (c.password() != null) {
      body.binary(c.password());
    }
  }

  /** How many bytes the variable byte integer {@code value} takes: 1 to 4. */
  public static int varintSize(int value) {
    if (value < 0 || value > MAX_REMAINING_LENGTH) {
      throw new IllegalArgumentException(
          "a variable byte integer is 0 to " + MAX_REMAINING_LENGTH + ", not " + value);
    }
    return value < 128 ? 1 : value < 16_384 ? 2 : value < 2_097_152 ? 3 : 4;
  }

  private static void putVarint(ByteBuffer buffer, int value) {
    int rest = value;
    do {
      int digit = rest & 0x7F;
      rest >>>= 7;
      buffer.put((byte) (rest > 0 ? digit | 0x80 : digit));
    } while (rest > 0);
  }

  // ---- decoding ----

  /**
   * Turns a byte stream into whole packets, whatever the chunks: a packet may be split over many
   * chunks, and one chunk may hold several packets. Keeps at most one partial packet. Not
   * thread-safe: one decoder per connection, fed by one thread. After a {@link
   * MalformedPacketException} the stream is out of step: drop the decoder with its connection.
   */
  public static final class Decoder {
    private final int maxRemainingLength;
    private int header = -1;
    private int length;
    private int lengthBytes;
    private byte[] body;
    private int filled;

    /**
     * @param maxRemainingLength the longest packet body accepted, 0 to {@link
     *     #MAX_REMAINING_LENGTH}; a longer one is refused before anything is allocated for it
     */
    public Decoder(int maxRemainingLength) {
      if (maxRemainingLength < 0 || maxRemainingLength > MAX_REMAINING_LENGTH) {
        throw new IllegalArgumentException(
            "maxRemainingLength must be 0 to " + MAX_REMAINING_LENGTH + ": " + maxRemainingLength);
      }
      this.maxRemainingLength = maxRemainingLength;
    }

    /**
     * Consumes every remaining byte of {@code chunk} and hands each packet completed by it to
     * {@code sink}, in order. What is left of a packet waits for the next chunk.
     *
     * @throws MalformedPacketException when the bytes are not MQTT 5; {@code sink} has then been
     *     given the packets before the bad one
     */
    public void feed(ByteBuffer chunk, Consumer<? super Packet> sink)
        throws MalformedPacketException {
      while (chunk.hasRemaining()) {
        if (body == null) {
          if (header < 0) {
            header = chunk.get() & 0xFF;
            checkFixedHeader(header);
            continue;
          }
          int digit = chunk.get() & 0xFF;
          length |= (digit & 0x7F) << (7 * lengthBytes);
          lengthBytes++;
          if ((digit & 0x80) != 0) {
            if (lengthBytes == 4) {
              throw new MalformedPacketException(
                  "the remaining length of a "
                      + typeName(header >>> 4)
                      + " runs past four bytes (more than "
                      + MAX_REMAINING_LENGTH
                      + ")");
            }
            continue;
          }
          if (length > maxRemainingLength) {
            throw new MalformedPacketException(
                "a "
                    + typeName(header >>> 4)
                    + " of "
                    + length
                    + " bytes is longer than this client accepts ("
                    + maxRemainingLength
                    + ")");
          }
          body = length == 0 ? EMPTY : new byte[length];
          filled = 0;
        }
        int n = Math.min(chunk.remaining(), body.length - filled);
        chunk.get(body, filled, n);
        filled += n;
        if (filled == body.length) {
          emit(sink);
        }
      }
    }

    /** Whether part of a packet has been fed and the rest is awaited. */
    public boolean midPacket() {
      return header >= 0;
    }

    private void emit(Consumer<? super Packet> sink) throws MalformedPacketException {
      int fixed = header;
      byte[] complete = body;
      header = -1;
      length = 0;
      lengthBytes = 0;
      body = null;
      filled = 0;
      sink.accept(decode(fixed, complete));
    }
  }

  /**
   * One packet from its first byte (type and flags) and its body (everything after the remaining
   * length).
   *
   * @throws MalformedPacketException when it is not a well-formed MQTT 5 packet of a supported type
   */
  public static Packet decode(int fixedHeader, byte[] body) throws MalformedPacketException {
    checkFixedHeader(fixedHeader);
    int type = fixedHeader >>> 4;
    int flags = fixedHeader & 0x0F;
    Reader in = new Reader(body, typeName(type));
    Packet packet =
        switch (type) {
          case CONNECT -> decodeConnect(in);
          case CONNACK -> decodeConnack(in);
          case PUBLISH -> decodePublish(in, flags);
          case PUBACK -> decodePuback(in);
          case SUBSCRIBE -> decodeSubscribe(in);
          case SUBACK -> decodeSuback(in);
          case PINGREQ -> new PingReq();
          case PINGRESP -> new PingResp();
          case DISCONNECT -> decodeDisconnect(in);
          default -> throw new MalformedPacketException("unsupported packet type " + type);
        };
    in.requireEnd();
    return packet;
  }

  private static void checkFixedHeader(int fixedHeader) throws MalformedPacketException {
    int type = fixedHeader >>> 4;
    int flags = fixedHeader & 0x0F;
    switch (type) {
      case CONNECT, CONNACK, PUBACK, SUBACK, PINGREQ, PINGRESP, DISCONNECT -> {
        if (flags != 0) {
          throw new MalformedPacketException(
              typeName(type) + " with reserved flags " + Integer.toBinaryString(flags) + " set");
        }
      }
      case SUBSCRIBE -> {
        if (flags != 0b0010) {
          throw new MalformedPacketException(
              "SUBSCRIBE must have the flags 0010, not " + Integer.toBinaryString(flags));
        }
      }
      case PUBLISH -> {
        int qos = (flags >>> 1) & 0b11;
        if (qos == 3) {
          throw new MalformedPacketException("PUBLISH with QoS 3");
        }
        if (qos == 0 && (flags & 0b1000) != 0) {
          throw new MalformedPacketException("PUBLISH at QoS 0 with the DUP flag set");
        }
      }
      default ->
          throw new MalformedPacketException(
              "packet type "
                  + type
                  + " ("
                  + typeName(type)
                  + ") is not spoken by this client (it asks for nothing that would bring it)");
    }
  }

  private static Connect decodeConnect(Reader in) throws MalformedPacketException {
    byte[] name = in.bytes(PROTOCOL_NAME.length);
    if (!Arrays.equals(name, PROTOCOL_NAME)) {
      throw in.malformed("protocol name is not MQTT");
    }
    int version = in.u8();
    if (version != PROTOCOL_VERSION) {
      throw in.malformed("protocol version " + version + ", not 5");
    }
    int flags = in.u8();
    if ((flags & 0x01) != 0) {
      throw in.malformed("the reserved connect flag is set");
    }
    boolean hasWill = (flags & 0x04) != 0;
    int willQos = (flags >>> 3) & 0b11;
    boolean willRetain = (flags & 0x20) != 0;
    if (!hasWill && (willQos != 0 || willRetain)) {
      throw in.malformed("will QoS or will retain set without a will");
    }
    if (willQos == 3) {
      throw in.malformed("will QoS 3");
    }
    int keepAlive = in.u16();
    Properties properties = in.properties();
    String clientId = in.utf8();
    Will will = null;
    if (hasWill) {
      Properties willProperties = in.properties();
      String topic = in.utf8();
      byte[] payload = in.binary();
      if (topic.isEmpty()) {
        throw in.malformed("empty will topic");
      }
      will = new Will(topic, payload, willQos, willRetain, willProperties.willDelay);
    }
    String userName = (flags & 0x80) != 0 ? in.utf8() : null;
    byte[] password = (flags & 0x40) != 0 ? in.binary() : null;
    return new Connect(
        clientId,
        (flags & 0x02) != 0,
        keepAlive,
        properties.sessionExpiry,
        properties.receiveMaximum < 0 ? 0 : properties.receiveMaximum,
        will,
        userName,
        password);
  }

  private static Connack decodeConnack(Reader in) throws MalformedPacketException {
    int acknowledgeFlags = in.u8();
    if ((acknowledgeFlags & 0xFE) != 0) {
      throw in.malformed("reserved acknowledge flags set");
    }
    int reasonCode = in.u8();
    // An MQTT 3.1.1 broker answers a v5 CONNECT with a two-byte CONNACK (no properties).
    Properties properties = in.atEnd() ? Properties.NONE : in.properties();
    return new Connack(
        (acknowledgeFlags & 0x01) != 0,
        reasonCode,
        properties.receiveMaximum < 0 ? 65_535 : properties.receiveMaximum,
        properties.serverKeepAlive,
        properties.reasonString,
        properties.assignedClientId);
  }

  private static Publish decodePublish(Reader in, int flags) throws MalformedPacketException {
    int qos = (flags >>> 1) & 0b11;
    String topic = in.utf8();
    if (topic.isEmpty()) {
      throw in.malformed("empty topic (this client allows no topic aliases)");
    }
    int packetId = 0;
    if (qos > 0) {
      packetId = in.u16();
      if (packetId == 0) {
        throw in.malformed("packet id 0");
      }
    }
    Properties properties = in.properties();
    return new Publish(
        topic,
        in.rest(),
        qos,
        (flags & 1) != 0,
        (flags & 0b1000) != 0,
        packetId,
        properties.correlationData);
  }

  private static Puback decodePuback(Reader in) throws MalformedPacketException {
    int packetId = in.u16();
    if (packetId == 0) {
      throw in.malformed("packet id 0");
    }
    if (in.atEnd()) {
      return Puback.success(packetId); // the short form
    }
    int reasonCode = in.u8();
    Properties properties = in.atEnd() ? Properties.NONE : in.properties();
    return new Puback(packetId, reasonCode, properties.reasonString);
  }

  private static Subscribe decodeSubscribe(Reader in) throws MalformedPacketException {
    int packetId = in.u16();
    if (packetId == 0) {
      throw in.malformed("packet id 0");
    }
    in.properties();
    List<Subscription> subscriptions = new ArrayList<>();
    while (!in.atEnd()) {
      String filter = in.utf8();
      int options = in.u8();
      if ((options & 0xC0) != 0 || (options & 0b11) == 3 || ((options >>> 4) & 0b11) == 3) {
        throw in.malformed("subscription options " + Integer.toBinaryString(options));
      }
      if (filter.isEmpty()) {
        throw in.malformed("empty topic filter");
      }
      subscriptions.add(
          new Subscription(
              filter,
              options & 0b11,
              (options & 0b100) != 0,
              (options & 0b1000) != 0,
              (options >>> 4) & 0b11));
    }
    if (subscriptions.isEmpty()) {
      throw in.malformed("no topic filter");
    }
    return new Subscribe(packetId, subscriptions);
  }

  private static Suback decodeSuback(Reader in) throws MalformedPacketException {
    int packetId = in.u16();
    if (packetId == 0) {
      throw in.malformed("packet id 0");
    }
    Properties properties = in.properties();
    List<Integer> codes = new ArrayList<>();
    while (!in.atEnd()) {
      codes.add(in.u8());
    }
    if (codes.isEmpty()) {
      throw in.malformed("no reason code");
    }
    return new Suback(packetId, codes, properties.reasonString);
  }

  private static Disconnect decodeDisconnect(Reader in) throws MalformedPacketException {
    if (in.atEnd()) {
      return Disconnect.of(SUCCESS);
    }
    int reasonCode = in.u8();
    Properties properties = in.atEnd() ? Properties.NONE : in.properties();
    return new Disconnect(reasonCode, properties.reasonString);
  }

  static String typeName(int type) {
    return switch (type) {
      case CONNECT -> "CONNECT";
      case CONNACK -> "CONNACK";
      case PUBLISH -> "PUBLISH";
      case PUBACK -> "PUBACK";
      case 5 -> "PUBREC";
      case 6 -> "PUBREL";
      case 7 -> "PUBCOMP";
      case SUBSCRIBE -> "SUBSCRIBE";
      case SUBACK -> "SUBACK";
      case 10 -> "UNSUBSCRIBE";
      case 11 -> "UNSUBACK";
      case PINGREQ -> "PINGREQ";
      case PINGRESP -> "PINGRESP";
      case DISCONNECT -> "DISCONNECT";
      case 15 -> "AUTH";
      default -> "reserved type " + type;
    };
  }

  // ---- helpers ----

  /** The properties of one block that some packet uses; -1 or null where absent. */
  private static final class Properties {
    static final Properties NONE = new Properties();

    long sessionExpiry;
    int receiveMaximum = -1;
    int serverKeepAlive = -1;
    long willDelay;
    String reasonString;
    String assignedClientId;
    byte[] correlationData;
  }

  /** Reads one packet body; every read checks the bounds and throws a named error. */
  private static final class Reader {
    private final byte[] data;
    private final String packet;
    private int position;
    private int limit;

    Reader(byte[] data, String packet) {
      this.data = data;
      this.packet = packet;
      this.limit = data.length;
    }

    MalformedPacketException malformed(String what) {
      return new MalformedPacketException("malformed " + packet + ": " + what);
    }

    boolean atEnd() {
      return position >= limit;
    }

    void requireEnd() throws MalformedPacketException {
      if (position != data.length) {
        throw malformed((data.length - position) + " bytes left over after the last field");
      }
    }

    private void need(int n, String field) throws MalformedPacketException {
      if (limit - position < n) {
        throw malformed(
            field + " needs " + n + " bytes but only " + (limit - position) + " remain");
      }
    }

    int u8() throws MalformedPacketException {
      need(1, "a byte");
      return data[position++] & 0xFF;
    }

    int u16() throws MalformedPacketException {
      need(2, "a two-byte integer");
      int value = ((data[position] & 0xFF) << 8) | (data[position + 1] & 0xFF);
      position += 2;
      return value;
    }

    long u32() throws MalformedPacketException {
      need(4, "a four-byte integer");
      long value = 0;
      for (int i = 0; i < 4; i++) {
        value = (value << 8) | (data[position++] & 0xFF);
      }
      return value;
    }

    int varint() throws MalformedPacketException {
      int value = 0;
      for (int i = 0; i < 4; i++) {
        int digit = u8();
        value |= (digit & 0x7F) << (7 * i);
        if ((digit & 0x80) == 0) {
          return value;
        }
      }
      throw malformed("a variable byte integer runs past four bytes");
    }

    byte[] bytes(int n) throws MalformedPacketException {
      need(n, "a field of " + n + " bytes");
      byte[] out = Arrays.copyOfRange(data, position, position + n);
      position += n;
      return out;
    }

    byte[] binary() throws MalformedPacketException {
      return bytes(u16());
    }

    String utf8() throws MalformedPacketException {
      int n = u16();
      need(n, "a string of " + n + " bytes");
      String value;
      try {
        value =
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(data, position, n))
                .toString();
      } catch (CharacterCodingException e) {
        throw malformed("a string that is not well-formed UTF-8");
      }
      if (value.indexOf('\u0000') >= 0) {
        throw malformed("a string with the null character U+0000");
      }
      position += n;
      return value;
    }

    byte[] rest() {
      byte[] out = position == 0 ? data : Arrays.copyOfRange(data, position, limit);
      position = limit;
      return out;
    }

    /** Reads a property block; unknown identifiers end it early (the block length skips on). */
    Properties properties() throws MalformedPacketException {
      int length = varint();
      need(length, "a property block of " + length + " bytes");
      int end = position + length;
      int outer = limit;
      limit = end;
      Properties properties = new Properties();
      try {
        while (position < end) {
          int id = varint();
          switch (id) {
            case PAYLOAD_FORMAT_INDICATOR,
                REQUEST_PROBLEM_INFORMATION,
                REQUEST_RESPONSE_INFORMATION,
                MAXIMUM_QOS,
                RETAIN_AVAILABLE,
                WILDCARD_SUBSCRIPTION_AVAILABLE,
                SUBSCRIPTION_IDENTIFIER_AVAILABLE,
                SHARED_SUBSCRIPTION_AVAILABLE ->
                u8();
            case MESSAGE_EXPIRY_INTERVAL, MAXIMUM_PACKET_SIZE -> u32();
            case SESSION_EXPIRY_INTERVAL -> properties.sessionExpiry = u32();
            case WILL_DELAY_INTERVAL -> properties.willDelay = u32();
            case CONTENT_TYPE,
                RESPONSE_TOPIC,
                AUTHENTICATION_METHOD,
                RESPONSE_INFORMATION,
                SERVER_REFERENCE ->
                utf8();
            case ASSIGNED_CLIENT_IDENTIFIER -> properties.assignedClientId = utf8();
            case REASON_STRING -> properties.reasonString = utf8();
            case CORRELATION_DATA -> properties.correlationData = binary();
            case AUTHENTICATION_DATA -> binary();
            case SUBSCRIPTION_IDENTIFIER -> varint();
            case SERVER_KEEP_ALIVE -> properties.serverKeepAlive = u16();
            case RECEIVE_MAXIMUM -> {
              properties.receiveMaximum = u16();
              if (properties.receiveMaximum == 0) {
                throw malformed("receive maximum 0");
              }
            }
            case TOPIC_ALIAS_MAXIMUM, TOPIC_ALIAS -> u16();
            case USER_PROPERTY -> {
              utf8();
              utf8();
            }
            default -> position = end; // unknown: its length is unknown, skip the rest
          }
        }
      } finally {
        limit = outer;
      }
      return properties;
    }
  }

  /** A growable byte array for one packet body. */
  private static final class Writer {
    private byte[] data = new byte[64];
    private int size;

    int size() {
      return size;
    }

    byte[] array() {
      return data;
    }

    private void ensure(int more) {
      if (size + more > data.length) {
        data = Arrays.copyOf(data, Math.max(data.length * 2, size + more));
      }
    }

    Writer u8(int value) {
      ensure(1);
      data[size++] = (byte) value;
      return this;
    }

    Writer u16(int value) {
      ensure(2);
      data[size++] = (byte) (value >>> 8);
      data[size++] = (byte) value;
      return this;
    }

    Writer u32(long value) {
      ensure(4);
      for (int shift = 24; shift >= 0; shift -= 8) {
        data[size++] = (byte) (value >>> shift);
      }
      return this;
    }

    Writer varint(int value) {
      int n = varintSize(value);
      ensure(n);
      ByteBuffer view = ByteBuffer.wrap(data, size, n);
      putVarint(view, value);
      size += n;
      return this;
    }

    Writer bytes(byte[] value) {
      ensure(value.length);
      System.arraycopy(value, 0, data, size, value.length);
      size += value.length;
      return this;
    }

    Writer binary(byte[] value) {
      if (value.length > MAX_STRING_BYTES) {
        throw new IllegalArgumentException(
            "binary data may be at most " + MAX_STRING_BYTES + " bytes, not " + value.length);
      }
      return u16(value.length).bytes(value);
    }

    Writer utf8(String value) {
      ByteBuffer encoded;
      try {
        encoded =
            StandardCharsets.UTF_8
                .newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .encode(CharBuffer.wrap(value));
      } catch (CharacterCodingException e) {
        throw new IllegalArgumentException("not encodable as UTF-8 (a lone surrogate?): " + value);
      }
      int n = encoded.remaining();
      if (n > MAX_STRING_BYTES) {
        throw new IllegalArgumentException(
            "an MQTT string may be at most " + MAX_STRING_BYTES + " UTF-8 bytes, not " + n);
      }
      u16(n);
      ensure(n);
      encoded.get(data, size, n);
      size += n;
      return this;
    }

    /** Appends {@code properties} as a property block: its length, then its bytes. */
    Writer properties(Writer properties) {
      varint(properties.size);
      ensure(properties.size);
      System.arraycopy(properties.data, 0, data, size, properties.size);
      size += properties.size;
      return this;
    }
  }

  // ---- argument checks ----

  private static void requireNonEmpty(String value, String what) {
    Objects.requireNonNull(value, what);
    if (value.isEmpty()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
  }

  private static void requireQos(int qos, String what) {
    if (qos < 0 || qos > 2) {
      throw new IllegalArgumentException(what + " must be 0 to 2: " + qos);
    }
  }

  private static void requirePacketId(int packetId) {
    if (packetId < 1 || packetId > 65_535) {
      throw new IllegalArgumentException("packet id must be 1 to 65535: " + packetId);
    }
  }

  private static void requireByte(int value, String what) {
    if (value < 0 || value > 255) {
      throw new IllegalArgumentException(what + " must be 0 to 255: " + value);
    }
  }

  private static void requireUnsignedShort(int value, String what) {
    if (value < 0 || value > 65_535) {
      throw new IllegalArgumentException(what + " must be 0 to 65535: " + value);
    }
  }

  private static void requireUnsignedInt(long value, String what) {
    if (value < 0 || value > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException(what + " must be 0 to 4294967295: " + value);
    }
  }
}
