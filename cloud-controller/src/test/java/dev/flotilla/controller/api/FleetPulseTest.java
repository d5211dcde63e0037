package dev.flotilla.controller.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flotilla.controller.api.FleetPulse.Look;
import dev.flotilla.controller.api.FleetPulse.Pulse;
import dev.flotilla.controller.api.FleetPulse.RolloutMark;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FleetPulseTest {
  private static Look look(long ready, long digest, List<RolloutMark> rollouts) {
    return new Look(Map.of("READY", ready), ready, 1, digest, rollouts);
  }

  @Test
  void theFirstLookStartsTheCounterAtZero() {
    Pulse p = FleetPulse.next(null, null, look(3, 7, List.of()));
    assertEquals(0, p.changes());
    assertEquals(3, p.summary().total());
  }

  @Test
  void theCounterGrowsOnlyWhenWhatWasSeenDiffers() {
    Look a = look(3, 7, List.of());
    Pulse p0 = FleetPulse.next(null, null, a);
    Pulse same = FleetPulse.next(p0, a, look(3, 7, List.of()));
    assertEquals(0, same.changes(), "nothing changed");
    Pulse swapped = FleetPulse.next(same, a, look(3, 8, List.of()));
    assertEquals(1, swapped.changes(), "two nodes swapped states: same counts, other digest");
  }

  @Test
  void aRolloutThatMovesCountsAsAChange() {
    RolloutMark step0 = new RolloutMark("aq", 4, "PROGRESSING", 0, 10);
    RolloutMark paused = new RolloutMark("aq", 4, "PAUSED", 0, 11);
    Look before = look(3, 7, List.of(step0));
    Pulse p0 = FleetPulse.next(null, null, before);
    Pulse p1 = FleetPulse.next(p0, before, look(3, 7, List.of(paused)));
    assertEquals(1, p1.changes());
    assertEquals(List.of(paused), p1.rollouts());
  }
}
