package dev.flotilla.simulator.report;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Everything one simulator run measured: the input of {@link JsonReport}, {@link HtmlReport} and
 * {@link TerminalSummary}. Immutable; lists are copied and must not hold nulls.
 *
 * <p>Units, for this record and the ones nested in it: a time ({@code t}, {@code startedAt}, {@code
 * endedAt}) is seconds since the run started; a duration is seconds, and a nullable one is null
 * when there was nothing to measure (no node converged, no node reconnected). Every {@code double}
 * and non-null {@code Double} must be finite, so that the JSON stays JSON: the constructors refuse
 * NaN and infinities.
 *
 * @param scenario the scenario's name
 * @param description what the scenario does, one or a few sentences
 * @param startedAt when the run started (wall clock)
 * @param wallSeconds how long the run took, wall clock
 * @param machine where it ran
 * @param nodes how many virtual nodes the run had
 * @param controllerMode {@code "process"} when the controller ran inside the simulator's JVM,
 *     {@code "remote URL"} (with the URL) when it ran elsewhere
 * @param passed whether every expectation held
 * @param expectations what the scenario required, each with what was measured
 * @param timeline what the scenario did and when
 * @param fleet the fleet sampled about once a second over the whole run
 * @param phases one per apply, undo or rollout step measured for convergence
 * @param rollouts the rollouts the run watched, each with its progress over time
 * @param faults the faults injected (partitions, broker restarts, reboots), each with how the fleet
 *     came back
 * @param events the agents' events, emitted against received by the controller
 * @param reconnectRestarts workloads restarted because their node reconnected (must be 0)
 * @param traffic MQTT traffic measured at the nodes' sockets over the whole run
 * @param idle traffic over a quiet stretch of the run; null when the scenario had none
 * @param controller the controller's CPU and heap sampled over the run; empty when the controller
 *     is remote
 * @param footprint what the fleet cost in memory and threads
 */
