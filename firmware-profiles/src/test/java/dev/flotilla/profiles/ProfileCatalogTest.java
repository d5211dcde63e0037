package dev.flotilla.profiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileCatalogTest {
  private static final List<String> SHIPPED =
      List.of(
          "cellular-x86-64",
          "generic-arm64",
          "generic-x86-64",
          "jetson-orin-nano",
          "raspberry-pi-4",
          "raspberry-pi-5",
          "raspberry-pi-zero-2w",
          "simatic-iot2050");

  @TempDir Path dir;

  @Test
  void shipsTheDeviceClassesTheDocsList() {
    assertEquals(SHIPPED, ProfileCatalog.builtIn().names());
  }

  @Test
  void everyBuiltInLoadsWithItsFileNameAndRoomForWorkloads() {
    for (FirmwareProfile p : ProfileCatalog.builtIn().all()) {
      Capacity free = p.allocatable();
      assertTrue(free.cpuMillis() > 0, p.name());
      assertTrue(free.memoryBytes() > 0, p.name());
      assertTrue(free.storageBytes() > 0, p.name());
      assertFalse(p.description().isBlank(), p.name());
      assertEquals(p, ProfileLoader.parse(p.name() + ".yaml", builtInText(p.name())));
    }
  }

  @Test
  void theIndexListsExactlyTheYamlFilesBesideIt() throws IOException, URISyntaxException {
    URL index =
        Objects.requireNonNull(
            getClass().getClassLoader().getResource(ProfileCatalog.RESOURCE_DIR + "index"),
            "the index is on the test class path");
    assertEquals("file", index.getProtocol(), "the tests read the built classes, not a jar");
    List<String> files = new ArrayList<>();
    try (Stream<Path> entries = Files.list(Path.of(index.toURI()).getParent())) {
      entries
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".yaml") || n.endsWith(".yml"))
          .map(ProfileLoader::expectedName)
          .sorted()
          .forEach(files::add);
    }

    assertEquals(files, ProfileCatalog.builtInNames().stream().sorted().toList());
    assertEquals(
        ProfileCatalog.builtInNames().stream().distinct().count(),
        ProfileCatalog.builtInNames().size(),
        "the index lists a name twice");
  }

  @Test
  void theShippedClassesStateWhatTheIssueAskedFor() {
    ProfileCatalog c = ProfileCatalog.builtIn();
    FirmwareProfile zero = c.find("raspberry-pi-zero-2w").orElseThrow();
    FirmwareProfile jetson = c.find("jetson-orin-nano").orElseThrow();
    FirmwareProfile iot2050 = c.find("simatic-iot2050").orElseThrow();
    FirmwareProfile cellular = c.find("cellular-x86-64").orElseThrow();

    assertEquals(Architecture.ARM64, c.find("raspberry-pi-4").orElseThrow().architecture());
    assertEquals(512L << 20, zero.capacity().memoryBytes());
    assertEquals(Connectivity.WIFI, zero.connectivity());
    assertEquals(6000, jetson.capacity().cpuMillis());
    assertEquals(1, jetson.peripheral("gpu"));
    assertTrue(jetson.peripheral("camera") > 0);
    assertTrue(iot2050.peripheral("serial") > 0);
    assertEquals(Architecture.AMD64, c.find("generic-x86-64").orElseThrow().architecture());
    assertEquals(Connectivity.CELLULAR, cellular.connectivity());
    assertEquals(AgentTuning.CELLULAR, cellular.agent());
  }

  @Test
  void withoutADirectoryLoadsTheBuiltInsAlone() {
    assertEquals(SHIPPED, ProfileCatalog.load(null).names());
  }

  @Test
  void anOperatorFileAddsAProfile() throws IOException {
    write("line-7-gateway.yaml", profile("line-7-gateway", "amd64", "2"));

    ProfileCatalog c = ProfileCatalog.load(dir);

    assertEquals(SHIPPED.size() + 1, c.all().size());
    assertEquals(2000, c.find("line-7-gateway").orElseThrow().capacity().cpuMillis());
    assertEquals(c.names(), c.names().stream().sorted().toList());
    assertEquals(c.names(), c.all().stream().map(FirmwareProfile::name).toList());
  }

  @Test
  void anOperatorFileReplacesTheBuiltInOfTheSameName() throws IOException {
    write("raspberry-pi-4.yml", profile("raspberry-pi-4", "arm64", "3"));

    ProfileCatalog c = ProfileCatalog.load(dir);

    assertEquals(SHIPPED, c.names());
    assertEquals(3000, c.find("raspberry-pi-4").orElseThrow().capacity().cpuMillis());
  }

  @Test
  void aBrokenOperatorFileFailsTheLoadNamingTheFileAndField() throws IOException {
    write("a-good.yaml", profile("a-good", "arm64", "1"));
    write("b-bad.yaml", profile("b-bad", "sparc", "1"));

    ProfileException e = assertThrows(ProfileException.class, () -> ProfileCatalog.load(dir));

    assertEquals(dir.resolve("b-bad.yaml").toString(), e.file());
    assertEquals("architecture", e.field());
    assertTrue(e.getMessage().startsWith(dir.resolve("b-bad.yaml") + ": architecture: must be"));
  }

  @Test
  void twoFilesOfOneNameFailTheLoadNamingBoth() throws IOException {
    write("edge.yaml", profile("edge", "arm64", "1"));
    write("edge.yml", profile("edge", "arm64", "2"));

    ProfileException e = assertThrows(ProfileException.class, () -> ProfileCatalog.load(dir));

    assertEquals(dir.resolve("edge.yml").toString(), e.file());
    assertEquals("name", e.field());
    assertEquals(
        "'edge' is already defined by " + dir.resolve("edge.yaml") + "; keep one of the two files",
        e.rule());
  }

  @Test
  void aMissingDirectoryFailsTheLoadNamingIt() {
    Path missing = dir.resolve("nope");

    ProfileException e = assertThrows(ProfileException.class, () -> ProfileCatalog.load(missing));

    assertEquals(missing.toString(), e.file());
    assertEquals("", e.field());
    assertTrue(e.getMessage().startsWith(missing + ": does not exist; create"), e.getMessage());
  }

  @Test
  void aFileInsteadOfADirectoryFailsTheLoadNamingIt() throws IOException {
    Path file = write("x.yaml", profile("x", "arm64", "1"));

    ProfileException e = assertThrows(ProfileException.class, () -> ProfileCatalog.load(file));

    assertEquals(file.toString(), e.file());
    assertTrue(e.getMessage().startsWith(file + ": is not a directory"), e.getMessage());
  }

  @Test
  void ignoresOtherFilesHiddenFilesAndSubDirectories() throws IOException {
    write("README.md", "not a profile");
    write("old.yaml.bak", "not: a profile");
    write(".hidden.yaml", "not: a profile");
    Files.createDirectories(dir.resolve("sub.yaml"));
    Files.createDirectories(dir.resolve("nested"));
    Files.writeString(dir.resolve("nested/deep.yaml"), "not: a profile");

    assertEquals(SHIPPED, ProfileCatalog.load(dir).names());
  }

  @Test
  void refusesAFileThatIsNotUtf8() throws IOException {
    Path file = dir.resolve("latin.yaml");
    Files.write(file, new byte[] {'n', 'a', 'm', 'e', ':', ' ', (byte) 0xE9, '\n'});

    ProfileException e = assertThrows(ProfileException.class, () -> ProfileCatalog.load(dir));

    assertEquals(file.toString(), e.file());
    assertEquals("is not UTF-8 text; save it as UTF-8", e.rule());
  }

  @Test
  void refusesAnOversizedFileWithoutReadingIt() throws IOException {
    Path file = write("huge.yaml", "#".repeat(4 * ProfileLoader.MAX_CHARS + 1));

    ProfileException e = assertThrows(ProfileException.class, () -> ProfileCatalog.load(dir));

    assertEquals(file.toString(), e.file());
    assertTrue(e.rule().startsWith("is 262145 bytes long"), e.rule());
  }

  @Test
  void ofRefusesTwoProfilesOfOneName() {
    FirmwareProfile p = ProfileCatalog.builtIn().find("raspberry-pi-4").orElseThrow();

    assertThrows(IllegalArgumentException.class, () -> ProfileCatalog.of(List.of(p, p)));
    assertEquals(List.of("raspberry-pi-4"), ProfileCatalog.of(List.of(p)).names());
    assertTrue(ProfileCatalog.of(List.of(p)).find("raspberry-pi-5").isEmpty());
  }

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
  }

  private static String profile(String name, String architecture, String cpu) {
    return """
    name: %s
    description: An operator's gateway
    architecture: %s
    firmware: {name: Yocto, version: "5.0"}
    capacity: {cpu: %s, memory: 1Gi, storage: 8G}
    connectivity: ethernet
    """
        .formatted(name, architecture, cpu);
  }

  private static String builtInText(String name) {
    try (var in =
        ProfileCatalogTest.class
            .getClassLoader()
            .getResourceAsStream(ProfileCatalog.RESOURCE_DIR + name + ".yaml")) {
      return new String(Objects.requireNonNull(in).readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
