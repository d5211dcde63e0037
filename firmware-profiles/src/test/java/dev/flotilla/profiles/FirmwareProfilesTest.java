package dev.flotilla.profiles;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FirmwareProfilesTest {
  @Test
  void isBuiltAgainstProtocolMajorVersionOne() {
    assertEquals(1, FirmwareProfiles.protocolMajor());
  }
}
