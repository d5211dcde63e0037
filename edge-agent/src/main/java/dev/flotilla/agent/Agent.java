package dev.flotilla.agent;

import dev.flotilla.agent.config.AgentConfig;
import dev.flotilla.agent.core.AgentCore;
import dev.flotilla.agent.core.StepHook;
import dev.flotilla.agent.link.paho.PahoFleetLink;
import dev.flotilla.agent.runtime.podman.PodmanContainerRuntime;
import dev.flotilla.agent.store.sqlite.SqliteAgentStore;
import dev.flotilla.protocol.DesiredStateVerifier;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one wiring place of a real agent: SQLite store, Podman runtime, Paho link, and the core over
 * them, with the agent's few threads. The simulator wires the same core differently.
 */
public final class Agent implements AutoCloseable {
  /** The agent's version, reported in presence. */
  public static final String VERSION = "0.1.0";

  private final SqliteAgentStore store;
  private final PodmanContainerRuntime runtime;
  private final PahoFleetLink link;
  private final AgentCore core;
  private final ScheduledExecutorService timers;
  private final ExecutorService coreThread;
  private final ExecutorService pulls;
  private final ExecutorService probes;
  private final ExecutorService commands;

  private Agent(AgentConfig config, Clock clock, StepHook hook) {
    timers = Executors.newSingleThreadScheduledExecutor(threads("flotilla-timer"));
    coreThread = Executors.newSingleThreadExecutor(threads("flotilla-core"));
    pulls = Executors.newSingleThreadExecutor(threads("flotilla-pull"));
    probes = Executors.newFixedThreadPool(2, threads("flotilla-probe"));
    // A virtual thread per command: a log follow blocks its thread for minutes.
    commands =
        Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("flotilla-command-", 1).factory());
    store = SqliteAgentStore.open(config.storeFile(), config.outboxLimits());
    runtime = new PodmanContainerRuntime(config.podmanSocket());
    AtomicReference<AgentCore> coreRef = new AtomicReference<>();
    String bootId = UUID.randomUUID().toString();
    link =
        new PahoFleetLink(
            config.linkSettings(
                VERSION,
                bootId,
                () -> {
                  AgentCore c = coreRef.get();
                  return c == null ? 0 : c.appliedGeneration();
                }),
            timers);
    core =
        new AgentCore(
            config.agentSettings(VERSION, bootId),
            store,
            runtime,
            link,
            new DesiredStateVerifier(config.controllerKey(), config.node(), config.decodeLimits()),
            clock,
            timers,
            coreThread,
            pulls,
            probes,
            commands,
            hook);
    coreRef.set(core);
  }

  /** Starts an agent; returns once it runs (it reconciles and connects in the background). */
  public static Agent start(AgentConfig config, Clock clock) {
    return start(config, clock, StepHook.NONE);
  }

  /** For tests that interrupt the agent at step boundaries. */
  public static Agent start(AgentConfig config, Clock clock, StepHook hook) {
    Agent agent = new Agent(config, clock, hook);
    agent.core.start();
    return agent;
  }

  public AgentCore core() {
    return core;
  }

  @Override
  public void close() {
    core.close();
    for (ExecutorService pool :
        new ExecutorService[] {timers, coreThread, pulls, probes, commands}) {
      pool.shutdownNow();
    }
    try {
      coreThread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    runtime.close();
    store.close();
  }

  private static ThreadFactory threads(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
