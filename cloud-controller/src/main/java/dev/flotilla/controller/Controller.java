package dev.flotilla.controller;

import dev.flotilla.controller.broker.BrokerCounters;
import dev.flotilla.controller.broker.BrokerSettings;
import dev.flotilla.controller.broker.EmbeddedBroker;
import dev.flotilla.controller.command.Commands;
import dev.flotilla.controller.dispatch.BouncyCastleSigning;
import dev.flotilla.controller.dispatch.Dispatcher;
import dev.flotilla.controller.ingest.Ingest;
import dev.flotilla.controller.mqtt.ControllerLink;
import dev.flotilla.controller.mqtt.paho.PahoControllerLink;
import dev.flotilla.controller.rollout.RolloutRunner;
import dev.flotilla.controller.store.FleetStore;
import dev.flotilla.controller.store.jdbc.JdbcFleetStore;
import dev.flotilla.profiles.ProfileCatalog;
import dev.flotilla.protocol.DecodeLimits;
import dev.flotilla.protocol.DesiredStateSigner;
import dev.flotilla.protocol.SigningKeys;
import dev.flotilla.protocol.WireDecoder;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one wiring place of the controller's core: store, secrets, broker (embedded or external), the
 * controller's MQTT link, dispatch, ingest, remote commands and the liveness sweep. The HTTP API
 * sits on top of {@link #fleet()}; the simulator wires the same class.
 *
 * <p>{@link #start} brings everything up in order and publishes anything left unacknowledged by a
 * previous run; {@link #close} takes it down in reverse order.
 */
public final class Controller implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Controller.class);
  private static final long PLACEMENT_TICK_MS = 2_000;

  private final ControllerSettings settings;
  private final FleetStore store;
  private final ControllerSecrets secrets;
  // Replaced by restartBroker; null with an external broker and once closed.
  private volatile @Nullable EmbeddedBroker broker;
  private final BrokerCounters counters = new BrokerCounters();
  private final ControllerLink link;
  private final Ingest ingest;
  private final Dispatcher dispatcher;
  private final ExecutorService dispatchThread;
  private final ScheduledExecutorService timers;
  private final FleetService fleet;
  private final StoreCredentials credentials;
  private final String brokerUrl;
  private final ProfileCatalog profiles;
  private final Commands commands;

  /** Set when a node's state changed since the last placement; the placement tick clears it. */
  private final AtomicBoolean statesChanged = new AtomicBoolean();

  private Controller(ControllerSettings settings, MeterRegistry registry, Clock clock) {
    this.settings = settings;
    Path dataDir = settings.dataDir();
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the data directory " + dataDir, e);
    }
    secrets = ControllerSecrets.loadOrCreate(dataDir);
    profiles = ProfileCatalog.load(settings.profilesDir());
    store =
        settings.jdbcUrl() == null
            ? JdbcFleetStore.openSqlite(dataDir.resolve("controller.db"))
            : JdbcFleetStore.open(settings.jdbcUrl(), settings.jdbcUser(), settings.jdbcPassword());
    EmbeddedBroker startedBroker = null;
    ControllerLink startedLink = null;
    Ingest startedIngest = null;
    try {
      credentials = new StoreCredentials(store, secrets.brokerPassword());
      String linkUrl;
      String user;
      String password;
      if (settings.embeddedBroker()) {
        BrokerSettings bs =
            new BrokerSettings(
                settings.brokerHost(),
                settings.brokerPort(),
                dataDir.resolve("broker"),
                BrokerSettings.DEFAULT_SERVER_RECEIVE_MAXIMUM,
                BrokerSettings.DEFAULT_MAX_PACKET_BYTES);
        startedBroker = EmbeddedBroker.start(bs, credentials, counters);
        linkUrl = startedBroker.localUri();
        user = StoreCredentials.CONTROLLER_USER;
        password = secrets.brokerPassword();
      } else {
        linkUrl = settings.externalBrokerUrl();
        user = settings.externalBrokerUsername();
        password = settings.externalBrokerPassword();
      }
      broker = startedBroker;
      brokerUrl = linkUrl;
      ControllerMetrics metrics =
          new ControllerMetrics(registry, store, broker == null ? null : counters);
      startedIngest =
          new Ingest(
              store,
              new WireDecoder(new DecodeLimits(settings.maxPayloadBytes())),
              clock,
              settings.staleAfter(),
              100_000,
              new Ingest.Listener() {
                @Override
                public void stored(FleetStore.IngestResult result, int messages, long lagNanos) {
                  metrics.stored(result, messages, lagNanos);
                  if (!result.changed().isEmpty()) {
                    statesChanged.set(true);
                  }
                }

                @Override
                public void refused(String kind) {
                  metrics.refused(kind);
                }
              });
      ingest = startedIngest;
      startedLink =
          new PahoControllerLink(
              new PahoControllerLink.Settings(
                  linkUrl,
                  StoreCredentials.CONTROLLER_USER + "-" + ControllerSecrets.randomId(),
                  user,
                  password,
                  BrokerSettings.DEFAULT_SERVER_RECEIVE_MAXIMUM));
      link = startedLink;
      dispatchThread =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "flotilla-dispatch");
                t.setDaemon(true);
                return t;
              });
      timers =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "flotilla-controller-timer");
                t.setDaemon(true);
                return t;
              });
      fleet =
          new FleetService(
              store, credentials, secrets, clock, settings, brokerUrl, broker != null, profiles);
      dispatcher =
          new Dispatcher(
              store,
              fleet::currentDeployments,
              new DesiredStateSigner(
                  SigningKeys.keyId(secrets.signingKey().getPublic()),
                  BouncyCastleSigning.of(secrets.signingKey().getPrivate())),
              link,
              clock,
              dispatchThread,
              settings.staleAfter(),
              profiles,
              settings.unreachableGrace(),
              new RolloutRunner(store),
              metrics);
      fleet.attach(dispatcher, link);
      commands =
          new Commands(
              link,
              store::node,
              new WireDecoder(new DecodeLimits(settings.maxPayloadBytes())),
              clock,
              timers,
              settings.commandTimeout());
    } catch (RuntimeException e) {
      if (startedLink != null) {
        startedLink.close();
      }
      if (startedIngest != null) {
        startedIngest.close();
      }
      if (startedBroker != null) {
        startedBroker.close();
      }
      store.close();
      throw e;
    }
  }

  /** Starts the controller's core with its data in {@code settings.dataDir()}. */
  public static Controller start(ControllerSettings settings, MeterRegistry registry, Clock clock) {
    Controller c = new Controller(settings, registry, clock);
    try {
      c.startRunning();
      return c;
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
  }

  private void startRunning() {
    link.start(ingest::accept, commands::onReply);
    fleet.ensureAdminToken();
    dispatcher.republish();
    dispatcher.request();
    long republish = settings.republishInterval().toMillis();
    timers.scheduleWithFixedDelay(
        () -> dispatcher.republish(), republish, republish, TimeUnit.MILLISECONDS);
    long liveness = settings.livenessInterval().toMillis();
    timers.scheduleWithFixedDelay(this::sweep, liveness, liveness, TimeUnit.MILLISECONDS);
    timers.scheduleWithFixedDelay(
        this::placementTick, PLACEMENT_TICK_MS, PLACEMENT_TICK_MS, TimeUnit.MILLISECONDS);
    LOG.info(
        "controller.started data={} broker={} embedded={}",
        settings.dataDir().toAbsolutePath(),
        brokerUrl,
        broker != null);
  }

  private void sweep() {
    try {
      var stale = store.markStale(fleet.now(), settings.staleAfter());
      if (!stale.isEmpty()) {
        statesChanged.set(true);
        LOG.info("liveness.unreachable count={} first={}", stale.size(), stale.get(0));
      }
    } catch (RuntimeException e) {
      LOG.warn("liveness.sweep-failed reason={}", e.toString());
    }
  }

  /**
   * Asks for a placement run when node states changed (a node went unreachable or came back) or
   * when an unreachable node's grace ran out. Requests coalesce, so a storm of state changes costs
   * one run per tick at most. While a rollout is active, every tick runs: the rollout engine judges
   * soak times, deadlines and pauses against the clock, and nodes' reports arrive all the time.
   */
  private void placementTick() {
    try {
      Instant due = dispatcher.nextChangeAt();
      boolean graceOver = due != null && !fleet.now().isBefore(due);
      boolean rolling = !dispatcher.rollouts().last().active().isEmpty();
      if (statesChanged.getAndSet(false) || graceOver || rolling) {
        dispatcher.request();
      }
    } catch (RuntimeException e) {
      LOG.warn("placement.tick-failed reason={}", e.toString());
    }
  }

  /** The firmware profiles placement reads: the built-in ones and the operator's. */
  public ProfileCatalog profiles() {
    return profiles;
  }

  /** The fleet operations the API calls. */
  public FleetService fleet() {
    return fleet;
  }

  /** Remote commands to nodes (logs, restart, resync, live status); the API calls them. */
  public Commands commands() {
    return commands;
  }

  /** The URL of the broker the controller's own client uses. */
  public String brokerUrl() {
    return brokerUrl;
  }

  /** The embedded broker's port; -1 with an external broker. */
  public int brokerPort() {
    EmbeddedBroker b = broker;
    return b == null ? -1 : b.settings().port();
  }

  /**
   * Stops the embedded broker and, after {@code down}, starts a new one on the same port and data
   * folder, as an operator restarting the broker would: every MQTT session drops, retained desired
   * states and persistent sessions survive on disk, nodes reconnect on their own back-off and the
   * controller's own link reconnects on Paho's. The simulator's broker-restart fault uses it.
   * Blocks until the new broker accepts connections.
   *
   * @throws IllegalStateException with an external broker (restart it where it runs) or once closed
   * @throws dev.flotilla.controller.broker.BrokerStartException when the new broker cannot start
   *     (the controller then has no broker until the next call)
   */
  public synchronized void restartBroker(Duration down) {
    EmbeddedBroker old = broker;
    if (old == null) {
      throw new IllegalStateException(
          settings.embeddedBroker()
              ? "the controller is closed"
              : "the broker is external (" + brokerUrl + "); restart it where it runs");
    }
    BrokerSettings bs = old.settings();
    LOG.info("broker.restarting down={}", down);
    old.close();
    if (!down.isZero() && !down.isNegative()) {
      try {
        Thread.sleep(down.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    broker = EmbeddedBroker.start(bs, credentials, counters);
  }

  public ControllerSettings settings() {
    return settings;
  }

  @Override
  public synchronized void close() {
    if (timers != null) {
      timers.shutdownNow();
    }
    if (dispatchThread != null) {
      dispatchThread.shutdown();
      try {
        dispatchThread.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (dispatcher != null) {
      dispatcher.close();
    }
    if (link != null) {
      link.close();
    }
    if (ingest != null) {
      ingest.close();
    }
    EmbeddedBroker b = broker;
    if (b != null) {
      b.close();
      broker = null;
    }
    store.close();
    LOG.info("controller.stopped");
  }
}
