package dev.flotilla.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AgentMainTest {
  @Test
  void saysItIsNotBuiltYetWithANonZeroStatus() {
    assertEquals(2, AgentMain.run());
  }
}
