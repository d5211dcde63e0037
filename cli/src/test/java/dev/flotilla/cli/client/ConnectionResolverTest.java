package dev.flotilla.cli.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectionResolverTest {
  @TempDir Path home;

  private void config(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  @Test
  void withNothingGivenItIsLocalhostWithoutAToken() {
    Connection c = ConnectionResolver.resolve(null, null, null, Map.of(), home);
    assertEquals(URI.create("http://localhost:8080"), c.controller());
    assertNull(c.token());
    assertNull(c.configFile());
  }

  @Test
  void flagsBeatTheEnvironmentWhichBeatsTheConfigFileKeyByKey() throws IOException {
    config(
        home.resolve(".config/flotilla/config.yaml"),
        "controller: http://file:1\ntoken: file-token\n");
    Map<String, String> env = Map.of("FLOTILLA_CONTROLLER", "http://env:2");
    Connection fromEnvAndFile = ConnectionResolver.resolve(null, null, null, env, home);
    assertEquals(URI.create("http://env:2"), fromEnvAndFile.controller());
    assertEquals("file-token", fromEnvAndFile.token());
    Connection fromFlags =
        ConnectionResolver.resolve("http://flag:3/", "flag-token", null, env, home);
    assertEquals(URI.create("http://flag:3"), fromFlags.controller());
    assertEquals("flag-token", fromFlags.token());
  }

  @Test
  void xdgConfigHomeMovesTheConfigFile() throws IOException {
    Path xdg = home.resolve("xdg");
    config(xdg.resolve("flotilla/config.yaml"), "controller: https://xdg:443\n");
    config(home.resolve(".config/flotilla/config.yaml"), "controller: http://home:1\n");
    Connection c =
        ConnectionResolver.resolve(
            null, null, null, Map.of("XDG_CONFIG_HOME", xdg.toString()), home);
    assertEquals(URI.create("https://xdg:443"), c.controller());
    assertEquals(xdg.resolve("flotilla/config.yaml").toString(), c.configFile());
  }

  @Test
  void aConfigFileGivenMustExistAndADefaultOneMayBeMissing() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                ConnectionResolver.resolve(
                    null, null, home.resolve("nope.yaml").toString(), Map.of(), home));
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
  }

  @Test
  void aConfigFileWithAnUnknownKeyOrNotAMappingIsRefusedByName() {
    ConfigException unknown =
        assertThrows(
            ConfigException.class, () -> ConnectionResolver.parse("controler: x\n", "f.yaml"));
    assertTrue(unknown.getMessage().contains("'controler'"), unknown.getMessage());
    assertThrows(ConfigException.class, () -> ConnectionResolver.parse("- a\n", "f.yaml"));
    assertEquals(Map.of(), ConnectionResolver.parse("", "f.yaml"));
  }

  @Test
  void aControllerThatIsNotAnHttpUrlIsRefused() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ConnectionResolver.resolve("controller:8080", null, null, Map.of(), home));
    assertTrue(e.getMessage().contains("http:// or https://"), e.getMessage());
  }
}
