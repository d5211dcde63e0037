package dev.flotilla.profiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ProfileLoaderTest {
  private static final String FILE = "gateway.yaml";

  /** A complete, valid profile; the refusal cases each change one line of it. */
  private static final String VALID =
      """
      # a comment
      name: gateway
      description: A test gateway
      architecture: arm64
      firmware: {name: Test OS, version: "12.8"}
      capacity: {cpu: 4, memory: 4Gi, storage: 32Gi}
      reserved: {cpu: 500m, memory: 512Mi, storage: 4Gi}
      peripherals: {gpio: 28, serial: 1}
      connectivity: ethernet
      agent: {keepAlive: 45s, statusSummaryInterval: 10m, willDelay: 20s, reconnectMax: 2m}
      """;

  @Test
  void readsEveryFieldOfAValidProfile() {
    FirmwareProfile p = ProfileLoader.parse(FILE, VALID);

    assertEquals("gateway", p.name());
    assertEquals("A test gateway", p.description());
    assertEquals(Architecture.ARM64, p.architecture());
    assertEquals(
        new Firmware("Test OS", FirmwareVersion.parse("12.8").orElseThrow()), p.firmware());
    assertEquals(new Capacity(4000, 4L << 30, 32L << 30), p.capacity());
    assertEquals(new Capacity(500, 512L << 20, 4L << 30), p.reserved());
    assertEquals(new Capacity(3500, 3584L << 20, 28L << 30), p.allocatable());
    assertEquals(Map.of("gpio", 28, "serial", 1), p.peripherals());
    assertEquals(Connectivity.ETHERNET, p.connectivity());
    assertEquals(
        new AgentTuning(
            Duration.ofSeconds(45),
            Duration.ofMinutes(10),
            Duration.ofSeconds(20),
            Duration.ofMinutes(2)),
        p.agent());
  }

  @Test
  void leavesOutOptionalSectionsForTheirDefaults() {
    FirmwareProfile p =
        ProfileLoader.parse(
            "cell.yml",
            """
            name: cell
            description: Cellular box
            architecture: amd64
            firmware: {name: Ubuntu, version: "24.04"}
            capacity: {cpu: 2, memory: 2Gi, storage: 16G}
            connectivity: cellular
            """);

    assertEquals(Capacity.NONE, p.reserved());
    assertEquals(p.capacity(), p.allocatable());
    assertTrue(p.peripherals().isEmpty());
    assertEquals(AgentTuning.CELLULAR, p.agent());
  }

  @Test
  void fillsTheAgentFieldsLeftOutFromTheConnectivityDefaults() {
    FirmwareProfile p =
        ProfileLoader.parse(
            FILE,
            VALID
                .replace("ethernet", "cellular")
                .replaceAll("agent: .*", "agent: {keepAlive: 120s}"));

    assertEquals(Duration.ofSeconds(120), p.agent().keepAlive());
    assertEquals(AgentTuning.CELLULAR.statusSummaryInterval(), p.agent().statusSummaryInterval());
    assertEquals(AgentTuning.CELLULAR.willDelay(), p.agent().willDelay());
    assertEquals(AgentTuning.CELLULAR.reconnectMax(), p.agent().reconnectMax());
  }

  @Test
  void readsPartialReservationsAsZeroForTheRest() {
    FirmwareProfile p =
        ProfileLoader.parse(FILE, VALID.replaceAll("reserved: .*", "reserved: {memory: 1Gi}"));

    assertEquals(new Capacity(0, 1L << 30, 0), p.reserved());
  }

  @Test
  void takesTheExpectedNameFromTheLastPathElementOfTheFile() {
    FirmwareProfile p = ProfileLoader.parse("/etc/flotilla/profiles/gateway.yaml", VALID);

    assertEquals("gateway", p.name());
    assertEquals("gateway", ProfileLoader.expectedName("C:\\profiles\\gateway.YML"));
    assertEquals("gateway", ProfileLoader.expectedName("gateway"));
  }

  static Stream<Arguments> refusals() {
    return Stream.of(
        refusal(
            "unknown top-level field",
            VALID + "colour: blue\n",
            "colour",
            "unknown field; known fields are name, description, architecture, firmware, capacity,"
                + " reserved, peripherals, connectivity, agent"),
        refusal(
            "unknown nested field",
            VALID.replace("storage: 32Gi}", "storage: 32Gi, disk: 1Gi}"),
            "capacity.disk",
            "unknown field; known fields are cpu, memory, storage"),
        refusal(
            "unknown agent field",
            VALID.replace("keepAlive:", "keepalive:"),
            "agent.keepalive",
            "unknown field; known fields are keepAlive, statusSummaryInterval, willDelay,"
                + " reconnectMax"),
        refusal("missing name", VALID.replace("name: gateway\n", ""), "name", "is required"),
        refusal("empty name", VALID.replace("name: gateway", "name:"), "name", "is required"),
        refusal(
            "missing architecture",
            VALID.replace("architecture: arm64\n", ""),
            "architecture",
            "is required"),
        refusal(
            "missing capacity.cpu",
            VALID.replace("capacity: {cpu: 4, ", "capacity: {"),
            "capacity.cpu",
            "is required"),
        refusal(
            "missing firmware.version",
            VALID.replace(", version: \"12.8\"", ""),
            "firmware.version",
            "is required"),
        refusal(
            "missing description",
            VALID.replace("description: A test gateway\n", ""),
            "description",
            "is required"),
        refusal(
            "missing connectivity",
            VALID.replace("connectivity: ethernet\n", ""),
            "connectivity",
            "is required"),
        refusal(
            "name other than the file's",
            VALID.replace("name: gateway", "name: other"),
            "name",
            "is 'other' but the file is named for 'gateway'; a profile's name must be its file"
                + " name without .yaml (rename one of them)"),
        refusal(
            "name against the rule",
            VALID.replace("name: gateway", "name: Gateway"),
            "name",
            "must be " + FirmwareProfile.NAME_RULE + ", was 'Gateway'"),
        refusal(
            "name that is a number",
            VALID.replace("name: gateway", "name: 42"),
            "name",
            "must be text, was the number 42; quote it (\"42\") to use it as text"),
        refusal(
            "multi-line description",
            VALID.replace("description: A test gateway", "description: \"two\\nlines\""),
            "description",
            "must be one line of 1 to 200 characters, was 'two\nlines'"),
        refusal(
            "unknown architecture",
            VALID.replace("architecture: arm64", "architecture: sparc"),
            "architecture",
            "must be one of amd64, arm64, arm, riscv64 (the OCI names), was 'sparc'"),
        refusal(
            "kernel name for an architecture",
            VALID.replace("architecture: arm64", "architecture: aarch64"),
            "architecture",
            "must be one of amd64, arm64, arm, riscv64 (the OCI names), was 'aarch64'; write arm64"
                + " for aarch64"),
        refusal(
            "bad version",
            VALID.replace("\"12.8\"", "\"12.8-rc1\""),
            "firmware.version",
            "must be " + FirmwareVersion.RULE + ", was '12.8-rc1'"),
        refusal(
            "unquoted version",
            VALID.replace("\"12.8\"", "12.10"),
            "firmware.version",
            "must be text, "
                + FirmwareVersion.RULE
                + ", was the number 12.1; quote it (\"12.1\") to use it as text"),
        refusal(
            "firmware not a mapping",
            VALID.replaceAll("firmware: .*", "firmware: Test OS 12.8"),
            "firmware",
            "must be a mapping, was 'Test OS 12.8'"),
        refusal(
            "bad CPU quantity",
            VALID.replace("cpu: 4,", "cpu: four,"),
            "capacity.cpu",
            "must be " + Quantities.CPU_RULE + ", was 'four'"),
        refusal(
            "bad memory quantity",
            VALID.replace("memory: 4Gi", "memory: 4GB"),
            "capacity.memory",
            "must be " + Quantities.MEMORY_RULE + ", was '4GB'"),
        refusal(
            "zero storage",
            VALID.replace("storage: 32Gi", "storage: 0"),
            "capacity.storage",
            "must be more than 0 and at most 1Ei; leave it out for no value, was the number 0"),
        refusal(
            "reserved CPU equal to capacity",
            VALID.replace("cpu: 500m", "cpu: 4"),
            "reserved.cpu",
            "is 4, not below capacity.cpu (4); the reservation must leave some for workloads"),
        refusal(
            "reserved memory above capacity",
            VALID.replace("memory: 512Mi", "memory: 5Gi"),
            "reserved.memory",
            "is 5Gi, not below capacity.memory (4Gi); the reservation must leave some for"
                + " workloads"),
        refusal(
            "reserved storage equal to capacity",
            VALID.replace("storage: 4Gi", "storage: 32Gi"),
            "reserved.storage",
            "is 32Gi, not below capacity.storage (32Gi); the reservation must leave some for"
                + " workloads"),
        refusal(
            "bad reserved quantity",
            VALID.replace("cpu: 500m", "cpu: -1"),
            "reserved.cpu",
            "must be more than 0 and at most 1024 cores; leave it out for no value, was the"
                + " number -1"),
        refusal(
            "peripheral count 0",
            VALID.replace("serial: 1", "serial: 0"),
            "peripherals.serial",
            "must be from 1 to 1024, was 0; leave a peripheral out when the device has none"),
        refusal(
            "peripheral count too high",
            VALID.replace("serial: 1", "serial: 1025"),
            "peripherals.serial",
            "must be from 1 to 1024, was 1025"),
        refusal(
            "peripheral count not a whole number",
            VALID.replace("serial: 1", "serial: \"1\""),
            "peripherals.serial",
            "must be a whole number from 1 to 1024, was '1'"),
        refusal(
            "peripheral name in capitals",
            VALID.replace("serial: 1", "Serial: 1"),
            "peripherals.Serial",
            "is not a peripheral name: a name must be " + FirmwareProfile.PERIPHERAL_RULE),
        refusal(
            "peripheral name with a space",
            VALID.replace("serial: 1", "\"rs 485\": 1"),
            "peripherals[\"rs 485\"]",
            "is not a peripheral name: a name must be " + FirmwareProfile.PERIPHERAL_RULE),
        refusal(
            "peripherals as a list",
            VALID.replace("peripherals: {gpio: 28, serial: 1}", "peripherals: [gpio, serial]"),
            "peripherals",
            "must be a mapping, was a list"),
        refusal(
            "unknown connectivity",
            VALID.replace("connectivity: ethernet", "connectivity: lte"),
            "connectivity",
            "must be one of ethernet, wifi, cellular, was 'lte'"),
        refusal(
            "keep-alive below its bound",
            VALID.replace("keepAlive: 45s", "keepAlive: 5s"),
            "agent.keepAlive",
            "must be from 10s to 20m, was '5s'"),
        refusal(
            "status summary above its bound",
            VALID.replace("statusSummaryInterval: 10m", "statusSummaryInterval: 25h"),
            "agent.statusSummaryInterval",
            "must be from 30s to 24h, was '25h'"),
        refusal(
            "zero will delay, which the agent refuses",
            VALID.replace("willDelay: 20s", "willDelay: 0s"),
            "agent.willDelay",
            "must be from 1s to 1h, was '0s'"),
        refusal(
            "reconnect ceiling below its bound",
            VALID.replace("reconnectMax: 2m", "reconnectMax: 5s"),
            "agent.reconnectMax",
            "must be from 10s to 24h, was '5s'"),
        refusal(
            "duration without a unit",
            VALID.replace("keepAlive: 45s", "keepAlive: 45"),
            "agent.keepAlive",
            "must be " + Quantities.DURATION_RULE + ", was the number 45"),
        refusal(
            "not a mapping",
            "- name: gateway\n",
            "",
            "must be a mapping of profile fields (name, description, architecture, firmware,"
                + " capacity, reserved, peripherals, connectivity, agent), was a list"),
        refusal(
            "empty file",
            "",
            "",
            "is empty; expected a profile with name, description, architecture, firmware,"
                + " capacity and connectivity"),
        refusal(
            "comments only",
            "# nothing yet\n",
            "",
            "is empty; expected a profile with name, description, architecture, firmware,"
                + " capacity and connectivity"),
        refusal(
            "non-text key",
            VALID + "1: one\n",
            "",
            "keys must be text, found the number 1; quote it (\"1\") to use it as text"));
  }

  private static Arguments refusal(String what, String yaml, String field, String rule) {
    return Arguments.of(what, yaml, field, rule);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void refusesABrokenProfileNamingTheFileAndTheField(
      String what, String yaml, String field, String rule) {
    ProfileException e =
        assertThrows(ProfileException.class, () -> ProfileLoader.parse(FILE, yaml));

    assertEquals(FILE, e.file());
    assertEquals(field, e.field());
    assertEquals(rule, e.rule());
    assertEquals(
        field.isEmpty() ? FILE + ": " + rule : FILE + ": " + field + ": " + rule, e.getMessage());
  }

  @Test
  void refusesADuplicateKeyWithItsLine() {
    ProfileException e =
        assertThrows(
            ProfileException.class,
            () -> ProfileLoader.parse(FILE, VALID + "architecture: amd64\n"));

    assertEquals("", e.field());
    assertEquals(
        "is not valid YAML at line 11, column 1: found duplicate key architecture (while"
            + " constructing a mapping)",
        e.rule());
  }

  @Test
  void refusesMalformedYamlWithItsLineAndColumn() {
    ProfileException e =
        assertThrows(
            ProfileException.class,
            () -> ProfileLoader.parse(FILE, VALID.replace("{gpio: 28,", "{gpio: 28")));

    assertEquals("", e.field());
    assertTrue(e.getMessage().startsWith(FILE + ": is not valid YAML at line 8"), e.getMessage());
  }

  @Test
  void refusesAnOversizedFileBeforeParsingIt() {
    String big = VALID + "#" + "x".repeat(ProfileLoader.MAX_CHARS) + "\n";

    ProfileException e = assertThrows(ProfileException.class, () -> ProfileLoader.parse(FILE, big));

    assertEquals("", e.field());
    assertEquals("is " + big.length() + " characters long; at most 65536 are accepted", e.rule());
  }

  @Test
  void refusesYamlTagsThatWouldMakeObjects() {
    ProfileException e =
        assertThrows(
            ProfileException.class,
            () ->
                ProfileLoader.parse(
                    FILE, VALID.replace("description: A test gateway", "description: !!set {a}")));

    assertEquals("", e.field());
    assertTrue(e.getMessage().startsWith(FILE + ": is not valid YAML"), e.getMessage());
  }

  @Test
  void refusesAnAliasBomb() {
    StringBuilder yaml = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 12; i++) {
      yaml.append("a").append(i).append(": &a").append(i).append(" [");
      for (int j = 0; j < 10; j++) {
        yaml.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
      }
      yaml.append("]\n");
    }

    ProfileException e =
        assertThrows(ProfileException.class, () -> ProfileLoader.parse(FILE, yaml.toString()));

    assertEquals("", e.field());
    assertTrue(e.getMessage().startsWith(FILE + ": is not acceptable YAML"), e.getMessage());
  }

  @Test
  void keepsADateLikeDescriptionAsText() {
    FirmwareProfile p = ProfileLoader.parse(FILE, VALID.replace("A test gateway", "2024-05-01"));

    assertEquals("2024-05-01", p.description());
  }
}
