package dev.flotilla.simulator.report;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Writes the reports of a realistic fake run to {@code simulator/target/sample-report/}, for a
 * person to open in a browser and judge the plots; and prints its terminal summary.
 */
class SampleReportTest {

  @Test
  void aRealisticRunWritesReportsAPersonCanOpen() throws Exception {
    RunReport report = SampleRuns.realistic();

    ReportFiles.Paths written = ReportFiles.write(report, Path.of("target", "sample-report"));

    assertTrue(Files.size(written.html()) > 10_000);
    assertTrue(Files.size(written.json()) > 10_000);
    System.out.print(
        TerminalSummary.format(
            report, written.html().toAbsolutePath(), written.json().toAbsolutePath()));
  }
}
