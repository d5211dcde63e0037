package dev.flotilla.simulator.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportFilesTest {

  @TempDir Path dir;

  @Test
  void bothReportsAreWrittenIntoADirectoryItCreates() throws Exception {
    RunReport report = SampleRuns.realistic();
    Path out = dir.resolve("runs/one");

    ReportFiles.Paths written = ReportFiles.write(report, out);

    assertEquals(out.resolve("report.html"), written.html());
    assertEquals(out.resolve("report.json"), written.json());
    assertEquals(HtmlReport.toHtml(report), Files.readString(written.html()));
    assertEquals(report, JsonReport.fromJson(Files.readString(written.json())));
    try (Stream<Path> files = Files.list(out)) {
      assertEquals(
          List.of("report.html", "report.json"),
          files.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  @Test
  void anEarlierRunsReportsAreReplaced() throws Exception {
    ReportFiles.write(SampleRuns.realistic(), dir);

    ReportFiles.Paths written = ReportFiles.write(SampleRuns.sparse(), dir);

    assertEquals(SampleRuns.sparse(), JsonReport.fromJson(Files.readString(written.json())));
    assertEquals(HtmlReport.toHtml(SampleRuns.sparse()), Files.readString(written.html()));
  }
}
