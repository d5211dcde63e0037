package dev.flotilla.simulator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimulatorMainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return SimulatorMain.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        Map.of());
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void walkthroughPrintsEveryDeliveryAndExitsZeroWhenAllIsAsPromised() {
    assertEquals(0, run("walkthrough"));
    String text = out.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("flotilla/v1/nodes/gw-0005/desired"), text);
    assertTrue(text.contains("refused BAD_SIGNATURE, holds gen 2"), text);
    assertTrue(text.contains("5 nodes applied their signed state"), text);
    assertTrue(text.contains("9 faults refused"), text);
    assertTrue(text.contains("2 newer generations applied"), text);
    assertTrue(text.contains("0 outcome(s) differ"), text);
    assertTrue(!text.contains("!!"), text);
  }

  @Test
  void simulateHelpListsTheShippedScenariosAndExitsZero() {
    assertEquals(0, run("simulate", "--help"));
    String text = out.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("--scenario NAME|FILE"), text);
    for (String name :
        new String[] {
          "demo",
          "rolling-update-10k",
          "canary-bad-revision",
          "district-partition",
          "broker-restart-storm",
          "reboot-while-offline"
        }) {
      assertTrue(text.contains(name), name + " in " + text);
    }
  }

  @Test
  void simulateWithoutAScenarioIsAUsageErrorThatSaysSo() {
    assertEquals(2, run("simulate"));
    assertTrue(err().contains("--scenario is required"), err());
  }

  @Test
  void anUnknownScenarioIsRefusedListingTheShippedOnes() {
    assertEquals(2, run("simulate", "--scenario", "no-such-scenario"));
    assertTrue(err().contains("no-such-scenario"), err());
    assertTrue(err().contains("district-partition"), err());
  }

  @Test
  void badOptionsAreUsageErrorsNamingTheOption() {
    assertEquals(2, run("simulate", "--scenario", "demo", "--nodes", "many"));
    assertTrue(err().contains("--nodes must be a number"), err());
    assertEquals(2, run("simulate", "--scenario", "demo", "--nodes=0"));
    assertTrue(err().contains("--nodes must be 1 to 100000"), err());
    assertEquals(2, run("simulate", "--scenario", "demo", "--fleet", "9"));
    assertTrue(err().contains("unknown option --fleet"), err());
    assertEquals(2, run("simulate", "--scenario", "demo", "--controller", "http://c:8080"));
    assertTrue(err().contains("--controller needs an admin token"), err());
  }

  @Test
  void aRemoteControllerCannotTakeARestartFaultAndTheScenarioIsRefusedUpFront() {
    assertEquals(
        2,
        run(
            "simulate",
            "--scenario",
            "broker-restart-storm",
            "--controller",
            "http://127.0.0.1:9",
            "--token",
            "t",
            "--out",
            System.getProperty("java.io.tmpdir") + "/flotilla-sim-remote-test"));
    assertTrue(err().contains("need the simulator's own controller"), err());
  }

  @Test
  void anUnknownCommandIsAUsageError() {
    assertEquals(2, run("fly"));
    assertTrue(err().contains("unknown simulator command 'fly'"), err());
  }
}
