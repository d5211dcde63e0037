package dev.flotilla.simulator.report;

import dev.flotilla.simulator.report.RunReport.ControllerSample;
import dev.flotilla.simulator.report.RunReport.Events;
import dev.flotilla.simulator.report.RunReport.Expectation;
import dev.flotilla.simulator.report.RunReport.FaultEpisode;
import dev.flotilla.simulator.report.RunReport.Footprint;
import dev.flotilla.simulator.report.RunReport.Idle;
import dev.flotilla.simulator.report.RunReport.Machine;
import dev.flotilla.simulator.report.RunReport.NodeTraffic;
import dev.flotilla.simulator.report.RunReport.Phase;
import dev.flotilla.simulator.report.RunReport.RolloutPoint;
import dev.flotilla.simulator.report.RunReport.RolloutTrack;
import dev.flotilla.simulator.report.RunReport.Sample;
import dev.flotilla.simulator.report.RunReport.TimelineEntry;
import dev.flotilla.simulator.report.RunReport.Traffic;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Fake but plausible run reports for the report tests, the same on every call. */
final class SampleRuns {

  static final Instant STARTED = Instant.parse("2026-11-22T10:15:30.125Z");
  static final Machine MACHINE =
      new Machine(16, "Linux 6.8.0 amd64", "Eclipse Adoptium 25+36", 8L << 30, "sim-host");

  private SampleRuns() {}

  /**
   * 1,000 nodes over 300 s: they connect, converge on web v1, take web v2 through a three-step
   * canary, lose the broker for 30 s (a quarter of them), and idle for the last minute.
   */
  static RunReport realistic() {
    int n = 1000;
    Random random = new Random(42);
    double[] connectAt = new double[n];
    double[] v1At = new double[n];
    double[] v2At = new double[n];
    double[] backAt = new double[n];
    int partitioned = n / 4;
    double applyAt = 25;
    double[] stepAt = {90, 120, 150};
    int[] stepUpTo = {50, 500, 1000};
    double partitionFrom = 200;
    double partitionTo = 230;
    List<Double> v1Times = new ArrayList<>();
    List<List<Double>> stepTimes = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    List<Double> reconnects = new ArrayList<>();
    List<Double> inSync = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      connectAt[i] = 1 + 15 * Math.pow(random.nextDouble(), 0.7);
      double v1 = 1.5 + Math.exp(0.8 + 0.5 * random.nextGaussian());
      v1At[i] = applyAt + v1;
      v1Times.add(v1);
      int step = i < stepUpTo[0] ? 0 : i < stepUpTo[1] ? 1 : 2;
      double v2 = 1.2 + Math.exp(0.5 + 0.6 * random.nextGaussian());
      v2At[i] = stepAt[step] + v2;
      stepTimes.get(step).add(v2);
      if (i < partitioned) {
        double back = Math.min(8, 0.4 + Math.exp(0.2 + 0.7 * random.nextGaussian()));
        backAt[i] = partitionTo + back;
        reconnects.add(back);
        inSync.add(back + 0.3 + 0.2 * random.nextDouble());
      }
    }

    List<Sample> fleet = new ArrayList<>();
    for (int t = 0; t <= 300; t++) {
      int connected = 0;
      int converged = 0;
      for (int i = 0; i < n; i++) {
        boolean cut = i < partitioned && t >= partitionFrom && t < backAt[i];
        boolean up = t >= connectAt[i] && !cut;
        if (!up) {
          continue;
        }
        connected++;
        int step = i < stepUpTo[0] ? 0 : i < stepUpTo[1] ? 1 : 2;
        boolean releasedV2 = t >= stepAt[step];
        boolean ok = releasedV2 ? t >= v2At[i] : t >= applyAt ? t >= v1At[i] : true;
        if (ok) {
          converged++;
        }
      }
      fleet.add(new Sample(t, connected, converged, n));
    }

    List<RolloutPoint> points = new ArrayList<>();
    for (int t = 90; t <= 170; t++) {
      int step = t < stepAt[1] ? 1 : t < stepAt[2] ? 2 : 3;
      int released = stepUpTo[step - 1];
      int updated = 0;
      for (int i = 0; i < released; i++) {
        if (t >= v2At[i]) {
          updated++;
        }
      }
      String state = updated < released ? "RUNNING" : step == 3 ? "COMPLETED" : "WAITING";
      points.add(new RolloutPoint(t, step, state, n, released, updated, 0, 0));
      if (state.equals("COMPLETED")) {
        break;
      }
    }

    List<ControllerSample> controller = new ArrayList<>();
    for (int t = 0; t <= 300; t++) {
      double cpu = 2.5 + random.nextDouble() * 1.5;
      if (t <= 16) {
        cpu += 30;
      } else if (t >= 25 && t < 40) {
        cpu += 22;
      } else if ((t >= 90 && t < 95) || (t >= 120 && t < 130) || (t >= 150 && t < 162)) {
        cpu += 15;
      } else if (t >= 230 && t < 238) {
        cpu += 41;
      }
      long used = (180L << 20) + (long) ((t % 47) * 5.4 * (1 << 20));
      controller.add(new ControllerSample(t, cpu, used, 2L << 30));
    }

    List<NodeTraffic> perNode = new ArrayList<>();
    long bytesIn = 0;
    long bytesOut = 0;
    long messagesIn = 0;
    long messagesOut = 0;
    for (int i = 0; i < n; i++) {
      boolean cut = i < partitioned;
      long in = 38_000 + (long) (random.nextGaussian() * 2_500) + (cut ? 6_000 : 0);
      long out = 24_000 + (long) (random.nextGaussian() * 1_800) + (cut ? 4_500 : 0);
      long mIn = 58 + random.nextInt(6) + (cut ? 9 : 0);
      long mOut = 170 + random.nextInt(20) + (cut ? 25 : 0);
      perNode.add(new NodeTraffic(String.format("sim-%04d", i), in, out, mIn, mOut));
      bytesIn += in;
      bytesOut += out;
      messagesIn += mIn;
      messagesOut += mOut;
    }

