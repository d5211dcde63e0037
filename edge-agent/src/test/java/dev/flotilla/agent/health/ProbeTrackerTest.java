package dev.flotilla.agent.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flotilla.agent.health.ProbeTracker.Health;
import org.junit.jupiter.api.Test;

class ProbeTrackerTest {
  @Test
  void startsUnknownAndTurnsHealthyOnTheFirstSuccess() {
    ProbeTracker t = ProbeTracker.start(3);
    assertEquals(Health.UNKNOWN, t.health());
    assertEquals(Health.HEALTHY, t.record(true).health());
  }

  @Test
  void turnsUnhealthyOnlyAtTheThresholdOfConsecutiveFailures() {
    ProbeTracker t = ProbeTracker.start(3).record(true);
    t = t.record(false).record(false);
    assertEquals(Health.HEALTHY, t.health());
    t = t.record(false);
    assertEquals(Health.UNHEALTHY, t.health());
  }

  @Test
  void aSuccessResetsTheCount() {
    ProbeTracker t = ProbeTracker.start(2).record(false).record(true).record(false);
    assertEquals(Health.HEALTHY, t.health());
    assertEquals(1, t.consecutiveFailures());
    assertEquals(Health.UNHEALTHY, t.record(false).health());
  }
}
