package dev.flotilla.simulator.report;

import static dev.flotilla.simulator.report.Text.escape;

import dev.flotilla.simulator.report.RunReport.ControllerSample;
import dev.flotilla.simulator.report.RunReport.Expectation;
import dev.flotilla.simulator.report.RunReport.FaultEpisode;
import dev.flotilla.simulator.report.RunReport.NodeTraffic;
import dev.flotilla.simulator.report.RunReport.Phase;
import dev.flotilla.simulator.report.RunReport.RolloutPoint;
import dev.flotilla.simulator.report.RunReport.RolloutTrack;
import dev.flotilla.simulator.report.RunReport.Sample;
import dev.flotilla.simulator.report.RunReport.TimelineEntry;
import dev.flotilla.simulator.report.SvgChart.Band;
import dev.flotilla.simulator.report.SvgChart.Marker;
import dev.flotilla.simulator.report.SvgChart.Series;
import dev.flotilla.simulator.report.SvgChart.Stroke;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * A {@link RunReport} as one self-contained HTML5 page: a pass or fail banner, the expectations,
 * the key figures ({@link Summary}), tables of phases and faults, the timeline, and plots drawn as
 * inline SVG by {@link SvgChart}: nodes connected and converged over time with the timeline and the
 * faults marked, each rollout's progress, traffic per node, the controller's CPU and heap.
 *
 * <p>The page opens offline: CSS inline, no script, no font, image or link to fetch. Every text
 * from the report is escaped. Pure and thread-safe.
 */
public final class HtmlReport {

  private static final double MIB = 1024.0 * 1024.0;

  private HtmlReport() {}

  /** The page for {@code report}. */
  public static String toHtml(RunReport report) {
    Summary summary = Summary.of(report);
    StringBuilder h = new StringBuilder(256 * 1024);
    String verdict = report.passed() ? "PASSED" : "FAILED";
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>")
        .append(escape(report.scenario()))
        .append(" - ")
        .append(verdict)
        .append(" - Flotilla simulation</title>\n<style>\n")
        .append(CSS)
        .append("</style>\n</head>\n<body>\n<main>\n");
    header(h, report);
    expectations(h, report.expectations());
    cards(h, summary);
    convergence(h, report);
    rollouts(h, report.rollouts());
    faults(h, report.faults());
    events(h, report);
    traffic(h, report);
    controller(h, report);
    footprint(h, report);
    timeline(h, report.timeline());
    h.append(
            "<footer>Flotilla simulator report. Every figure on this page is also in the run's"
                + " JSON report.</footer>\n")
        .append("</main>\n</body>\n</html>\n");
    return h.toString();
  }

  private static void header(StringBuilder h, RunReport r) {
    long failed = r.expectations().stream().filter(e -> !e.passed()).count();
    int total = r.expectations().size();
    String banner =
        r.passed()
            ? "PASSED: " + total + " of " + total + " expectations held"
            : "FAILED: " + failed + " of " + total + " expectations failed";
    var m = r.machine();
    h.append("<header>\n<h1>Flotilla simulation: <span class=\"scenario\">")
        .append(escape(r.scenario()))
        .append("</span></h1>\n<p class=\"description\">")
        .append(escape(r.description()))
        .append("</p>\n<div class=\"banner ")
        .append(r.passed() ? "pass" : "fail")
        .append("\">")
        .append(escape(banner))
        .append("</div>\n<p class=\"meta\">")
        .append(Text.count(r.nodes()))
        .append(" nodes &middot; started ")
        .append(escape(r.startedAt().toString()))
        .append(" &middot; ")
        .append(escape(Text.number(r.wallSeconds(), 1)))
        .append(" s wall &middot; controller: ")
        .append(escape(r.controllerMode()))
        .append("<br>")
        .append(escape(m.host()))
        .append(": ")
        .append(m.cpus())
        .append(" CPUs, ")
        .append(escape(m.os()))
        .append(", ")
        .append(escape(m.jvm()))
        .append(", max heap ")
        .append(escape(Text.bytes((double) m.maxHeapBytes())))
        .append("</p>\n</header>\n");
  }

