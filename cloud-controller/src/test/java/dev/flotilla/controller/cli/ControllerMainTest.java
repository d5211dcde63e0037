package dev.flotilla.controller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.controller.broker.BrokerStartException;
import java.net.BindException;
import org.junit.jupiter.api.Test;

class ControllerMainTest {
  @Test
  void aBusyBrokerPortIsExplainedByTheBrokersOwnLine() {
    RuntimeException failure =
        new RuntimeException(
            "bean failed",
            new BrokerStartException("MQTT port 0.0.0.0:1883 is already in use; set ...", null));
    assertEquals(
        "MQTT port 0.0.0.0:1883 is already in use; set ...", ControllerMain.explain(failure));
  }

  @Test
  void aBusyHttpPortNamesTheSettingThatChangesIt() {
    RuntimeException failure =
        new RuntimeException("server failed", new BindException("Address already in use"));
    String line = ControllerMain.explain(failure);
    assertTrue(line.contains("HTTP port is already in use"), line);
    assertTrue(line.contains("MICRONAUT_SERVER_PORT"), line);
    assertTrue(!line.contains("\n"), line);
  }

  @Test
  void anyOtherFailureGivesItsRootCause() {
    RuntimeException failure =
        new RuntimeException("outer", new IllegalStateException("disk full"));
    assertEquals("cannot start: disk full", ControllerMain.explain(failure));
  }
}
