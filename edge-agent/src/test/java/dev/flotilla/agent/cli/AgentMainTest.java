package dev.flotilla.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.agent.config.AgentConfigException;
import dev.flotilla.protocol.SigningKeys;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentMainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);

  @Test
  void helpPrintsUsageAndStartsNothing() {
    assertNull(AgentMain.parse(new String[] {"--help"}, Map.of(), print, print));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("--config FILE"));
  }

  @Test
  void theConfigFileIsRequired() {
    AgentConfigException e =
        assertThrows(
            AgentConfigException.class,
            () -> AgentMain.parse(new String[0], Map.of(), print, print));
    assertTrue(e.getMessage().contains("--config FILE is required"), e.getMessage());
  }

  @Test
  void anUnknownArgumentIsNamed() {
    AgentConfigException e =
        assertThrows(
            AgentConfigException.class,
            () -> AgentMain.parse(new String[] {"--fly"}, Map.of(), print, print));
    assertTrue(e.getMessage().contains("'--fly'"), e.getMessage());
  }

  @Test
  void aConfigFileIsLoadedWithTheEnvironmentOnTop(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("agent.properties");
    Files.writeString(
        file,
        "node.id=gw-1\nbroker.url=tcp://127.0.0.1:1883\ncontroller.public-key="
            + SigningKeys.encodePublic(SigningKeys.generate().getPublic())
            + "\n");
    var config =
        AgentMain.parse(
            new String[] {"--config", file.toString()},
            Map.of("FLOTILLA_NODE_ID", "gw-2"),
            print,
            print);
    assertEquals("gw-2", config.node().value());
  }
}
