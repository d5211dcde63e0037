package dev.flotilla.simulator.link;

import dev.flotilla.agent.link.FleetLink;
import dev.flotilla.agent.link.LinkLog;
import dev.flotilla.agent.link.LinkSettings;
import dev.flotilla.agent.link.PublishFailedException;
import dev.flotilla.agent.link.PublishFailedException.Reason;
import dev.flotilla.agent.link.paho.PahoFleetLink;
import dev.flotilla.agent.link.paho.PresenceMessages;
import dev.flotilla.agent.link.paho.ReconnectBackoff;
import dev.flotilla.protocol.Topics;
import dev.flotilla.protocol.v1.Presence;
import dev.flotilla.simulator.link.MqttPackets.Connack;
import dev.flotilla.simulator.link.MqttPackets.Connect;
import dev.flotilla.simulator.link.MqttPackets.Disconnect;
import dev.flotilla.simulator.link.MqttPackets.Packet;
import dev.flotilla.simulator.link.MqttPackets.PingReq;
import dev.flotilla.simulator.link.MqttPackets.PingResp;
import dev.flotilla.simulator.link.MqttPackets.Puback;
import dev.flotilla.simulator.link.MqttPackets.Publish;
import dev.flotilla.simulator.link.MqttPackets.Suback;
import dev.flotilla.simulator.link.MqttPackets.Subscribe;
import dev.flotilla.simulator.link.MqttPackets.Subscription;
import dev.flotilla.simulator.link.MqttPackets.Will;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.random.RandomGenerator;

/**
 * {@link FleetLink} for virtual nodes: the agent's link contract over the simulator's own small
 * MQTT 5 client, whose sockets are served by one {@link LinkHub} thread for the whole JVM. Made by
 * {@link LinkHub#link}. The real agent keeps {@link PahoFleetLink}; this class reproduces its wire
 * contract, which the controller relies on, and adds the simulated network's faults.
 *
 * <p><b>Wire contract (as {@link PahoFleetLink}).</b> Client id and user name are the node id; the
 * password is sent when not empty. Clean Start is off and the Session Expiry Interval is {@link
 * LinkSettings#sessionExpiry()}; the keep-alive is {@link LinkSettings#keepAlive()} (or the Server
 * Keep Alive of the CONNACK). The will is a retained QoS 1 OFFLINE {@link Presence} on the node's
 * presence topic with the Will Delay Interval {@link LinkSettings#willDelay()}. After a successful
 * CONNACK the link publishes the retained QoS 1 ONLINE presence (the birth) and subscribes to the
 * node's desired and {@code cmd} topics at QoS 1 (one SUBSCRIBE), in that order, as Paho's link
 * does; once the SUBACK grants both the link is connected and calls {@link Listener#onConnected()}.
 * A PUBLISH on the desired topic goes to {@link Listener#onDesired}, one on the cmd topic to {@link
 * Listener#onCommand} with its correlation data, and each is acknowledged (PUBACK) after the
 * listener returns. {@link #publishReply} sends the correlation data back on {@code cmd/reply}.
 *
 * <p><b>Connecting.</b> Every attempt is a new TCP connection. An attempt that gets no CONNACK
 * within its connect time-out (the keep-alive, 1 to 30 s, as Paho's) is given up; after a failure
 * or a loss the next attempt waits {@link ReconnectBackoff#delay}, which starts over after a
 * connection that lasted at least {@code reconnectMax}. A DISCONNECT from the broker (session taken
 * over, say), a socket closed or reset, bytes that are not MQTT and the keep-alive time-out all end
 * the connection the same way: in-flight publishes fail, {@link Listener#onConnectionLost} is
 * called when {@code onConnected} had been, and the link reconnects.
 *
 * <p><b>Keep-alive.</b> A PINGREQ goes out when nothing was sent, or nothing received, for the
 * keep-alive; the connection is lost when nothing at all has arrived for 1.5 times the keep-alive
 * (the broker's own limit for the client). So a simulated round trip longer than half the
 * keep-alive makes the link flap, as it would make a real one.
 *
 * <p><b>Publishing.</b> {@link #publish} fails at once when the link is not connected. While
 * connected, up to {@code min(maxInflight, the broker's Receive Maximum)} QoS 1 publishes are in
 * flight at once, the birth and the OFFLINE presence included; the node's own publishes beyond that
 * wait in order for a slot. Unlike Paho's link, which lets them wait without limit, a publish that
 * would make more than {@code maxInflight} of the node's own messages outstanding (in flight or
 * waiting) fails at once with {@link Reason#REFUSED} and reason code -1: the caller keeps it and
 * sends it again later. Futures complete on the hub thread: stages chained without an executor must
 * be quick.
 *
 * <p><b>Faults.</b> {@link #partition}, {@link #latency} and {@link #drop} change the simulated
 * network between this node and the broker; see their comments and {@link Wire}.
 *
 * <p><b>Threads.</b> All state lives on the hub thread; the public methods hand their work to it.
 * Listener callbacks run on the hub thread and must return quickly (every link of the hub waits
 * meanwhile). Callbacks of a connection that has since been replaced or ended (each attempt is its
 * own {@code Session}) are ignored. Thread-safe.
 */
