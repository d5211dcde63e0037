package dev.flotilla.agent.health;

import dev.flotilla.agent.model.ContainerInfo;
import dev.flotilla.agent.model.NodeDesired;
import dev.flotilla.agent.model.ProbeSpec;
import dev.flotilla.agent.model.WorkloadSpec;
import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Probes every running container that has a probe, on its own schedule (initial delay, period), and
 * keeps a verdict per workload. A verdict belongs to one container instance: when the container is
 * replaced or restarts, probing starts over from UNKNOWN, so a late result for an old instance
 * never marks the new one (STYLE: generations guard everything asynchronous). Thread-safe; probes
 * run on {@code probeThreads}, scheduling on the shared scheduler.
 */
public final class HealthMonitor implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(HealthMonitor.class.getName());

  /** One container instance being probed. */
  private record Key(String workload, String containerId, String startedAt) {}

  private final class Watch {
    final Key key;
    final WorkloadSpec spec;
    final ProbeSpec probe;
    volatile ProbeTracker tracker;
    volatile ScheduledFuture<?> task;

    Watch(Key key, WorkloadSpec spec, ProbeSpec probe) {
      this.key = key;
      this.spec = spec;
      this.probe = probe;
      this.tracker = ProbeTracker.start(probe.failureThreshold());
    }
  }

  private final Prober prober;
  private final ScheduledExecutorService scheduler;
  private final Executor probeThreads;
  private final BiConsumer<String, ProbeTracker.Health> onChange;
  private final Map<String, Watch> watches = new ConcurrentHashMap<>();

  /**
   * @param onChange called with (workload, new verdict) when a verdict changes
   */
  public HealthMonitor(
      Prober prober,
      ScheduledExecutorService scheduler,
      Executor probeThreads,
      BiConsumer<String, ProbeTracker.Health> onChange) {
    this.prober = prober;
    this.scheduler = scheduler;
    this.probeThreads = probeThreads;
    this.onChange = onChange;
  }

  /** Aligns the probes with what runs now: new instances start probing, gone ones stop. */
  public synchronized void sync(Optional<NodeDesired> desired, List<ContainerInfo> containers) {
    Set<String> seen = new HashSet<>();
    for (ContainerInfo c : containers) {
      if (c.state() != ContainerInfo.State.RUNNING || c.workload().isEmpty()) {
        continue;
      }
      String workload = c.workload().get();
      Optional<WorkloadSpec> spec = desired.flatMap(d -> d.workload(workload));
      if (spec.isEmpty() || spec.get().probe().isEmpty()) {
        continue;
      }
      seen.add(workload);
      Key key = new Key(workload, c.id(), c.startedAt().map(Object::toString).orElse(""));
      Watch current = watches.get(workload);
      if (current != null
          && current.key.equals(key)
          && current.probe.equals(spec.get().probe().get())) {
        continue;
      }
      if (current != null) {
        current.task.cancel(false);
      }
      Watch watch = new Watch(key, spec.get(), spec.get().probe().get());
      watches.put(workload, watch);
      watch.task =
          scheduler.scheduleWithFixedDelay(
              () -> probeThreads.execute(() -> runProbe(watch)),
              watch.probe.initialDelay().toMillis(),
              watch.probe.period().toMillis(),
              TimeUnit.MILLISECONDS);
    }
    for (String workload : new HashSet<>(watches.keySet())) {
      if (!seen.contains(workload)) {
        watches.remove(workload).task.cancel(false);
      }
    }
  }

  private void runProbe(Watch watch) {
    if (watches.get(watch.key.workload()) != watch) {
      return; // a newer instance replaced this one
    }
    Prober.Result result = prober.probe(watch.spec, watch.probe, watch.key.containerId());
    ProbeTracker.Health before;
    ProbeTracker.Health after;
    synchronized (watch) {
      if (watches.get(watch.key.workload()) != watch) {
        return;
      }
      before = watch.tracker.health();
      watch.tracker = watch.tracker.record(result.success());
      after = watch.tracker.health();
    }
    if (!result.success()) {
      LOG.log(
          Level.DEBUG,
          "probe.failed workload={0} container={1} detail={2}",
          watch.key.workload(),
          watch.key.containerId(),
          result.detail());
    }
    if (before != after) {
      onChange.accept(watch.key.workload(), after);
    }
  }

  /** Workloads whose current instance is UNHEALTHY. */
  public Set<String> unhealthy() {
    Set<String> out = new HashSet<>();
    watches.forEach(
        (w, watch) -> {
          if (watch.tracker.health() == ProbeTracker.Health.UNHEALTHY) {
            out.add(w);
          }
        });
    return out;
  }

  /** The verdict of every probed workload. */
  public Map<String, ProbeTracker.Health> verdicts() {
    Map<String, ProbeTracker.Health> out = new HashMap<>();
    watches.forEach((w, watch) -> out.put(w, watch.tracker.health()));
    return out;
  }

  @Override
  public synchronized void close() {
    watches.values().forEach(w -> w.task.cancel(false));
    watches.clear();
  }
}
