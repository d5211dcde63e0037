/**
 * The end-of-run report of a simulation: the model ({@link dev.flotilla.simulator.report.RunReport}
 * and the records nested in it), what is derived from it ({@link
 * dev.flotilla.simulator.report.Summary}, {@link dev.flotilla.simulator.report.Stats}, {@link
 * dev.flotilla.simulator.report.Percentiles}) and its three renderings: JSON with every figure
 * ({@link dev.flotilla.simulator.report.JsonReport}), a self-contained HTML page with inline SVG
 * plots ({@link dev.flotilla.simulator.report.HtmlReport}) and a plain-text block for the terminal
 * ({@link dev.flotilla.simulator.report.TerminalSummary}).
 *
 * <p>Everything here is pure (records in, text out) except {@link
 * dev.flotilla.simulator.report.ReportFiles}, which writes the two files. Times are seconds since
 * the run started; durations are seconds.
 *
 * <p>Everything here is non-null unless annotated {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package dev.flotilla.simulator.report;

import org.jspecify.annotations.NullMarked;