public final class HubFleetLink implements FleetLink {
  private static final System.Logger LOG = System.getLogger(HubFleetLink.class.getName());

  private static final int QOS = 1;
  private static final int NORMAL_DISCONNECTION = 0x00;

  /** DISCONNECT reason: "close normally, and publish the will". */
  private static final int DISCONNECT_WITH_WILL = 0x04;

  private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);
  private static final Duration HUB_WAIT = Duration.ofSeconds(5);
  private static final int DEFAULT_MQTT_PORT = 1883;

  /**
   * What one link has moved and how its connections went. A snapshot; fields may be a packet apart.
   *
   * @param bytesIn bytes read from this link's sockets
   * @param bytesOut bytes written to them
   * @param packetsIn whole packets read
   * @param packetsOut whole packets written
   * @param publishesIn PUBLISH packets read
   * @param publishesOut PUBLISH packets written (the birth and OFFLINE presence included)
   * @param connects successful CONNACKs
   * @param connectionLosses connections that had a successful CONNACK and ended other than by
   *     {@link #close()}
   * @param lastConnectedAt when {@link Listener#onConnected()} was last called (the injected
   *     clock); null before the first time
   */
  public record Counters(
      long bytesIn,
      long bytesOut,
      long packetsIn,
      long packetsOut,
      long publishesIn,
      long publishesOut,
      long connects,
      long connectionLosses,
      Instant lastConnectedAt) {}

  private enum Lifecycle {
    NEW,
    RUNNING,
    CLOSED
  }

  private final LinkHub hub;
  private final LinkSettings settings;
  private final RandomGenerator random;
  private final String nodeId;
  private final String desiredTopic;
  private final String presenceTopic;
  private final String commandTopic;
  private final String replyTopic;
  private final InetSocketAddress address;
  private final long connectTimeoutNanos;
  private final Traffic traffic = new Traffic();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closeCalled = new AtomicBoolean();

  // Written on the hub thread, read anywhere.
  private volatile Lifecycle lifecycle = Lifecycle.NEW;
  private volatile boolean ready;
  private volatile long connects;
  private volatile long connectionLosses;
  private volatile Instant lastConnectedAt;

  // Hub thread only.
  private final Faults faults = new Faults();
  private final List<Wire> stale = new ArrayList<>();
  private Listener listener;
  private long epochs;
  private Session current;
  private Session goodbye;
  private int failures;
  private ScheduledFuture<?> retry;

  /**
   * Checks the settings and resolves the broker's host once (the simulator's broker address does
   * not move).
   *
   * @throws IllegalArgumentException when a setting cannot work (the message names it)
   */
  HubFleetLink(LinkHub hub, LinkSettings settings, RandomGenerator random) {
    this.hub = Objects.requireNonNull(hub, "hub");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.random = Objects.requireNonNull(random, "random");
    this.address = validate(settings);
    this.nodeId = settings.node().value();
    this.desiredTopic = Topics.desired(settings.node());
    this.commandTopic = Topics.command(settings.node());
    this.replyTopic = Topics.commandReply(settings.node());
    this.presenceTopic = Topics.presence(settings.node());
    this.connectTimeoutNanos = connectTimeout(settings.keepAlive()).toNanos();
  }

  // ---- FleetLink ----

  /**
   * {@inheritDoc}
   *
   * @throws IllegalStateException when called a second time, after {@link #close()}, or when the
   *     hub is closed
   */
  @Override
  public void start(Listener listener) {
    Objects.requireNonNull(listener, "listener");
    if (closeCalled.get()) {
      throw new IllegalStateException(
          "start may be called once, before close; this link is closed");
    }
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("start may be called once; this link was started already");
    }
    if (!hub.execute(() -> begin(listener))) {
      throw new IllegalStateException("the link hub is closed");
    }
  }

  @Override
  public boolean connected() {
    return ready;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Only the node's status, events and cmd/reply topics may be used: presence belongs to the
   * link. The payload is copied. The future fails with a {@link PublishFailedException}; see the
   * class comment for the limit on outstanding messages.
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
    return submit(
        new Outgoing(
            Topics.of(settings.node(), kind), payload.clone(), false, "publish", true, null));
  }

  /**
   * {@inheritDoc}
   *
   * <p>The payload and correlation data are copied; a reply counts against the outstanding limit
   * like any message of the node's own.
   */
  @Override
  public CompletableFuture<Void> publishReply(byte[] payload, byte[] correlationData) {
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(correlationData, "correlationData");
    return submit(
        new Outgoing(
            replyTopic,
            payload.clone(),
            false,
            "reply",
            true,
            correlationData.length == 0 ? null : correlationData.clone()));
  }

  /**
   * Hands a message of the node's own to the hub thread; fails at once when the link is closed or
   * not connected.
   */
  private CompletableFuture<Void> submit(Outgoing outgoing) {
    if (lifecycle == Lifecycle.CLOSED || hub.isClosed()) {
      return CompletableFuture.failedFuture(closedFailure());
    }
    if (!ready) {
      return CompletableFuture.failedFuture(notConnectedFailure());
    }
    if (!hub.execute(() -> enqueue(outgoing))) {
      outgoing.result.completeExceptionally(closedFailure());
    }
    return outgoing.result;
  }

  /**
   * Publishes a retained OFFLINE presence when connected (waiting up to 2 s for its PUBACK), then
   * disconnects normally (reason 0x00: the broker drops the will) and closes the socket; messages
   * still waiting or in flight fail with {@link Reason#CLOSED}. When the OFFLINE presence cannot be
   * published, the DISCONNECT asks the broker to publish the will instead (0x04), as Paho's link
   * does. While partitioned nothing can reach the broker, so the socket is just closed. Idempotent.
   * Blocks up to about 4 s.
   *
   * @throws IllegalStateException on the hub thread (from a listener callback)
   */
  @Override
  public void close() {
    if (hub.onHubThread()) {
      throw new IllegalStateException(
          "HubFleetLink.close() waits for the broker; not from a listener callback");
    }
    if (!closeCalled.compareAndSet(false, true)) {
      return;
    }
    Session leaving = await(hub.submit(this::beginClose), HUB_WAIT);
    boolean announced = false;
    if (leaving != null && leaving.offline != null) {
      try {
        leaving.offline.get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        announced = true;
      } catch (ExecutionException | TimeoutException e) {
        LinkLog.log(
            LOG,
            Level.DEBUG,
            "sim.link.offline.failed",
            "node",
            nodeId,
            "cause",
            e instanceof ExecutionException ? e.getCause().getMessage() : "no PUBACK within 2 s");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (leaving != null) {
      boolean withWill = !announced;
      CompletableFuture<Void> socketClosed =
          await(hub.submit(() -> sayGoodbye(leaving, withWill)), HUB_WAIT);
      if (socketClosed != null && await(socketClosed, CLOSE_WAIT) == null) {
        hub.execute(() -> endGoodbye(leaving));
      }
    }
    LinkLog.log(
        LOG, Level.DEBUG, "sim.link.closed", "node", nodeId, "offline_published", announced);
  }

  /**
   * Ends the link as the agent's process dying would: the socket closes without an OFFLINE presence
   * or a DISCONNECT, so the broker sees the TCP connection end and publishes the will after the
   * will delay; nothing reconnects, and a later {@link #close()} does nothing. What was in flight
   * fails. Returns once the socket is closed; callable from any thread but the hub's.
   */
  public void kill() {
    if (!closeCalled.compareAndSet(false, true)) {
      return;
    }
    await(
        hub.submit(
            () -> {
              Session session = shutDown();
              if (session != null && !session.dead) {
                session.dead = true;
                session.cancelTimers();
                fail(session.takeUnfinished(), Reason.CLOSED, "the agent died");
                if (session.wire != null) {
                  session.wire.close();
                }
              }
              return null;
            }),
        HUB_WAIT);
    LinkLog.log(LOG, Level.DEBUG, "sim.link.killed", "node", nodeId);
  }

  // ---- faults ----

  /**
   * Cuts ({@code true}) or heals ({@code false}) the simulated network between this node and the
   * broker. While cut, nothing crosses in either direction: the socket is neither read nor written
   * (what is queued waits, as unacknowledged TCP data does), the broker notices only through its
   * keep-alive, and this link through its own, after which it counts the connection lost and keeps
   * the dead socket open, unread, until the partition heals. Connection attempts meanwhile open no
   * socket and fail after the connect time-out. On healing, kept sockets are closed, a connection
   * that was not yet given up carries on, and the next attempt connects normally. Returns once the
   * change applies; callable from any thread.
   */
  public void partition(boolean down) {
    applyFault(() -> setPartitioned(down));
  }

  /**
   * Adds {@code latency} to every packet in each direction from now on: each is written that much
   * later, and each packet read is handled that much later, in order. {@link Duration#ZERO} removes
   * it (packets already delayed still leave in order). Returns once the change applies; callable
   * from any thread.
   *
   * @throws IllegalArgumentException when negative
   */
  public void latency(Duration latency) {
    Objects.requireNonNull(latency, "latency");
    if (latency.isNegative()) {
      throw new IllegalArgumentException("latency must not be negative: " + latency);
    }
    applyFault(() -> faults.latencyNanos = latency.toNanos());
  }

  /**
   * Ends the current connection abruptly: the socket is closed without a DISCONNECT, so the broker
   * sees the TCP connection end and publishes the will after the will delay; the link reconnects
   * after its back-off, as after any loss. Does nothing when no socket is open. Returns once the
   * connection is gone; callable from any thread.
   */
  public void drop() {
    applyFault(
        () -> {
          Session session = current;
          if (session != null && session.wire != null) {
            lost(session, "the connection was dropped (simulated network fault)", false);
          }
        });
  }

  /** What this link has moved so far; cheap, from any thread. */
  public Counters counters() {
    return new Counters(
        traffic.bytesIn,
        traffic.bytesOut,
        traffic.packetsIn,
        traffic.packetsOut,
        traffic.publishesIn,
        traffic.publishesOut,
        connects,
        connectionLosses,
        lastConnectedAt);
  }

  /** The node id, for logs and reports. */
  public String node() {
    return nodeId;
  }

  @Override
  public String toString() {
    return "HubFleetLink[" + nodeId + "]";
  }

  // ---- connecting (hub thread from here on) ----

  private void begin(Listener target) {
    if (lifecycle != Lifecycle.NEW) {
      return; // closed before it started
    }
    listener = target;
    lifecycle = Lifecycle.RUNNING;
    LinkLog.log(LOG, Level.DEBUG, "sim.link.starting", "node", nodeId, "uri", settings.brokerUri());
    attempt();
  }

  private void attempt() {
    retry = null;
    if (lifecycle != Lifecycle.RUNNING || current != null) {
      return;
    }
    Connect connect;
    try {
      connect = connectPacket();
    } catch (RuntimeException e) {
      // appliedGeneration is the agent's code; a failure there must not stop the link for good.
      LinkLog.log(LOG, Level.ERROR, "sim.link.connect.failed", e, "node", nodeId, "why", "no will");
      retryLater(false, "cannot build the will: " + e);
      return;
    }
    Session session = new Session(++epochs);
    current = session;
    session.connectTimer = hub.schedule(() -> connectTimedOut(session), connectTimeoutNanos);
    LinkLog.log(
        LOG,
        Level.DEBUG,
        "sim.link.connecting",
        "node",
        nodeId,
        "epoch",
        session.epoch,
        "partitioned",
        faults.partitioned);
    if (faults.partitioned) {
      return; // no route: the attempt fails at its connect time-out, without a socket
    }
    try {
      session.wire =
          Wire.open(hub, address, faults, traffic, session, nodeId, LinkHub.MAX_PACKET_BYTES);
    } catch (IOException e) {
      lost(session, "cannot open a socket: " + e.getMessage(), false);
      return;
    }
    session.lastReceivedNanos = hub.nanoTime();
    send(session, connect);
  }

  private void connectTimedOut(Session session) {
    session.connectTimer = null;
    if (session.dead || session.connackReceived) {
      return;
    }
    long seconds = TimeUnit.NANOSECONDS.toSeconds(connectTimeoutNanos);
    lost(
        session,
        session.wire == null
            ? "no route to the broker: the simulated network is partitioned (gave up after "
                + seconds
                + " s)"
            : "no CONNACK within " + seconds + " s",
        true);
  }

  private Connect connectPacket() {
    Will will =
        new Will(
            presenceTopic,
            presenceBytes(Presence.State.OFFLINE),
            QOS,
            true,
            seconds(settings.willDelay()));
    return new Connect(
        nodeId,
        false,
        (int) seconds(settings.keepAlive()),
        seconds(settings.sessionExpiry()),
        0,
        will,
        nodeId,
        settings.password().isEmpty()
            ? null
            : settings.password().getBytes(StandardCharsets.UTF_8));
  }

  private void retryLater(boolean afterConnection, String cause) {
    if (lifecycle != Lifecycle.RUNNING) {
      return;
    }
    Duration delay =
        ReconnectBackoff.delay(failures, settings.reconnectMin(), settings.reconnectMax(), random);
    failures = Math.min(failures + 1, 64);
    LinkLog.log(
        LOG,
        Level.DEBUG,
        afterConnection ? "sim.link.reconnect.scheduled" : "sim.link.connect.failed",
        "node",
        nodeId,
        "cause",
        cause,
        "retry_in_ms",
        delay.toMillis());
    retry = hub.schedule(this::attempt, delay.toNanos());
  }

  // ---- packets from the broker ----

  private void handle(Session session, Packet packet) {
    if (session.dead) {
      return;
    }
    session.lastReceivedNanos = hub.nanoTime();
    if (!session.connackReceived && !(packet instanceof Connack)) {
      lost(session, "protocol error: " + name(packet) + " before the CONNACK", false);
      return;
    }
    switch (packet) {
      case Connack connack -> onConnack(session, connack);
      case Suback suback -> onSuback(session, suback);
      case Publish publish -> onPublish(session, publish);
      case Puback puback -> onPuback(session, puback);
      case PingResp pong -> session.pingOutstanding = false;
      case Disconnect disconnect ->
          lost(
              session,
              "the broker disconnected with reason code "
                  + hex(disconnect.reasonCode())
                  + (disconnect.reasonString() == null
                      ? ""
                      : " (" + disconnect.reasonString() + ")"),
              false);
      default ->
          lost(session, "protocol error: the broker sent a " + name(packet) + " packet", false);
    }
  }

  private void onConnack(Session session, Connack connack) {
    if (session.connackReceived) {
      lost(session, "protocol error: a second CONNACK", false);
      return;
    }
    cancel(session.connectTimer);
    session.connectTimer = null;
    if (connack.reasonCode() != MqttPackets.SUCCESS) {
      String cause =
          "the broker refused the connection with reason code "
              + hex(connack.reasonCode())
              + (connack.reasonString() == null ? "" : " (" + connack.reasonString() + ")");
      LinkLog.log(
          LOG,
          failures == 0 ? Level.WARNING : Level.DEBUG,
          "sim.link.connect.refused",
          "node",
          nodeId,
          "reason_code",
          hex(connack.reasonCode()),
          "hint",
          "the broker must accept user " + nodeId + " with the password given");
      lost(session, cause, false);
      return;
    }
    byte[] birth;
    try {
      birth = presenceBytes(Presence.State.ONLINE);
    } catch (RuntimeException e) {
      lost(session, "cannot build the ONLINE presence: " + e, false);
      return;
    }
    session.connackReceived = true;
    connects++;
    session.window = Math.min(settings.maxInflight(), connack.receiveMaximum());
    long keepAliveSeconds =
        connack.serverKeepAlive() >= 0 ? connack.serverKeepAlive() : seconds(settings.keepAlive());
    session.keepAliveNanos = TimeUnit.SECONDS.toNanos(keepAliveSeconds);
    if (session.keepAliveNanos > 0) {
      armKeepAlive(session, session.keepAliveNanos);
    }
    LinkLog.log(
        LOG,
        Level.DEBUG,
        "sim.link.connected",
        "node",
        nodeId,
        "epoch",
        session.epoch,
        "session_present",
        connack.sessionPresent(),
        "receive_maximum",
        connack.receiveMaximum(),
        "window",
        session.window,
        "keep_alive_s",
        keepAliveSeconds);
    Outgoing birthMessage = new Outgoing(presenceTopic, birth, true, "birth", false, null);
    birthMessage.result.whenComplete(
        (ok, failure) -> {
          if (failure instanceof PublishFailedException refused
              && refused.reason() == Reason.REFUSED) {
            LinkLog.log(
                LOG,
                Level.WARNING,
                "sim.link.birth.refused",
                "node",
                nodeId,
                "cause",
                refused.getMessage());
          }
        });
    session.waiting.addFirst(birthMessage);
    pump(session);
    session.subscribeId = nextPacketId(session);
    send(
        session,
        new Subscribe(
            session.subscribeId,
            List.of(Subscription.of(desiredTopic, QOS), Subscription.of(commandTopic, QOS))));
  }

  private void onSuback(Session session, Suback suback) {
    if (session.subscribeId == 0 || suback.packetId() != session.subscribeId) {
      lost(session, "protocol error: a SUBACK for packet " + suback.packetId(), false);
      return;
    }
    session.subscribeId = 0;
    int refused =
        suback.reasonCodes().stream()
            .filter(code -> code >= MqttPackets.FIRST_FAILURE_CODE)
            .findFirst()
            .orElse(-1);
    if (refused >= 0) {
      LinkLog.log(
          LOG,
          Level.ERROR,
          "sim.link.subscribe.refused",
          "node",
          nodeId,
          "topics",
          desiredTopic + "," + commandTopic,
          "reason_code",
          hex(refused),
          "hint",
          "the broker must let user "
              + nodeId
              + " subscribe to "
              + desiredTopic
              + " and "
              + commandTopic);
      lost(
          session,
          "the broker refused the subscription to " + desiredTopic + " or " + commandTopic,
          false);
      return;
    }
    if (lifecycle != Lifecycle.RUNNING || session != current) {
      return;
    }
    session.ready = true;
    session.readyAt = hub.clock().instant();
    lastConnectedAt = session.readyAt;
    ready = true;
    LinkLog.log(
        LOG,
        Level.DEBUG,
        "sim.link.subscribed",
        "node",
        nodeId,
        "topics",
        desiredTopic + "," + commandTopic);
    try {
      listener.onConnected();
    } catch (RuntimeException e) {
      LinkLog.log(
          LOG, Level.ERROR, "sim.link.listener.failed", e, "node", nodeId, "callback", "connected");
    }
  }

  private void onPublish(Session session, Publish publish) {
    if (publish.qos() > QOS) {
      lost(
          session,
          "protocol error: a QoS "
              + publish.qos()
              + " PUBLISH on "
              + publish.topic()
              + " (the link subscribes at QoS 1)",
          false);
      return;
    }
    if (lifecycle != Lifecycle.RUNNING || session != current) {
      // Closing: not acknowledged, so the broker keeps it for the node's next session.
      return;
    }
    if (desiredTopic.equals(publish.topic())) {
      try {
        listener.onDesired(publish.payload());
      } catch (RuntimeException e) {
        LinkLog.log(
            LOG, Level.ERROR, "sim.link.listener.failed", e, "node", nodeId, "callback", "desired");
      }
    } else if (commandTopic.equals(publish.topic())) {
      byte[] correlation = publish.correlationData();
      try {
        listener.onCommand(publish.payload(), correlation == null ? new byte[0] : correlation);
      } catch (RuntimeException e) {
        LinkLog.log(
            LOG, Level.ERROR, "sim.link.listener.failed", e, "node", nodeId, "callback", "command");
      }
    } else {
      LinkLog.log(
          LOG,
          Level.WARNING,
          "sim.link.message.ignored",
          "node",
          nodeId,
          "topic",
          publish.topic(),
          "bytes",
          publish.payload().length);
    }
    if (publish.qos() == QOS && !session.dead) {
      send(session, Puback.success(publish.packetId()));
    }
  }

  private void onPuback(Session session, Puback puback) {
    Outgoing outgoing = session.inFlight.remove(puback.packetId());
    if (outgoing == null) {
      LinkLog.log(
          LOG, Level.DEBUG, "sim.link.puback.unknown", "node", nodeId, "id", puback.packetId());
      return;
    }
    if (outgoing.user) {
      session.userOutstanding--;
    }
    if (puback.reasonCode() < MqttPackets.FIRST_FAILURE_CODE) {
      outgoing.result.complete(null);
    } else {
      String code = hex(puback.reasonCode());
      String reason = puback.reasonString() == null ? "" : " (" + puback.reasonString() + ")";
      LinkLog.log(
          LOG,
          Level.WARNING,
          "sim.link.publish.refused",
          "node",
          nodeId,
          "topic",
          outgoing.topic,
          "reason_code",
          code);
      outgoing.result.completeExceptionally(
          new PublishFailedException(
              Reason.REFUSED,
              puback.reasonCode(),
              "the broker refused the message on "
                  + outgoing.topic
                  + " with reason code "
                  + code
                  + reason,
              null));
    }
    pump(session);
  }

  // ---- keep-alive ----

  private void armKeepAlive(Session session, long delayNanos) {
    session.keepAliveTimer = hub.schedule(() -> keepAliveCheck(session), delayNanos);
  }

  private void keepAliveCheck(Session session) {
    session.keepAliveTimer = null;
    if (session.dead) {
      return;
    }
    long now = hub.nanoTime();
    long keepAlive = session.keepAliveNanos;
    long limit = keepAlive + keepAlive / 2;
    long silent = now - session.lastReceivedNanos;
    if (silent >= limit) {
      lost(
          session,
          "nothing from the broker for "
              + TimeUnit.NANOSECONDS.toMillis(silent)
              + " ms (1.5 times the keep-alive of "
              + TimeUnit.NANOSECONDS.toSeconds(keepAlive)
              + " s)",
          true);
      return;
    }
    if (!session.pingOutstanding
        && (now - session.lastSentNanos >= keepAlive || silent >= keepAlive)) {
      send(session, new PingReq());
      session.pingOutstanding = true;
    }
    long next = session.lastReceivedNanos + limit - now;
    if (!session.pingOutstanding) {
      long due = Math.min(session.lastSentNanos, session.lastReceivedNanos) + keepAlive - now;
      next = Math.min(next, due);
    }
    armKeepAlive(session, Math.max(next, TimeUnit.MILLISECONDS.toNanos(1)));
  }

  // ---- publishing ----

  private void enqueue(Outgoing outgoing) {
    Session session = current;
    if (lifecycle == Lifecycle.CLOSED) {
      outgoing.result.completeExceptionally(closedFailure());
      return;
    }
    if (session == null || !session.ready || session.dead) {
      outgoing.result.completeExceptionally(notConnectedFailure());
      return;
    }
    if (session.userOutstanding >= settings.maxInflight()) {
      outgoing.result.completeExceptionally(
          new PublishFailedException(
              Reason.REFUSED,
              -1,
              "the link has "
                  + session.userOutstanding
                  + " messages outstanding, its limit (maxInflight); nothing was sent: keep the"
                  + " message and publish it again once earlier ones are acknowledged",
              null));
      return;
    }
    session.userOutstanding++;
    session.waiting.add(outgoing);
    pump(session);
  }

  /** Sends waiting messages while the window has room; they leave in the order they were queued. */
  private void pump(Session session) {
    while (!session.dead
        && !session.waiting.isEmpty()
        && session.inFlight.size() < session.window) {
      Outgoing next = session.waiting.poll();
      int id = nextPacketId(session);
      session.inFlight.put(id, next);
      send(
          session,
          new Publish(
              next.topic, next.payload, QOS, next.retained, false, id, next.correlationData));
    }
  }

  private int nextPacketId(Session session) {
    for (int i = 0; i < 65_535; i++) {
      session.lastPacketId = session.lastPacketId % 65_535 + 1;
      int id = session.lastPacketId;
      if (id != session.subscribeId && !session.inFlight.containsKey(id)) {
        return id;
      }
    }
    throw new IllegalStateException("all 65535 packet ids are in use");
  }

  private void send(Session session, Packet packet) {
    session.wire.send(packet);
    session.lastSentNanos = hub.nanoTime();
  }

  // ---- the end of a connection ----

  /**
   * The end of {@code session}, whatever the cause; the first call wins. Fails what it had not
   * finished, closes its socket (or, when {@code keepSocketWhilePartitioned} and the network is
   * partitioned, keeps it open and unread until the partition heals), tells the listener when it
   * had been told about the connection, and schedules the next attempt.
   */
  private void lost(Session session, String cause, boolean keepSocketWhilePartitioned) {
    if (session.dead) {
      return;
    }
    session.dead = true;
    session.cancelTimers();
    List<Outgoing> orphans = session.takeUnfinished();
    if (session.wire != null) {
      if (keepSocketWhilePartitioned && faults.partitioned && lifecycle == Lifecycle.RUNNING) {
        session.wire.goStale();
        stale.add(session.wire);
      } else {
        session.wire.close();
      }
    }
    boolean wasCurrent = session == current;
    boolean wasReady = session.ready;
    if (wasCurrent) {
      current = null;
      ready = false;
      // The back-off starts over only after a connection that lasted: a broker that takes the
      // node in and drops it at once keeps being backed off from.
      if (wasReady
          && Duration.between(session.readyAt, hub.clock().instant())
                  .compareTo(settings.reconnectMax())
              >= 0) {
        failures = 0;
      }
    }
    fail(
        orphans,
        lifecycle == Lifecycle.CLOSED ? Reason.CLOSED : Reason.CONNECTION_LOST,
        "the connection dropped: " + cause);
    if (!wasCurrent || lifecycle != Lifecycle.RUNNING) {
      return;
    }
    if (session.connackReceived) {
      connectionLosses++;
      LinkLog.log(
          LOG,
          Level.DEBUG,
          "sim.link.connection.lost",
          "node",
          nodeId,
          "epoch",
          session.epoch,
          "cause",
          cause);
    }
    if (wasReady) {
      try {
        listener.onConnectionLost(cause);
      } catch (RuntimeException e) {
        LinkLog.log(
            LOG, Level.ERROR, "sim.link.listener.failed", e, "node", nodeId, "callback", "lost");
      }
    }
    retryLater(session.connackReceived, cause);
  }

  private void setPartitioned(boolean down) {
    if (faults.partitioned == down) {
      return;
    }
    faults.partitioned = down;
    LinkLog.log(LOG, Level.DEBUG, "sim.link.fault.partition", "node", nodeId, "down", down);
    if (!down) {
      stale.forEach(Wire::close);
      stale.clear();
    }
    for (Session session : new Session[] {current, goodbye}) {
      if (session != null && session.wire != null) {
        session.wire.faultsChanged();
      }
    }
  }

  /**
   * Ends the link for good on the hub thread, as {@link #close()} and {@link #kill()} both do: no
   * reconnect, no stale socket left open. Returns the current session, taken from the link; null
   * when there is none.
   */
  private Session shutDown() {
    lifecycle = Lifecycle.CLOSED;
    ready = false;
    hub.forget(this);
    cancel(retry);
    retry = null;
    stale.forEach(Wire::close);
    stale.clear();
    Session session = current;
    current = null;
    return session;
  }

  /**
   * First step of {@link #close()}: no more reconnects; when connected, the OFFLINE presence is on
   * its way. Returns the session to say goodbye on, or null when there is none.
   */
  private Session beginClose() {
    Lifecycle was = lifecycle;
    Session session = shutDown();
    if (session == null || was != Lifecycle.RUNNING) {
      return null;
    }
    fail(session.takeUnfinished(), Reason.CLOSED, "the link was closed");
    if (!session.connackReceived || session.wire == null || faults.partitioned) {
      // Not connected (no will armed yet), or cut off: nothing can be said, just go.
      session.dead = true;
      session.cancelTimers();
      if (session.wire != null) {
        session.wire.close();
      }
      return null;
    }
    Outgoing offline;
    try {
      offline =
          new Outgoing(
              presenceTopic, presenceBytes(Presence.State.OFFLINE), true, "offline", false, null);
    } catch (RuntimeException e) {
      LinkLog.log(LOG, Level.WARNING, "sim.link.offline.failed", "node", nodeId, "cause", e);
      offline = null;
    }
    goodbye = session;
    if (offline != null) {
      session.offline = offline.result;
      session.waiting.add(offline);
      pump(session);
    }
    return session;
  }

  /** Second step of {@link #close()}: DISCONNECT, then close the socket once it is written. */
  private CompletableFuture<Void> sayGoodbye(Session session, boolean withWill) {
    if (!session.dead) {
      session.dead = true;
      session.cancelTimers();
      fail(session.takeUnfinished(), Reason.CLOSED, "the link was closed");
      session.wire.send(Disconnect.of(withWill ? DISCONNECT_WITH_WILL : NORMAL_DISCONNECTION));
      session.wire.closeWhenFlushed();
    }
    // Completes on the hub thread, in Wire.close().
    session.wire.closedFuture().thenRun(() -> endGoodbye(session));
    return session.wire.closedFuture();
  }

  private void endGoodbye(Session session) {
    session.wire.close();
    if (goodbye == session) {
      goodbye = null;
    }
  }

  /** The hub is shutting down: everything ends here, without a goodbye and without callbacks. */
  void hubClosed() {
    lifecycle = Lifecycle.CLOSED;
    ready = false;
    cancel(retry);
    retry = null;
    for (Session session : new Session[] {current, goodbye}) {
      if (session != null && !session.dead) {
        session.dead = true;
        session.cancelTimers();
        fail(session.takeUnfinished(), Reason.CLOSED, "the link hub was closed");
      }
    }
    current = null;
    goodbye = null;
    stale.clear(); // the hub closes every socket
  }

  // ---- helpers ----

  private void applyFault(Runnable change) {
    if (hub.onHubThread()) {
      change.run();
      return;
    }
    await(
        hub.submit(
            () -> {
              change.run();
              return Boolean.TRUE;
            }),
        HUB_WAIT);
  }

  /** The value of {@code future} within {@code wait}; null when it failed or took longer. */
  private <T> T await(Future<T> future, Duration wait) {
    try {
      return future.get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      LinkLog.log(LOG, Level.DEBUG, "sim.link.hub.unavailable", "node", nodeId, "cause", e);
      return null;
    } catch (TimeoutException e) {
      LinkLog.log(
          LOG,
          Level.WARNING,
          "sim.link.hub.slow",
          "node",
          nodeId,
          "why",
          "the hub thread did not answer within " + wait.toMillis() + " ms");
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private byte[] presenceBytes(Presence.State state) {
    return PresenceMessages.presence(settings, state, hub.clock().instant()).toByteArray();
  }

  private PublishFailedException closedFailure() {
    return new PublishFailedException(
        Reason.CLOSED, -1, "the link to " + settings.brokerUri() + " is closed", null);
  }

  private PublishFailedException notConnectedFailure() {
    return new PublishFailedException(
        Reason.NOT_CONNECTED,
        -1,
        "the link to "
            + settings.brokerUri()
            + " is not connected; keep the message and publish it after onConnected",
        null);
  }

  private static void fail(List<Outgoing> orphans, Reason reason, String why) {
    for (Outgoing outgoing : orphans) {
      outgoing.result.completeExceptionally(new PublishFailedException(reason, -1, why, null));
    }
  }

  private static void cancel(ScheduledFuture<?> timer) {
    if (timer != null) {
      timer.cancel(false);
    }
  }

  private static String name(Packet packet) {
    return packet.getClass().getSimpleName().toUpperCase(Locale.ROOT);
  }

  /** How long an attempt may take up to the CONNACK: the keep-alive, 1 to 30 s (as Paho's). */
  static Duration connectTimeout(Duration keepAlive) {
    if (keepAlive.isZero() || keepAlive.compareTo(MAX_CONNECT_TIMEOUT) > 0) {
      return MAX_CONNECT_TIMEOUT;
    }
    return Duration.ofSeconds(Math.max(1, seconds(keepAlive)));
  }

  /** Whole seconds, rounded up, for MQTT's second-granular intervals. */
  private static long seconds(Duration duration) {
    return LinkSettings.wholeSeconds(duration);
  }

  private static InetSocketAddress validate(LinkSettings settings) {
    String uri = settings.brokerUri();
    URI parsed;
    try {
      parsed = new URI(uri);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("brokerUri '" + uri + "' is not a URI: " + e.getMessage());
    }
    if (!"tcp".equals(parsed.getScheme()) || parsed.getHost() == null) {
      throw new IllegalArgumentException(
          "brokerUri '"
              + uri
              + "' is not tcp://host:port: the simulator's link speaks plain TCP only");
    }
    settings.checkMqttLimits();
    int port = parsed.getPort() < 0 ? DEFAULT_MQTT_PORT : parsed.getPort();
    InetSocketAddress address = new InetSocketAddress(parsed.getHost(), port);
    if (address.isUnresolved()) {
      throw new IllegalArgumentException(
          "brokerUri '"
              + uri
              + "': cannot resolve host "
              + parsed.getHost()
              + " (the simulator resolves it once, when the link is made)");
    }
    return address;
  }

  // ---- per-connection state ----

  /** One message on its way to the broker. Identity matters: equal payloads are distinct. */
  private static final class Outgoing {
    final String topic;
    final byte[] payload;
    final boolean retained;
    final String what;
    final boolean user; // the node's own message (counts against maxInflight), not presence
    final byte[] correlationData; // null for none
    final CompletableFuture<Void> result = new CompletableFuture<>();

    Outgoing(
        String topic,
        byte[] payload,
        boolean retained,
        String what,
        boolean user,
        byte[] correlationData) {
      this.topic = topic;
      this.payload = payload;
      this.retained = retained;
      this.what = what;
      this.user = user;
      this.correlationData = correlationData;
    }

    @Override
    public String toString() {
      return what + " on " + topic;
    }
  }

  /**
   * One connection attempt and, if it succeeds, the connection: the generation every callback and
   * timer of it checks. Hub thread only.
   */
  private final class Session implements Wire.Peer {
    final long epoch;
    Wire wire; // null for an attempt made while partitioned
    boolean connackReceived;
    boolean ready;
    boolean dead;
    Instant readyAt;
    int window = 1;
    long keepAliveNanos;
    long lastSentNanos;
    long lastReceivedNanos;
    boolean pingOutstanding;
    int lastPacketId;
    int subscribeId;
    int userOutstanding;
    final Map<Integer, Outgoing> inFlight = new HashMap<>();
    final ArrayDeque<Outgoing> waiting = new ArrayDeque<>();
    ScheduledFuture<?> connectTimer;
    ScheduledFuture<?> keepAliveTimer;
    CompletableFuture<Void> offline; // the OFFLINE presence of close(), once sent

    Session(long epoch) {
      this.epoch = epoch;
    }

    @Override
    public void onPacket(Packet packet) {
      handle(this, packet);
    }

    @Override
    public void onBroken(String cause) {
      lost(this, cause, false);
    }

    /** Everything not yet acknowledged, removed from this session (the OFFLINE presence too). */
    List<Outgoing> takeUnfinished() {
      List<Outgoing> unfinished = new ArrayList<>(inFlight.values());
      unfinished.addAll(waiting);
      inFlight.clear();
      waiting.clear();
      userOutstanding = 0;
      return unfinished;
    }

    void cancelTimers() {
      cancel(connectTimer);
      cancel(keepAliveTimer);
      connectTimer = null;
      keepAliveTimer = null;
    }
  }

  /** A reason code as MQTT's specification writes it, e.g. {@code 0x8E}. */
  private static String hex(int code) {
    return String.format("0x%02X", code);
  }
}
