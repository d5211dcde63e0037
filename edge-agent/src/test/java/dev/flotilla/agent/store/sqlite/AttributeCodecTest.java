package dev.flotilla.agent.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AttributeCodecTest {

  @Test
  void anEmptyMapIsTwoBytesAndRoundTrips() {
    byte[] bytes = AttributeCodec.encode(Map.of());
    assertArrayEquals(new byte[] {1, 0}, bytes);
    assertEquals(Map.of(), AttributeCodec.decode(bytes));
  }

  @Test
  void aSmallMapIsEncodedAsVersionCountAndLengthPrefixedStrings() {
    byte[] bytes = AttributeCodec.encode(Map.of("reason", "BAD"));
    assertArrayEquals(new byte[] {1, 1, 6, 'r', 'e', 'a', 's', 'o', 'n', 3, 'B', 'A', 'D'}, bytes);
  }

  @Test
  void unicodeEmptyStringsAndLongValuesRoundTrip() {
    Map<String, String> attributes =
        Map.of(
            "reason", "BAD_SIGNATURE",
            "", "empty key",
            "empty value", "",
            "ünïcødé 🚢", "値 ✓",
            "long", "x".repeat(70_000));
    assertEquals(attributes, AttributeCodec.decode(AttributeCodec.encode(attributes)));
  }

  @Test
  void equalMapsEncodeToEqualBytesWhateverTheirIterationOrder() {
    Map<String, String> ascending = new LinkedHashMap<>();
    Map<String, String> descending = new LinkedHashMap<>();
    for (int i = 0; i < 50; i++) {
      ascending.put("k" + i, "v" + i);
    }
    for (int i = 49; i >= 0; i--) {
      descending.put("k" + i, "v" + i);
    }
    assertArrayEquals(AttributeCodec.encode(ascending), AttributeCodec.encode(descending));
  }

  @Test
  void randomMapsRoundTrip() {
    SplittableRandom random = new SplittableRandom(42);
    for (int round = 0; round < 500; round++) {
      Map<String, String> attributes = new HashMap<>();
      int entries = random.nextInt(20);
      for (int i = 0; i < entries; i++) {
        attributes.put(randomString(random), randomString(random));
      }
      assertEquals(attributes, AttributeCodec.decode(AttributeCodec.encode(attributes)));
    }
  }

  @Test
  void varintsUseOneByteUpTo127AndMoreAbove() {
    assertArrayEquals(new byte[] {0x7F}, varint(127));
    assertArrayEquals(new byte[] {(byte) 0x80, 0x01}, varint(128));
    assertArrayEquals(new byte[] {(byte) 0xAC, 0x02}, varint(300));
    assertArrayEquals(
        new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07},
        varint(Integer.MAX_VALUE));
  }

  @Test
  void refusesAnUnknownFormatVersion() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> AttributeCodec.decode(new byte[] {2, 0}));
    assertTrue(e.getMessage().contains("unknown format version 2"), e.getMessage());
  }

  @Test
  void refusesEveryTruncationOfAValidEncoding() {
    byte[] bytes = AttributeCodec.encode(Map.of("reason", "BAD_SIGNATURE", "k", "v"));
    for (int length = 0; length < bytes.length; length++) {
      byte[] truncated = Arrays.copyOf(bytes, length);
      assertThrows(
          IllegalArgumentException.class,
          () -> AttributeCodec.decode(truncated),
          "truncated to " + length);
    }
  }

  @Test
  void refusesBytesAfterTheLastEntry() {
    byte[] bytes = AttributeCodec.encode(Map.of("k", "v"));
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> AttributeCodec.decode(longer));
    assertTrue(e.getMessage().contains("after the last entry"), e.getMessage());
  }

  @Test
  void refusesADuplicateKey() {
    byte[] bytes = {1, 2, 1, 'k', 1, 'a', 1, 'k', 1, 'b'};
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> AttributeCodec.decode(bytes));
    assertTrue(e.getMessage().contains("duplicate key 'k'"), e.getMessage());
  }

  @Test
  void refusesAnEntryCountTheBytesCannotHoldWithoutAllocatingForIt() {
    byte[] bytes = {1, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07};
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> AttributeCodec.decode(bytes));
    assertTrue(e.getMessage().contains("entries announced"), e.getMessage());
  }

  @Test
  void refusesALengthRunningPastTheEnd() {
    byte[] bytes = {1, 1, 100, 'k', 0};
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> AttributeCodec.decode(bytes));
    assertTrue(e.getMessage().contains("runs past the end"), e.getMessage());
  }

  @Test
  void refusesAVarintLongerThanFiveBytesOrBeyondAnInt() {
    byte[] sixBytes = {1, 1, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0};
    byte[] tooLarge = {1, 1, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F};
    assertThrows(IllegalArgumentException.class, () -> AttributeCodec.decode(sixBytes));
    assertThrows(IllegalArgumentException.class, () -> AttributeCodec.decode(tooLarge));
  }

  @Test
  void randomBytesEitherDecodeOrAreRefusedWithIllegalArgument() {
    SplittableRandom random = new SplittableRandom(7);
    for (int round = 0; round < 5_000; round++) {
      byte[] bytes = new byte[random.nextInt(24)];
      random.nextBytes(bytes);
      if (bytes.length > 0 && random.nextBoolean()) {
        bytes[0] = 1;
      }
      try {
        AttributeCodec.decode(bytes);
      } catch (IllegalArgumentException expected) {
        // the only failure allowed
      }
    }
  }

  private static byte[] varint(int value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AttributeCodec.writeVarint(out, value);
    return out.toByteArray();
  }

  private static String randomString(SplittableRandom random) {
    int length = random.nextInt(300);
    StringBuilder s = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      // Letters, accents, CJK and an astral-plane character, all valid UTF-16.
      switch (random.nextInt(4)) {
        case 0 -> s.append((char) ('a' + random.nextInt(26)));
        case 1 -> s.append((char) (0xC0 + random.nextInt(0x40)));
        case 2 -> s.append((char) (0x4E00 + random.nextInt(0x100)));
        default -> s.appendCodePoint(0x1F6A2);
      }
    }
    return s.toString();
  }
}
