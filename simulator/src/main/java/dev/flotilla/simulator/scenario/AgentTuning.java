package dev.flotilla.simulator.scenario;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The agent settings a scenario changes on every virtual node; each null one keeps the agent's
 * default ({@code docs/agent.md}: keep-alive 60 s, will delay 30 s, reconnect 1 s to 5 m, reconcile
 * every 10 s, a summary every 5 m).
 *
 * @param keepAlive {@code link.keep-alive}: whole seconds from 1s to 65535s. A partitioned node is
 *     noticed by the broker after about 1.5 keep-alives, and marked unreachable once the will delay
 *     has passed too, so scenarios with partitions shorten both.
 * @param willDelay {@code link.will-delay}: whole seconds, 0s or more
 * @param reconnectMin {@code link.reconnect-min}: above zero
 * @param reconnectMax {@code link.reconnect-max}: above zero, not below {@code reconnectMin} when
 *     both are set (with only one set, the agent compares it with its default of the other)
 * @param reconcileInterval {@code reconcile.interval}: above zero
 * @param summaryInterval {@code status.summary-interval}: above zero
 */
public record AgentTuning(
    @Nullable Duration keepAlive,
    @Nullable Duration willDelay,
    @Nullable Duration reconnectMin,
    @Nullable Duration reconnectMax,
    @Nullable Duration reconcileInterval,
    @Nullable Duration summaryInterval) {

  /** Every setting at the agent's default. */
  public static final AgentTuning DEFAULTS = new AgentTuning(null, null, null, null, null, null);
}