  private static void expectations(StringBuilder h, List<Expectation> expectations) {
    h.append("<section>\n<h2>Expectations</h2>\n");
    if (expectations.isEmpty()) {
      h.append(NO_DATA);
    } else {
      h.append("<table>\n<tr><th>result</th><th>expectation</th><th>expected</th>")
          .append("<th>actual</th></tr>\n");
      for (Expectation e : expectations) {
        h.append("<tr class=\"")
            .append(e.passed() ? "pass" : "fail")
            .append("\"><td class=\"verdict\">")
            .append(e.passed() ? "ok" : "FAIL")
            .append("</td><td>")
            .append(escape(e.name()))
            .append("</td><td>")
            .append(escape(e.expected()))
            .append("</td><td>")
            .append(escape(e.actual()))
            .append("</td></tr>\n");
      }
      h.append("</table>\n");
    }
    h.append("</section>\n");
  }

  private static void cards(StringBuilder h, Summary s) {
    h.append("<section>\n<h2>Key figures</h2>\n<div class=\"cards\">\n");
    card(h, "nodes", Text.count(s.nodes()), false);
    card(h, "convergence p99 (worst phase)", Text.seconds(s.convergenceP99()), false);
    card(h, "convergence max", Text.seconds(s.convergenceMax()), false);
    card(h, "reconnect p99 (worst fault)", Text.seconds(s.reconnectP99()), false);
    card(h, "99% back in sync (worst fault)", Text.seconds(s.inSync99()), false);
    card(h, "events lost", Text.count(s.eventsLost()), s.eventsLost() != 0);
    card(
        h,
        "restarts caused by reconnects",
        Text.count(s.reconnectRestarts()),
        s.reconnectRestarts() != 0);
    card(h, "idle traffic per node per minute", Text.bytes(s.idleBytesPerNodePerMinute()), false);
    card(h, "heap per node", Text.bytes((double) s.heapPerNodeBytes()), false);
    card(h, "bytes per node (in + out)", Text.bytes(s.bytesPerNode()), false);
    card(
        h,
        "messages per node (in + out)",
        s.messagesPerNode() == null ? Text.NONE : Text.number(s.messagesPerNode(), 1),
        false);
    card(
        h,
        "controller CPU peak",
        s.controllerCpuPeakPercent() == null
            ? Text.NONE
            : Text.number(s.controllerCpuPeakPercent(), 1) + " %",
        false);
    card(
        h,
        "controller heap peak",
        s.controllerHeapPeakBytes() == null
            ? Text.NONE
            : Text.bytes((double) s.controllerHeapPeakBytes()),
        false);
    h.append("</div>\n</section>\n");
  }

  private static void card(StringBuilder h, String label, String value, boolean bad) {
    h.append("<div class=\"card")
        .append(bad ? " bad" : "")
        .append("\"><div class=\"value\">")
        .append(escape(value))
        .append("</div><div class=\"label\">")
        .append(escape(label))
        .append("</div></div>\n");
  }

