package dev.flotilla.simulator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SimulatorMainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return SimulatorMain.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void demoPrintsEveryDeliveryAndExitsZeroWhenAllIsAsPromised() {
    assertEquals(0, run("demo"));
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
  void simulateSaysItIsNotBuiltYet() {
    assertEquals(2, run("simulate"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("issue 7"));
  }

  @Test
  void anUnknownCommandIsAUsageError() {
    assertEquals(2, run("fly"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown simulator command 'fly'"));
  }
}
