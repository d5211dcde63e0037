package dev.flotilla.simulator.fleet;

import dev.flotilla.agent.model.ContainerInfo;
import dev.flotilla.agent.model.Labels;
import dev.flotilla.agent.store.AgentStore;
import dev.flotilla.agent.store.AgentStore.OutboxLimits;
import dev.flotilla.agent.store.sqlite.SqliteAgentStore;
import dev.flotilla.simulator.control.ControlPlane;
import dev.flotilla.simulator.link.HubFleetLink;
import dev.flotilla.simulator.link.LinkHub;
import dev.flotilla.simulator.node.VirtualNode;
import dev.flotilla.simulator.runtime.ImageBehaviour;
import dev.flotilla.simulator.runtime.SimulatedContainerRuntime;
import dev.flotilla.simulator.scenario.AgentTuning;
import dev.flotilla.simulator.scenario.FleetSpec;
import dev.flotilla.simulator.scenario.NodeSelector;
import dev.flotilla.simulator.scenario.NodeSpec;
import dev.flotilla.simulator.scenario.StoreKind;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The simulated fleet: one {@link Member} per node of the scenario, each a machine with its own
 * simulated Podman, its own store (its disk) and its own network to the broker, on which an agent
 * (a {@link VirtualNode}: the real agent core) runs, crashes, reboots and runs again.
 *
 * <p><b>Threads.</b> Every node shares one scheduler, one pool for the cores' work, one for pulls
 * and one for probes, and one {@link LinkHub} selector thread for every MQTT connection: the
 * fleet's thread count does not grow with its size.
 *
 * <p><b>Network.</b> A partition or latency is the member's, not its agent's: an agent started
 * while the member is partitioned starts partitioned.
 */
