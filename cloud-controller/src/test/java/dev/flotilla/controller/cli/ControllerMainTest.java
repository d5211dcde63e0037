package dev.flotilla.controller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ControllerMainTest {
  @Test
  void saysItIsNotBuiltYetWithANonZeroStatus() {
    assertEquals(2, ControllerMain.run());
  }
}