  private static void convergence(StringBuilder h, RunReport r) {
    h.append("<section>\n<h2>Convergence</h2>\n");
    List<Sample> fleet = r.fleet();
    List<Series> series =
        List.of(
            series("total", SvgChart.GREY, Stroke.DASHED, fleet, Sample::t, Sample::total),
            series("connected", SvgChart.BLUE, Stroke.WIDE, fleet, Sample::t, Sample::connected),
            series("converged", SvgChart.GREEN, Stroke.SOLID, fleet, Sample::t, Sample::converged));
    List<Marker> markers = new ArrayList<>();
    List<TimelineEntry> timeline = r.timeline();
    for (int i = 0; i < timeline.size(); i++) {
      TimelineEntry e = timeline.get(i);
      markers.add(new Marker(e.t(), Integer.toString(i + 1), at(e.t()) + ": " + e.what()));
    }
    List<Band> bands = new ArrayList<>();
    for (FaultEpisode f : r.faults()) {
      bands.add(new Band(f.startedAt(), f.endedAt(), f.name(), SvgChart.RED));
    }
    h.append(
        SvgChart.line(
            "Nodes connected and converged over time",
            "seconds since start (numbered lines: timeline; shaded: faults)",
            "nodes",
            fleet.isEmpty() ? List.of() : series,
            markers,
            bands,
            0));
    h.append("<h3>Phases</h3>\n");
    if (r.phases().isEmpty()) {
      h.append(NO_DATA);
    } else {
      h.append("<table>\n<tr><th>phase</th><th>started</th><th>converged</th>")
          .append("<th>p50</th><th>p95</th><th>p99</th><th>max</th></tr>\n");
      for (Phase p : r.phases()) {
        boolean all = p.converged() >= p.targeted();
        h.append("<tr><td>")
            .append(escape(p.name()))
            .append("</td><td class=\"num\">")
            .append(escape(at(p.startedAt())))
            .append("</td><td class=\"num")
            .append(all ? "" : " short")
            .append("\">")
            .append(Text.count(p.converged()))
            .append(" / ")
            .append(Text.count(p.targeted()))
            .append("</td>");
        durationCells(h, p.p50(), p.p95(), p.p99(), p.max());
        h.append("</tr>\n");
      }
      h.append("</table>\n<p class=\"note\">Seconds from the phase's start until each targeted")
          .append(" node ran what it was told, nearest-rank percentiles over the nodes that")
          .append(" converged.</p>\n");
    }
    h.append("</section>\n");
  }

  private static void rollouts(StringBuilder h, List<RolloutTrack> rollouts) {
    h.append("<section>\n<h2>Rollouts</h2>\n");
    if (rollouts.isEmpty()) {
      h.append(NO_DATA);
    }
    for (RolloutTrack track : rollouts) {
      String title =
          track.deployment()
              + ": revision "
              + track.fromRevision()
              + " to "
              + track.toRevision()
              + " (rollout "
              + track.id()
              + ", "
              + track.steps()
              + (track.steps() == 1 ? " step" : " steps")
              + ", ended "
              + track.state()
              + ")";
      List<RolloutPoint> points = track.points();
      boolean anyUnreachable = points.stream().anyMatch(p -> p.unreachable() > 0);
      List<Series> series = new ArrayList<>();
      series.add(
          series(
              "targeted",
              SvgChart.GREY,
              Stroke.DASHED,
              points,
              RolloutPoint::t,
              RolloutPoint::targeted));
      series.add(
          series(
              "released",
              SvgChart.BLUE,
              Stroke.SOLID,
              points,
              RolloutPoint::t,
              RolloutPoint::released));
      series.add(
          series(
              "updated",
              SvgChart.GREEN,
              Stroke.SOLID,
              points,
              RolloutPoint::t,
              RolloutPoint::updated));
      series.add(
          series(
              "failed", SvgChart.RED, Stroke.SOLID, points, RolloutPoint::t, RolloutPoint::failed));
      if (anyUnreachable) {
        series.add(
            series(
                "unreachable",
                SvgChart.ORANGE,
                Stroke.SOLID,
                points,
                RolloutPoint::t,
                RolloutPoint::unreachable));
      }
      List<Marker> markers = new ArrayList<>();
      RolloutPoint previous = null;
      for (RolloutPoint p : points) {
        if (previous == null || p.step() != previous.step()) {
          markers.add(
              new Marker(
                  p.t(),
                  "step " + p.step(),
                  at(p.t()) + ": step " + p.step() + " of " + track.steps() + ", " + p.state()));
        } else if (!p.state().equals(previous.state())) {
          markers.add(new Marker(p.t(), p.state(), at(p.t()) + ": " + p.state()));
        }
        previous = p;
      }
      h.append(SvgChart.line(title, "seconds since start", "nodes", series, markers, List.of(), 0));
    }
    h.append("</section>\n");
  }

