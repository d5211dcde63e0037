package dev.flotilla.simulator.node;

import dev.flotilla.agent.Agent;
import dev.flotilla.agent.config.AgentConfig;
import dev.flotilla.agent.core.AgentCore;
import dev.flotilla.agent.core.StepHook;
import dev.flotilla.agent.link.FleetLink;
import dev.flotilla.agent.link.LinkSettings;
import dev.flotilla.agent.link.paho.PahoFleetLink;
import dev.flotilla.agent.store.AgentStore;
import dev.flotilla.agent.store.sqlite.SqliteAgentStore;
import dev.flotilla.protocol.DesiredStateVerifier;
import dev.flotilla.protocol.NodeId;
import dev.flotilla.simulator.runtime.SimulatedContainerRuntime;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * One virtual node of the simulator: the real agent core over a real store and a real MQTT link,
 * with only the container runtime simulated. It is wired like {@link Agent}, the gateway's wiring
 * place, with these differences: the runtime is a {@link SimulatedContainerRuntime}, and the
 * threads are not the node's own but {@link Threads} shared by every node of the JVM.
 *
 * <p><b>What is real.</b> {@link AgentCore} (intake and verification of the signed desired state,
 * the planner, the action executor, image pulls, health probes, restart back-off, status and the
 * event outbox); a {@link SqliteAgentStore} in {@code agent.db} under the node's own data directory
 * (so a node stopped and made again on the same directory resumes from its store, as a rebooted
 * gateway does); a {@link PahoFleetLink} with its own MQTT session to the broker (client id and
 * user name the node id, the password given), with presence as birth and will; a {@link
 * DesiredStateVerifier} pinned to the controller's public key. <b>What is simulated</b>: the
 * containers, by the runtime handed in. The clock is handed in too. That is the first constructor's
 * wiring; the simulator's fleet uses the second, which takes the node's store (in memory, or a file
 * it opened, that outlives the agent as a disk does) and makes the link with a factory (one session
 * per node on a shared selector instead of Paho's threads per session).
 *
 * <p><b>Threads.</b> Sharing is safe because the core runs all its own work on a {@code
 * SerialExecutor} over {@link Threads#pool()} (one task of a node at a time, any number of nodes at
 * once) and only schedules short tasks on {@link Threads#scheduler()}; pulls and probes block their
 * threads for as long as the runtime makes them (see {@link SimulatedContainerRuntime#pull}), so
 * those pools bound how many run at once across the fleet. The node starts no thread of its own;
 * Paho's client does (a few per connection), as on a gateway.
 *
 * <p><b>Lifecycle.</b> The constructor opens the store and builds the link without connecting;
 * {@link #start()} starts the core (first reconcile pass, timers, runtime events, connection);
 * {@link #close()} ends it cleanly. The runtime is not the node's: it stands for the node's Podman,
 * which outlives an agent, so closing the node leaves its containers as they are and the caller
 * closes the runtime when the node's machine is gone. Thread-safe.
 */
public final class VirtualNode implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(VirtualNode.class.getName());

  /** How long {@link #close()} waits for the node's core task in progress on the shared pool. */
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  /**
   * The executors every node of a simulation shares; none is owned, started or shut down by a node.
   *
   * @param scheduler timers: reconcile and summary intervals, probe periods, link reconnects,
   *     CONNACK time-outs, and the simulated runtime's crashes and pull ends; its tasks are short
   * @param pool the cores' work (each core serialises its own tasks on it)
   * @param pulls image pulls; a pull blocks a thread for its pull time
   * @param probes health probes; an exec probe on the simulated runtime returns at once
   */
  public record Threads(
      ScheduledExecutorService scheduler, Executor pool, Executor pulls, Executor probes) {
    public Threads {
      Objects.requireNonNull(scheduler, "scheduler");
      Objects.requireNonNull(pool, "pool");
      Objects.requireNonNull(pulls, "pulls");
      Objects.requireNonNull(probes, "probes");
    }
  }

  /**
   * What differs from node to node, in the terms of the agent's configuration ({@link
   * AgentConfig}). Every value is checked by the agent's own rules when a node is made (see {@link
   * #toAgentConfig()}); what is not here (session expiry, outbox and decode limits) takes the
   * agent's defaults.
   *
   * @param nodeId the node id, {@code [a-z0-9][a-z0-9-]{0,62}}
   * @param brokerUrl e.g. {@code tcp://127.0.0.1:1883}
   * @param password the node's MQTT password; empty for none
   * @param controllerPublicKey the controller's Ed25519 public key as the agent's {@code
   *     controller.public-key} takes it (Base64 of its X.509 encoding)
   * @param dataDir the node's own directory; its store is {@code agent.db} in it
   * @param reconcileInterval the agent's {@code reconcile.interval}
   * @param summaryInterval the agent's {@code status.summary-interval}
   * @param keepAlive the agent's {@code link.keep-alive}
   * @param willDelay the agent's {@code link.will-delay}
   * @param reconnectMin the agent's {@code link.reconnect-min}
   * @param reconnectMax the agent's {@code link.reconnect-max}
   * @param maxInflight the agent's {@code link.max-inflight}
   */
  public record Settings(
      String nodeId,
      String brokerUrl,
      String password,
      String controllerPublicKey,
      Path dataDir,
      Duration reconcileInterval,
      Duration summaryInterval,
      Duration keepAlive,
      Duration willDelay,
      Duration reconnectMin,
      Duration reconnectMax,
      int maxInflight) {
    public Settings {
      Objects.requireNonNull(nodeId, "nodeId");
      Objects.requireNonNull(brokerUrl, "brokerUrl");
      Objects.requireNonNull(password, "password");
      Objects.requireNonNull(controllerPublicKey, "controllerPublicKey");
      Objects.requireNonNull(dataDir, "dataDir");
      Objects.requireNonNull(reconcileInterval, "reconcileInterval");
      Objects.requireNonNull(summaryInterval, "summaryInterval");
      Objects.requireNonNull(keepAlive, "keepAlive");
      Objects.requireNonNull(willDelay, "willDelay");
      Objects.requireNonNull(reconnectMin, "reconnectMin");
      Objects.requireNonNull(reconnectMax, "reconnectMax");
    }

    /**
     * A node with the agent's defaults for every interval and limit, read from {@link AgentConfig}
     * itself (so they follow the agent's), and the five values only a node has.
     *
     * @throws dev.flotilla.agent.config.AgentConfigException when a value is not what the agent
     *     accepts (the message names it)
     */
    public static Settings defaults(
        String nodeId,
        String brokerUrl,
        String password,
        String controllerPublicKey,
        Path dataDir) {
      Properties required = new Properties();
      required.setProperty("node.id", nodeId);
      required.setProperty("broker.url", brokerUrl);
      required.setProperty("broker.password", password);
      required.setProperty("controller.public-key", controllerPublicKey);
      required.setProperty("data.dir", dataDir.toString());
      AgentConfig agent = AgentConfig.from(required, Map.of(), source(nodeId));
      return new Settings(
          nodeId,
          brokerUrl,
          password,
          controllerPublicKey,
          dataDir,
          agent.reconcileInterval(),
          agent.summaryInterval(),
          agent.keepAlive(),
          agent.willDelay(),
          agent.reconnectMin(),
          agent.reconnectMax(),
          agent.maxInflight());
    }

    /**
     * The configuration a gateway agent with these settings would have. The settings go through the
     * agent's own parsing and checks ({@link AgentConfig#from}), so a virtual node accepts and
     * refuses exactly what a gateway's configuration file would, with the same messages; durations
     * are passed in whole milliseconds.
     *
     * @throws dev.flotilla.agent.config.AgentConfigException when a value is not what the agent
     *     accepts
     */
    public AgentConfig toAgentConfig() {
      Properties p = new Properties();
      p.setProperty("node.id", nodeId);
      p.setProperty("broker.url", brokerUrl);
      p.setProperty("broker.password", password);
      p.setProperty("controller.public-key", controllerPublicKey);
      p.setProperty("data.dir", dataDir.toString());
      p.setProperty("reconcile.interval", millis(reconcileInterval));
      p.setProperty("status.summary-interval", millis(summaryInterval));
      p.setProperty("link.keep-alive", millis(keepAlive));
      p.setProperty("link.will-delay", millis(willDelay));
      p.setProperty("link.reconnect-min", millis(reconnectMin));
      p.setProperty("link.reconnect-max", millis(reconnectMax));
      p.setProperty("link.max-inflight", Integer.toString(maxInflight));
      return AgentConfig.from(p, Map.of(), source(nodeId));
    }

    private static String millis(Duration d) {
      return d.toMillis() + "ms";
    }

    private static String source(String nodeId) {
      return "virtual node " + nodeId;
    }
  }

  /** Makes a node's link to the broker from the agent's link settings; not started. */
  @FunctionalInterface
  public interface LinkFactory {
    FleetLink link(LinkSettings settings);
  }

  private final NodeId node;
  private final Settings settings;
  private final SimulatedContainerRuntime runtime;
  private final AgentStore store;
  private final boolean ownsStore;
  private final FleetLink link;
  private final AgentCore core;
  private final TaskGate coreTasks;
  private final TaskGate sideTasks;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * Opens the node's store and builds its link and core; connects nothing until {@link #start()}.
   *
   * @param runtime the node's simulated Podman; not closed by the node
   * @param clock the node's clock: the core, the store's stamps and presence read it
   * @throws dev.flotilla.agent.config.AgentConfigException when a setting is not what the agent
   *     accepts
   */
  public VirtualNode(
      Settings settings, SimulatedContainerRuntime runtime, Clock clock, Threads threads) {
    this(
        settings,
        runtime,
        null,
        clock,
        threads,
        linkSettings -> new PahoFleetLink(linkSettings, threads.scheduler(), clock, new Random()));
  }

  /**
   * A node over a store it is handed and a link from {@code links}: what the simulator's fleet
   * uses. The store stands for the node's disk: it outlives this agent (a crashed or rebooted node
   * is made again over the same store), so the node does not close it.
   *
   * @param store the node's store, open; not closed by the node
   * @param links makes the node's link from the agent's link settings (client id, password,
   *     keep-alive, will delay, back-off, presence)
   */
  public VirtualNode(
      Settings settings,
      AgentStore store,
      SimulatedContainerRuntime runtime,
      Clock clock,
      Threads threads,
      LinkFactory links) {
    this(settings, runtime, Objects.requireNonNull(store, "store"), clock, threads, links);
  }

  private VirtualNode(
      Settings settings,
      SimulatedContainerRuntime runtime,
      @Nullable AgentStore givenStore,
      Clock clock,
      Threads threads,
      LinkFactory links) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(threads, "threads");
    Objects.requireNonNull(links, "links");
    this.runtime = Objects.requireNonNull(runtime, "runtime");
    this.settings = settings;
    AgentConfig config = settings.toAgentConfig();
    this.node = config.node();
    this.coreTasks = new TaskGate(node);
    this.sideTasks = new TaskGate(node);
    String bootId = UUID.randomUUID().toString();
    this.ownsStore = givenStore == null;
    this.store =
        givenStore != null
            ? givenStore
            : SqliteAgentStore.open(config.storeFile(), config.outboxLimits(), clock);
    try {
      AtomicReference<AgentCore> coreRef = new AtomicReference<>();
      this.link =
          links.link(
              config.linkSettings(
                  Agent.VERSION,
                  bootId,
                  () -> {
                    AgentCore c = coreRef.get();
                    return c == null ? 0 : c.appliedGeneration();
                  }));
      this.core =
          new AgentCore(
              config.agentSettings(Agent.VERSION, bootId),
              store,
              runtime,
              link,
              new DesiredStateVerifier(config.controllerKey(), node, config.decodeLimits()),
              clock,
              threads.scheduler(),
              coreTasks.over(threads.pool()),
              sideTasks.over(threads.pulls()),
              sideTasks.over(threads.probes()),
              // The simulated runtime's log reads and follows return at once: the pull pool
              // serves them without holding a thread for long.
              sideTasks.over(threads.pulls()),
              StepHook.NONE);
      coreRef.set(core);
    } catch (RuntimeException e) {
      if (ownsStore) {
        store.close();
      }
      throw e;
    }
  }

  /**
   * Starts the core: loads the stored desired state, runs the first reconcile pass, starts the
   * timers and the runtime's event stream, and connects. Returns at once.
   *
   * @throws IllegalStateException when called twice or after {@link #close()}
   */
  public void start() {
    if (closed.get() || !started.compareAndSet(false, true)) {
      throw new IllegalStateException("virtual node " + node + " was already started or closed");
    }
    core.start();
    LOG.log(Level.DEBUG, "sim.node.started node={0}", node);
  }

  public NodeId nodeId() {
    return node;
  }

  /** What this agent was started with: the agent's defaults and whatever a scenario tuned. */
  public Settings settings() {
    return settings;
  }

  /** The node's simulated Podman: for scenarios to inspect and to inject faults. */
  public SimulatedContainerRuntime runtime() {
    return runtime;
  }

  /** The node's agent core, e.g. for its applied generation. */
  public AgentCore core() {
    return core;
  }

  /** The node's link to the broker: for the simulator's network faults and counters. */
  public FleetLink link() {
    return link;
  }

  /** Whether the node's link is connected to the broker now. */
  public boolean connected() {
    return link.connected();
  }

  /**
   * Ends the node as a clean agent shutdown does: the core stops its timers, probes and runtime
   * event stream, and its link publishes a retained OFFLINE presence and disconnects (so the broker
   * drops the will); then the node waits for its core task in progress (up to 5 s), drops its pulls
   * and probes not yet begun, and closes the store. Containers are left as they are. Blocks up to
   * about 9 s; idempotent; must not be called on a thread of the shared pool while that thread runs
   * this node's task.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    core.close();
    sideTasks.close();
    coreTasks.close();
    if (!coreTasks.awaitIdle(CLOSE_WAIT)) {
      LOG.log(
          Level.WARNING,
          "sim.node.close-timeout node={0} why=a core task still runs after {1} ms; closing the"
              + " store under it",
          node,
          String.valueOf(CLOSE_WAIT.toMillis()));
    }
    if (ownsStore) {
      store.close();
    }
    LOG.log(Level.DEBUG, "sim.node.closed node={0}", node);
  }
}
