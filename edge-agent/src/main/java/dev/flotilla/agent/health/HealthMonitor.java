package dev.flotilla.agent.health;

import dev.flotilla.agent.model.ContainerInfo;
import dev.flotilla.agent.model.NodeDesired;
import dev.flotilla.agent.model.ProbeSpec;
import dev.flotilla.agent.model.WorkloadSpec;
import java.lang.System.Logger.Level;
import java.time.Clock;
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

/**
 * Probes every running container that has a probe, on its own schedule (initial delay, period), and
 * keeps a verdict per container: a workload can run two containers at once (the old and the new
 * revision of a blue-green update), and each has its own verdict. A verdict belongs to one
 * container instance: when the container restarts, probing starts over from UNKNOWN, so a late
 * result for an old instance never marks the new one (STYLE: generations guard everything
 * asynchronous). A container is probed with its workload's desired probe. Thread-safe; probes run
 * on {@code probeThreads}, scheduling on the shared scheduler; verdict times come from the injected
 * clock.
 */
public final class HealthMonitor implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(HealthMonitor.class.getName());

  /** Told of every verdict change. Called on a probe thread; must not block. */
  @FunctionalInterface
  public interface Listener {
    void changed(String workload, String containerId, ProbeTracker.Health verdict);
  }

  /** One container instance being probed. */
  private record Key(String workload, String containerId, String startedAt) {}

  private final class Watch {
    final Key key;
    final WorkloadSpec spec;
    final ProbeSpec probe;
    volatile ProbeTracker tracker;
    volatile ProbeVerdict verdict;
    volatile ScheduledFuture<?> task;

    Watch(Key key, WorkloadSpec spec, ProbeSpec probe) {
      this.key = key;
      this.spec = spec;
      this.probe = probe;
      this.tracker = ProbeTracker.start(probe.failureThreshold());
      this.verdict = new ProbeVerdict(tracker.health(), clock.instant());
    }
  }

  private final Prober prober;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final Executor probeThreads;
  private final Listener onChange;
  // By container id.
  private final Map<String, Watch> watches = new ConcurrentHashMap<>();

  public HealthMonitor(
      Prober prober,
      Clock clock,
      ScheduledExecutorService scheduler,
      Executor probeThreads,
      Listener onChange) {
    this.prober = prober;
    this.clock = clock;
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
      seen.add(c.id());
      Key key = new Key(workload, c.id(), c.startedAt().map(Object::toString).orElse(""));
      Watch current = watches.get(c.id());
      if (current != null
          && current.key.equals(key)
          && current.probe.equals(spec.get().probe().get())) {
        continue;
      }
      if (current != null) {
        current.task.cancel(false);
      }
      Watch watch = new Watch(key, spec.get(), spec.get().probe().get());
      watches.put(c.id(), watch);
      watch.task =
          scheduler.scheduleWithFixedDelay(
              () -> probeThreads.execute(() -> runProbe(watch)),
              watch.probe.initialDelay().toMillis(),
              watch.probe.period().toMillis(),
              TimeUnit.MILLISECONDS);
    }
    for (String id : new HashSet<>(watches.keySet())) {
      if (!seen.contains(id)) {
        watches.remove(id).task.cancel(false);
      }
    }
  }

  private void runProbe(Watch watch) {
    if (watches.get(watch.key.containerId()) != watch) {
      return; // a newer instance replaced this one
    }
    Prober.Result result = prober.probe(watch.spec, watch.probe, watch.key.containerId());
    ProbeTracker.Health before;
    ProbeTracker.Health after;
    synchronized (watch) {
      if (watches.get(watch.key.containerId()) != watch) {
        return;
      }
      before = watch.tracker.health();
      watch.tracker = watch.tracker.record(result.success());
      after = watch.tracker.health();
      if (before != after) {
        watch.verdict = new ProbeVerdict(after, clock.instant());
      }
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
      onChange.changed(watch.key.workload(), watch.key.containerId(), after);
    }
  }

  /** The verdict on every probed container, by container id. */
  public Map<String, ProbeVerdict> verdicts() {
    Map<String, ProbeVerdict> out = new HashMap<>();
    watches.forEach((id, watch) -> out.put(id, watch.verdict));
    return out;
  }

  @Override
  public synchronized void close() {
    watches.values().forEach(w -> w.task.cancel(false));
    watches.clear();
  }
}
