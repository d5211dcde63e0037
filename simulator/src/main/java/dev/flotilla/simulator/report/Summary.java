package dev.flotilla.simulator.report;

import dev.flotilla.simulator.report.RunReport.ControllerSample;
import dev.flotilla.simulator.report.RunReport.FaultEpisode;
import dev.flotilla.simulator.report.RunReport.Phase;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The key figures of a run, derived from its {@link RunReport}: the {@code summary} object of the
 * JSON, the cards of the HTML page and the figures of the terminal summary. Nullable figures are
 * null when the run had nothing to measure them on.
 *
 * @param nodes the run's virtual nodes
 * @param passed whether every expectation held
 * @param convergenceP99 the worst p99 convergence of any phase, seconds
 * @param convergenceMax the worst convergence of any phase, seconds
 * @param reconnectP99 the worst p99 reconnect time of any fault, seconds
 * @param inSync99 the longest time any fault took until 99% of its nodes were back in sync, seconds
 * @param eventsLost events emitted and never received (must be 0)
 * @param reconnectRestarts workloads restarted because their node reconnected (must be 0)
 * @param idleBytesPerNodePerMinute idle traffic per node per minute, at the socket
 * @param heapPerNodeBytes heap per virtual node
 * @param bytesPerNode mean bytes in and out per node over the run (fleet totals / nodes)
 * @param messagesPerNode mean messages in and out per node over the run (fleet totals / nodes)
 * @param controllerCpuPeakPercent the highest controller CPU sample; null when remote
 * @param controllerHeapPeakBytes the highest controller heap sample; null when remote
 */
public record Summary(
    int nodes,
    boolean passed,
    @Nullable Double convergenceP99,
    @Nullable Double convergenceMax,
    @Nullable Double reconnectP99,
    @Nullable Double inSync99,
    long eventsLost,
    long reconnectRestarts,
    @Nullable Double idleBytesPerNodePerMinute,
    long heapPerNodeBytes,
    @Nullable Double bytesPerNode,
    @Nullable Double messagesPerNode,
    @Nullable Double controllerCpuPeakPercent,
    @Nullable Long controllerHeapPeakBytes) {

  /** The summary of {@code report}. Pure. */
  public static Summary of(RunReport report) {
    var traffic = report.traffic();
    int nodes = report.nodes();
    Double bytesPerNode =
        nodes == 0 ? null : (double) (traffic.bytesIn() + traffic.bytesOut()) / nodes;
    Double messagesPerNode =
        nodes == 0 ? null : (double) (traffic.messagesIn() + traffic.messagesOut()) / nodes;
    Double cpuPeak = null;
    Long heapPeak = null;
    for (ControllerSample s : report.controller()) {
      cpuPeak = cpuPeak == null ? s.cpuPercent() : Math.max(cpuPeak, s.cpuPercent());
      heapPeak = heapPeak == null ? s.heapUsedBytes() : Math.max(heapPeak, s.heapUsedBytes());
    }
    var idle = report.idle();
    return new Summary(
        nodes,
        report.passed(),
        worst(report.phases(), Phase::p99),
        worst(report.phases(), Phase::max),
        worst(report.faults(), FaultEpisode::reconnectP99),
        worst(report.faults(), FaultEpisode::inSync99),
        report.events().lost(),
        report.reconnectRestarts(),
        idle == null ? null : idle.bytesPerNodePerMinute(),
        report.footprint().heapPerNodeBytes(),
        bytesPerNode,
        messagesPerNode,
        cpuPeak,
        heapPeak);
  }

  /** The largest non-null figure over {@code items}; null when every one is null. */
  private static <T> @Nullable Double worst(
      Iterable<T> items, Function<T, @Nullable Double> figure) {
    Double worst = null;
    for (T item : items) {
      Double value = figure.apply(item);
      if (value != null && (worst == null || value > worst)) {
        worst = value;
      }
    }
    return worst;
  }
}
