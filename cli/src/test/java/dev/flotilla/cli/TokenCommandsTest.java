package dev.flotilla.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class TokenCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void anExpiryInEpochSecondsOrIsoTextPrintsAsAnInstantAndNullAsNever() throws Exception {
    assertEquals(
        "2026-12-22T14:02:04Z", TokenCommands.expires(JSON.readTree("1.7979481247472494E9")));
    assertEquals(
        "2026-12-22T14:02:04Z", TokenCommands.expires(JSON.readTree("\"2026-12-22T14:02:04Z\"")));
    assertEquals("never", TokenCommands.expires(JSON.readTree("null")));
  }
}