public record RunReport(
    String scenario,
    String description,
    Instant startedAt,
    double wallSeconds,
    Machine machine,
    int nodes,
    String controllerMode,
    boolean passed,
    List<Expectation> expectations,
    List<TimelineEntry> timeline,
    List<Sample> fleet,
    List<Phase> phases,
    List<RolloutTrack> rollouts,
    List<FaultEpisode> faults,
    Events events,
    long reconnectRestarts,
    Traffic traffic,
    @Nullable Idle idle,
    List<ControllerSample> controller,
    Footprint footprint) {

  public RunReport {
    requireNonNull(scenario, "scenario");
    requireNonNull(description, "description");
    requireNonNull(startedAt, "startedAt");
    finite(wallSeconds, "wallSeconds");
    requireNonNull(machine, "machine");
    requireNonNull(controllerMode, "controllerMode");
    expectations = List.copyOf(expectations);
    timeline = List.copyOf(timeline);
    fleet = List.copyOf(fleet);
    phases = List.copyOf(phases);
    rollouts = List.copyOf(rollouts);
    faults = List.copyOf(faults);
    requireNonNull(events, "events");
    requireNonNull(traffic, "traffic");
    controller = List.copyOf(controller);
    requireNonNull(footprint, "footprint");
  }

  /**
   * The machine the simulator ran on.
   *
   * @param cpus available processors
   * @param os name, version and architecture
   * @param jvm vendor and version
   * @param maxHeapBytes the simulator JVM's maximum heap
   * @param host host name
   */
  public record Machine(int cpus, String os, String jvm, long maxHeapBytes, String host) {
    public Machine {
      requireNonNull(os, "os");
      requireNonNull(jvm, "jvm");
      requireNonNull(host, "host");
    }
  }

  /**
   * One thing the scenario required, e.g. {@code events lost}, expected {@code 0}, actual {@code
   * 0}. The texts are for people; {@code passed} is the verdict.
   */
  public record Expectation(String name, String expected, String actual, boolean passed) {
    public Expectation {
      requireNonNull(name, "name");
      requireNonNull(expected, "expected");
      requireNonNull(actual, "actual");
    }
  }

  /** Something the scenario did at time {@code t}, e.g. {@code apply web v2}. */
  public record TimelineEntry(double t, String what) {
    public TimelineEntry {
      finite(t, "t");
      requireNonNull(what, "what");
    }
  }

  /**
   * The fleet at time {@code t}: how many of its {@code total} nodes were connected, and how many
   * ran what the controller wanted them to run.
   */
  public record Sample(double t, int connected, int converged, int total) {
    public Sample {
      finite(t, "t");
    }
  }

  /**
   * Convergence after one change (an apply, an undo, a rollout step): how long each targeted node
   * took, from {@code startedAt}, to run what it was told. The percentiles are over the nodes that
   * converged; null when none did.
   */
  public record Phase(
      String name,
      double startedAt,
      int targeted,
      int converged,
      @Nullable Double p50,
      @Nullable Double p95,
      @Nullable Double p99,
      @Nullable Double max) {
    public Phase {
      requireNonNull(name, "name");
      finite(startedAt, "startedAt");
      finite(p50, "p50");
      finite(p95, "p95");
      finite(p99, "p99");
      finite(max, "max");
    }
  }

  /**
   * One rollout as the controller reported it over the run.
   *
   * @param state the state it ended in
   * @param steps how many steps it has
   * @param points its progress, sampled over time
   */
  public record RolloutTrack(
      String deployment,
      long id,
      int fromRevision,
      int toRevision,
      String state,
      int steps,
      List<RolloutPoint> points) {
    public RolloutTrack {
      requireNonNull(deployment, "deployment");
      requireNonNull(state, "state");
      points = List.copyOf(points);
    }
  }

  /**
   * A rollout's progress at time {@code t}: at step {@code step} (counted from 1) in {@code state};
   * of its {@code targeted} nodes, {@code released} have been told to update, {@code updated} run
   * the new revision, {@code failed} failed to, {@code unreachable} are offline.
   */
  public record RolloutPoint(
      double t,
      int step,
      String state,
      int targeted,
      int released,
      int updated,
      int failed,
      int unreachable) {
    public RolloutPoint {
      finite(t, "t");
      requireNonNull(state, "state");
    }
  }

  /**
   * One injected fault, from {@code startedAt} to {@code endedAt}, and how the {@code
   * nodesAffected} came back: the reconnect percentiles are seconds from {@code endedAt} to each
   * node's reconnection, over the {@code reconnected} nodes (null when none did); {@code inSync99}
   * is seconds from {@code endedAt} until 99% of the affected nodes were connected and in sync
   * (null when that never happened).
   */
  public record FaultEpisode(
      String name,
      double startedAt,
      double endedAt,
      int nodesAffected,
      int reconnected,
      @Nullable Double reconnectP50,
      @Nullable Double reconnectP95,
      @Nullable Double reconnectP99,
      @Nullable Double reconnectMax,
      @Nullable Double inSync99) {
    public FaultEpisode {
      requireNonNull(name, "name");
      finite(startedAt, "startedAt");
      finite(endedAt, "endedAt");
      finite(reconnectP50, "reconnectP50");
      finite(reconnectP95, "reconnectP95");
      finite(reconnectP99, "reconnectP99");
      finite(reconnectMax, "reconnectMax");
      finite(inSync99, "inSync99");
    }
  }

  /**
   * The agents' events over the run: {@code emitted} by the agents, {@code received} by the
   * controller, {@code lost} (emitted, never received; must be 0), {@code droppedByOutbox} (dropped
   * by a full outbox, counted by the agents).
   */
  public record Events(long emitted, long received, long lost, long droppedByOutbox) {}

  /**
   * MQTT traffic at the nodes' sockets over the whole run, {@code In} towards the nodes. The totals
   * are over the whole fleet; {@code perNode} may be a sample of it (e.g. at most 10,000 nodes).
   */
  public record Traffic(
      long bytesIn, long bytesOut, long messagesIn, long messagesOut, List<NodeTraffic> perNode) {
    public Traffic {
      perNode = List.copyOf(perNode);
    }
  }

  /** One node's MQTT traffic over the whole run. */
  public record NodeTraffic(
      String node, long bytesIn, long bytesOut, long messagesIn, long messagesOut) {
    public NodeTraffic {
      requireNonNull(node, "node");
    }
  }

  /**
   * Traffic while nothing happened: over {@code seconds} of quiet, the mean and the 99th percentile
   * over nodes of bytes in and out per node per minute, measured at the socket, with the MQTT
   * keep-alive the nodes used.
   */
  public record Idle(
      double seconds,
      double bytesPerNodePerMinute,
      double p99BytesPerNodePerMinute,
      int keepAliveSeconds) {
    public Idle {
      finite(seconds, "seconds");
      finite(bytesPerNodePerMinute, "bytesPerNodePerMinute");
      finite(p99BytesPerNodePerMinute, "p99BytesPerNodePerMinute");
    }
  }

  /**
   * The in-process controller at time {@code t}: the CPU use of the process it runs in, in percent
   * of the whole machine (0 to 100, as {@code OperatingSystemMXBean.getProcessCpuLoad() * 100}),
   * and its JVM's heap. In process, that process is the simulator's, virtual nodes included.
   */
  public record ControllerSample(
      double t, double cpuPercent, long heapUsedBytes, long heapMaxBytes) {
    public ControllerSample {
      finite(t, "t");
      finite(cpuPercent, "cpuPercent");
    }
  }

  /**
   * What the fleet cost: heap per virtual node and for the whole fleet, the simulator's resident
   * set size and its live threads, measured at the end of the run.
   */
  public record Footprint(long heapPerNodeBytes, long fleetHeapBytes, long rssBytes, int threads) {}

  private static void finite(double value, String name) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(name + " must be a finite number, got " + value);
    }
  }

  private static void finite(@Nullable Double value, String name) {
    if (value != null) {
      finite(value.doubleValue(), name);
    }
  }
}
