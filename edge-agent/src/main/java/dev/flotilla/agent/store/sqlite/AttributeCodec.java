package dev.flotilla.agent.store.sqlite;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Encodes an event's attributes into one small blob stored in the event's outbox row.
 *
 * <p>Why a blob of our own rather than a child table or JSON: one row per event keeps an append to
 * one {@code INSERT} and an eviction or an acknowledgement to one range {@code DELETE} on the
 * primary key, with nothing to join when reading; the blob's length counts exactly in the row's
 * {@code size_bytes}; and the format needs no JSON library and no escaping. The attributes are
 * opaque to SQL, which is fine: the store never queries by attribute.
 *
 * <p>Format, version 1: one byte {@code 1} (the format version); the number of entries as an
 * unsigned LEB128 varint; then for each entry, in ascending key order so that equal maps encode to
 * equal bytes, the key's UTF-8 length as a varint, the key's UTF-8 bytes, the value's length and
 * the value's bytes. An empty map is two bytes. Strings with unpaired surrogates are not valid
 * UTF-8 and come back with {@code ?} in their place, as {@link String#getBytes} writes them.
 *
 * <p>Stateless and thread-safe.
 */
final class AttributeCodec {
  static final int FORMAT_VERSION = 1;

  private AttributeCodec() {}

  /** The encoding of {@code attributes}; neither keys nor values may be null. */
  static byte[] encode(Map<String, String> attributes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 + 16 * attributes.size());
    out.write(FORMAT_VERSION);
    writeVarint(out, attributes.size());
    for (Map.Entry<String, String> e : new TreeMap<>(attributes).entrySet()) {
      writeString(out, e.getKey());
      writeString(out, e.getValue());
    }
    return out.toByteArray();
  }

  /**
   * The attributes encoded in {@code bytes}.
   *
   * @throws IllegalArgumentException when the bytes are not a valid encoding: unknown format
   *     version, truncated, a length beyond the end, a duplicate key, or bytes after the last entry
   */
  static Map<String, String> decode(byte[] bytes) {
    Reader in = new Reader(bytes);
    int version = in.readByte();
    if (version != FORMAT_VERSION) {
      throw new IllegalArgumentException(
          "attributes: unknown format version "
              + version
              + " (this agent reads "
              + FORMAT_VERSION
              + ")");
    }
    int count = in.readVarint();
    // Every entry takes at least two bytes (two zero lengths): a count beyond that is corrupt and
    // must not size an allocation.
    if (count > in.remaining() / 2) {
      throw new IllegalArgumentException(
          "attributes: " + count + " entries announced but only " + in.remaining() + " bytes left");
    }
    Map<String, String> attributes = HashMap.newHashMap(count);
    for (int i = 0; i < count; i++) {
      String key = in.readString();
      String value = in.readString();
      if (attributes.putIfAbsent(key, value) != null) {
        throw new IllegalArgumentException("attributes: duplicate key '" + key + "'");
      }
    }
    if (in.remaining() != 0) {
      throw new IllegalArgumentException(
          "attributes: " + in.remaining() + " bytes after the last entry");
    }
    return attributes;
  }

  private static void writeString(ByteArrayOutputStream out, String s) {
    byte[] utf8 = s.getBytes(UTF_8);
    writeVarint(out, utf8.length);
    out.write(utf8, 0, utf8.length);
  }

  static void writeVarint(ByteArrayOutputStream out, int value) {
    if (value < 0) {
      throw new IllegalArgumentException("varint: negative value " + value);
    }
    int v = value;
    while ((v & ~0x7F) != 0) {
      out.write((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out.write(v);
  }

  private static final class Reader {
    private final byte[] bytes;
    private int position;

    Reader(byte[] bytes) {
      this.bytes = bytes;
    }

    int remaining() {
      return bytes.length - position;
    }

    int readByte() {
      if (position >= bytes.length) {
        throw new IllegalArgumentException("attributes: truncated at byte " + position);
      }
      return bytes[position++] & 0xFF;
    }

    /** An unsigned LEB128 varint of at most five bytes that fits a non-negative int. */
    int readVarint() {
      int start = position;
      long value = 0;
      for (int shift = 0; shift < 35; shift += 7) {
        int b = readByte();
        value |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          if (value > Integer.MAX_VALUE) {
            break;
          }
          return (int) value;
        }
      }
      throw new IllegalArgumentException("attributes: bad length at byte " + start);
    }

    String readString() {
      int start = position;
      int length = readVarint();
      if (length > remaining()) {
        throw new IllegalArgumentException(
            "attributes: length "
                + length
                + " at byte "
                + start
                + " runs past the end ("
                + remaining()
                + " bytes left)");
      }
      String s = new String(bytes, position, length, UTF_8);
      position += length;
      return s;
    }
  }
}