    Stats v1 = Stats.of(v1Times);
    Stats reconnect = Stats.of(reconnects);
    List<Phase> phases = new ArrayList<>();
    phases.add(phase("apply web v1", applyAt, n, v1));
    for (int s = 0; s < 3; s++) {
      int targeted = stepTimes.get(s).size();
      phases.add(
          phase(
              "web v2 step " + (s + 1) + " of 3", stepAt[s], targeted, Stats.of(stepTimes.get(s))));
    }
    Double worstP99 = phases.stream().map(Phase::p99).max(Double::compare).orElseThrow();
    return new RunReport(
        "canary-under-partition",
        "1,000 nodes take web v1, then v2 through a 5% / 50% / 100% canary; a quarter of them lose"
            + " the broker for 30 s; the last minute is idle.",
        STARTED,
        312.4,
        MACHINE,
        n,
        "process",
        true,
        List.of(
            new Expectation("events lost", "0", "0", true),
            new Expectation("restarts caused by reconnects", "0", "0", true),
            new Expectation("convergence p99", "<= 30 s", Text.seconds(worstP99), worstP99 <= 30),
            new Expectation(
                "reconnect p99", "<= 15 s", Text.seconds(reconnect.p99()), reconnect.p99() <= 15),
            new Expectation("idle traffic per node", "<= 100 B/min", "42.5 B/min", true),
            new Expectation("rollout web 1 -> 2", "COMPLETED", "COMPLETED", true)),
        List.of(
            new TimelineEntry(0, "start 1,000 virtual nodes"),
            new TimelineEntry(applyAt, "apply web v1, one replica per node"),
            new TimelineEntry(stepAt[0], "roll out web v2: canary 5%, 50%, 100%"),
            new TimelineEntry(partitionFrom, "partition 250 nodes from the broker"),
            new TimelineEntry(partitionTo, "heal the partition"),
            new TimelineEntry(240, "idle measurement starts"),
            new TimelineEntry(300, "stop")),
        fleet,
        phases,
        List.of(new RolloutTrack("web", 7, 1, 2, "COMPLETED", 3, points)),
        List.of(
            new FaultEpisode(
                "partition 25%",
                partitionFrom,
                partitionTo,
                partitioned,
                reconnects.size(),
                reconnect.p50(),
                reconnect.p95(),
                reconnect.p99(),
                reconnect.max(),
                Percentiles.p(inSync, 0.99))),
        new Events(24_310, 24_310, 0, 0),
        0,
        new Traffic(bytesIn, bytesOut, messagesIn, messagesOut, perNode),
        new Idle(60, 42.5, 61.0, 60),
        controller,
        new Footprint(48_213, 48_213_000, 1_503_238_553L, 412));
  }

  /** A run that measured little: remote controller, no faults, rollouts or idle; it failed. */
  static RunReport sparse() {
    return new RunReport(
        "empty",
        "nothing much happened",
        STARTED,
        5.0,
        MACHINE,
        0,
        "remote http://controller.example:8080",
        false,
        List.of(new Expectation("nodes converge", "all", "none", false)),
        List.of(),
        List.of(),
        List.of(new Phase("apply nothing", 1.0, 0, 0, null, null, null, null)),
        List.of(),
        List.of(),
        new Events(0, 0, 0, 0),
        0,
        new Traffic(0, 0, 0, 0, List.of()),
        null,
        List.of(),
        new Footprint(0, 0, 0, 0));
  }

  static Phase phase(String name, double at, int targeted, Stats stats) {
    return new Phase(
        name, at, targeted, stats.count(), stats.p50(), stats.p95(), stats.p99(), stats.max());
  }

  /** A mutable copy of a report, for tests that change a field or two. */
  static final class Edit {
    String scenario;
    String description;
    Instant startedAt;
    double wallSeconds;
    Machine machine;
    int nodes;
    String controllerMode;
    boolean passed;
    List<Expectation> expectations;
    List<TimelineEntry> timeline;
    List<Sample> fleet;
    List<Phase> phases;
    List<RolloutTrack> rollouts;
    List<FaultEpisode> faults;
    Events events;
    long reconnectRestarts;
    Traffic traffic;
    Idle idle;
    List<ControllerSample> controller;
    Footprint footprint;

    Edit(RunReport r) {
      scenario = r.scenario();
      description = r.description();
      startedAt = r.startedAt();
      wallSeconds = r.wallSeconds();
      machine = r.machine();
      nodes = r.nodes();
      controllerMode = r.controllerMode();
      passed = r.passed();
      expectations = r.expectations();
      timeline = r.timeline();
      fleet = r.fleet();
      phases = r.phases();
      rollouts = r.rollouts();
      faults = r.faults();
      events = r.events();
      reconnectRestarts = r.reconnectRestarts();
      traffic = r.traffic();
      idle = r.idle();
      controller = r.controller();
      footprint = r.footprint();
    }

    RunReport build() {
      return new RunReport(
          scenario,
          description,
          startedAt,
          wallSeconds,
          machine,
          nodes,
          controllerMode,
          passed,
          expectations,
          timeline,
          fleet,
          phases,
          rollouts,
          faults,
          events,
          reconnectRestarts,
          traffic,
          idle,
          controller,
          footprint);
    }
  }
}
