package dev.flotilla.simulator.report;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Charts as inline SVG, for {@link HtmlReport}: a line chart (several series, vertical markers,
 * shaded intervals) and a histogram. Pure: numbers in, markup out. Every text from the caller is
 * escaped. The SVG carries no namespace, script or external reference: it is meant to sit inside an
 * HTML5 page, which needs none. Hovering a series, marker, interval or bar shows its {@code
 * <title>} as the browser's tooltip, without script.
 *
 * <p>A chart with nothing to plot renders as a {@code no data} note rather than an empty frame.
 * Series longer than {@link #MAX_POINTS} are {@linkplain #downsample downsampled} so that a
 * 10,000-node, hour-long run still gives a small page.
 */
final class SvgChart {

  /** The most points a series is drawn with. */
  static final int MAX_POINTS = 600;

  /** The most bars a histogram is drawn with. */
  static final int MAX_BINS = 30;

  static final String BLUE = "#2563eb";
  static final String GREEN = "#16a34a";
  static final String RED = "#dc2626";
  static final String ORANGE = "#ea580c";
  static final String PURPLE = "#7c3aed";
  static final String GREY = "#6b7280";

  private static final int WIDTH = 880;
  private static final int HEIGHT = 300;
  private static final int LEFT = 70;
  private static final int RIGHT = 20;
  private static final int TOP = 52;
  private static final int BOTTOM = 46;

  private SvgChart() {}

  /** How a series is drawn. */
  enum Stroke {
    /** A thin solid line. */
    SOLID,
    /** A thin dashed line, for a reference such as a total or a maximum. */
    DASHED,
    /** A wide translucent line, for a series that a thin one drawn over it often equals. */
    WIDE
  }

  /**
   * One line: {@code xs[i], ys[i]} for each point, xs ascending. Series are drawn in the order
   * given, later ones over earlier ones.
   *
   * @param colour a CSS colour, e.g. {@link #BLUE}
   */
  record Series(String name, String colour, Stroke stroke, double[] xs, double[] ys) {
    Series {
      requireNonNull(name, "name");
      requireNonNull(colour, "colour");
      requireNonNull(stroke, "stroke");
      if (xs.length != ys.length) {
        throw new IllegalArgumentException(
            "series " + name + " has " + xs.length + " xs but " + ys.length + " ys");
      }
      for (int i = 0; i < xs.length; i++) {
        if (!Double.isFinite(xs[i]) || !Double.isFinite(ys[i])) {
          throw new IllegalArgumentException("series " + name + " point " + i + " is not finite");
        }
      }
    }

    int size() {
      return xs.length;
    }
  }

  /**
   * A vertical line at {@code x}, with a short {@code label} drawn at its top and a longer {@code
   * tooltip}.
   */
  record Marker(double x, String label, String tooltip) {
    Marker {
      requireNonNull(label, "label");
      requireNonNull(tooltip, "tooltip");
    }
  }

  /** A shaded interval from {@code from} to {@code to} on the x axis, e.g. a fault. */
  record Band(double from, double to, String label, String colour) {
    Band {
      requireNonNull(label, "label");
      requireNonNull(colour, "colour");
    }
  }

  /**
   * A line chart.
   *
   * @param yFloor the y axis starts at or below this value (0 for counts); the data may take it
   *     lower
   */
  static String line(
      String title,
      String xLabel,
      String yLabel,
      List<Series> series,
      List<Marker> markers,
      List<Band> bands,
      double yFloor) {
    List<Series> drawn = series.stream().filter(s -> s.size() > 0).toList();
    if (drawn.isEmpty()) {
      return noData(title);
    }
    double xMin = Double.POSITIVE_INFINITY;
    double xMax = Double.NEGATIVE_INFINITY;
    double yMin = yFloor;
    double yMax = Double.NEGATIVE_INFINITY;
    for (Series s : drawn) {
      xMin = Math.min(xMin, s.xs()[0]);
      xMax = Math.max(xMax, s.xs()[s.size() - 1]);
      for (double y : s.ys()) {
        yMin = Math.min(yMin, y);
        yMax = Math.max(yMax, y);
      }
    }
    for (Marker m : markers) {
      xMin = Math.min(xMin, m.x());
      xMax = Math.max(xMax, m.x());
    }
    for (Band b : bands) {
      xMin = Math.min(xMin, Math.min(b.from(), b.to()));
      xMax = Math.max(xMax, Math.max(b.from(), b.to()));
    }
    if (xMax <= xMin) {
      xMax = xMin + 1;
    }
    // Headroom over the highest point, where the marker labels go, so that they never sit on a
    // line; the y ticks stay round numbers within the range.
    double[] around = niceTicks(yMin, Math.max(yMax, yMin), 6);
    double yBottom = around[0];
    double yTop = yMax > yBottom ? yMax : around[around.length - 1]; // flat: a unit of room
    yTop += (yTop - yBottom) * (markers.isEmpty() ? 0.04 : 0.18);
    double[] yTicks = niceTicksWithin(yBottom, yTop);
    Frame f = new Frame(xMin, xMax, yBottom, yTop, niceTicksWithin(xMin, xMax));

    StringBuilder svg = open(title);
    legend(svg, drawn);
    for (Band b : bands) {
      double x0 = f.px(Math.min(b.from(), b.to()));
      double x1 = f.px(Math.max(b.from(), b.to()));
      svg.append("<g class=\"band\"><title>")
          .append(Text.escape(b.label()))
          .append("</title><rect x=\"")
          .append(fmt(x0))
          .append("\" y=\"")
          .append(TOP)
          .append("\" width=\"")
          .append(fmt(Math.max(1, x1 - x0)))
          .append("\" height=\"")
          .append(plotHeight())
          .append("\" fill=\"")
          .append(Text.escape(b.colour()))
          .append("\" fill-opacity=\"0.13\"/><text x=\"")
          .append(fmt(x0 + 3))
          .append("\" y=\"")
          .append(TOP + plotHeight() - 5)
          .append("\" font-size=\"10\" fill=\"")
          .append(Text.escape(b.colour()))
          .append("\">")
          .append(Text.escape(b.label()))
          .append("</text></g>\n");
    }
    axes(svg, f, xLabel, yLabel, yTicks);
    markers(svg, f, markers);
    for (Series s : drawn) {
      Series d = downsample(s, MAX_POINTS);
      svg.append("<polyline fill=\"none\" stroke=\"")
          .append(Text.escape(d.colour()))
          .append("\" stroke-linejoin=\"round\"")
          .append(
              switch (d.stroke()) {
                case SOLID -> " stroke-width=\"1.6\"";
                case DASHED -> " stroke-width=\"1.4\" stroke-dasharray=\"5 4\"";
                case WIDE -> " stroke-width=\"5\" stroke-opacity=\"0.35\"";
              })
          .append(" points=\"");
      for (int i = 0; i < d.size(); i++) {
        if (i > 0) {
          svg.append(' ');
        }
        svg.append(fmt(f.px(d.xs()[i]))).append(',').append(fmt(f.py(d.ys()[i])));
      }
      svg.append("\"><title>").append(Text.escape(d.name())).append("</title></polyline>\n");
    }
    return svg.append("</svg>\n").toString();
  }

  /**
   * A histogram of {@code values}: at most {@link #MAX_BINS} bars of equal, round width, the height
   * of each the number of values in it.
   *
   * @param integral the values are whole numbers (bytes, messages), so a bar is never narrower than
   *     1
   * @param countLabel what a value is, for the y axis and the tooltips, e.g. {@code nodes}
   */
  static String histogram(
      String title,
      String xLabel,
      String countLabel,
      double[] values,
      boolean integral,
      String colour) {
    if (values.length == 0) {
      return noData(title);
    }
    Bins bins = bins(values, MAX_BINS, integral);
    int highest = Arrays.stream(bins.counts()).max().orElse(0);
    double[] yTicks = niceTicks(0, Math.max(1, highest), 5);
    double xMax = bins.start() + bins.width() * bins.counts().length;
    Frame f =
        new Frame(
            bins.start(), xMax, 0, yTicks[yTicks.length - 1], niceTicksWithin(bins.start(), xMax));
    StringBuilder svg = open(title);
    axes(svg, f, xLabel, countLabel, yTicks);
    for (int i = 0; i < bins.counts().length; i++) {
      int n = bins.counts()[i];
      if (n == 0) {
        continue;
      }
      double from = bins.start() + i * bins.width();
      double to = from + bins.width();
      double x0 = f.px(from);
      double x1 = f.px(to);
      double y = f.py(n);
      svg.append("<rect x=\"")
          .append(fmt(x0 + 0.5))
          .append("\" y=\"")
          .append(fmt(y))
          .append("\" width=\"")
          .append(fmt(Math.max(1, x1 - x0 - 1)))
          .append("\" height=\"")
          .append(fmt(f.py(0) - y))
          .append("\" fill=\"")
          .append(Text.escape(colour))
          .append("\"><title>")
          .append(Text.escape(plainNumber(from) + " to " + plainNumber(to) + ": "))
          .append(Text.count(n))
          .append(' ')
          .append(Text.escape(countLabel))
          .append("</title></rect>\n");
    }
    return svg.append("</svg>\n").toString();
  }

  /**
   * The bins of a histogram of {@code values} (at least one): a round width, at least {@code (max -
   * min) / (maxBins - 1)}, and a start at a multiple of it, so that at most {@code maxBins} bins
   * cover every value; a value on a bin's upper edge counts in the next bin.
   */
  static Bins bins(double[] values, int maxBins, boolean integral) {
    if (maxBins < 2) {
      throw new IllegalArgumentException("maxBins must be at least 2, got " + maxBins);
    }
    double min = Arrays.stream(values).min().orElseThrow();
    double max = Arrays.stream(values).max().orElseThrow();
    double width = niceCeiling((max - min) / (maxBins - 1));
    if (integral) {
      width = Math.max(1, width);
    }
    if (width <= 0) {
      width = min == 0 ? 1 : niceCeiling(Math.abs(min) / 10);
    }
    double start = Math.floor(min / width) * width;
    int count = (int) Math.min(maxBins, Math.floor((max - start) / width) + 1);
    int[] counts = new int[count];
    for (double v : values) {
      int i = (int) Math.floor((v - start) / width);
      counts[Math.max(0, Math.min(count - 1, i))]++;
    }
    return new Bins(start, width, counts);
  }

  /** Histogram bins: bin {@code i} covers {@code [start + i * width, start + (i + 1) * width)}. */
  record Bins(double start, double width, int[] counts) {}

  /**
   * {@code series} drawn with at most {@code maxPoints} points, keeping its shape: the first and
   * the last point, and from each of {@code (maxPoints - 2) / 2} runs of consecutive points the
   * lowest and the highest, in their order. The extremes of the whole series always survive.
   */
  static Series downsample(Series series, int maxPoints) {
    int n = series.size();
    if (n <= maxPoints) {
      return series;
    }
    if (maxPoints < 4) {
      throw new IllegalArgumentException("maxPoints must be at least 4, got " + maxPoints);
    }
    double[] ys = series.ys();
    int buckets = (maxPoints - 2) / 2;
    int interior = n - 2;
    int[] keep = new int[2 + 2 * buckets];
    int kept = 0;
    keep[kept++] = 0;
    for (int b = 0; b < buckets; b++) {
      int from = 1 + (int) ((long) b * interior / buckets);
      int to = 1 + (int) ((long) (b + 1) * interior / buckets);
      if (from >= to) {
        continue;
      }
      int lo = from;
      int hi = from;
      for (int i = from + 1; i < to; i++) {
        if (ys[i] < ys[lo]) {
          lo = i;
        }
        if (ys[i] > ys[hi]) {
          hi = i;
        }
      }
      keep[kept++] = Math.min(lo, hi);
      if (lo != hi) {
        keep[kept++] = Math.max(lo, hi);
      }
    }
    keep[kept++] = n - 1;
    double[] xs = new double[kept];
    double[] kys = new double[kept];
    for (int i = 0; i < kept; i++) {
      xs[i] = series.xs()[keep[i]];
      kys[i] = ys[keep[i]];
    }
    return new Series(series.name(), series.colour(), series.stroke(), xs, kys);
  }

  /**
   * Round tick values covering {@code [min, max]}: about {@code count} of them, a step of 1, 2, 2.5
   * or 5 times a power of ten, the first at or below {@code min} and the last at or above {@code
   * max}.
   */
  static double[] niceTicks(double min, double max, int count) {
    if (max < min) {
      throw new IllegalArgumentException("max " + max + " is below min " + min);
    }
    if (max == min) {
      max = min + (min == 0 ? 1 : Math.abs(min) * 0.1);
    }
    double step = niceCeiling((max - min) / Math.max(1, count - 1));
    double first = Math.floor(min / step + 1e-9) * step;
    double last = Math.ceil(max / step - 1e-9) * step;
    int n = (int) Math.round((last - first) / step) + 1;
    double[] ticks = new double[n];
    for (int i = 0; i < n; i++) {
      ticks[i] = clean(first + i * step, step);
    }
    return ticks;
  }

  /** Round tick values inside {@code [min, max]}, about six of them. */
  static double[] niceTicksWithin(double min, double max) {
    double[] around = niceTicks(min, max, 7);
    return Arrays.stream(around).filter(t -> t >= min - 1e-9 && t <= max + 1e-9).toArray();
  }

  /** The smallest of 1, 2, 2.5, 5 and 10 times a power of ten that is at least {@code x}. */
  static double niceCeiling(double x) {
    if (!(x > 0) || !Double.isFinite(x)) {
      return 0;
    }
    double power = Math.pow(10, Math.floor(Math.log10(x)));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * power >= x * (1 - 1e-12)) {
        return m * power;
      }
    }
    return 10 * power;
  }

  /**
   * Tick labels, with as many decimals as the step needs, in thousands (k) past 100,000 and
   * millions (M) past 1,000,000.
   */
  static List<String> tickLabels(double[] ticks) {
    double step = ticks.length > 1 ? Math.abs(ticks[1] - ticks[0]) : 1;
    double largest = Arrays.stream(ticks).map(Math::abs).max().orElse(0);
    String suffix = "";
    double scale = 1;
    if (largest >= 1_000_000) {
      suffix = "M";
      scale = 1_000_000;
    } else if (largest >= 100_000) {
      suffix = "k";
      scale = 1_000;
    }
    double scaledStep = step / scale;
    int decimals = 0; // the fewest that write every multiple of the step exactly
    while (decimals < 4) {
      double shifted = scaledStep * Math.pow(10, decimals);
      if (Math.abs(shifted - Math.rint(shifted)) < 1e-6 * Math.max(1, shifted)) {
        break;
      }
      decimals++;
    }
    List<String> labels = new ArrayList<>(ticks.length);
    for (double t : ticks) {
      labels.add(t == 0 ? "0" : Text.number(t / scale, decimals) + suffix);
    }
    return labels;
  }

  private static StringBuilder open(String title) {
    StringBuilder svg = new StringBuilder(16_384);
    svg.append("<svg class=\"chart\" viewBox=\"0 0 ")
        .append(WIDTH)
        .append(' ')
        .append(HEIGHT)
        .append("\" role=\"img\" aria-label=\"")
        .append(Text.escape(title))
        .append("\" font-family=\"system-ui, -apple-system, Segoe UI, Roboto, sans-serif\">\n")
        .append("<text x=\"")
        .append(LEFT)
        .append("\" y=\"20\" font-size=\"14\" font-weight=\"600\" fill=\"#111827\">")
        .append(Text.escape(title))
        .append("</text>\n");
    return svg;
  }

  private static void legend(StringBuilder svg, List<Series> series) {
    double x = LEFT;
    for (Series s : series) {
      svg.append("<line x1=\"")
          .append(fmt(x))
          .append("\" y1=\"36\" x2=\"")
          .append(fmt(x + 18))
          .append("\" y2=\"36\" stroke=\"")
          .append(Text.escape(s.colour()))
          .append(
              switch (s.stroke()) {
                case SOLID -> "\" stroke-width=\"2.5\"";
                case DASHED -> "\" stroke-width=\"2\" stroke-dasharray=\"5 3\"";
                case WIDE -> "\" stroke-width=\"6\" stroke-opacity=\"0.35\"";
              })
          .append("/><text x=\"")
          .append(fmt(x + 23))
          .append("\" y=\"40\" font-size=\"11\" fill=\"#374151\">")
          .append(Text.escape(s.name()))
          .append("</text>\n");
      x += 40 + 6.5 * s.name().length();
    }
  }

  private static void axes(
      StringBuilder svg, Frame f, String xLabel, String yLabel, double[] yTicks) {
    List<String> yLabels = tickLabels(yTicks);
    for (int i = 0; i < yTicks.length; i++) {
      double y = f.py(yTicks[i]);
      svg.append("<line x1=\"")
          .append(LEFT)
          .append("\" y1=\"")
          .append(fmt(y))
          .append("\" x2=\"")
          .append(WIDTH - RIGHT)
          .append("\" y2=\"")
          .append(fmt(y))
          .append("\" stroke=\"#e5e7eb\"/><text x=\"")
          .append(LEFT - 6)
          .append("\" y=\"")
          .append(fmt(y + 4))
          .append("\" font-size=\"11\" text-anchor=\"end\" fill=\"#4b5563\">")
          .append(Text.escape(yLabels.get(i)))
          .append("</text>\n");
    }
    List<String> xLabels = tickLabels(f.xTicks());
    int bottom = TOP + plotHeight();
    for (int i = 0; i < f.xTicks().length; i++) {
      double x = f.px(f.xTicks()[i]);
      svg.append("<line x1=\"")
          .append(fmt(x))
          .append("\" y1=\"")
          .append(bottom)
          .append("\" x2=\"")
          .append(fmt(x))
          .append("\" y2=\"")
          .append(bottom + 4)
          .append("\" stroke=\"#6b7280\"/><text x=\"")
          .append(fmt(x))
          .append("\" y=\"")
          .append(bottom + 16)
          .append("\" font-size=\"11\" text-anchor=\"middle\" fill=\"#4b5563\">")
          .append(Text.escape(xLabels.get(i)))
          .append("</text>\n");
    }
    svg.append("<line x1=\"")
        .append(LEFT)
        .append("\" y1=\"")
        .append(bottom)
        .append("\" x2=\"")
        .append(WIDTH - RIGHT)
        .append("\" y2=\"")
        .append(bottom)
        .append("\" stroke=\"#6b7280\"/><line x1=\"")
        .append(LEFT)
        .append("\" y1=\"")
        .append(TOP)
        .append("\" x2=\"")
        .append(LEFT)
        .append("\" y2=\"")
        .append(bottom)
        .append("\" stroke=\"#6b7280\"/>\n")
        .append("<text x=\"")
        .append(LEFT + plotWidth() / 2)
        .append("\" y=\"")
        .append(HEIGHT - 8)
        .append("\" font-size=\"12\" text-anchor=\"middle\" fill=\"#374151\">")
        .append(Text.escape(xLabel))
        .append("</text>\n<text transform=\"translate(16,")
        .append(TOP + plotHeight() / 2)
        .append(") rotate(-90)\" font-size=\"12\" text-anchor=\"middle\" fill=\"#374151\">")
        .append(Text.escape(yLabel))
        .append("</text>\n");
  }

  /** Vertical dashed lines; labels that would collide step down, three rows at most. */
  private static void markers(StringBuilder svg, Frame f, List<Marker> markers) {
    double[] rowEnds = {
      Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY
    };
    List<Marker> sorted = new ArrayList<>(markers);
    sorted.sort((a, b) -> Double.compare(a.x(), b.x()));
    for (Marker m : sorted) {
      double x = f.px(m.x());
      double labelWidth = 6 * m.label().length() + 4;
      int row = 0; // the first row with room, else the one that frees up first
      for (int r = 1; r < rowEnds.length && x < rowEnds[row]; r++) {
        if (rowEnds[r] < rowEnds[row]) {
          row = r;
        }
      }
      // A label that would run past the right edge goes to the left of its line.
      boolean flip = x + labelWidth > WIDTH - RIGHT;
      rowEnds[row] = flip ? x : x + labelWidth;
      svg.append("<g class=\"marker\"><title>")
          .append(Text.escape(m.tooltip()))
          .append("</title><line x1=\"")
          .append(fmt(x))
          .append("\" y1=\"")
          .append(TOP)
          .append("\" x2=\"")
          .append(fmt(x))
          .append("\" y2=\"")
          .append(TOP + plotHeight())
          .append("\" stroke=\"#9ca3af\" stroke-dasharray=\"3 3\"/><text x=\"")
          .append(fmt(flip ? x - 2 : x + 2))
          .append("\" y=\"")
          .append(TOP + 10 + 11 * row)
          .append(flip ? "\" text-anchor=\"end" : "")
          .append("\" font-size=\"10\" fill=\"#4b5563\">")
          .append(Text.escape(m.label()))
          .append("</text></g>\n");
    }
  }

  private static String noData(String title) {
    return "<div class=\"nodata\"><strong>"
        + Text.escape(title)
        + "</strong><span>no data</span></div>\n";
  }

  private static int plotWidth() {
    return WIDTH - LEFT - RIGHT;
  }

  private static int plotHeight() {
    return HEIGHT - TOP - BOTTOM;
  }

  /** A coordinate to one decimal, enough on a 880-unit-wide chart. */
  private static String fmt(double v) {
    double r = Math.round(v * 10) / 10.0;
    return r == Math.rint(r) ? Long.toString((long) r) : Double.toString(r);
  }

  /** A number for a tooltip: whole numbers without decimals, others to three significant ones. */
  private static String plainNumber(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15
        ? Text.count((long) v)
        : String.format(Locale.ROOT, "%,.3g", v);
  }

  /** {@code v}, a multiple of {@code step}, without the floating-point dust of the sum. */
  private static double clean(double v, double step) {
    double rounded = Math.round(v / step) * step;
    return Math.abs(rounded) < step * 1e-9
        ? 0
        : Double.parseDouble(String.format(Locale.ROOT, "%.12g", rounded));
  }

  /** Data space to chart space. */
  private record Frame(double xMin, double xMax, double yMin, double yMax, double[] xTicks) {
    double px(double x) {
      return LEFT + (x - xMin) / (xMax - xMin) * plotWidth();
    }

    double py(double y) {
      double span = yMax - yMin;
      return TOP + plotHeight() - (span == 0 ? 0 : (y - yMin) / span * plotHeight());
    }
  }
}
