package dev.flotilla.simulator.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flotilla.simulator.report.RunReport.ControllerSample;
import dev.flotilla.simulator.report.RunReport.FaultEpisode;
import dev.flotilla.simulator.report.RunReport.NodeTraffic;
import dev.flotilla.simulator.report.RunReport.Phase;
import dev.flotilla.simulator.report.RunReport.Traffic;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportSummaryTest {

  @Test
  void theWorstPhaseAndTheWorstFaultGiveTheFiguresAndMissingOnesAreSkipped() {
    RunReport report =
        with(
            SampleRuns.sparse(),
            List.of(
                new Phase("a", 0, 10, 10, 1.0, 2.0, 3.0, 9.0),
                new Phase("b", 5, 10, 0, null, null, null, null),
                new Phase("c", 9, 10, 10, 1.0, 2.0, 4.0, 5.0)),
            List.of(
                new FaultEpisode("x", 1, 2, 5, 5, 1.0, 1.0, 7.5, 8.0, 9.0),
                new FaultEpisode("y", 3, 4, 5, 0, null, null, null, null, null),
                new FaultEpisode("z", 5, 6, 5, 5, 1.0, 1.0, 2.0, 2.0, 12.0)));

    Summary s = Summary.of(report);

    assertEquals(4.0, s.convergenceP99());
    assertEquals(9.0, s.convergenceMax());
    assertEquals(7.5, s.reconnectP99());
    assertEquals(12.0, s.inSync99());
  }

  @Test
  void aRunWithoutPhasesFaultsNodesOrControllerSamplesHasNoSuchFigures() {
    Summary s = Summary.of(SampleRuns.sparse());

    assertEquals(0, s.nodes());
    assertEquals(false, s.passed());
    assertNull(s.convergenceP99());
    assertNull(s.reconnectP99());
    assertNull(s.idleBytesPerNodePerMinute());
    assertNull(s.bytesPerNode());
    assertNull(s.messagesPerNode());
    assertNull(s.controllerCpuPeakPercent());
    assertNull(s.controllerHeapPeakBytes());
  }

  @Test
  void perNodeMeansComeFromTheFleetTotalsNotThePerNodeSample() {
    var edit = new SampleRuns.Edit(SampleRuns.realistic());
    edit.nodes = 4;
    edit.traffic = new Traffic(100, 300, 10, 30, List.of());
    RunReport report = edit.build();

    Summary s = Summary.of(report);

    assertEquals(100.0, s.bytesPerNode());
    assertEquals(10.0, s.messagesPerNode());
  }

  @Test
  void theControllerPeaksAreTheHighestSamples() {
    var edit = new SampleRuns.Edit(SampleRuns.realistic());
    edit.controller =
        List.of(
            new ControllerSample(0, 10, 500, 1000),
            new ControllerSample(1, 80, 200, 1000),
            new ControllerSample(2, 5, 700, 1000));
    RunReport report = edit.build();

    Summary s = Summary.of(report);

    assertEquals(80.0, s.controllerCpuPeakPercent());
    assertEquals(700L, s.controllerHeapPeakBytes());
  }

  @Test
  void theModelRefusesNullsAndNonFiniteNumbersNamingTheField() {
    var npe =
        assertThrows(
            NullPointerException.class, () -> new Phase(null, 0, 0, 0, null, null, null, null));
    assertEquals("name", npe.getMessage());
    var nan =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Phase("a", 0, 1, 1, Double.NaN, null, null, null));
    assertEquals("p50 must be a finite number, got NaN", nan.getMessage());
    assertThrows(
        NullPointerException.class,
        () -> new Traffic(0, 0, 0, 0, Arrays.asList((NodeTraffic) null)));
  }

  private static RunReport with(RunReport base, List<Phase> phases, List<FaultEpisode> faults) {
    var edit = new SampleRuns.Edit(base);
    edit.phases = phases;
    edit.faults = faults;
    return edit.build();
  }
}
