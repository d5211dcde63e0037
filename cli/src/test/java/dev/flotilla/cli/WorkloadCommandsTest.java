package dev.flotilla.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.cli.FlotillaMainTest.Run;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code --timeout} of logs and restart, without a controller. */
class WorkloadCommandsTest {
  @Test
  void theTimeoutReadsAsTheApiReadsIt() {
    assertEquals(Duration.ofSeconds(90), WorkloadCommands.Target.parseTimeout("90s"));
    assertEquals(Duration.ofMinutes(5), WorkloadCommands.Target.parseTimeout("5m"));
    assertEquals(Duration.ofHours(1), WorkloadCommands.Target.parseTimeout("1h"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> WorkloadCommands.Target.parseTimeout("soon"));
    assertTrue(e.getMessage().contains("--timeout"), e.getMessage());
    assertTrue(e.getMessage().contains("'soon'"), e.getMessage());
  }

  @Test
  void theClientWaitsLongerThanTheNodeHasSoALongTimeoutIsNotCutShortByTheClient() {
    for (Duration node : new Duration[] {Duration.ofSeconds(2), Duration.ofMinutes(5)}) {
      Duration wait = WorkloadCommands.Target.answerWithin(node);
      assertTrue(
          wait.compareTo(node.plusSeconds(10)) >= 0,
          "the client waits " + wait + " for a node given " + node);
    }
  }

  @Test
  void aMalformedTimeoutIsAUsageErrorBeforeAnyCall() {
    for (String command : new String[] {"logs", "restart"}) {
      Run r =
          FlotillaMainTest.run(
              command, "gw-1", "pump", "--timeout", "soon", "--controller", "http://127.0.0.1:9");
      assertEquals(2, r.code(), command + ": " + r.err());
      assertTrue(r.err().contains("--timeout must be"), command + ": " + r.err());
    }
  }
}