  private static void faults(StringBuilder h, List<FaultEpisode> faults) {
    h.append("<section>\n<h2>Faults</h2>\n");
    if (faults.isEmpty()) {
      h.append(NO_DATA);
    } else {
      h.append("<table>\n<tr><th>fault</th><th>from</th><th>to</th><th>reconnected</th>")
          .append("<th>p50</th><th>p95</th><th>p99</th><th>max</th><th>99% in sync</th></tr>\n");
      for (FaultEpisode f : faults) {
        boolean all = f.reconnected() >= f.nodesAffected();
        h.append("<tr><td>")
            .append(escape(f.name()))
            .append("</td><td class=\"num\">")
            .append(escape(at(f.startedAt())))
            .append("</td><td class=\"num\">")
            .append(escape(at(f.endedAt())))
            .append("</td><td class=\"num")
            .append(all ? "" : " short")
            .append("\">")
            .append(Text.count(f.reconnected()))
            .append(" / ")
            .append(Text.count(f.nodesAffected()))
            .append("</td>");
        durationCells(
            h,
            f.reconnectP50(),
            f.reconnectP95(),
            f.reconnectP99(),
            f.reconnectMax(),
            f.inSync99());
        h.append("</tr>\n");
      }
      h.append("</table>\n<p class=\"note\">Seconds from the fault's end until each affected")
          .append(" node reconnected, and until 99% of them were connected and in sync.</p>\n");
    }
    h.append("</section>\n");
  }

