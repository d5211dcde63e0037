package dev.flotilla.controller;

import dev.flotilla.controller.broker.BrokerCounters;
import dev.flotilla.controller.dispatch.Dispatcher;
import dev.flotilla.controller.ingest.Ingest;
import dev.flotilla.controller.model.NodeState;
import dev.flotilla.controller.rollout.Counts;
import dev.flotilla.controller.rollout.NodeCondition;
import dev.flotilla.controller.store.FleetStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The controller's Prometheus figures: nodes by state, messages in and out, refusals, dispatch
 * latency and ingest lag. Node counts are read from the store at most every five seconds, so a
 * scrape never costs more than one query.
 */
final class ControllerMetrics implements Dispatcher.Listener, Ingest.Listener {
  private final MeterRegistry registry;
  private final FleetStore store;
  private final Timer dispatchTimer;
  private final Counter desiredOut;
  private final Timer ingestLag;
  private final Counter messagesStored;
  private final Counter messagesDuplicate;
  private volatile Map<NodeState, Long> counts = Map.of();
  private volatile long countsAt;

  private final MultiGauge rolloutNodes;
  private volatile int activeRollouts;

  ControllerMetrics(MeterRegistry registry, FleetStore store, @Nullable BrokerCounters broker) {
    this.rolloutNodes =
        MultiGauge.builder("flotilla.rollout.nodes")
            .description("Nodes of each active rollout by condition")
            .register(registry);
    Gauge.builder("flotilla.rollouts.active", this, m -> m.activeRollouts)
        .description("Rollouts in progress or paused")
        .register(registry);
    this.registry = registry;
    this.store = store;
    for (NodeState s : NodeState.values()) {
      Gauge.builder("flotilla.nodes", this, m -> m.count(s))
          .description("Enrolled nodes by state")
          .tag("state", s.name())
          .register(registry);
    }
    dispatchTimer =
        Timer.builder("flotilla.dispatch.duration")
            .description("Time of a dispatch run: compute, sign, store and publish")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    desiredOut =
        Counter.builder("flotilla.messages.out")
            .description("Desired states published and acknowledged by the broker")
            .tag("kind", "desired")
            .register(registry);
    ingestLag =
        Timer.builder("flotilla.ingest.lag")
            .description("From a message's receipt to its commit in the store")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    messagesStored =
        Counter.builder("flotilla.messages.in").tag("kind", "stored").register(registry);
    messagesDuplicate =
        Counter.builder("flotilla.messages.in").tag("kind", "duplicate").register(registry);
    if (broker != null) {
      FunctionCounter.builder("flotilla.broker.refused", broker, b -> b.authRefused())
          .tag("kind", "auth")
          .register(registry);
      FunctionCounter.builder("flotilla.broker.refused", broker, b -> b.subscribeRefused())
          .tag("kind", "subscribe")
          .register(registry);
      FunctionCounter.builder("flotilla.broker.refused", broker, b -> b.publishRefused())
          .tag("kind", "publish")
          .register(registry);
    }
  }

  private double count(NodeState state) {
    long now = System.nanoTime();
    if (counts.isEmpty() || now - countsAt > TimeUnit.SECONDS.toNanos(5)) {
      counts = store.countByState();
      countsAt = now;
    }
    return counts.getOrDefault(state, 0L);
  }

  @Override
  public void dispatched(Dispatcher.Report report) {
    dispatchTimer.record(report.took());
  }

  @Override
  public void published(int count) {
    desiredOut.increment(count);
  }

  @Override
  public void stored(FleetStore.IngestResult result, int messages, long lagNanos) {
    messagesStored.increment(result.statusesStored() + result.eventsStored());
    messagesDuplicate.increment(result.duplicates());
    ingestLag.record(Duration.ofNanos(lagNanos));
  }

  /**
   * {@code flotilla_rollout_nodes{deployment, condition}}: every active rollout's nodes by
   * condition (pending, updating, waiting, updated, failed, unreachable); a finished rollout's rows
   * go.
   */
  @Override
  public void rollouts(Map<String, Counts> progress) {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    for (Map.Entry<String, Counts> e : progress.entrySet()) {
      for (NodeCondition c : NodeCondition.values()) {
        rows.add(
            MultiGauge.Row.of(
                Tags.of("deployment", e.getKey(), "condition", c.name().toLowerCase(Locale.ROOT)),
                e.getValue().of(c)));
      }
    }
    rolloutNodes.register(rows, true);
    activeRollouts = progress.size();
  }

  @Override
  public void refused(String kind) {
    Counter.builder("flotilla.ingest.refused")
        .description("Messages from nodes refused by ingest")
        .tag("kind", kind)
        .register(registry)
        .increment();
  }
}
