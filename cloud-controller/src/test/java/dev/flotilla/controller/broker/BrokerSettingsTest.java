package dev.flotilla.controller.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BrokerSettingsTest {
  private static final Path DIR = Path.of("broker");

  @Test
  void defaultsListenOnEveryInterfaceOnTheMqttPortWithRoomForBursts() {
    BrokerSettings defaults = BrokerSettings.defaults(DIR);

    assertEquals(new BrokerSettings("0.0.0.0", 1883, DIR, 1000, 512 * 1024), defaults);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 65_536})
  void aPortOutOfRangeIsRefusedWithItsRange(int port) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> BrokerSettings.defaults(DIR).withPort(port));
    assertEquals("broker port must be 1 to 65535, not " + port, e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 65_536})
  void aReceiveMaximumOutOfRangeIsRefusedWithItsRange(int value) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new BrokerSettings("0.0.0.0", 1883, DIR, value, 512 * 1024));
    assertEquals("broker serverReceiveMaximum must be 1 to 65535, not " + value, e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1023, 268_435_461})
  void aMaxPacketSizeOutOfRangeIsRefusedWithItsRange(int value) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new BrokerSettings("0.0.0.0", 1883, DIR, 1000, value));
    assertEquals("broker maxPacketBytes must be 1024 to 268435460, not " + value, e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "local host", "<x>", "a&b"})
  void aHostThatIsNoAddressIsRefused(String host) {
    assertThrows(IllegalArgumentException.class, () -> BrokerSettings.defaults(DIR).withHost(host));
  }

  @Test
  void aMissingHostOrFolderIsRefused() {
    assertThrows(NullPointerException.class, () -> new BrokerSettings(null, 1883, DIR, 1000, 1024));
    assertThrows(
        NullPointerException.class, () -> new BrokerSettings("0.0.0.0", 1883, null, 1000, 1024));
  }
}