  private static void traffic(StringBuilder h, RunReport r) {
    var t = r.traffic();
    h.append("<section>\n<h2>Traffic</h2>\n<p>At the nodes' sockets over the run: ")
        .append(escape(Text.bytes((double) t.bytesIn())))
        .append(" in (")
        .append(Text.count(t.messagesIn()))
        .append(" messages), ")
        .append(escape(Text.bytes((double) t.bytesOut())))
        .append(" out (")
        .append(Text.count(t.messagesOut()))
        .append(" messages).");
    var idle = r.idle();
    if (idle == null) {
      h.append(" No idle stretch was measured.");
    } else {
      h.append(" Idle, over ")
          .append(escape(Text.number(idle.seconds(), 0)))
          .append(" s with a keep-alive of ")
          .append(idle.keepAliveSeconds())
          .append(" s: ")
          .append(escape(Text.bytes(idle.bytesPerNodePerMinute())))
          .append(" per node per minute, p99 ")
          .append(escape(Text.bytes(idle.p99BytesPerNodePerMinute())))
          .append('.');
    }
    h.append("</p>\n");
    List<NodeTraffic> perNode = t.perNode();
    String sampled =
        perNode.size() < r.nodes()
            ? " (a sample of " + Text.count(perNode.size()) + " of " + Text.count(r.nodes()) + ")"
            : "";
    double[] bytes = perNode.stream().mapToDouble(n -> n.bytesIn() + n.bytesOut()).toArray();
    double largest = Arrays.stream(bytes).max().orElse(0);
    double unit = largest >= 10 * MIB ? MIB : largest >= 10 * 1024 ? 1024 : 1;
    String unitName = unit == MIB ? "MiB" : unit == 1024 ? "KiB" : "bytes";
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] /= unit;
    }
    h.append(
        SvgChart.histogram(
            "Bytes per node, in + out" + sampled,
            unitName + " per node over the run",
            "nodes",
            bytes,
            unit == 1,
            SvgChart.BLUE));
    double[] messages =
        perNode.stream().mapToDouble(n -> n.messagesIn() + n.messagesOut()).toArray();
    h.append(
        SvgChart.histogram(
            "Messages per node, in + out" + sampled,
            "messages per node over the run",
            "nodes",
            messages,
            true,
            SvgChart.PURPLE));
    h.append("</section>\n");
  }

  private static void controller(StringBuilder h, RunReport r) {
    h.append("<section>\n<h2>Controller</h2>\n");
    List<ControllerSample> samples = r.controller();
    if (samples.isEmpty()) {
      h.append("<p class=\"nodata\"><span>controller is remote: no samples</span></p>\n");
    } else {
      h.append(
          SvgChart.line(
              "Controller CPU",
              "seconds since start",
              "% of the machine",
              List.of(
                  series(
                      "CPU %",
                      SvgChart.ORANGE,
                      Stroke.SOLID,
                      samples,
                      ControllerSample::t,
                      ControllerSample::cpuPercent)),
              List.of(),
              List.of(),
              0));
      h.append(
          SvgChart.line(
              "Controller heap",
              "seconds since start",
              "MiB",
              List.of(
                  series(
                      "max",
                      SvgChart.GREY,
                      Stroke.DASHED,
                      samples,
                      ControllerSample::t,
                      s -> s.heapMaxBytes() / MIB),
                  series(
                      "used",
                      SvgChart.PURPLE,
                      Stroke.SOLID,
                      samples,
                      ControllerSample::t,
                      s -> s.heapUsedBytes() / MIB)),
              List.of(),
              List.of(),
              0));
      h.append("<p class=\"note\">CPU of the process the controller runs in; in process, that is")
          .append(" the simulator's, virtual nodes included.</p>\n");
    }
    h.append("</section>\n");
  }

  private static void footprint(StringBuilder h, RunReport r) {
    var f = r.footprint();
    h.append("<section>\n<h2>Footprint</h2>\n<table>\n")
        .append("<tr><th>heap per node</th><th>fleet heap</th><th>RSS</th><th>threads</th></tr>\n")
        .append("<tr><td class=\"num\">")
        .append(escape(Text.bytes((double) f.heapPerNodeBytes())))
        .append("</td><td class=\"num\">")
        .append(escape(Text.bytes((double) f.fleetHeapBytes())))
        .append("</td><td class=\"num\">")
        .append(escape(Text.bytes((double) f.rssBytes())))
        .append("</td><td class=\"num\">")
        .append(Text.count(f.threads()))
        .append("</td></tr>\n</table>\n</section>\n");
  }

  private static void events(StringBuilder h, RunReport r) {
    var e = r.events();
    h.append("<section>\n<h2>Events and restarts</h2>\n<table>\n")
        .append("<tr><th>emitted</th><th>received</th><th>lost</th>")
        .append("<th>dropped by outbox</th><th>restarts caused by reconnects</th></tr>\n")
        .append("<tr><td class=\"num\">")
        .append(Text.count(e.emitted()))
        .append("</td><td class=\"num\">")
        .append(Text.count(e.received()))
        .append("</td><td class=\"num")
        .append(e.lost() == 0 ? "" : " short")
        .append("\">")
        .append(Text.count(e.lost()))
        .append("</td><td class=\"num\">")
        .append(Text.count(e.droppedByOutbox()))
        .append("</td><td class=\"num")
        .append(r.reconnectRestarts() == 0 ? "" : " short")
        .append("\">")
        .append(Text.count(r.reconnectRestarts()))
        .append("</td></tr>\n</table>\n<p class=\"note\">Events the agents emitted and the")
        .append(" controller never received are lost; workloads restarted because their node")
        .append(" reconnected are restarts. Both must be 0.</p>\n</section>\n");
  }

  private static void timeline(StringBuilder h, List<TimelineEntry> timeline) {
    h.append("<section>\n<h2>Timeline</h2>\n");
    if (timeline.isEmpty()) {
      h.append(NO_DATA);
    } else {
      h.append("<ol class=\"timeline\">\n");
      for (TimelineEntry e : timeline) {
        h.append("<li><span class=\"t\">")
            .append(escape(at(e.t())))
            .append("</span> ")
            .append(escape(e.what()))
            .append("</li>\n");
      }
      h.append("</ol>\n");
    }
    h.append("</section>\n");
  }

  private static void durationCells(StringBuilder h, @Nullable Double... seconds) {
    for (Double s : seconds) {
      h.append("<td class=\"num\">").append(escape(Text.secondsBare(s))).append("</td>");
    }
  }

  private static <T> Series series(
      String name,
      String colour,
      Stroke stroke,
      List<T> items,
      ToDoubleFunction<T> x,
      ToDoubleFunction<T> y) {
    double[] xs = new double[items.size()];
    double[] ys = new double[items.size()];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = x.applyAsDouble(items.get(i));
      ys[i] = y.applyAsDouble(items.get(i));
    }
    return new Series(name, colour, stroke, xs, ys);
  }

  /** A time since the start: {@code 12.5 s}. */
  private static String at(double t) {
    return Text.number(t, 1) + " s";
  }

  private static final String NO_DATA = "<p class=\"nodata\"><span>no data</span></p>\n";

  private static final String CSS =
      """
      :root { color-scheme: light; }
      body { margin: 0; background: #f3f4f6; color: #111827;
        font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
      main { max-width: 960px; margin: 0 auto; padding: 24px 20px 40px; }
      h1 { font-size: 22px; margin: 0 0 4px; }
      h2 { font-size: 17px; margin: 0 0 10px; }
      h3 { font-size: 14px; margin: 16px 0 6px; }
      section { background: #fff; border: 1px solid #e5e7eb; border-radius: 8px;
        padding: 16px 18px; margin: 16px 0; }
      .description { color: #374151; margin: 4px 0 12px; }
      .meta { color: #4b5563; font-size: 13px; }
      .banner { font-weight: 700; font-size: 16px; padding: 10px 14px; border-radius: 6px; }
      .banner.pass { background: #dcfce7; color: #14532d; border: 1px solid #86efac; }
      .banner.fail { background: #fee2e2; color: #7f1d1d; border: 1px solid #fca5a5; }
      table { border-collapse: collapse; width: 100%; font-size: 13px; }
      th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #e5e7eb; }
      th { color: #4b5563; font-weight: 600; background: #f9fafb; }
      td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
      tr.pass td.verdict { color: #15803d; font-weight: 700; }
      tr.fail td { background: #fef2f2; }
      tr.fail td.verdict { color: #b91c1c; font-weight: 700; }
      td.short { color: #b91c1c; font-weight: 700; }
      .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(160px, 1fr));
        gap: 10px; }
      .card { border: 1px solid #e5e7eb; border-radius: 6px; padding: 10px 12px; }
      .card .value { font-size: 18px; font-weight: 700; font-variant-numeric: tabular-nums; }
      .card .label { color: #4b5563; font-size: 12px; }
      .card.bad { background: #fef2f2; border-color: #fca5a5; }
      .card.bad .value { color: #b91c1c; }
      svg.chart { width: 100%; height: auto; display: block; margin: 10px 0; }
      .nodata { border: 1px dashed #d1d5db; border-radius: 6px; padding: 18px; margin: 10px 0;
        color: #6b7280; text-align: center; }
      .nodata strong { display: block; color: #374151; margin-bottom: 4px; }
      .note { color: #6b7280; font-size: 12px; }
      ol.timeline { margin: 0; padding-left: 28px; }
      ol.timeline .t { display: inline-block; min-width: 70px; color: #4b5563;
        font-variant-numeric: tabular-nums; }
      footer { color: #6b7280; font-size: 12px; text-align: center; }
      """;
}