public final class Fleet implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Fleet.class.getName());
  private static final int WORKERS = 8;

  private final FleetSpec spec;
  private final Path dataDir;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService pool;
  private final ExecutorService pulls;
  private final ExecutorService probes;
  private final ExecutorService workers;
  private final VirtualNode.Threads threads;
  private final LinkHub hub;
  private final Map<String, Member> members = new LinkedHashMap<>();
  private volatile Consumer<Member> changes = m -> {};
  private final List<NodeSpec> nodes;

  /** Per node id, how the scenario's images behave there (the scenario's image rules). */
  private final Map<String, Map<String, ImageBehaviour>> behaviours;

  /**
   * Builds the members of {@code spec} (no agent runs yet).
   *
   * @param dataDir where file stores go ({@code StoreKind.FILE}), one directory per node
   */
  public Fleet(FleetSpec spec, Path dataDir, Clock clock) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
    this.clock = Objects.requireNonNull(clock, "clock");
    int cpus = Runtime.getRuntime().availableProcessors();
    this.scheduler = Executors.newScheduledThreadPool(Math.max(2, cpus), named("sim-timer"));
    this.pool = Executors.newFixedThreadPool(Math.max(2, cpus * 2), named("sim-core"));
    this.pulls = Executors.newFixedThreadPool(16, named("sim-pull"));
    this.probes = Executors.newFixedThreadPool(4, named("sim-probe"));
    this.workers = Executors.newFixedThreadPool(WORKERS, named("sim-fleet"));
    this.threads = new VirtualNode.Threads(scheduler, pool, pulls, probes);
    this.hub = new LinkHub(scheduler, clock);
    this.nodes = spec.allNodes();
    this.behaviours = spec.imageBehaviours();
    for (NodeSpec n : nodes) {
      members.put(n.id(), new Member(n));
    }
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  public List<NodeSpec> nodes() {
    return nodes;
  }

  public int size() {
    return members.size();
  }

  public Member member(String id) {
    Member m = members.get(id);
    if (m == null) {
      throw new IllegalArgumentException("no node " + id + " in the fleet");
    }
    return m;
  }

  public Collection<Member> members() {
    return members.values();
  }

  /** The ids {@code selector} picks from this fleet. */
  public List<String> select(NodeSelector selector) {
    return selector.select(nodes, spec.seed());
  }

  /**
   * Calls {@code listener} with the member whenever its simulated Podman reports a change (a
   * container created, started, died, removed), on the thread that made the change; it must be
   * quick. Convergence is timed from these, not from sampling.
   */
  public void onChange(Consumer<Member> listener) {
    changes = Objects.requireNonNull(listener, "listener");
  }

  /** The hub's totals: connections open, bytes and packets. */
  public LinkHub.Totals linkTotals() {
    return hub.totals();
  }

  /**
   * Enrolls every node through the controller's API (one bootstrap token for the fleet), on a few
   * threads; {@code progress} gets the count done now and then.
   */
  public void enroll(ControlPlane control, Consumer<Integer> progress) {
    String token = control.createEnrollmentToken(members.size());
    AtomicInteger done = new AtomicInteger();
    forEach(
        members.values(),
        m -> {
          m.enrollment = control.enroll(token, m.id(), m.spec.profile(), m.spec.labels());
          int d = done.incrementAndGet();
          if (d % 250 == 0) {
            progress.accept(d);
          }
        });
    progress.accept(done.get());
  }

  /** Opens every node's store and starts its agent, on a few threads. */
  public void startAll() {
    forEach(
        members.values(),
        m -> {
          m.open();
          m.boot();
        });
    LOG.log(Level.INFO, "sim.fleet.started nodes={0}", members.size());
  }

  /** Runs {@code action} for every member on the fleet's workers and waits; the first failure. */
  public void forEach(Collection<Member> which, Consumer<Member> action) {
    List<Future<?>> futures = new ArrayList<>(which.size());
    for (Member m : which) {
      futures.add(workers.submit(() -> action.accept(m)));
    }
    RuntimeException first = null;
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (ExecutionException e) {
        if (first == null) {
          first =
              e.getCause() instanceof RuntimeException r
                  ? r
                  : new IllegalStateException(e.getCause());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** The members with these ids. */
  public List<Member> members(Collection<String> ids) {
    List<Member> out = new ArrayList<>(ids.size());
    for (String id : ids) {
      out.add(member(id));
    }
    return out;
  }

  @Override
  public void close() {
    try {
      forEach(members.values(), Member::shutDown);
    } finally {
      hub.close();
      for (ExecutorService e : List.of(workers, pool, pulls, probes, scheduler)) {
        e.shutdownNow();
      }
    }
  }

  /**
   * One simulated machine: its Podman, its store, its network, and the agent running on it now
   * (none while crashed or rebooting). Thread-safe.
   */
  public final class Member {
    private final NodeSpec spec;
    private volatile ControlPlane.Enrollment enrollment;
    private SimulatedContainerRuntime runtime;
    private RecordingStore store;
    private volatile VirtualNode agent;
    private volatile boolean partitioned;
    private volatile Duration latency = Duration.ZERO;

    // Traffic of the agents that ran before the current one.
    private long pastBytesIn;
    private long pastBytesOut;
    private long pastPacketsIn;
    private long pastPacketsOut;
    private long pastConnects;
    private long pastLosses;
    private int boots;

    Member(NodeSpec spec) {
      this.spec = spec;
    }

    public String id() {
      return spec.id();
    }

    public NodeSpec spec() {
      return spec;
    }

    /** The machine's Podman. */
    public SimulatedContainerRuntime runtime() {
      return runtime;
    }

    synchronized void open() {
      if (runtime != null) {
        return;
      }
      Random random = new Random(Objects.hash(spec.id(), Fleet.this.spec.seed()));
      runtime =
          new SimulatedContainerRuntime(
              clock,
              scheduler,
              random,
              ImageBehaviour.HEALTHY,
              behaviours.getOrDefault(spec.id(), Map.of()),
              Set.of());
      // Closed with the runtime.
      @SuppressWarnings("unused")
      AutoCloseable watch = runtime.events(e -> changes.accept(this));
      AgentStore underneath =
          Fleet.this.spec.store() == StoreKind.MEMORY
              ? SqliteAgentStore.openInMemory(spec.id(), OutboxLimits.DEFAULT, clock)
              : SqliteAgentStore.open(
                  dataDir.resolve(spec.id()).resolve("agent.db"), OutboxLimits.DEFAULT, clock);
      store = new RecordingStore(underneath);
    }

    /** Starts an agent on the machine (after a crash or reboot: a new one over the same store). */
    public synchronized void boot() {
      if (agent != null) {
        return;
      }
      ControlPlane.Enrollment e = enrollment;
      if (e == null) {
        throw new IllegalStateException("node " + spec.id() + " is not enrolled");
      }
      VirtualNode.Settings settings =
          tuned(
              VirtualNode.Settings.defaults(
                  spec.id(),
                  e.brokerUrl(),
                  e.password(),
                  e.controllerPublicKey(),
                  dataDir.resolve(spec.id())),
              Fleet.this.spec.agent());
      VirtualNode node =
          new VirtualNode(
              settings,
              store,
              runtime,
              clock,
              threads,
              linkSettings -> {
                HubFleetLink link = hub.link(linkSettings);
                link.partition(partitioned);
                link.latency(latency);
                return link;
              });
      agent = node;
      boots++;
      node.start();
    }

    /** The agent running now; null while the machine is down. */
    public VirtualNode agent() {
      return agent;
    }

    private HubFleetLink link() {
      VirtualNode a = agent;
      return a == null ? null : (HubFleetLink) a.link();
    }

    public boolean connected() {
      VirtualNode a = agent;
      return a != null && a.connected();
    }

    /** The network between this machine and the broker goes down (true) or comes back. */
    public void partition(boolean down) {
      partitioned = down;
      HubFleetLink l = link();
      if (l != null) {
        l.partition(down);
      }
    }

    public void latency(Duration delay) {
      latency = Objects.requireNonNull(delay, "delay");
      HubFleetLink l = link();
      if (l != null) {
        l.latency(delay);
      }
    }

    /** The current connection breaks at once (the broker sees it close). */
    public void drop() {
      HubFleetLink l = link();
      if (l != null) {
        l.drop();
      }
    }

    /**
     * The agent's process dies: no OFFLINE presence, its connection just breaks; its containers
     * keep running. {@link #boot()} starts a new agent.
     */
    public synchronized void crash() {
      VirtualNode a = agent;
      if (a == null) {
        return;
      }
      HubFleetLink l = (HubFleetLink) a.link();
      keepTraffic(l);
      l.kill();
      a.close();
      agent = null;
    }

    /**
     * The machine reboots: the agent dies as in {@link #crash()} and every container stops; {@link
     * #boot()} is the machine coming back.
     */
    public synchronized void powerOff() {
      crash();
      runtime.powerCycle();
    }

    /** Ends the agent cleanly and closes the machine: the end of the run. */
    synchronized void shutDown() {
      VirtualNode a = agent;
      if (a != null) {
        keepTraffic((HubFleetLink) a.link());
        a.close();
        agent = null;
      }
      if (runtime != null) {
        runtime.close();
      }
      if (store != null) {
        store.close();
      }
    }

    private void keepTraffic(HubFleetLink l) {
      HubFleetLink.Counters c = l.counters();
      pastBytesIn += c.bytesIn();
      pastBytesOut += c.bytesOut();
      pastPacketsIn += c.packetsIn();
      pastPacketsOut += c.packetsOut();
      pastConnects += c.connects();
      pastLosses += c.connectionLosses();
    }

    /** Traffic of every agent that ran on this machine, at the socket. */
    public synchronized Traffic traffic() {
      HubFleetLink l = link();
      HubFleetLink.Counters c = l == null ? null : l.counters();
      return new Traffic(
          pastBytesIn + (c == null ? 0 : c.bytesIn()),
          pastBytesOut + (c == null ? 0 : c.bytesOut()),
          pastPacketsIn + (c == null ? 0 : c.packetsIn()),
          pastPacketsOut + (c == null ? 0 : c.packetsOut()),
          pastConnects + (c == null ? 0 : c.connects()),
          pastLosses + (c == null ? 0 : c.connectionLosses()),
          c == null ? null : c.lastConnectedAt());
    }

    /** How many agents were started on this machine. */
    public synchronized int boots() {
      return boots;
    }

    /** Events the agents appended to the outbox. */
    public long eventsAppended() {
      RecordingStore s = store;
      return s == null ? 0 : s.appended();
    }

    /** Events the outbox dropped because it was full. */
    public long eventsDropped() {
      RecordingStore s = store;
      return s == null ? 0 : s.droppedEvents();
    }

    /** Whether every appended event was acknowledged by the broker. */
    public boolean outboxDrained() {
      RecordingStore s = store;
      return s == null || s.drained();
    }

    /**
     * Whether the machine runs {@code image} for {@code workload} and nothing else of it: one
     * running container of that image, no other container of the workload.
     */
    public boolean runs(String workload, String image) {
      SimulatedContainerRuntime r = runtime;
      if (r == null) {
        return false;
      }
      boolean running = false;
      for (ContainerInfo c : r.listByLabel(Labels.WORKLOAD)) {
        if (!workload.equals(c.labels().get(Labels.WORKLOAD))) {
          continue;
        }
        if (!c.image().equals(image) || c.state() != ContainerInfo.State.RUNNING || running) {
          return false;
        }
        running = true;
      }
      return running;
    }

    /** Whether the machine runs no container of {@code workload}. */
    public boolean runsNone(String workload) {
      SimulatedContainerRuntime r = runtime;
      if (r == null) {
        return true;
      }
      for (ContainerInfo c : r.listByLabel(Labels.WORKLOAD)) {
        if (workload.equals(c.labels().get(Labels.WORKLOAD))) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * A machine's traffic at the socket, over every agent that ran on it.
   *
   * @param lastConnectedAt when the current agent's link last connected; null when it never did or
   *     no agent runs
   */
  public record Traffic(
      long bytesIn,
      long bytesOut,
      long packetsIn,
      long packetsOut,
      long connects,
      long losses,
      Instant lastConnectedAt) {}

  private static VirtualNode.Settings tuned(VirtualNode.Settings d, AgentTuning t) {
    if (t == null) {
      return d;
    }
    return new VirtualNode.Settings(
        d.nodeId(),
        d.brokerUrl(),
        d.password(),
        d.controllerPublicKey(),
        d.dataDir(),
        t.reconcileInterval() != null ? t.reconcileInterval() : d.reconcileInterval(),
        t.summaryInterval() != null ? t.summaryInterval() : d.summaryInterval(),
        t.keepAlive() != null ? t.keepAlive() : d.keepAlive(),
        t.willDelay() != null ? t.willDelay() : d.willDelay(),
        t.reconnectMin() != null ? t.reconnectMin() : d.reconnectMin(),
        t.reconnectMax() != null ? t.reconnectMax() : d.reconnectMax(),
        d.maxInflight());
  }
}
