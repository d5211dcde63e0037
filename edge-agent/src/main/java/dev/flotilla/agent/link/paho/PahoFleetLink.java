package dev.flotilla.agent.link.paho;

import dev.flotilla.agent.link.FleetLink;
import dev.flotilla.agent.link.LinkLog;
import dev.flotilla.agent.link.LinkSettings;
import dev.flotilla.agent.link.PublishFailedException;
import dev.flotilla.agent.link.PublishFailedException.Reason;
import dev.flotilla.protocol.Topics;
import dev.flotilla.protocol.v1.Presence;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.internal.NetworkModuleService;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * {@link FleetLink} over the Eclipse Paho MQTT v5 asynchronous client.
 *
 * <p><b>Session.</b> Client id and user name are the node id; the password is sent when not empty.
 * Clean start is off and the session expires {@link LinkSettings#sessionExpiry()} after a
 * disconnect, so the broker keeps the node's subscription and queued QoS 1 messages across short
 * outages. Paho keeps its own state in memory only ({@link MemoryPersistence}): the agent's outbox
 * is the durable queue, and the link writes no files.
 *
 * <p><b>Presence.</b> Every connection carries an OFFLINE {@link Presence} as its will (retained,
 * QoS 1, with the MQTT 5 will delay from the settings, so a quick reconnect does not flap the
 * node's presence), and publishes a retained ONLINE presence as soon as it is up. {@link #close()}
 * publishes a retained OFFLINE presence itself and then disconnects normally, which makes the
 * broker discard the will.
 *
 * <p><b>Connecting.</b> Paho's automatic reconnect is off: every attempt runs on the injected
 * scheduler with a fresh Paho client, and after a failure or a loss the next attempt waits for
 * {@link ReconnectBackoff#delay}; the back-off starts over after a connection that lasted at least
 * {@code reconnectMax}. An attempt is "connected" (and {@link Listener#onConnected()} called) once
 * the broker has acknowledged the subscriptions to the node's desired and {@code cmd} topics (one
 * SUBSCRIBE, QoS 1 each); the broker then also delivers the retained desired state, and commands
 * queued in the node's session while it was away (unless they expired). A command goes to {@link
 * Listener#onCommand} with its MQTT 5 correlation data; {@link #publishReply} copies that data onto
 * the reply.
 *
 * <p><b>Publishing.</b> {@link #publish} fails at once when the link is not connected: nothing is
 * queued while offline, the caller's outbox keeps the message. While connected, at most {@code
 * min(maxInflight, the broker's receive maximum)} QoS 1 messages are in flight; beyond that they
 * wait, in order, in memory for a free slot, and fail if the connection drops meanwhile. Paho's v5
 * client has no {@code maxInflight} option: it refuses (error 32202) any publish past the broker's
 * receive maximum, so the window is enforced here.
 *
 * <p><b>Threads.</b> Never blocks a caller on the network except in {@link #close()} (bounded,
 * about 2 s for the OFFLINE presence plus 2 s for the disconnect). Listener callbacks and future
 * completions run on Paho's threads or the scheduler, never under this class's lock. Callbacks of a
 * connection that has since been replaced or dropped (each attempt has its own epoch) are ignored,
 * so a late callback never disturbs the current connection. Clients that are no longer wanted are
 * released on short-lived virtual threads, since Paho may not be closed from its own callback
 * thread.
 *
 * <p><b>Paho 1.2.5 defects worked around.</b> A TCP connection that never gets a CONNACK would wait
 * forever: the link abandons an attempt after its connect time-out (the keep-alive, 1 to 30 s). A
 * peer that accepts and drops the connection at once would leak Paho's connect thread: for {@code
 * tcp://} the link uses {@link SettlingSocketFactory}; {@code ssl://} is not covered yet.
 */
public final class PahoFleetLink implements FleetLink {
  private static final System.Logger LOG = System.getLogger(PahoFleetLink.class.getName());

  private static final int QOS = 1;

  /** Reason codes from this value up are failures (MQTT 5, section 2.4). */
  private static final int FIRST_FAILURE_CODE = 0x80;

  /** DISCONNECT reason: "close normally, and publish the will". */
  private static final int DISCONNECT_WITH_WILL = 0x04;

  private static final int NORMAL_DISCONNECTION = 0x00;
  private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);
  private static final int DEFAULT_RECEIVE_MAXIMUM = 65_535;

  private final LinkSettings settings;
  private final ScheduledExecutorService scheduler;
  private final Clock clock;
  private final String nodeId;
  private final String desiredTopic;
  private final String commandTopic;
  private final String replyTopic;
  private final String presenceTopic;

  private final Object lock = new Object();
  // Everything below is guarded by lock.
  private final RandomGenerator random;
  private Lifecycle lifecycle = Lifecycle.NEW;
  private Listener listener;
  private long epochs;
  private Connection current;
  private int failures;
  private ScheduledFuture<?> retry;

  private enum Lifecycle {
    NEW,
    RUNNING,
    CLOSED
  }

  /**
   * A link with the system clock and an unseeded random source for the back-off jitter.
   *
   * @param scheduler runs connection attempts and CONNACK time-outs; never blocked by the link
   */
  public PahoFleetLink(LinkSettings settings, ScheduledExecutorService scheduler) {
    this(settings, scheduler, Clock.systemUTC(), new Random());
  }

  /**
   * @param settings how to connect; the broker URI and the durations are checked here
   * @param scheduler runs connection attempts and CONNACK time-outs; never blocked by the link
   * @param clock stamps presence messages
   * @param random jitter for the reconnect back-off; used under the link's lock only
   * @throws IllegalArgumentException when a setting cannot work (the message names it)
   */
  public PahoFleetLink(
      LinkSettings settings,
      ScheduledExecutorService scheduler,
      Clock clock,
      RandomGenerator random) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
    validate(settings);
    this.nodeId = settings.node().value();
    this.desiredTopic = Topics.desired(settings.node());
    this.commandTopic = Topics.command(settings.node());
    this.replyTopic = Topics.commandReply(settings.node());
    this.presenceTopic = Topics.presence(settings.node());
  }

  @Override
  public void start(Listener listener) {
    Objects.requireNonNull(listener, "listener");
    synchronized (lock) {
      if (lifecycle != Lifecycle.NEW) {
        throw new IllegalStateException("start may be called once; this link is " + lifecycle);
      }
      this.listener = listener;
      lifecycle = Lifecycle.RUNNING;
    }
    log(Level.INFO, "link.starting", "node", nodeId, "uri", settings.brokerUri());
    scheduleAttempt(Duration.ZERO);
  }

  @Override
  public boolean connected() {
    synchronized (lock) {
      return lifecycle == Lifecycle.RUNNING && current != null && current.ready && !current.dead;
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Only the node's status, events and cmd/reply topics may be used: presence belongs to the
   * link. The payload is copied. The future fails with a {@link PublishFailedException}; it
   * completes on a link thread, so stages chained to it without an executor must not block.
   *
   * @throws IllegalArgumentException for {@code DESIRED}, {@code COMMAND} or {@code PRESENCE}
   */
  @Override
  public CompletableFuture<Void> publish(Topics.Kind kind, byte[] payload) {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(payload, "payload");
    if (!kind.fromNode() || kind == Topics.Kind.PRESENCE) {
      throw new IllegalArgumentException(
          "a node publishes only status, events and cmd/reply through the link, not " + kind);
    }
    return enqueue(
        new Outgoing(Topics.of(settings.node(), kind), payload.clone(), false, null, "publish"));
  }

  /**
   * {@inheritDoc}
   *
   * <p>The payload and the correlation data are copied. Replies share the in-flight window with
   * status and events, in order.
   */
  @Override
  public CompletableFuture<Void> publishReply(byte[] payload, byte[] correlationData) {
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(correlationData, "correlationData");
    return enqueue(
        new Outgoing(
            replyTopic,
            payload.clone(),
            false,
            correlationData.length == 0 ? null : correlationData.clone(),
            "reply"));
  }

  private CompletableFuture<Void> enqueue(Outgoing outgoing) {
    Connection connection;
    synchronized (lock) {
      connection = current;
      if (lifecycle != Lifecycle.RUNNING
          || connection == null
          || !connection.ready
          || connection.dead) {
        return CompletableFuture.failedFuture(
            new PublishFailedException(
                lifecycle == Lifecycle.CLOSED ? Reason.CLOSED : Reason.NOT_CONNECTED,
                -1,
                "the link to "
                    + settings.brokerUri()
                    + " is "
                    + (lifecycle == Lifecycle.CLOSED ? "closed" : "not connected")
                    + "; keep the message and publish it after onConnected",
                null));
      }
      connection.waiting.add(outgoing);
    }
    pump(connection);
    return outgoing.result;
  }

  /**
   * Publishes a retained OFFLINE presence (waiting up to 2 s for the broker), disconnects normally
   * and releases the client; messages still waiting or in flight fail with {@link Reason#CLOSED}.
   * When the OFFLINE presence cannot be published, the disconnect asks the broker to publish the
   * will instead. Idempotent. Blocks up to about 4 s; do not call it from a listener callback.
   */
  @Override
  public void close() {
    Connection connection;
    ScheduledFuture<?> pendingRetry;
    List<Outgoing> orphans = List.of();
    synchronized (lock) {
      if (lifecycle == Lifecycle.CLOSED) {
        return;
      }
      lifecycle = Lifecycle.CLOSED;
      pendingRetry = retry;
      retry = null;
      connection = current;
      current = null;
      if (connection != null) {
        connection.dead = true;
        orphans = connection.takeUnfinished();
      }
    }
    if (pendingRetry != null) {
      pendingRetry.cancel(false);
    }
    fail(orphans, Reason.CLOSED, "the link was closed", null);
    if (connection != null) {
      sayGoodbye(connection);
    }
    log(Level.INFO, "link.closed", "node", nodeId);
  }

  // ---- connecting ----

  private void scheduleAttempt(Duration delay) {
    ScheduledFuture<?> scheduled;
    try {
      scheduled = scheduler.schedule(this::attempt, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      log(
          Level.ERROR,
          "link.schedule.rejected",
          "node",
          nodeId,
          "why",
          "the scheduler refused the next connection attempt; the link stays down");
      return;
    }
    synchronized (lock) {
      if (lifecycle == Lifecycle.RUNNING) {
        retry = scheduled;
        return;
      }
    }
    scheduled.cancel(false);
  }

  /** One connection attempt, on the scheduler. */
  private void attempt() {
    MqttConnectionOptions options;
    try {
      options = connectionOptions();
    } catch (RuntimeException e) {
      // appliedGeneration is the agent's code; a failure there must not stop the link for good.
      log(Level.ERROR, "link.connect.failed", e, "node", nodeId, "why", "cannot build the will");
      retryLater(false, "cannot build the will: " + e);
      return;
    }
    MqttAsyncClient client;
    try {
      client = new MqttAsyncClient(settings.brokerUri(), nodeId, new MemoryPersistence());
    } catch (MqttException | RuntimeException e) {
      retryLater(false, "cannot create the MQTT client: " + describe(e));
      return;
    }
    Connection connection = null;
    synchronized (lock) {
      retry = null;
      if (lifecycle == Lifecycle.RUNNING && current == null) {
        connection = new Connection(++epochs, client);
        client.setCallback(new Callbacks(connection));
        current = connection;
      }
    }
    if (connection == null) {
      // Closed meanwhile, or a duplicate attempt: this client never started connecting.
      Thread.ofVirtual().name("flotilla-link-release-" + nodeId).start(() -> release(client));
      return;
    }
    connect(connection, options);
  }

  private void connect(Connection connection, MqttConnectionOptions options) {
    log(
        Level.DEBUG,
        "link.connecting",
        "node",
        nodeId,
        "uri",
        settings.brokerUri(),
        "epoch",
        connection.epoch);
    try {
      connection.client.connect(options, null, new ConnectListener(connection));
    } catch (MqttException | RuntimeException e) {
      connection.setUp.complete(null);
      drop(connection, "connect failed: " + describe(e));
      return;
    }
    // Paho 1.2.5 waits for a CONNACK forever once the TCP connection is up (its keep-alive starts
    // only with the CONNACK), so an attempt that gets no answer is abandoned here.
    Duration timeout = connectTimeout();
    try {
      scheduler.schedule(
          () -> connackTimedOut(connection, timeout), timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      drop(connection, "the scheduler is shut down");
    }
  }

  private void connackTimedOut(Connection connection, Duration timeout) {
    synchronized (lock) {
      if (connection.connackReceived || connection.dead) {
        return;
      }
    }
    connection.setUp.complete(null); // long past Paho's set-up: safe to shut down now
    drop(connection, "no CONNACK within " + timeout.toSeconds() + " s");
  }

  /** How long an attempt may take up to the CONNACK: the keep-alive, at least 1 s, at most 30 s. */
  private Duration connectTimeout() {
    Duration keepAlive = settings.keepAlive();
    if (keepAlive.isZero() || keepAlive.compareTo(MAX_CONNECT_TIMEOUT) > 0) {
      return MAX_CONNECT_TIMEOUT;
    }
    return Duration.ofSeconds(Math.max(1, seconds(keepAlive)));
  }

  private MqttConnectionOptions connectionOptions() {
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setUserName(nodeId);
    if (!settings.password().isEmpty()) {
      options.setPassword(settings.password().getBytes(StandardCharsets.UTF_8));
    }
    options.setCleanStart(false);
    options.setSessionExpiryInterval(seconds(settings.sessionExpiry()));
    options.setKeepAliveInterval((int) seconds(settings.keepAlive()));
    options.setConnectionTimeout((int) connectTimeout().toSeconds());
    options.setAutomaticReconnect(false);
    if (settings.brokerUri().startsWith("tcp://")) {
      options.setSocketFactory(new SettlingSocketFactory());
    }
    MqttMessage will = presenceMessage(Presence.State.OFFLINE);
    options.setWill(presenceTopic, will);
    MqttProperties willProperties = new MqttProperties();
    willProperties.setWillDelayInterval(seconds(settings.willDelay()));
    options.setWillMessageProperties(willProperties);
    return options;
  }

  private void onConnack(Connection connection, IMqttToken token) {
    MqttProperties properties = token.getResponseProperties();
    Integer brokerMaximum = properties == null ? null : properties.getReceiveMaximum();
    int receiveMaximum = brokerMaximum == null ? DEFAULT_RECEIVE_MAXIMUM : brokerMaximum;
    Outgoing birth;
    try {
      birth =
          new Outgoing(presenceTopic, presenceBytes(Presence.State.ONLINE), true, null, "birth");
    } catch (RuntimeException e) {
      drop(connection, "cannot build the ONLINE presence: " + e);
      return;
    }
    synchronized (lock) {
      if (connection.dead || connection != current) {
        birth = null;
      } else {
        connection.connackReceived = true;
        connection.window = Math.min(settings.maxInflight(), receiveMaximum);
        connection.waiting.add(birth);
      }
    }
    if (birth == null) {
      discard(connection); // closed or replaced while connecting
      return;
    }
    log(
        Level.INFO,
        "link.connected",
        "node",
        nodeId,
        "uri",
        settings.brokerUri(),
        "epoch",
        connection.epoch,
        "session_present",
        token.getSessionPresent(),
        "receive_maximum",
        receiveMaximum,
        "window",
        Math.min(settings.maxInflight(), receiveMaximum));
    birth.result.whenComplete(
        (ok, failure) -> {
          if (failure != null) {
            log(Level.WARNING, "link.birth.failed", "node", nodeId, "cause", failure.getMessage());
          }
        });
    pump(connection);
    subscribe(connection);
  }

  private void subscribe(Connection connection) {
    try {
      connection.client.subscribe(
          new MqttSubscription[] {
            new MqttSubscription(desiredTopic, QOS), new MqttSubscription(commandTopic, QOS)
          },
          null,
          new SubscribeListener(connection),
          new MqttProperties());
    } catch (MqttException | RuntimeException e) {
      drop(connection, "subscribe failed: " + describe(e));
    }
  }

  private void onSuback(Connection connection, IMqttToken token) {
    int refused = firstFailure(token.getReasonCodes());
    if (refused >= 0) {
      log(
          Level.ERROR,
          "link.subscribe.refused",
          "node",
          nodeId,
          "topics",
          desiredTopic + "," + commandTopic,
          "reason_code",
          hex(refused),
          "reason",
          reasonString(token),
          "hint",
          "the broker must let user "
              + nodeId
              + " subscribe to "
              + desiredTopic
              + " and "
              + commandTopic);
      drop(
          connection,
          "the broker refused the subscription to " + desiredTopic + " or " + commandTopic);
      return;
    }
    Listener target;
    synchronized (lock) {
      if (connection.dead || connection != current) {
        return;
      }
      connection.ready = true;
      connection.readyAt = clock.instant();
      target = listener;
    }
    log(
        Level.DEBUG,
        "link.subscribed",
        "node",
        nodeId,
        "topics",
        desiredTopic + "," + commandTopic);
    try {
      target.onConnected();
    } catch (RuntimeException e) {
      log(Level.ERROR, "link.listener.failed", e, "node", nodeId, "callback", "onConnected");
    }
  }

  private void onMessage(Connection connection, String topic, MqttMessage message) {
    Listener target;
    synchronized (lock) {
      if (connection.dead || connection != current) {
        return; // a late delivery on a replaced connection; the retained state comes again
      }
      target = listener;
    }
    if (commandTopic.equals(topic)) {
      MqttProperties properties = message.getProperties();
      byte[] correlation = properties == null ? null : properties.getCorrelationData();
      try {
        target.onCommand(message.getPayload(), correlation == null ? new byte[0] : correlation);
      } catch (RuntimeException e) {
        log(Level.ERROR, "link.listener.failed", e, "node", nodeId, "callback", "onCommand");
      }
      return;
    }
    if (!desiredTopic.equals(topic)) {
      log(
          Level.WARNING,
          "link.message.ignored",
          "node",
          nodeId,
          "topic",
          topic,
          "bytes",
          message.getPayload().length);
      return;
    }
    try {
      target.onDesired(message.getPayload());
    } catch (RuntimeException e) {
      // Swallowed: thrown back into Paho it would tear the connection down.
      log(Level.ERROR, "link.listener.failed", e, "node", nodeId, "callback", "onDesired");
    }
  }

  /**
   * The end of {@code connection}, whatever the cause; the first call wins. Fails what it had not
   * finished, releases its client, tells the listener when it had been told about the connection,
   * and schedules the next attempt.
   */
  private void drop(Connection connection, String cause) {
    boolean alreadyDead;
    List<Outgoing> orphans = List.of();
    boolean wasCurrent = false;
    boolean wasConnected = false;
    boolean wasReady = false;
    Listener target;
    synchronized (lock) {
      if (connection.dead) {
        // Closed or replaced while it was still connecting: its client could not be closed then.
        alreadyDead = true;
      } else {
        alreadyDead = false;
        connection.dead = true;
        orphans = connection.takeUnfinished();
        wasCurrent = connection == current;
        wasConnected = connection.connackReceived;
        wasReady = connection.ready;
        if (wasCurrent) {
          current = null;
          // The back-off starts over only after a connection that lasted: a broker that accepts
          // and then drops the node at once (two agents with the same node id taking the session
          // from each other, say) keeps backing off instead of being hammered.
          if (wasReady
              && Duration.between(connection.readyAt, clock.instant())
                      .compareTo(settings.reconnectMax())
                  >= 0) {
            failures = 0;
          }
        }
      }
      target = listener;
    }
    if (alreadyDead) {
      discard(connection);
      return;
    }
    fail(orphans, Reason.CONNECTION_LOST, "the connection dropped: " + cause, null);
    discard(connection);
    if (!wasCurrent) {
      return;
    }
    if (wasConnected) {
      log(
          Level.WARNING,
          "link.connection.lost",
          "node",
          nodeId,
          "epoch",
          connection.epoch,
          "cause",
          cause);
    }
    if (wasReady) {
      try {
        target.onConnectionLost(cause);
      } catch (RuntimeException e) {
        log(Level.ERROR, "link.listener.failed", e, "node", nodeId, "callback", "onConnectionLost");
      }
    }
    retryLater(wasConnected, cause);
  }

  private void retryLater(boolean afterConnection, String cause) {
    Duration delay;
    boolean firstFailure;
    synchronized (lock) {
      if (lifecycle != Lifecycle.RUNNING) {
        return;
      }
      delay =
          ReconnectBackoff.delay(
              failures, settings.reconnectMin(), settings.reconnectMax(), random);
      firstFailure = failures == 0;
      failures = Math.min(failures + 1, 64);
    }
    if (!afterConnection) {
      // A node that stays away for days retries thousands of times: one warning, then info.
      log(
          firstFailure ? Level.WARNING : Level.INFO,
          "link.connect.failed",
          "node",
          nodeId,
          "uri",
          settings.brokerUri(),
          "cause",
          cause,
          "retry_in_ms",
          delay.toMillis());
    } else {
      log(Level.INFO, "link.reconnect.scheduled", "node", nodeId, "retry_in_ms", delay.toMillis());
    }
    scheduleAttempt(delay);
  }

  /**
   * Releases the client of a connection that is no longer wanted, on a virtual thread of its own:
   * Paho must not be closed from its own callback thread, and releasing may wait.
   *
   * <p>While Paho 1.2.5 is still setting a connection up (between the TCP connect and sending the
   * CONNECT), shutting it down leaves its connect thread polling forever (the defect described in
   * {@link SettlingSocketFactory}). So a client whose connect has not completed is released only
   * once it has, or once the attempt has timed out (by then Paho is past that stage).
   */
  private void discard(Connection connection) {
    Thread.ofVirtual()
        .name("flotilla-link-release-" + nodeId)
        .start(
            () -> {
              try {
                connection.setUp.get(connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
              } catch (TimeoutException | ExecutionException e) {
                // The CONNACK timer settles it at about the same moment; go ahead.
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              release(connection.client);
            });
  }

  /**
   * Ends whatever {@code client} is doing without a DISCONNECT (so the broker publishes the will if
   * it was connected) and closes it. A connection attempt that is still waiting for its CONNACK is
   * ended too, which fails its connect callback; that callback finds the connection dead and
   * releases the client again, harmlessly.
   */
  private void release(MqttAsyncClient client) {
    try {
      client.disconnectForcibly(0, CLOSE_WAIT.toMillis(), false);
    } catch (MqttException | RuntimeException e) {
      log(
          Level.DEBUG,
          "link.client.release",
          "node",
          nodeId,
          "step",
          "disconnect",
          "cause",
          describe(e));
    }
    try {
      client.close(true);
    } catch (MqttException | RuntimeException e) {
      log(
          Level.DEBUG,
          "link.client.release",
          "node",
          nodeId,
          "step",
          "close",
          "cause",
          describe(e));
    }
  }

  private void sayGoodbye(Connection connection) {
    MqttAsyncClient client = connection.client;
    if (!client.isConnected()) {
      discard(connection); // still connecting: released when Paho is done with the attempt
      return;
    }
    boolean announced = false;
    try {
      IMqttToken token = client.publish(presenceTopic, presenceMessage(Presence.State.OFFLINE));
      token.waitForCompletion(CLOSE_WAIT.toMillis());
      announced = token.isComplete() && firstFailure(token.getReasonCodes()) < 0;
    } catch (MqttException | RuntimeException e) {
      log(Level.WARNING, "link.offline.failed", "node", nodeId, "cause", describe(e));
    }
    // A normal DISCONNECT makes the broker drop the will. When the OFFLINE presence did not get
    // through, ask it to publish the will instead (after the will delay).
    int reason = announced ? NORMAL_DISCONNECTION : DISCONNECT_WITH_WILL;
    try {
      client
          .disconnect(CLOSE_WAIT.toMillis(), null, null, reason, new MqttProperties())
          .waitForCompletion(CLOSE_WAIT.toMillis());
    } catch (MqttException e) {
      log(Level.DEBUG, "link.disconnect.failed", "node", nodeId, "cause", describe(e));
    }
    log(Level.DEBUG, "link.disconnected", "node", nodeId, "offline_published", announced);
    release(client);
  }

  // ---- publishing ----

  /**
   * Hands waiting messages of {@code connection} to Paho while there are free slots. One thread
   * pumps at a time, so messages leave in the order they were queued; Paho is never called under
   * the lock.
   */
  private void pump(Connection connection) {
    synchronized (lock) {
      if (connection.pumping) {
        return; // the pumping thread re-checks the queue before it stops
      }
      connection.pumping = true;
    }
    while (true) {
      Outgoing next;
      synchronized (lock) {
        if (connection.dead
            || connection.waiting.isEmpty()
            || connection.inFlight >= connection.window) {
          connection.pumping = false;
          return;
        }
        next = connection.waiting.poll();
        connection.inFlight++;
        connection.sent.add(next);
      }
      send(connection, next);
    }
  }

  private void send(Connection connection, Outgoing outgoing) {
    MqttMessage message = new MqttMessage(outgoing.payload);
    message.setQos(QOS);
    message.setRetained(outgoing.retained);
    if (outgoing.correlationData != null) {
      MqttProperties properties = new MqttProperties();
      properties.setCorrelationData(outgoing.correlationData);
      message.setProperties(properties);
    }
    try {
      connection.client.publish(
          outgoing.topic, message, null, new PublishListener(connection, outgoing));
    } catch (MqttException | RuntimeException e) {
      settle(
          connection,
          outgoing,
          new PublishFailedException(
              Reason.CONNECTION_LOST, -1, "Paho refused the publish: " + describe(e), e));
    }
  }

  private void onPuback(Connection connection, Outgoing outgoing, IMqttToken token) {
    int refused = firstFailure(token.getReasonCodes());
    if (refused < 0) {
      settle(connection, outgoing, null);
      return;
    }
    String reason = reasonString(token);
    log(
        Level.WARNING,
        "link.publish.refused",
        "node",
        nodeId,
        "topic",
        outgoing.topic,
        "reason_code",
        hex(refused),
        "reason",
        reason);
    settle(
        connection,
        outgoing,
        new PublishFailedException(
            Reason.REFUSED,
            refused,
            "the broker refused the message on "
                + outgoing.topic
                + " with reason code "
                + hex(refused)
                + (reason.isEmpty() ? "" : " (" + reason + ")"),
            null));
  }

  /** The end of one message: frees its slot, completes its future, sends the next. */
  private void settle(Connection connection, Outgoing outgoing, PublishFailedException failure) {
    synchronized (lock) {
      if (connection.sent.remove(outgoing)) {
        connection.inFlight--;
      }
    }
    if (failure == null) {
      outgoing.result.complete(null);
    } else {
      outgoing.result.completeExceptionally(failure);
    }
    pump(connection);
  }

  private static void fail(List<Outgoing> orphans, Reason reason, String why, Throwable cause) {
    for (Outgoing outgoing : orphans) {
      outgoing.result.completeExceptionally(new PublishFailedException(reason, -1, why, cause));
    }
  }

  // ---- helpers ----

  private MqttMessage presenceMessage(Presence.State state) {
    MqttMessage message = new MqttMessage(presenceBytes(state));
    message.setQos(QOS);
    message.setRetained(true);
    return message;
  }

  private byte[] presenceBytes(Presence.State state) {
    return PresenceMessages.presence(settings, state, clock.instant()).toByteArray();
  }

  private static int firstFailure(int[] reasonCodes) {
    if (reasonCodes != null) {
      for (int code : reasonCodes) {
        if (code >= FIRST_FAILURE_CODE) {
          return code;
        }
      }
    }
    return -1;
  }

  private static String reasonString(IMqttToken token) {
    MqttProperties properties = token.getResponseProperties();
    String reason = properties == null ? null : properties.getReasonString();
    return reason == null ? "" : reason;
  }

  private static String hex(int code) {
    return String.format("0x%02X", code);
  }

  private static String describe(Throwable e) {
    if (e instanceof MqttException m) {
      return "MQTT error "
          + m.getReasonCode()
          + " ("
          + m.getMessage()
          + ")"
          + (m.getCause() == null ? "" : " caused by " + m.getCause());
    }
    return String.valueOf(e);
  }

  private static String describe(MqttDisconnectResponse response) {
    if (response == null) {
      return "connection lost";
    }
    if (response.getException() != null) {
      return describe(response.getException());
    }
    String reason = response.getReasonString();
    return "the broker disconnected with reason code "
        + hex(response.getReturnCode())
        + (reason == null ? "" : " (" + reason + ")");
  }

  /** Whole seconds, rounded up, for MQTT's second-granular intervals. */
  private static long seconds(Duration duration) {
    return LinkSettings.wholeSeconds(duration);
  }

  private static void validate(LinkSettings settings) {
    try {
      NetworkModuleService.validateURI(settings.brokerUri());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "brokerUri '"
              + settings.brokerUri()
              + "' is not a broker address Paho can use (tcp://host:port, ssl://host:port,"
              + " ws://..., wss://...): "
              + e.getMessage(),
          e);
    }
    settings.checkMqttLimits();
  }

  private static void log(Level level, String event, Object... keyValues) {
    log(level, event, null, keyValues);
  }

  private static void log(Level level, String event, Throwable thrown, Object... keyValues) {
    LinkLog.log(LOG, level, event, thrown, keyValues);
  }

  // ---- per-connection state and Paho callbacks ----

  /** One message on its way to the broker. Identity matters: equal payloads are distinct. */
  private static final class Outgoing {
    final String topic;
    final byte[] payload;
    final boolean retained;
    final byte[] correlationData; // null for none
    final String what;
    final CompletableFuture<Void> result = new CompletableFuture<>();

    Outgoing(String topic, byte[] payload, boolean retained, byte[] correlationData, String what) {
      this.topic = topic;
      this.payload = payload;
      this.retained = retained;
      this.correlationData = correlationData;
      this.what = what;
    }

    @Override
    public String toString() {
      return what + " on " + topic;
    }
  }

  /**
   * One connection attempt and, if it succeeds, the connection. Fields other than {@code epoch} and
   * {@code client} are guarded by the link's lock.
   */
  private static final class Connection {
    final long epoch;
    final MqttAsyncClient client;

    /**
     * Completes when Paho is done setting the attempt up (its connect succeeded, failed or timed
     * out), after which the client may be shut down safely.
     */
    final CompletableFuture<Void> setUp = new CompletableFuture<>();

    boolean connackReceived;
    boolean ready;
    Instant readyAt;
    boolean dead;
    boolean pumping;
    int window = 1;
    int inFlight;
    final ArrayDeque<Outgoing> waiting = new ArrayDeque<>();
    final Set<Outgoing> sent = Collections.newSetFromMap(new IdentityHashMap<>());

    Connection(long epoch, MqttAsyncClient client) {
      this.epoch = epoch;
      this.client = client;
    }

    /** Everything not yet acknowledged, removed from this connection. */
    List<Outgoing> takeUnfinished() {
      List<Outgoing> unfinished = new ArrayList<>(sent);
      unfinished.addAll(waiting);
      sent.clear();
      waiting.clear();
      inFlight = 0;
      return unfinished;
    }
  }

  private final class ConnectListener implements MqttActionListener {
    private final Connection connection;

    ConnectListener(Connection connection) {
      this.connection = connection;
    }

    @Override
    public void onSuccess(IMqttToken token) {
      connection.setUp.complete(null);
      onConnack(connection, token);
    }

    @Override
    public void onFailure(IMqttToken token, Throwable exception) {
      connection.setUp.complete(null);
      drop(connection, describe(exception));
    }
  }

  private final class SubscribeListener implements MqttActionListener {
    private final Connection connection;

    SubscribeListener(Connection connection) {
      this.connection = connection;
    }

    @Override
    public void onSuccess(IMqttToken token) {
      onSuback(connection, token);
    }

    @Override
    public void onFailure(IMqttToken token, Throwable exception) {
      drop(connection, "subscribe failed: " + describe(exception));
    }
  }

  private final class PublishListener implements MqttActionListener {
    private final Connection connection;
    private final Outgoing outgoing;

    PublishListener(Connection connection, Outgoing outgoing) {
      this.connection = connection;
      this.outgoing = outgoing;
    }

    @Override
    public void onSuccess(IMqttToken token) {
      onPuback(connection, outgoing, token);
    }

    @Override
    public void onFailure(IMqttToken token, Throwable exception) {
      settle(
          connection,
          outgoing,
          new PublishFailedException(
              Reason.CONNECTION_LOST,
              -1,
              "no PUBACK for " + outgoing + ": " + describe(exception),
              exception));
    }
  }

  private final class Callbacks implements MqttCallback {
    private final Connection connection;

    Callbacks(Connection connection) {
      this.connection = connection;
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {
      drop(connection, describe(response));
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
      log(
          Level.WARNING,
          "link.protocol.error",
          "node",
          nodeId,
          "epoch",
          connection.epoch,
          "cause",
          describe(exception));
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      onMessage(connection, topic, message);
    }

    @Override
    public void deliveryComplete(IMqttToken token) {}

    @Override
    public void connectComplete(boolean reconnect, String serverUri) {}

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {}
  }
}
