package dev.flotilla.simulator.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.simulator.report.SvgChart.Band;
import dev.flotilla.simulator.report.SvgChart.Marker;
import dev.flotilla.simulator.report.SvgChart.Series;
import dev.flotilla.simulator.report.SvgChart.Stroke;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SvgChartTest {

  @Test
  void tenThousandPointsAreDrawnWithAtMostSixHundredKeepingTheExtremesAndTheEnds() {
    Random random = new Random(1);
    int n = 10_000;
    double[] xs = new double[n];
    double[] ys = new double[n];
    for (int i = 0; i < n; i++) {
      xs[i] = i * 0.5;
      ys[i] = Math.sin(i / 300.0) * 100 + random.nextGaussian() * 5;
    }
    ys[4321] = 1_000; // a lone spike
    ys[777] = -1_000; // a lone dip
    Series series = new Series("s", SvgChart.BLUE, Stroke.SOLID, xs, ys);

    Series drawn = SvgChart.downsample(series, SvgChart.MAX_POINTS);

    assertTrue(drawn.size() <= 600, "points: " + drawn.size());
    assertTrue(drawn.size() >= 500, "points: " + drawn.size());
    assertEquals(1_000, Arrays.stream(drawn.ys()).max().orElseThrow());
    assertEquals(-1_000, Arrays.stream(drawn.ys()).min().orElseThrow());
    assertEquals(0, drawn.xs()[0]);
    assertEquals(xs[n - 1], drawn.xs()[drawn.size() - 1]);
    for (int i = 1; i < drawn.size(); i++) {
      assertTrue(drawn.xs()[i] > drawn.xs()[i - 1], "x order at " + i);
    }
  }

  @Test
  void aShortSeriesIsDrawnAsItIs() {
    Series series =
        new Series("s", SvgChart.BLUE, Stroke.SOLID, new double[] {1, 2}, new double[] {3, 4});

    assertSame(series, SvgChart.downsample(series, 600));
  }

  @Test
  void aLineChartOfTenThousandPointsHasPolylinesOfAtMostSixHundredPoints() {
    double[] xs = new double[10_000];
    double[] ys = new double[10_000];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = i;
      ys[i] = i % 97;
    }
    String svg =
        SvgChart.line(
            "t",
            "x",
            "y",
            List.of(
                new Series("a", SvgChart.BLUE, Stroke.SOLID, xs, ys),
                new Series("b", SvgChart.RED, Stroke.DASHED, xs, ys)),
            List.of(),
            List.of(),
            0);

    Matcher polylines = Pattern.compile("points=\"([^\"]*)\"").matcher(svg);
    int count = 0;
    while (polylines.find()) {
      count++;
      assertTrue(polylines.group(1).split(" ").length <= 600);
    }
    assertEquals(2, count);
    assertTrue(svg.length() < 40_000, "size: " + svg.length());
  }

  @Test
  void ticksAreRoundNumbersCoveringTheRange() {
    assertArrayEquals(new double[] {0, 200, 400, 600, 800, 1000}, SvgChart.niceTicks(0, 1000, 6));
    assertArrayEquals(new double[] {0, 100, 200, 300, 400}, SvgChart.niceTicks(0, 312, 6));
    assertArrayEquals(new double[] {0, 0.5, 1, 1.5, 2}, SvgChart.niceTicks(0, 1.7, 6));
    assertArrayEquals(new double[] {0, 0.2, 0.4, 0.6, 0.8, 1}, SvgChart.niceTicks(0, 0, 6));
    assertArrayEquals(
        new double[] {0, 50, 100, 150, 200, 250, 300}, SvgChart.niceTicksWithin(0, 300));
    assertEquals(
        List.of("0", "2.5", "5.0", "7.5", "10.0"),
        SvgChart.tickLabels(new double[] {0, 2.5, 5, 7.5, 10}));
    assertEquals(List.of("0", "0.25", "0.50"), SvgChart.tickLabels(new double[] {0, 0.25, 0.5}));
    assertEquals(
        List.of("0", "0.5M", "1.0M"), SvgChart.tickLabels(new double[] {0, 500_000, 1_000_000}));
    assertEquals(
        List.of("0", "200k", "400k"), SvgChart.tickLabels(new double[] {0, 200_000, 400_000}));
    assertEquals(List.of("0", "1,000", "2,000"), SvgChart.tickLabels(new double[] {0, 1000, 2000}));
  }

  @Test
  void aHistogramHasAtMostThirtyRoundBinsHoldingEveryValue() {
    Random random = new Random(3);
    double[] values = new double[10_000];
    for (int i = 0; i < values.length; i++) {
      values[i] = 60_000 + random.nextGaussian() * 4_000;
    }

    SvgChart.Bins bins = SvgChart.bins(values, SvgChart.MAX_BINS, true);

    assertTrue(bins.counts().length <= 30, "bins: " + bins.counts().length);
    assertTrue(bins.counts().length >= 15, "bins: " + bins.counts().length);
    assertEquals(values.length, Arrays.stream(bins.counts()).sum());
    assertEquals(0, bins.start() % bins.width());
    String svg = SvgChart.histogram("h", "bytes", "nodes", values, true, SvgChart.BLUE);
    assertTrue(countOf(svg, "<rect") <= 30);
  }

  @Test
  void aHistogramOfEqualValuesHasOneBar() {
    SvgChart.Bins bins = SvgChart.bins(new double[] {7, 7, 7}, 30, true);

    assertArrayEquals(new int[] {3}, bins.counts());
    assertEquals(7, bins.start());
  }

  @Test
  void smallWholeNumbersGetBarsOfWidthOne() {
    SvgChart.Bins bins = SvgChart.bins(new double[] {10, 11, 11, 14}, 30, true);

    assertEquals(1, bins.width());
    assertArrayEquals(new int[] {1, 2, 0, 0, 1}, bins.counts());
  }

  @Test
  void nothingToPlotSaysNoDataInsteadOfDrawingAnEmptyFrame() {
    String line =
        SvgChart.line(
            "Empty",
            "x",
            "y",
            List.of(new Series("a", SvgChart.BLUE, Stroke.SOLID, new double[0], new double[0])),
            List.of(new Marker(1, "1", "one")),
            List.of(),
            0);
    String histogram = SvgChart.histogram("Nothing", "x", "n", new double[0], true, "red");

    assertTrue(line.contains("no data"));
    assertFalse(line.contains("<svg"));
    assertTrue(histogram.contains("no data"));
    assertFalse(histogram.contains("<svg"));
  }

  @Test
  void markersBandsAndNamesAreEscapedAndCarryTooltips() {
    String svg =
        SvgChart.line(
            "<b>title</b>",
            "x & co",
            "y",
            List.of(
                new Series(
                    "a<b", SvgChart.BLUE, Stroke.SOLID, new double[] {0, 10}, new double[] {0, 1})),
            List.of(new Marker(5, "1", "t=5 s: <script>")),
            List.of(new Band(2, 4, "cut \"all\"", SvgChart.RED)),
            0);

    assertFalse(svg.contains("<b>"));
    assertFalse(svg.contains("<script>"));
    assertTrue(svg.contains("&lt;b&gt;title&lt;/b&gt;"));
    assertTrue(svg.contains("<title>t=5 s: &lt;script&gt;</title>"));
    assertTrue(svg.contains("<title>cut &quot;all&quot;</title>"));
    assertTrue(svg.contains("<title>a&lt;b</title>"));
    assertTrue(svg.contains("x &amp; co"));
  }

  static int countOf(String text, String part) {
    int count = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      count++;
    }
    return count;
  }
}
