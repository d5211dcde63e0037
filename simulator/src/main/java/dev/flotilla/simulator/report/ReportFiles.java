package dev.flotilla.simulator.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;

/**
 * Writes a run's reports: {@code report.html} ({@link HtmlReport}) and {@code report.json} ({@link
 * JsonReport}), UTF-8, in one directory. The only class of this package that does I/O.
 */
public final class ReportFiles {

  /** The HTML report's file name. */
  public static final String HTML = "report.html";

  /** The JSON report's file name. */
  public static final String JSON = "report.json";

  private ReportFiles() {}

  /** Where {@link #write} put the two reports. */
  public record Paths(Path html, Path json) {
    public Paths {
      Objects.requireNonNull(html, "html");
      Objects.requireNonNull(json, "json");
    }
  }

  /**
   * Writes both reports into {@code outDir}, creating it and its parents if needed and replacing
   * reports of an earlier run. Each file is written under a temporary name and moved into place, so
   * a reader never sees half a report; where the file system cannot move atomically it is moved
   * plainly.
   *
   * @throws IOException when the directory cannot be created or a file written; the message names
   *     the path
   */
  public static Paths write(RunReport report, Path outDir) throws IOException {
    Files.createDirectories(outDir);
    Path json = outDir.resolve(JSON);
    Path html = outDir.resolve(HTML);
    replace(json, JsonReport.toJson(report));
    replace(html, HtmlReport.toHtml(report));
    return new Paths(html, json);
  }

  private static void replace(Path target, String content) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.writeString(tmp, content, StandardCharsets.UTF_8);
    try {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
