package dev.flotilla.simulator.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.simulator.report.RunReport.Expectation;
import dev.flotilla.simulator.report.RunReport.FaultEpisode;
import dev.flotilla.simulator.report.RunReport.Phase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link TerminalSummary}; named to match the build's report test filter. */
class TerminalSummaryReportTest {

  private static final Path HTML = Path.of("/tmp/run/report.html");
  private static final Path JSON = Path.of("/tmp/run/report.json");

  @Test
  void aRealisticRunFitsInThirtyAsciiLinesEndingWithTheReportPaths() {
    String text = TerminalSummary.format(SampleRuns.realistic(), HTML, JSON);
    List<String> lines = text.lines().toList();

    assertTrue(lines.size() <= 30, text);
    assertTrue(text.chars().allMatch(c -> c == '\n' || (c >= 32 && c < 127)), text);
    assertFalse(text.contains("\u001b"));
    assertEquals("Flotilla simulation canary-under-partition: PASSED", lines.get(0));
    assertTrue(
        lines
            .get(1)
            .startsWith(
                "  1,000 nodes, 312.4 s wall, controller process, started"
                    + " 2026-11-22T10:15:30.125Z"));
    assertEquals("HTML report             /tmp/run/report.html", lines.get(lines.size() - 2));
    assertEquals("JSON report             /tmp/run/report.json", lines.get(lines.size() - 1));
    assertTrue(text.endsWith("\n"));
  }

  @Test
  void everyFigureTheBriefAsksForIsThere() {
    String text = TerminalSummary.format(SampleRuns.realistic(), HTML, JSON);

    assertTrue(
        text.contains("  ok    events lost                  expected 0              actual 0\n"),
        text);
    assertTrue(
        text.contains(
            "Convergence (s)             converged      p50      p95      p99      max\n"),
        text);
    assertTrue(text.contains("  apply web v1            1,000/1,000     3.76 "), text);
    assertTrue(text.contains("  web v2 step 3 of 3          500/500     2.80 "), text);
    assertTrue(text.contains("  partition 25%               250/250     1.61 "), text);
    assertTrue(
        text.contains(
            "Events                  emitted 24,310, received 24,310, lost 0, dropped by outbox"
                + " 0\n"),
        text);
    assertTrue(text.contains("Reconnect restarts      0\n"), text);
    assertTrue(
        text.contains(
            "Idle                    42.5 B/node/min (p99 61 B) over 60 s, keep-alive 60 s\n"),
        text);
    assertTrue(
        text.contains(
            "Heap per node           47.1 KiB (fleet 46.0 MiB, RSS 1.40 GiB, 412 threads)\n"),
        text);
    assertTrue(text.contains("Controller              CPU peak "), text);
  }

  @Test
  void aFailedRunWithARemoteControllerSaysSo() {
    String text = TerminalSummary.format(SampleRuns.sparse(), HTML, JSON);

    assertTrue(text.startsWith("Flotilla simulation empty: FAILED\n"), text);
    assertTrue(
        text.contains("  FAIL  nodes converge               expected all            actual none\n"),
        text);
    assertTrue(
        text.contains(
            "  apply nothing                   0/0        -        -        -        -\n"),
        text);
    assertTrue(text.contains("Reconnects              no faults injected\n"), text);
    assertTrue(text.contains("Traffic                 no nodes\n"), text);
    assertTrue(text.contains("Idle                    not measured\n"), text);
    assertTrue(text.contains("Controller              remote: no samples\n"), text);
  }

  @Test
  void longListsAreCutToStayUnderThirtyLinesFailuresFirst() {
    var edit = new SampleRuns.Edit(SampleRuns.realistic());
    List<Expectation> expectations = new ArrayList<>();
    List<Phase> phases = new ArrayList<>();
    List<FaultEpisode> faults = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      expectations.add(new Expectation("check " + i, "x", "y", i != 33));
      phases.add(new Phase("phase " + i, i, 10, 10, 1.0, 2.0, 3.0 + i, 4.0 + i));
      faults.add(new FaultEpisode("fault " + i, i, i + 1, 10, 10, 1.0, 2.0, 5.0 + i, 9.0, 9.0));
    }
    edit.expectations = expectations;
    edit.phases = phases;
    edit.faults = faults;
    edit.passed = false;

    String text = TerminalSummary.format(edit.build(), HTML, JSON);

    assertTrue(text.lines().count() <= 30, text.lines().count() + " lines:\n" + text);
    assertTrue(text.contains("  FAIL  check 33 "), text);
    assertTrue(text.contains("  ... 34 more (all passed), see the report\n"), text);
    assertTrue(text.contains("  ... 35 more phases, worst p99 42.00 s, see the report\n"), text);
    assertTrue(
        text.contains("  ... 37 more faults, worst reconnect p99 44.00 s, see the report\n"), text);
  }

  @Test
  void controlCharactersAndLongNamesCannotBreakTheLayout() {
    var edit = new SampleRuns.Edit(SampleRuns.realistic());
    edit.scenario = "red\u001b[31m\nnext line";
    edit.phases =
        List.of(
            new Phase("a very long phase name that goes on and on", 0, 1, 1, 1.0, 1.0, 1.0, 1.0));

    String text = TerminalSummary.format(edit.build(), HTML, JSON);

    assertFalse(text.contains("\u001b"));
    assertEquals(
        "Flotilla simulation red?[31m?next line: PASSED", text.lines().findFirst().orElseThrow());
    assertTrue(text.contains("  a very long phase na..          1/1     1.00 "), text);
    assertTrue(Arrays.stream(text.split("\n")).allMatch(l -> l.length() <= 100), text);
  }
}
