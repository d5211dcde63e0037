package dev.flotilla.profiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class FirmwareProfileTest {
  private static FirmwareProfile with(Capacity reserved, Map<String, Integer> peripherals) {
    return new FirmwareProfile(
        "box",
        "A box",
        Architecture.AMD64,
        new Firmware("Debian", FirmwareVersion.parse("12").orElseThrow()),
        new Capacity(2000, 2L << 30, 16L << 30),
        reserved,
        new TreeMap<>(peripherals),
        Connectivity.ETHERNET,
        AgentTuning.LAN);
  }

  @Test
  void countsPeripheralsItDoesNotListAsZero() {
    FirmwareProfile p = with(Capacity.NONE, Map.of("serial", 2, "usb", 4));

    assertEquals(2, p.peripheral("serial"));
    assertEquals(0, p.peripheral("gpu"));
  }

  @Test
  void allocatableIsCapacityLessReservedFieldByField() {
    assertEquals(
        new Capacity(1500, 1L << 30, 12L << 30),
        with(new Capacity(500, 1L << 30, 4L << 30), Map.of()).allocatable());
  }

  @Test
  void refusesWhatTheLoaderWouldRefuse() {
    assertThrows(IllegalArgumentException.class, () -> with(new Capacity(2000, 0, 0), Map.of()));
    assertThrows(IllegalArgumentException.class, () -> with(Capacity.NONE, Map.of("gpu", 0)));
    assertThrows(IllegalArgumentException.class, () -> with(Capacity.NONE, Map.of("GPU", 1)));
  }

  @Test
  void peripheralsReadAsAnOrdinarySortedMap() {
    SortedMap<String, Integer> m =
        with(Capacity.NONE, Map.of("usb", 4, "camera", 1, "serial", 2, "gpio", 28)).peripherals();

    assertEquals(new TreeMap<>(Map.of("usb", 4, "camera", 1, "serial", 2, "gpio", 28)), m);
    assertEquals(m, new TreeMap<>(m));
    assertEquals(new TreeMap<>(m).hashCode(), m.hashCode());
    assertEquals(List.of("camera", "gpio", "serial", "usb"), List.copyOf(m.keySet()));
    assertEquals("camera", m.firstKey());
    assertEquals("usb", m.lastKey());
    assertEquals(Map.of("gpio", 28, "serial", 2), m.subMap("d", "t"));
    assertEquals(Map.of("camera", 1), m.headMap("gpio"));
    assertEquals(Map.of("serial", 2, "usb", 4), m.tailMap("s"));
    assertEquals(28, m.get("gpio"));
    assertNull(m.get("gpu"));
    assertThrows(UnsupportedOperationException.class, () -> m.put("gpu", 1));
    assertEquals("{camera=1, gpio=28, serial=2, usb=4}", m.toString());
  }
}
