package dev.flotilla.simulator.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.simulator.control.ControlPlane;
import dev.flotilla.simulator.control.ControlTarget;
import dev.flotilla.simulator.fleet.Fleet;
import dev.flotilla.simulator.fleet.Fleet.Member;
import dev.flotilla.simulator.report.Percentiles;
import dev.flotilla.simulator.report.RunReport;
import dev.flotilla.simulator.scenario.Expectations;
import dev.flotilla.simulator.scenario.Scenario;
import dev.flotilla.simulator.scenario.Step;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Runs one scenario: a fleet of virtual nodes against a controller, the scenario's steps in order
 * (manifests, rollout commands, waits and faults), and measures what operators care about while it
 * runs. The result is a {@link RunReport}; writing it is the caller's.
 *
 * <p><b>What is measured, and how.</b>
 *
 * <ul>
 *   <li><b>Convergence</b>: after each {@code apply}, the nodes the controller places the
 *       deployment on and the image it targets; a node has converged when its simulated Podman runs
 *       exactly one running container of that image for the deployment. Sampled every {@link
 *       #SAMPLE}; a phase's percentiles are over the nodes that converged, from the apply.
 *   <li><b>Faults</b>: per episode, the affected nodes, when each reconnected after the fault ended
 *       (its link's last CONNACK), and when 99% of them were connected and converged again.
 *   <li><b>Events lost</b>: after the steps, once every node's outbox is empty, the events the
 *       nodes' cores appended minus the distinct (node, sequence) pairs the controller stored.
 *   <li><b>Restarts caused by reconnects</b>: the simulated runtimes' needless restarts (a running
 *       container of a revision stopped and that same revision started again).
 *   <li><b>Traffic</b>: bytes and packets at each node's socket; idle traffic over {@code idle}
 *       steps.
 * </ul>
 */
public final class ScenarioRunner {
  private static final System.Logger LOG = System.getLogger(ScenarioRunner.class.getName());
  static final Duration SAMPLE = Duration.ofMillis(500);
  private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(2);
  private static final Set<String> DONE = Step.AwaitRollout.DONE;

  private final Scenario scenario;
  private final ControlTarget target;
  private final Path workDir;
  private final Progress.Listener listener;
  private final Clock clock = Clock.systemUTC();

  private ControlPlane control;
  private Fleet fleet;
  private long t0;
  private Instant startedAt;
  private volatile int stepIndex;
  private volatile String doing = "starting the fleet";

  private final List<RunReport.TimelineEntry> timeline = new CopyOnWriteArrayList<>();
  private final List<RunReport.Sample> samples = new CopyOnWriteArrayList<>();
  private final Map<String, Target> targets = new ConcurrentHashMap<>();
  private final List<PhaseTracker> phases = new CopyOnWriteArrayList<>();
  private final List<EpisodeTracker> episodes = new CopyOnWriteArrayList<>();
  private final Map<Long, RolloutTracker> rollouts = new ConcurrentHashMap<>();
  private final List<String> failures = new CopyOnWriteArrayList<>();
  private final List<OfflineCheck> offlineChecks = new CopyOnWriteArrayList<>();
  private RunReport.Idle idle;
  private long fleetHeapBytes;
  // What the controller stored, read incrementally: (node, sequence) pairs and where to go on.
  private final Map<String, Set<Long>> storedEvents = new HashMap<>();
  private long storedEventTotal;
  private long storedEventsPosition;

  /** A deployment's target: the image the controller wants and the nodes it places it on. */
  private record Target(String deployment, String image, Set<String> nodes) {}

  /** Nodes rebooted while offline: how many ran their workloads again before the network did. */
  private record OfflineCheck(String step, int nodes, int recovered) {}

  /**
   * @param target the controller; started by the caller (a {@code ControllerProcess}) or remote
   * @param workDir where file stores go
   */
  public ScenarioRunner(
      Scenario scenario, ControlTarget target, Path workDir, Progress.Listener listener) {
    this.scenario = Objects.requireNonNull(scenario, "scenario");
    this.target = Objects.requireNonNull(target, "target");
    this.workDir = Objects.requireNonNull(workDir, "workDir");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /**
   * The faults of {@code scenario} that {@code target} cannot take (restarting a controller or a
   * broker that is not the simulator's); empty when it can run there.
   */
  public static List<String> unsupported(Scenario scenario, ControlTarget target) {
    List<String> out = new ArrayList<>();
    if (target.restartable()) {
      return out;
    }
    for (int i = 0; i < scenario.steps().size(); i++) {
      Step s = scenario.steps().get(i);
      if (s instanceof Step.RestartBroker || s instanceof Step.RestartController) {
        out.add("steps[" + i + "]: " + s.describe());
      }
    }
    return out;
  }

  /** Runs the scenario to its end (or its first step that times out) and reports. */
  public RunReport run() {
    startedAt = clock.instant();
    t0 = System.nanoTime();
    control = new ControlPlane(target.api(), target.token());
    ScheduledExecutorService sampler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "sim-sampler");
              t.setDaemon(true);
              return t;
            });
    try {
      long heapBefore = usedHeapAfterGc();
      fleet = new Fleet(scenario.fleet(), workDir.resolve("nodes"), clock);
      fleet.onChange(this::changed);
      note("fleet of " + fleet.size() + " nodes: enrolling");
      fleet.enroll(control, n -> report("enrolled " + n + " of " + fleet.size()));
      note("enrolled " + fleet.size() + " nodes; starting their agents");
      fleet.startAll();
      sampler.scheduleWithFixedDelay(this::sample, 0, SAMPLE.toMillis(), TimeUnit.MILLISECONDS);
      Duration connectTimeout = Duration.ofSeconds(60 + fleet.size() / 50);
      if (!waitUntil(
          connectTimeout, () -> connectedCount() == fleet.size(), "every node connected")) {
        failures.add(
            "only "
                + connectedCount()
                + " of "
                + fleet.size()
                + " nodes connected within "
                + connectTimeout.toSeconds()
                + " s");
      } else {
        note("every node connected");
        fleetHeapBytes = Math.max(0, usedHeapAfterGc() - heapBefore);
        runSteps();
      }
      stepIndex = scenario.steps().size() + 1;
      doing = "settling: waiting for every outbox to drain";
      waitUntil(
          DRAIN_TIMEOUT,
          () -> fleet.members().stream().allMatch(Member::outboxDrained),
          "every outbox drained");
      // The broker has acknowledged everything; the controller may still be writing it (at
      // 10,000 nodes its ingest runs seconds behind the broker).
      doing = "settling: waiting for the controller to store every event";
      waitUntil(
          DRAIN_TIMEOUT,
          () -> readStoredEvents() >= appendedEventCount(),
          "the controller stored every event the nodes appended");
      sampler.shutdownNow();
      return report();
    } finally {
      sampler.shutdownNow();
      if (fleet != null) {
        doing = "stopping the fleet";
        fleet.close();
      }
    }
  }

  // ---- steps ------------------------------------------------------------------------------------

  private void runSteps() {
    List<Step> steps = scenario.steps();
    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      stepIndex = i + 1;
      doing = step.describe();
      note(step.describe());
      try {
        if (!run(step)) {
          failures.add("steps[" + i + "] " + step.describe() + ": " + doing);
          note("step failed: " + doing + "; the remaining steps are skipped");
          return;
        }
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "sim.step.failed step=" + i, e);
        failures.add("steps[" + i + "] " + step.describe() + ": " + e.getMessage());
        note("step failed: " + e.getMessage() + "; the remaining steps are skipped");
        return;
      }
    }
  }

  /** Runs one step; false when it timed out ({@link #doing} then says why). */
  private boolean run(Step step) {
    return switch (step) {
      case Step.Apply a -> {
        apply(a.manifest());
        yield true;
      }
      case Step.Wait w -> {
        sleep(w.duration());
        yield true;
      }
      case Step.AwaitConverged c -> awaitConverged(c.timeout());
      case Step.AwaitRollout r -> awaitRollout(r.deployment(), r.states(), r.timeout());
      case Step.RolloutCommand c -> {
        control.rolloutCommand(c.deployment(), c.command());
        refreshTarget(c.deployment());
        yield true;
      }
      case Step.Partition p -> {
        List<Member> hit = fleet.members(fleet.select(p.nodes()));
        EpisodeTracker e = episode(step.describe(), hit);
        hit.forEach(m -> m.partition(true));
        sleep(p.duration());
        hit.forEach(m -> m.partition(false));
        e.end();
        yield true;
      }
      case Step.Flap f -> {
        List<Member> hit = fleet.members(fleet.select(f.nodes()));
        EpisodeTracker e = episode(step.describe(), hit);
        long end = System.nanoTime() + f.duration().toNanos();
        while (System.nanoTime() < end) {
          hit.forEach(
              m -> {
                m.drop();
                m.partition(true);
              });
          sleep(f.down());
          hit.forEach(m -> m.partition(false));
          sleep(f.up());
        }
        e.end();
        yield true;
      }
      case Step.Latency l -> {
        List<Member> hit = fleet.members(fleet.select(l.nodes()));
        EpisodeTracker e = episode(step.describe(), hit);
        hit.forEach(m -> m.latency(l.delay()));
        sleep(l.duration());
        hit.forEach(m -> m.latency(Duration.ZERO));
        e.end();
        yield true;
      }
      case Step.RestartBroker b -> {
        EpisodeTracker e = episode(step.describe(), List.copyOf(fleet.members()));
        target.restartBroker(b.down());
        e.end();
        yield true;
      }
      case Step.RestartController c -> {
        EpisodeTracker e = episode(step.describe(), List.copyOf(fleet.members()));
        target.restartController(c.kill(), c.down());
        e.end();
        yield true;
      }
      case Step.Crash c -> {
        List<Member> hit = fleet.members(fleet.select(c.nodes()));
        EpisodeTracker e = episode(step.describe(), hit);
        fleet.forEach(hit, Member::crash);
        sleep(c.down());
        fleet.forEach(hit, Member::boot);
        e.end();
        yield true;
      }
      case Step.Reboot r -> {
        reboot(step, r);
        yield true;
      }
      case Step.Idle i -> {
        measureIdle(i.duration());
        yield true;
      }
    };
  }

  private void apply(String manifest) {
    double appliedAt = seconds();
    ControlPlane.Applied applied = control.apply(manifest);
    Target t = refreshTarget(applied.deployment());
    note(
        "applied "
            + applied.deployment()
            + " revision "
            + applied.revision()
            + " ("
            + t.image()
            + ", placed on "
            + t.nodes().size()
            + " nodes)"
            + (applied.rolloutId() >= 0 ? ", rollout " + applied.rolloutId() + " started" : ""));
    for (PhaseTracker p : phases) {
      if (p.deployment.equals(applied.deployment())) {
        p.open = false;
      }
    }
    phases.add(
        new PhaseTracker(
            "apply " + applied.deployment() + " r" + applied.revision() + " (" + t.image() + ")",
            appliedAt,
            applied.deployment(),
            t.image(),
            t.nodes()));
    if (applied.rolloutId() >= 0) {
      rollouts.put(
          applied.rolloutId(), new RolloutTracker(applied.deployment(), applied.rolloutId()));
    }
  }

  private Target refreshTarget(String deployment) {
    JsonNode d = control.deployment(deployment);
    Target t = new Target(deployment, d.path("image").asText(), control.placed(deployment));
    targets.put(deployment, t);
    return t;
  }

  private boolean awaitConverged(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long nextRefresh = 0;
    while (System.nanoTime() < deadline) {
      if (System.nanoTime() >= nextRefresh) {
        for (String d : List.copyOf(targets.keySet())) {
          refreshTarget(d);
        }
        nextRefresh = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      }
      if (connectedCount() == fleet.size()
          && convergedCount() == fleet.size()
          && controllerInSync()) {
        note(
            "converged: every node is connected and runs its target, and the controller has it"
                + " in sync");
        return true;
      }
      sleep(Duration.ofSeconds(1));
    }
    doing =
        "not converged within "
            + timeout.toSeconds()
            + " s: "
            + connectedCount()
            + " of "
            + fleet.size()
            + " nodes connected, "
            + convergedCount()
            + " run their targets";
    return false;
  }

  /** Whether the controller holds every fleet node as in sync (its report is the last sent). */
  private boolean controllerInSync() {
    Set<String> ours = new HashSet<>();
    fleet.members().forEach(m -> ours.add(m.id()));
    int ok = 0;
    for (ControlPlane.NodeSync n : control.nodes()) {
      if (ours.contains(n.id()) && n.inSync()) {
        ok++;
      }
    }
    return ok == ours.size();
  }

  private boolean awaitRollout(String deployment, Set<String> states, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "none";
    while (System.nanoTime() < deadline) {
      var r = control.rollout(deployment);
      if (r.isPresent()) {
        last = r.get().path("rollout").path("state").asText();
        if (states.contains(last)) {
          note("rollout of " + deployment + " is " + last);
          refreshTarget(deployment);
          return true;
        }
      }
      sleep(Duration.ofSeconds(1));
    }
    doing =
        "the rollout of "
            + deployment
            + " is "
            + last
            + ", not "
            + String.join("|", states)
            + ", after "
            + timeout.toSeconds()
            + " s";
    return false;
  }

  private void reboot(Step step, Step.Reboot r) {
    List<Member> hit = fleet.members(fleet.select(r.nodes()));
    EpisodeTracker e = episode(step.describe(), hit);
    boolean offline = r.offlineFor() != null;
    long healAt = System.nanoTime() + (offline ? r.offlineFor().toNanos() : 0);
    if (offline) {
      hit.forEach(m -> m.partition(true));
    }
    fleet.forEach(hit, Member::powerOff);
    sleep(r.down());
    fleet.forEach(hit, Member::boot);
    if (offline) {
      long left = healAt - System.nanoTime();
      if (left > 0) {
        sleep(Duration.ofNanos(left));
      }
      int recovered = 0;
      for (Member m : hit) {
        if (convergedNode(m)) {
          recovered++;
        }
      }
      offlineChecks.add(new OfflineCheck(step.describe(), hit.size(), recovered));
      note(
          recovered
              + " of "
              + hit.size()
              + " nodes rebooted offline run their workloads again before the network returns");
      hit.forEach(m -> m.partition(false));
    }
    e.end();
  }

  private void measureIdle(Duration duration) {
    Map<String, Long> before = new HashMap<>();
    for (Member m : fleet.members()) {
      Fleet.Traffic t = m.traffic();
      before.put(m.id(), t.bytesIn() + t.bytesOut());
    }
    long start = System.nanoTime();
    sleep(duration);
    double minutes = (System.nanoTime() - start) / 60e9;
    List<Double> perNode = new ArrayList<>();
    double sum = 0;
    for (Member m : fleet.members()) {
      Fleet.Traffic t = m.traffic();
      double v = (t.bytesIn() + t.bytesOut() - before.get(m.id())) / minutes;
      perNode.add(v);
      sum += v;
    }
    Double p99 = Percentiles.p(perNode, 0.99);
    idle =
        new RunReport.Idle(
            minutes * 60,
            sum / Math.max(1, perNode.size()),
            p99 == null ? 0 : p99,
            (int) keepAliveSeconds());
    note(
        String.format(
            Locale.ROOT,
            "idle for %.0f s: %.1f bytes per node per minute at the socket (p99 %.1f)",
            minutes * 60,
            idle.bytesPerNodePerMinute(),
            idle.p99BytesPerNodePerMinute()));
  }

  /**
   * The keep-alive the fleet's agents run with (the agent's default unless tuned); 0 if none runs.
   */
  private long keepAliveSeconds() {
    return fleet.members().stream()
        .map(Fleet.Member::agent)
        .filter(Objects::nonNull)
        .findFirst()
        .map(a -> a.settings().keepAlive().toSeconds())
        .orElse(0L);
  }

  // ---- sampling ---------------------------------------------------------------------------------

  private void sample() {
    try {
      double t = seconds();
      int connected = 0;
      int converged = 0;
      for (Member m : fleet.members()) {
        if (m.connected()) {
          connected++;
        }
        if (convergedNode(m)) {
          converged++;
        }
      }
      samples.add(new RunReport.Sample(t, connected, converged, fleet.size()));
      for (PhaseTracker p : phases) {
        if (p.open) {
          p.sample(t);
        }
      }
      for (EpisodeTracker e : episodes) {
        e.sample(t);
      }
      String rolloutLine = "";
      for (RolloutTracker r : rollouts.values()) {
        if (!r.finished) {
          rolloutLine = r.sample(t);
        }
      }
      listener.progress(
          new Progress(
              t,
              stepIndex,
              scenario.steps().size(),
              doing,
              connected,
              converged,
              fleet.size(),
              rolloutLine));
    } catch (RuntimeException e) {
      LOG.log(Level.DEBUG, "sim.sample.failed why={0}", e.toString());
    }
  }

  /** A node's Podman changed: time the phases it may have converged in now. */
  private void changed(Member m) {
    double t = seconds();
    for (PhaseTracker p : phases) {
      if (p.open) {
        p.check(m, t);
      }
    }
  }

  private int connectedCount() {
    int n = 0;
    for (Member m : fleet.members()) {
      if (m.connected()) {
        n++;
      }
    }
    return n;
  }

  private int convergedCount() {
    int n = 0;
    for (Member m : fleet.members()) {
      if (convergedNode(m)) {
        n++;
      }
    }
    return n;
  }

  /** Whether the node runs the target of every deployment placed on it. */
  private boolean convergedNode(Member m) {
    for (Target t : targets.values()) {
      if (t.nodes().contains(m.id()) && !m.runs(t.deployment(), t.image())) {
        return false;
      }
    }
    return true;
  }

  /** Convergence after one apply. */
  private final class PhaseTracker {
    final String name;
    final double startedAt;
    final String deployment;
    final String image;
    final Set<String> nodes;
    final Map<String, Double> convergedAt = new ConcurrentHashMap<>();
    volatile boolean open = true;

    PhaseTracker(
        String name, double startedAt, String deployment, String image, Set<String> nodes) {
      this.name = name;
      this.startedAt = startedAt;
      this.deployment = deployment;
      this.image = image;
      this.nodes = Set.copyOf(nodes);
    }

    /** Catches what the change events did not (a node that converged before the phase began). */
    void sample(double t) {
      for (String id : nodes) {
        check(fleet.member(id), t);
      }
    }

    void check(Member m, double t) {
      if (nodes.contains(m.id()) && !convergedAt.containsKey(m.id()) && m.runs(deployment, image)) {
        convergedAt.putIfAbsent(m.id(), Math.max(0, t - startedAt));
      }
    }

    RunReport.Phase report() {
      List<Double> times = new ArrayList<>(convergedAt.values());
      return new RunReport.Phase(
          name,
          startedAt,
          nodes.size(),
          times.size(),
          Percentiles.p(times, 0.50),
          Percentiles.p(times, 0.95),
          Percentiles.p(times, 0.99),
          Percentiles.p(times, 1.0));
    }
  }

  private EpisodeTracker episode(String name, List<Member> hit) {
    for (EpisodeTracker earlier : episodes) {
      // A node that has not come back by now is counted as not back from the earlier fault; an
      // earlier fault not yet in sync again was superseded by this one.
      earlier.sample(seconds());
      earlier.closed = true;
    }
    EpisodeTracker e = new EpisodeTracker(name, seconds(), hit);
    episodes.add(e);
    return e;
  }

  /** A fault: who it hit, and how they came back after it ended. */
  private final class EpisodeTracker {
    final String name;
    final double startedAt;
    final Instant startedInstant;
    final List<Member> hit;
    volatile double endedAt = Double.NaN;
    volatile Instant endedInstant;
    volatile Double inSync99;
    volatile boolean closed;
    final Map<String, Double> reconnectedAfter = new ConcurrentHashMap<>();

    EpisodeTracker(String name, double startedAt, List<Member> hit) {
      this.name = name;
      this.startedAt = startedAt;
      this.startedInstant = clock.instant();
      this.hit = List.copyOf(hit);
    }

    void end() {
      endedInstant = clock.instant();
      endedAt = seconds();
      note("fault ended: " + name);
    }

    void sample(double t) {
      if (Double.isNaN(endedAt) || closed) {
        return;
      }
      Instant end = endedInstant;
      for (Member m : hit) {
        if (!reconnectedAfter.containsKey(m.id()) && m.connected()) {
          Instant last = m.traffic().lastConnectedAt();
          reconnectedAfter.put(
              m.id(),
              last == null || !last.isAfter(startedInstant)
                  ? 0.0 // it never lost its connection
                  : Math.max(0, Duration.between(end, last).toMillis() / 1000.0));
        }
      }
      if (inSync99 != null) {
        return;
      }
      int ok = 0;
      for (Member m : hit) {
        if (m.connected() && convergedNode(m)) {
          ok++;
        }
      }
      if (ok >= Math.ceil(hit.size() * 0.99)) {
        inSync99 = Math.max(0, t - endedAt);
      }
    }

    RunReport.FaultEpisode report() {
      if (!Double.isNaN(endedAt)) {
        sample(seconds());
      }
      List<Double> times = new ArrayList<>(reconnectedAfter.values());
      int reconnected = times.size();
      return new RunReport.FaultEpisode(
          name,
          startedAt,
          Double.isNaN(endedAt) ? seconds() : endedAt,
          hit.size(),
          reconnected,
          Percentiles.p(times, 0.50),
          Percentiles.p(times, 0.95),
          Percentiles.p(times, 0.99),
          Percentiles.p(times, 1.0),
          inSync99);
    }
  }

  /** A rollout's progress over time, read from the controller's API. */
  private final class RolloutTracker {
    final String deployment;
    final long id;
    final List<RunReport.RolloutPoint> points = new CopyOnWriteArrayList<>();
    volatile boolean finished;
    volatile int fromRevision;
    volatile int toRevision;
    volatile String state = "PROGRESSING";
    volatile int steps;

    RolloutTracker(String deployment, long id) {
      this.deployment = deployment;
      this.id = id;
    }

    String sample(double t) {
      var view = control.rollout(deployment);
      if (view.isEmpty()) {
        return "";
      }
      JsonNode v = view.get();
      JsonNode r = v.path("rollout");
      if (r.path("id").asLong() != id) {
        finished = true; // superseded by a newer one, which has its own tracker
        return "";
      }
      JsonNode p = v.path("progress");
      state = r.path("state").asText();
      fromRevision = r.path("fromRevision").asInt();
      toRevision = r.path("toRevision").asInt();
      steps = v.path("steps").asInt();
      int step = r.path("step").asInt();
      if (DONE.contains(state) && p.path("targeted").asInt() == 0 && !points.isEmpty()) {
        // A finished rollout's view has no progress any more: its last counts stand.
        RunReport.RolloutPoint last = points.get(points.size() - 1);
        points.add(
            new RunReport.RolloutPoint(
                t,
                step,
                state,
                last.targeted(),
                last.released(),
                last.updated(),
                last.failed(),
                last.unreachable()));
        finished = true;
        return "";
      }
      points.add(
          new RunReport.RolloutPoint(
              t,
              step,
              state,
              p.path("targeted").asInt(),
              p.path("released").asInt(),
              p.path("updated").asInt(),
              p.path("failed").asInt(),
              p.path("unreachable").asInt()));
      if (DONE.contains(state)) {
        finished = true;
      }
      return String.format(
          Locale.ROOT,
          "rollout %s r%d->r%d %s step %d/%d: %d released, %d updated, %d failed",
          deployment,
          fromRevision,
          toRevision,
          state,
          step + 1,
          Math.max(1, steps),
          p.path("released").asInt(),
          p.path("updated").asInt(),
          p.path("failed").asInt());
    }

    RunReport.RolloutTrack report() {
      return new RunReport.RolloutTrack(
          deployment, id, fromRevision, toRevision, state, steps, List.copyOf(points));
    }
  }

  // ---- events -----------------------------------------------------------------------------------

  /**
   * Adds the events the controller stored since the last call to {@link #storedEvents}; returns how
   * many distinct (node, sequence) pairs it holds now.
   */
  private long readStoredEvents() {
    List<ControlPlane.StoredEvent> fresh = control.events(storedEventsPosition);
    for (ControlPlane.StoredEvent e : fresh) {
      if (e.sequence() > 0
          && storedEvents.computeIfAbsent(e.node(), k -> new HashSet<>()).add(e.sequence())) {
        storedEventTotal++;
      }
    }
    if (!fresh.isEmpty()) {
      storedEventsPosition = fresh.get(fresh.size() - 1).order();
    }
    return storedEventTotal;
  }

  private long appendedEventCount() {
    return fleet.members().stream().mapToLong(Member::eventsAppended).sum();
  }

  // ---- the report -------------------------------------------------------------------------------

  private RunReport report() {
    double wall = seconds();
    for (RolloutTracker r : rollouts.values()) {
      if (!r.finished) {
        try {
          r.sample(wall);
        } catch (RuntimeException e) {
          LOG.log(Level.DEBUG, "sim.rollout.final-sample-failed why={0}", e.toString());
        }
      }
    }
    // Events: what the nodes appended against what the controller stored.
    long emitted = 0;
    long dropped = 0;
    readStoredEvents();
    Map<String, Set<Long>> stored = storedEvents;
    long received = 0;
    List<RunReport.NodeTraffic> perNode = new ArrayList<>();
    long bytesIn = 0;
    long bytesOut = 0;
    long packetsIn = 0;
    long packetsOut = 0;
    long needless = 0;
    int named = 0;
    for (Member m : fleet.members()) {
      Set<Long> got = stored.getOrDefault(m.id(), Set.of());
      if (got.size() < m.eventsAppended() && named++ < 10) {
        List<Long> missing = new ArrayList<>();
        for (long q = 1; q <= m.eventsAppended() && missing.size() < 20; q++) {
          if (!got.contains(q)) {
            missing.add(q);
          }
        }
        note(
            "events lost: "
                + m.id()
                + " appended "
                + m.eventsAppended()
                + ", the controller has "
                + got.size()
                + "; missing sequences "
                + missing);
      }
      emitted += m.eventsAppended();
      dropped += m.eventsDropped();
      received += stored.getOrDefault(m.id(), Set.of()).size();
      Fleet.Traffic t = m.traffic();
      perNode.add(
          new RunReport.NodeTraffic(
              m.id(), t.bytesIn(), t.bytesOut(), t.packetsIn(), t.packetsOut()));
      bytesIn += t.bytesIn();
      bytesOut += t.bytesOut();
      packetsIn += t.packetsIn();
      packetsOut += t.packetsOut();
      if (m.runtime() != null) {
        needless += m.runtime().counters().needlessRestarts();
      }
    }
    RunReport.Events events =
        new RunReport.Events(emitted, received, Math.max(0, emitted - received), dropped);

    boolean convergedAtEnd = failures.isEmpty() && finalConvergence();
    List<RunReport.Phase> phaseReports = phases.stream().map(PhaseTracker::report).toList();
    List<RunReport.FaultEpisode> faultReports =
        episodes.stream().map(EpisodeTracker::report).toList();
    List<RunReport.Expectation> expectations =
        expectations(convergedAtEnd, events, needless, phaseReports, faultReports);
    boolean passed = expectations.stream().allMatch(RunReport.Expectation::passed);

    List<RunReport.ControllerSample> controllerSamples = controllerSamples();
    int threads = ManagementFactory.getThreadMXBean().getThreadCount();
    return new RunReport(
        scenario.name(),
        scenario.description(),
        startedAt,
        wall,
        machine(),
        fleet.size(),
        target.mode(),
        passed,
        expectations,
        List.copyOf(timeline),
        List.copyOf(samples),
        phaseReports,
        rollouts.values().stream()
            .sorted((a, b) -> Long.compare(a.id, b.id))
            .map(RolloutTracker::report)
            .toList(),
        faultReports,
        events,
        needless,
        new RunReport.Traffic(bytesIn, bytesOut, packetsIn, packetsOut, perNode),
        idle,
        controllerSamples,
        new RunReport.Footprint(
            fleet.size() == 0 ? 0 : fleetHeapBytes / fleet.size(),
            fleetHeapBytes,
            rssBytes(),
            threads));
  }

  /** Every placed node runs its target and the controller holds every node in sync. */
  private boolean finalConvergence() {
    try {
      for (String d : List.copyOf(targets.keySet())) {
        refreshTarget(d);
      }
      return convergedCount() == fleet.size() && controllerInSync();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "sim.final-check.failed why={0}", e.toString());
      return false;
    }
  }

  private List<RunReport.Expectation> expectations(
      boolean convergedAtEnd,
      RunReport.Events events,
      long needless,
      List<RunReport.Phase> phaseReports,
      List<RunReport.FaultEpisode> faultReports) {
    Expectations x = scenario.expect();
    List<RunReport.Expectation> out = new ArrayList<>();
    out.add(
        new RunReport.Expectation(
            "every step completed",
            "all " + scenario.steps().size(),
            failures.isEmpty() ? "all" : String.join("; ", failures),
            failures.isEmpty()));
    if (x.converged()) {
      out.add(
          new RunReport.Expectation(
              "converged at the end",
              "every node runs its target, in sync",
              convergedAtEnd
                  ? "yes"
                  : convergedCount() + " of " + fleet.size() + " nodes run their targets",
              convergedAtEnd));
    }
    for (Map.Entry<String, String> e : x.rollouts().entrySet()) {
      String actual =
          rollouts.values().stream()
              .filter(r -> r.deployment.equals(e.getKey()))
              .max((a, b) -> Long.compare(a.id, b.id))
              .map(r -> r.state)
              .orElse("no rollout");
      out.add(
          new RunReport.Expectation(
              "rollout of " + e.getKey(),
              e.getValue(),
              actual,
              actual.equalsIgnoreCase(e.getValue())));
    }
    out.add(
        new RunReport.Expectation(
            "events lost",
            "at most " + x.maxLostEvents(),
            events.lost() + " of " + events.emitted(),
            events.lost() <= x.maxLostEvents()));
    out.add(
        new RunReport.Expectation(
            "workload restarts caused by reconnects",
            "at most " + x.maxReconnectRestarts(),
            Long.toString(needless),
            needless <= x.maxReconnectRestarts()));
    for (OfflineCheck c : offlineChecks) {
      out.add(
          new RunReport.Expectation(
              "workloads running again offline: " + c.step(),
              c.nodes() + " of " + c.nodes(),
              c.recovered() + " of " + c.nodes(),
              c.recovered() == c.nodes()));
    }
    if (x.convergenceP99() != null) {
      double limit = x.convergenceP99().toMillis() / 1000.0;
      double worst = 0;
      boolean any = false;
      for (RunReport.Phase p : phaseReports) {
        if (p.converged() == p.targeted() && p.p99() != null) {
          worst = Math.max(worst, p.p99());
          any = true;
        }
      }
      out.add(
          new RunReport.Expectation(
              "convergence p99 (phases that fully converged)",
              "at most " + seconds(limit),
              any ? seconds(worst) : "no phase fully converged",
              any && worst <= limit));
    }
    if (x.reconnectP99() != null) {
      double limit = x.reconnectP99().toMillis() / 1000.0;
      double worst = 0;
      for (RunReport.FaultEpisode f : faultReports) {
        if (f.inSync99() == null) {
          continue; // interrupted or never back: judged below
        }
        if (f.reconnectP99() != null) {
          worst = Math.max(worst, f.reconnectP99());
        }
        worst = Math.max(worst, f.inSync99());
      }
      // A fault that the next one interrupted before its nodes were back is not judged: the
      // next fault's figures include them.
      boolean allBack = true;
      int superseded = 0;
      for (EpisodeTracker e : episodes) {
        if (e.inSync99 == null) {
          if (e.closed) {
            superseded++;
          } else {
            allBack = false;
          }
        }
      }
      out.add(
          new RunReport.Expectation(
              "99% reconnected and in sync after each fault",
              "within " + seconds(limit),
              (allBack ? seconds(worst) : "not every fault: " + seconds(worst))
                  + (superseded > 0 ? " (" + superseded + " interrupted by the next fault)" : ""),
              allBack && worst <= limit));
    }
    if (x.maxIdleBytesPerNodePerMinute() != null) {
      boolean measured = idle != null;
      out.add(
          new RunReport.Expectation(
              "idle bytes per node per minute",
              "at most " + x.maxIdleBytesPerNodePerMinute(),
              measured
                  ? String.format(Locale.ROOT, "%.1f", idle.bytesPerNodePerMinute())
                  : "not measured",
              measured && idle.bytesPerNodePerMinute() <= x.maxIdleBytesPerNodePerMinute()));
    }
    return out;
  }

  private List<RunReport.ControllerSample> controllerSamples() {
    List<ControlTarget.Sample> raw = target.samples();
    List<RunReport.ControllerSample> out = new ArrayList<>();
    long startMillis = startedAt.toEpochMilli();
    for (int i = 1; i < raw.size(); i++) {
      ControlTarget.Sample a = raw.get(i - 1);
      ControlTarget.Sample b = raw.get(i);
      if (b.at() < startMillis || b.cpuNanos() < a.cpuNanos() || b.at() <= a.at()) {
        continue; // before the run, or across a controller restart
      }
      // Of the whole machine, as the report's plots read it: 100 is every core busy.
      double cpu =
          Math.min(
              100,
              (b.cpuNanos() - a.cpuNanos())
                  / ((b.at() - a.at()) * 1e6)
                  * 100
                  / Runtime.getRuntime().availableProcessors());
      out.add(
          new RunReport.ControllerSample(
              (b.at() - startMillis) / 1000.0, cpu, b.heapUsed(), b.heapMax()));
    }
    return out;
  }

  private static RunReport.Machine machine() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = "unknown";
    }
    return new RunReport.Machine(
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name") + " " + System.getProperty("os.version"),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory(),
        host);
  }

  private static long rssBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          String[] f = line.trim().split("\\s+");
          return Long.parseLong(f[1]) * 1024;
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      LOG.log(Level.DEBUG, "sim.rss.unavailable why={0}", e.toString());
    }
    return -1;
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    return heap.getUsed();
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private double seconds() {
    return (System.nanoTime() - t0) / 1e9;
  }

  private static String seconds(double s) {
    return String.format(Locale.ROOT, "%.1f s", s);
  }

  private void note(String what) {
    timeline.add(new RunReport.TimelineEntry(seconds(), what));
    LOG.log(
        Level.INFO,
        "sim.timeline t={0} what={1}",
        String.format(Locale.ROOT, "%.1f", seconds()),
        what);
  }

  private void report(String what) {
    doing = what;
    listener.progress(
        new Progress(seconds(), 0, scenario.steps().size(), what, 0, 0, fleet.size(), ""));
  }

  private boolean waitUntil(Duration timeout, BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      sleep(Duration.ofMillis(250));
    }
    LOG.log(Level.WARNING, "sim.wait.timeout what={0} after_s={1}", what, timeout.toSeconds());
    return condition.getAsBoolean();
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
