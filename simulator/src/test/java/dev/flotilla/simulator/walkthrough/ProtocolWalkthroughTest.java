package dev.flotilla.simulator.walkthrough;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.protocol.ProtocolException.Reason;
import dev.flotilla.simulator.walkthrough.ProtocolWalkthrough.Delivery;
import dev.flotilla.simulator.walkthrough.ProtocolWalkthrough.Report;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProtocolWalkthroughTest {
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-22T02:30:00Z"), ZoneOffset.UTC);

  @Test
  void everyNodeAppliesItsFirstGeneration() {
    Report report = new ProtocolWalkthrough(clock).run(4);
    assertEquals(4, report.rollout().size());
    for (Delivery d : report.rollout()) {
      assertEquals(Optional.empty(), d.refusal(), d.label());
      assertEquals(1, d.appliedAfter());
    }
    assertEquals("gw-0004", report.rollout().get(3).node().value());
  }

  @Test
  void eachFaultIsRefusedForItsOwnReasonAndTheLastGoodGenerationIsKept() {
    Report report = new ProtocolWalkthrough(clock).run(2);
    List<Optional<Reason>> refusals = report.faults().stream().map(Delivery::refusal).toList();
    assertEquals(
        List.of(
            Optional.of(Reason.DUPLICATE_GENERATION),
            Optional.<Reason>empty(),
            Optional.of(Reason.STALE_GENERATION),
            Optional.of(Reason.BAD_SIGNATURE),
            Optional.of(Reason.WRONG_NODE),
            Optional.of(Reason.UNKNOWN_KEY),
            Optional.of(Reason.OVERSIZE),
            Optional.of(Reason.MALFORMED),
            Optional.of(Reason.MALFORMED),
            Optional.of(Reason.UNSUPPORTED_VERSION),
            Optional.<Reason>empty()),
        refusals);
    List<Long> held = report.faults().stream().map(Delivery::appliedAfter).toList();
    assertEquals(List.of(1L, 2L, 2L, 2L, 2L, 2L, 2L, 2L, 2L, 2L, 3L), held);
    assertTrue(report.allAsPromised());
  }

  @Test
  void theOversizeFaultReallyIsOverTheDefaultLimit() {
    Delivery oversize =
        new ProtocolWalkthrough(clock)
            .run(2).faults().stream()
                .filter(d -> d.refusal().equals(Optional.of(Reason.OVERSIZE)))
                .findFirst()
                .orElseThrow();
    assertTrue(oversize.bytes() > 256 * 1024, "bytes: " + oversize.bytes());
  }

  @Test
  void aDeliveryThatBreaksThePromiseIsReportedAsSuch() {
    Delivery surprising =
        new Delivery(
            "x",
            new dev.flotilla.protocol.NodeId("gw-1"),
            10,
            Optional.empty(),
            Optional.of(Reason.BAD_SIGNATURE),
            1);
    assertTrue(!surprising.asPromised());
    assertTrue(!new Report("k", List.of(surprising), List.of()).allAsPromised());
  }

  @Test
  void needsAtLeastTwoNodes() {
    assertThrows(IllegalArgumentException.class, () -> new ProtocolWalkthrough(clock).run(1));
  }
}
