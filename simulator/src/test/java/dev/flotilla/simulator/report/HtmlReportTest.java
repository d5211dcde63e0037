package dev.flotilla.simulator.report;

import static dev.flotilla.simulator.report.SvgChartTest.countOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.simulator.report.RunReport.NodeTraffic;
import dev.flotilla.simulator.report.RunReport.Sample;
import dev.flotilla.simulator.report.RunReport.TimelineEntry;
import dev.flotilla.simulator.report.RunReport.Traffic;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HtmlReportTest {

  /** Anything that would make a browser fetch something. */
  private static final Pattern EXTERNAL =
      Pattern.compile(
          "(?i)(\\b(src|href|xlink:href|action|srcset)\\s*=|url\\(|@import|<script|<link|<iframe"
              + "|<img|<object|<embed)");

  @Test
  void aRealisticRunHasEveryChart() {
    String html = HtmlReport.toHtml(SampleRuns.realistic());

    // fleet over time, one rollout, bytes and messages per node, controller CPU and heap
    assertEquals(6, countOf(html, "<svg"));
    assertTrue(html.contains("aria-label=\"Nodes connected and converged over time\""));
    assertTrue(
        html.contains("aria-label=\"web: revision 1 to 2 (rollout 7, 3 steps, ended COMPLETED)\""));
    assertTrue(html.contains("aria-label=\"Bytes per node, in + out\""));
    assertTrue(html.contains("aria-label=\"Messages per node, in + out\""));
    assertTrue(html.contains("aria-label=\"Controller CPU\""));
    assertTrue(html.contains("aria-label=\"Controller heap\""));
    assertFalse(html.contains("no data"));
  }

  @Test
  void thePageIsOneHtml5DocumentThatFetchesNothing() {
    String html = HtmlReport.toHtml(SampleRuns.realistic());

    assertTrue(html.startsWith("<!DOCTYPE html>\n<html lang=\"en\">"));
    assertTrue(html.contains("<meta charset=\"utf-8\">"));
    assertTrue(html.endsWith("</html>\n"));
    assertFalse(html.contains("http://"));
    assertFalse(html.contains("https://"));
    Matcher external = EXTERNAL.matcher(html);
    assertFalse(external.find(), () -> "fetches: " + external.group());
  }

  @Test
  void aRemoteControllerUrlIsShownAsTextNotLinked() {
    String html = HtmlReport.toHtml(SampleRuns.sparse());

    assertTrue(html.contains("controller: remote http://controller.example:8080"));
    assertFalse(EXTERNAL.matcher(html).find());
  }

  @Test
  void textFromTheReportIsEscapedEverywhere() {
    var edit = new SampleRuns.Edit(SampleRuns.realistic());
    edit.scenario = "<script>alert(1)</script>";
    edit.description = "<script>alert(1)</script> & \"quotes\"";
    edit.timeline = List.of(new TimelineEntry(3, "<img src=x onerror=alert(1)>"));
    edit.controllerMode = "remote <b>x</b>";

    String html = HtmlReport.toHtml(edit.build());

    assertFalse(html.contains("<script>"));
    assertFalse(html.contains("<img"));
    assertFalse(html.contains("<b>"));
    assertTrue(html.contains("<title>&lt;script&gt;alert(1)&lt;/script&gt; - PASSED"));
    assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;"));
    assertTrue(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
  }

  @Test
  void aSparseRunSaysNoDataWhereThereIsNothingToPlot() {
    String html = HtmlReport.toHtml(SampleRuns.sparse());

    assertEquals(0, countOf(html, "<svg"));
    assertTrue(
        html.contains(
            "<strong>Nodes connected and converged over time</strong><span>no data</span>"));
    assertTrue(html.contains("<strong>Bytes per node, in + out</strong><span>no data</span>"));
    assertTrue(html.contains("<strong>Messages per node, in + out</strong><span>no data</span>"));
    assertTrue(html.contains("controller is remote: no samples"));
    // rollouts, faults, timeline
    assertTrue(countOf(html, "<span>no data</span>") >= 6, html);
  }

  @Test
  void aFailedRunSaysSoAndMarksTheFailedExpectation() {
    String html = HtmlReport.toHtml(SampleRuns.sparse());

    assertTrue(
        html.contains("<div class=\"banner fail\">FAILED: 1 of 1 expectations failed</div>"));
    assertTrue(
        html.contains(
            "<tr class=\"fail\"><td class=\"verdict\">FAIL</td><td>nodes converge</td>"
                + "<td>all</td><td>none</td></tr>"));
  }

  @Test
  void aPassedRunSaysSoAndMarksEachExpectationOk() {
    String html = HtmlReport.toHtml(SampleRuns.realistic());

    assertTrue(html.contains("<div class=\"banner pass\">PASSED: 6 of 6 expectations held</div>"));
    assertEquals(6, countOf(html, "<td class=\"verdict\">ok</td>"));
  }

  @Test
  void lostEventsAndReconnectRestartsStandOut() {
    var edit = new SampleRuns.Edit(SampleRuns.realistic());
    edit.events = new RunReport.Events(100, 97, 3, 0);
    edit.reconnectRestarts = 2;

    String html = HtmlReport.toHtml(edit.build());

    assertTrue(
        html.contains(
            "<div class=\"card bad\"><div class=\"value\">3</div><div class=\"label\">events"
                + " lost"));
    assertTrue(
        html.contains(
            "<div class=\"card bad\"><div class=\"value\">2</div>"
                + "<div class=\"label\">restarts caused by reconnects"));
  }

  @Test
  void tenThousandNodesAndSamplesStillGiveASmallPage() {
    var edit = new SampleRuns.Edit(SampleRuns.realistic());
    List<Sample> fleet = new ArrayList<>();
    for (int t = 0; t < 10_000; t++) {
      fleet.add(new Sample(t, 10_000 - t % 7, Math.min(10_000, t * 3), 10_000));
    }
    List<NodeTraffic> perNode = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      perNode.add(new NodeTraffic("sim-" + i, 30_000 + i, 20_000 + i % 500, 60 + i % 9, 180));
    }
    edit.nodes = 10_000;
    edit.fleet = fleet;
    edit.traffic = new Traffic(1, 1, 1, 1, perNode);

    String html = HtmlReport.toHtml(edit.build());

    Matcher polylines = Pattern.compile("points=\"([^\"]*)\"").matcher(html);
    while (polylines.find()) {
      assertTrue(polylines.group(1).split(" ").length <= 600);
    }
    assertTrue(countOf(html, "<rect") <= 2 * 30 + 10, "bars: " + countOf(html, "<rect"));
    assertTrue(html.length() < 250_000, "size: " + html.length());
  }

  @Test
  void aSampledPerNodeListSaysItIsASample() {
    var edit = new SampleRuns.Edit(SampleRuns.realistic());
    edit.nodes = 20_000;

    String html = HtmlReport.toHtml(edit.build());

    assertTrue(html.contains("Bytes per node, in + out (a sample of 1,000 of 20,000)"));
  }
}
