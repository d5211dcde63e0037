package dev.flotilla.simulator.report;

import dev.flotilla.simulator.report.RunReport.Expectation;
import dev.flotilla.simulator.report.RunReport.FaultEpisode;
import dev.flotilla.simulator.report.RunReport.Phase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The few lines a run ends with on the terminal: the verdict, each expectation, convergence per
 * phase, reconnects per fault, events, restarts, idle traffic, memory, the controller's peaks, and
 * where the reports are. Plain ASCII layout (the report's own texts pass through, less control
 * characters), no colours, columns for a fixed-width font, at most about 30 lines whatever the run:
 * long lists are cut, and the cut says what it left out.
 *
 * <p>Pure: the caller prints the text.
 */
public final class TerminalSummary {

  /** The most expectation lines, the last of them the note of what was cut. */
  static final int MAX_EXPECTATIONS = 7;

  /** The most phase lines, the last of them the note of what was cut. */
  static final int MAX_PHASES = 6;

  /** The most fault lines, the last of them the note of what was cut. */
  static final int MAX_FAULTS = 4;

  private static final int NAME = 22;

  private TerminalSummary() {}

  /**
   * The summary of {@code report}, whose HTML and JSON renderings are at {@code html} and {@code
   * json}. Ends with a line break.
   */
  public static String format(RunReport report, Path html, Path json) {
    Summary s = Summary.of(report);
    List<String> lines = new ArrayList<>();
    lines.add(
        "Flotilla simulation "
            + Text.plain(report.scenario())
            + ": "
            + (report.passed() ? "PASSED" : "FAILED"));
    lines.add(
        "  "
            + Text.count(report.nodes())
            + " nodes, "
            + Text.number(report.wallSeconds(), 1)
            + " s wall, controller "
            + Text.plain(report.controllerMode())
            + ", started "
            + report.startedAt());
    expectations(lines, report.expectations());
    phases(lines, report.phases());
    faults(lines, report.faults());
    var e = report.events();
    lines.add(
        label("Events")
            + "emitted "
            + Text.count(e.emitted())
            + ", received "
            + Text.count(e.received())
            + ", lost "
            + Text.count(e.lost())
            + (e.lost() == 0 ? "" : " (must be 0)")
            + ", dropped by outbox "
            + Text.count(e.droppedByOutbox()));
    lines.add(
        label("Reconnect restarts")
            + Text.count(report.reconnectRestarts())
            + (report.reconnectRestarts() == 0 ? "" : " (must be 0)"));
    var idle = report.idle();
    lines.add(
        label("Idle")
            + (idle == null
                ? "not measured"
                : Text.bytes(idle.bytesPerNodePerMinute())
                    + "/node/min (p99 "
                    + Text.bytes(idle.p99BytesPerNodePerMinute())
                    + ") over "
                    + Text.number(idle.seconds(), 0)
                    + " s, keep-alive "
                    + idle.keepAliveSeconds()
                    + " s"));
    Double bytesPerNode = s.bytesPerNode();
    Double messagesPerNode = s.messagesPerNode();
    lines.add(
        label("Traffic")
            + (bytesPerNode == null || messagesPerNode == null
                ? "no nodes"
                : Text.bytes(bytesPerNode)
                    + " and "
                    + Text.number(messagesPerNode, 1)
                    + " messages per node (in + out)"));
    var f = report.footprint();
    lines.add(
        label("Heap per node")
            + Text.bytes((double) f.heapPerNodeBytes())
            + " (fleet "
            + Text.bytes((double) f.fleetHeapBytes())
            + ", RSS "
            + Text.bytes((double) f.rssBytes())
            + ", "
            + Text.count(f.threads())
            + " threads)");
    lines.add(
        label("Controller")
            + (s.controllerCpuPeakPercent() == null || s.controllerHeapPeakBytes() == null
                ? "remote: no samples"
                : "CPU peak "
                    + Text.number(s.controllerCpuPeakPercent(), 1)
                    + " %, heap peak "
                    + Text.bytes((double) s.controllerHeapPeakBytes())));
    lines.add(label("HTML report") + html);
    lines.add(label("JSON report") + json);
    return String.join("\n", lines) + "\n";
  }

  private static void expectations(List<String> lines, List<Expectation> expectations) {
    if (expectations.isEmpty()) {
      lines.add(label("Expectations") + "none");
      return;
    }
    lines.add("Expectations");
    List<Expectation> shown = expectations;
    if (expectations.size() > MAX_EXPECTATIONS) {
      // The failures matter most: they come first when not all fit.
      List<Expectation> ordered = new ArrayList<>();
      expectations.stream().filter(e -> !e.passed()).forEach(ordered::add);
      expectations.stream().filter(Expectation::passed).forEach(ordered::add);
      shown = ordered.subList(0, MAX_EXPECTATIONS - 1);
    }
    for (Expectation e : shown) {
      lines.add(
          String.format(
              Locale.ROOT,
              "  %-4s  %-28s expected %-14s actual %s",
              e.passed() ? "ok" : "FAIL",
              Text.cut(Text.plain(e.name()), 28),
              Text.cut(Text.plain(e.expected()), 14),
              Text.cut(Text.plain(e.actual()), 24)));
    }
    int left = expectations.size() - shown.size();
    if (left > 0) {
      long failedLeft =
          expectations.stream().filter(e -> !e.passed()).count()
              - shown.stream().filter(e -> !e.passed()).count();
      lines.add(
          "  ... "
              + left
              + " more ("
              + (failedLeft == 0 ? "all passed" : failedLeft + " failed")
              + "), see the report");
    }
  }

  private static void phases(List<String> lines, List<Phase> phases) {
    if (phases.isEmpty()) {
      lines.add(label("Convergence") + "no phases measured");
      return;
    }
    lines.add(
        String.format(
            Locale.ROOT,
            "%-" + (NAME + 2) + "s%13s %8s %8s %8s %8s",
            "Convergence (s)",
            "converged",
            "p50",
            "p95",
            "p99",
            "max"));
    int fit = phases.size() <= MAX_PHASES ? phases.size() : MAX_PHASES - 1;
    for (Phase p : phases.subList(0, fit)) {
      lines.add(
          String.format(
              Locale.ROOT,
              "  %-" + NAME + "s%13s %8s %8s %8s %8s",
              Text.cut(Text.plain(p.name()), NAME),
              Text.count(p.converged()) + "/" + Text.count(p.targeted()),
              Text.secondsBare(p.p50()),
              Text.secondsBare(p.p95()),
              Text.secondsBare(p.p99()),
              Text.secondsBare(p.max())));
    }
    List<Phase> rest = phases.subList(fit, phases.size());
    if (!rest.isEmpty()) {
      Double worst = null;
      for (Phase p : rest) {
        worst = max(worst, p.p99());
      }
      lines.add(
          "  ... "
              + rest.size()
              + " more phases, worst p99 "
              + Text.seconds(worst)
              + ", see the report");
    }
  }

  private static void faults(List<String> lines, List<FaultEpisode> faults) {
    if (faults.isEmpty()) {
      lines.add(label("Reconnects") + "no faults injected");
      return;
    }
    lines.add(
        String.format(
            Locale.ROOT,
            "%-" + (NAME + 2) + "s%13s %8s %8s %8s %8s %8s",
            "Reconnects (s)",
            "reconnected",
            "p50",
            "p95",
            "p99",
            "max",
            "sync99"));
    int fit = faults.size() <= MAX_FAULTS ? faults.size() : MAX_FAULTS - 1;
    for (FaultEpisode f : faults.subList(0, fit)) {
      lines.add(
          String.format(
              Locale.ROOT,
              "  %-" + NAME + "s%13s %8s %8s %8s %8s %8s",
              Text.cut(Text.plain(f.name()), NAME),
              Text.count(f.reconnected()) + "/" + Text.count(f.nodesAffected()),
              Text.secondsBare(f.reconnectP50()),
              Text.secondsBare(f.reconnectP95()),
              Text.secondsBare(f.reconnectP99()),
              Text.secondsBare(f.reconnectMax()),
              Text.secondsBare(f.inSync99())));
    }
    List<FaultEpisode> rest = faults.subList(fit, faults.size());
    if (!rest.isEmpty()) {
      Double worst = null;
      for (FaultEpisode f : rest) {
        worst = max(worst, f.reconnectP99());
      }
      lines.add(
          "  ... "
              + rest.size()
              + " more faults, worst reconnect p99 "
              + Text.seconds(worst)
              + ", see the report");
    }
  }

  private static @Nullable Double max(@Nullable Double a, @Nullable Double b) {
    return a == null ? b : b == null ? a : Double.valueOf(Math.max(a, b));
  }

  private static String label(String label) {
    return String.format(Locale.ROOT, "%-" + (NAME + 2) + "s", label);
  }
}
