package dev.flotilla.simulator.link;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.flotilla.agent.link.FleetLink;
import dev.flotilla.agent.link.LinkSettings;
import dev.flotilla.agent.link.PublishFailedException;
import dev.flotilla.agent.testing.TcpProxy;
import dev.flotilla.agent.testing.TestBroker;
import dev.flotilla.agent.testing.TestMqttClient;
import dev.flotilla.protocol.NodeId;
import dev.flotilla.protocol.Topics;
import dev.flotilla.protocol.v1.Presence;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulator's link against the real embedded HiveMQ: the agent's wire contract (session,
 * presence, desired, publishes), the simulated network's faults, and many links on one thread. A
 * test client plays the controller.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HubFleetLinkIT {
  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir static Path brokerDir;

  private TestBroker broker;
  private ScheduledExecutorService scheduler;
  private LinkHub hub;
  private TestMqttClient controller;
  private final List<HubFleetLink> opened = new ArrayList<>();

  @BeforeAll
  void startBrokerAndHub() {
    broker = TestBroker.start(brokerDir);
    scheduler = Executors.newScheduledThreadPool(2);
    hub = new LinkHub(scheduler, Clock.systemUTC());
  }

  @AfterAll
  void stopBrokerAndHub() {
    if (hub != null) {
      hub.close();
    }
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @BeforeEach
  void connectController() {
    controller = TestMqttClient.connect(broker.uri(), "controller-" + System.nanoTime());
  }

  @AfterEach
  void closeLinksAndController() {
    opened.forEach(HubFleetLink::close);
    opened.clear();
    controller.close();
  }

  @Test
  void aLinkConnectsSubscribesAndHandsTheRetainedDesiredStateToItsListener() throws Exception {
    NodeId node = new NodeId("hub-desired-1");
    controller.publishRetained(Topics.desired(node), text("generation 1"));
    Recorder recorder = new Recorder();
    HubFleetLink link = link(settings(node));

    link.start(recorder);

    await("connected and the retained desired state delivered")
        .atMost(WAIT)
        .until(() -> recorder.connects.get() == 1 && recorder.desired().contains("generation 1"));
    assertTrue(link.connected());
    HubFleetLink.Counters counters = link.counters();
    assertEquals(1, counters.connects());
    assertEquals(0, counters.connectionLosses());
    assertNotNull(counters.lastConnectedAt());
    assertEquals(1, counters.publishesIn());
    controller.subscribe(Topics.presence(node));
    TestMqttClient.Received presence =
        controller.awaitMessages(Topics.presence(node), 1, WAIT).get(0);
    assertTrue(presence.retained(), "the birth is retained");
    Presence birth = Presence.parseFrom(presence.payload());
    assertEquals(Presence.State.ONLINE, birth.getState());
    assertEquals(node.value(), birth.getNodeId());
  }

  @Test
  void aCommandArrivesWithItsCorrelationDataAndTheReplyCarriesItBack() throws Exception {
    NodeId node = new NodeId("hub-command-1");
    controller.subscribe(Topics.commandReply(node));
    Recorder recorder = new Recorder();
    HubFleetLink link = link(settings(node));
    assertFailsWith(
        PublishFailedException.Reason.NOT_CONNECTED,
        link.publishReply(text("too early"), text("c-0")));
    link.start(recorder);
    await("connected").atMost(WAIT).until(link::connected);

    // The broker adds message expiry and response topic; the link keeps the correlation data.
    controller.publishRequest(
        Topics.command(node), text("command 1"), text("c-1"), Topics.commandReply(node), 30);

    await("the command").atMost(WAIT).until(() -> recorder.commands.size() == 1);
    assertEquals("command 1", new String(recorder.commands.get(0)[0], StandardCharsets.UTF_8));
    assertEquals("c-1", new String(recorder.commands.get(0)[1], StandardCharsets.UTF_8));
    link.publishReply(text("reply 1"), text("c-1")).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    TestMqttClient.Received reply =
        controller.awaitMessages(Topics.commandReply(node), 1, WAIT).get(0);
    assertEquals("reply 1", new String(reply.payload(), StandardCharsets.UTF_8));
    assertEquals("c-1", new String(reply.correlationData(), StandardCharsets.UTF_8));
  }

  @Test
  void aPublishCompletesOnItsPubackAndReachesTheControllerUnretained() throws Exception {
    NodeId node = new NodeId("hub-publish-1");
    controller.subscribe(Topics.status(node));
    Recorder recorder = new Recorder();
    HubFleetLink link = link(settings(node));
    assertFailsWith(
        PublishFailedException.Reason.NOT_CONNECTED,
        link.publish(Topics.Kind.STATUS, text("too early")));
    assertThrows(
        IllegalArgumentException.class, () -> link.publish(Topics.Kind.PRESENCE, text("mine")));
    link.start(recorder);
    await("connected").atMost(WAIT).until(link::connected);

    link.publish(Topics.Kind.STATUS, text("status 1")).get(WAIT.toSeconds(), TimeUnit.SECONDS);

    TestMqttClient.Received status = controller.awaitMessages(Topics.status(node), 1, WAIT).get(0);
    assertEquals("status 1", new String(status.payload(), StandardCharsets.UTF_8));
    assertFalse(status.retained());
    // The birth and the status.
    await().atMost(WAIT).until(() -> link.counters().publishesOut() == 2);
  }

  @Test
  void closingLeavesARetainedOfflinePresenceAndNoWill() throws Exception {
    NodeId node = new NodeId("hub-close-1");
    controller.subscribe(Topics.presence(node));
    Recorder recorder = new Recorder();
    HubFleetLink link = link(settings(node).willDelay(Duration.ofSeconds(1)).build());
    link.start(recorder);
    await("ONLINE").atMost(WAIT).until(() -> states(node).equals(List.of(Presence.State.ONLINE)));
    int openBefore = hub.totals().connections();

    link.close();

    assertFalse(link.connected());
    assertEquals(openBefore - 1, hub.totals().connections());
    await("the OFFLINE presence").atMost(WAIT).until(() -> states(node).size() == 2);
    // A will would come 1 s after the disconnect: nothing more may arrive well past that.
    await("no will after the normal disconnect")
        .during(Duration.ofMillis(2500))
        .atMost(Duration.ofSeconds(5))
        .until(() -> states(node).equals(List.of(Presence.State.ONLINE, Presence.State.OFFLINE)));
    assertTrue(controller.messages(Topics.presence(node)).get(1).retained());
    assertFailsWith(
        PublishFailedException.Reason.CLOSED, link.publish(Topics.Kind.STATUS, text("late")));
    link.close(); // idempotent
  }

  @Test
  void anAbruptDropMakesTheBrokerPublishTheWillAndTheLinkComesBackToWhatWasPublishedMeanwhile()
      throws Exception {
    NodeId node = new NodeId("hub-drop-1");
    controller.subscribe(Topics.presence(node));
    Recorder recorder = new Recorder();
    // The reconnect waits 2 to 3 s, past the 1 s will delay, so the will is not cancelled.
    HubFleetLink link =
        link(
            settings(node)
                .willDelay(Duration.ofSeconds(1))
                .reconnect(Duration.ofSeconds(2), Duration.ofSeconds(3))
                .build());
    link.start(recorder);
    await("connected").atMost(WAIT).until(() -> recorder.connects.get() == 1);
    await("ONLINE").atMost(WAIT).until(() -> states(node).equals(List.of(Presence.State.ONLINE)));

    link.drop();

    assertFalse(link.connected());
    await("the lost callback").atMost(WAIT).until(() -> recorder.losses.size() == 1);
    assertTrue(recorder.losses.get(0).contains("dropped"), recorder.losses.get(0));
    await("the will, published by the broker")
        .atMost(WAIT)
        .until(() -> states(node).equals(List.of(Presence.State.ONLINE, Presence.State.OFFLINE)));
    assertTrue(
        controller.messages(Topics.presence(node)).get(1).retained(), "the will is retained");
    controller.publishRetained(Topics.desired(node), text("generation 2"));
    await("reconnected, with the desired state published meanwhile")
        .atMost(WAIT)
        .until(() -> recorder.connects.get() == 2 && recorder.desired().contains("generation 2"));
    await("ONLINE again")
        .atMost(WAIT)
        .until(() -> states(node).size() == 3 && states(node).get(2) == Presence.State.ONLINE);
    assertEquals(2, link.counters().connects());
    assertEquals(1, link.counters().connectionLosses());
  }

  @Test
  void aPartitionIsNoticedByTheKeepAliveOpensNoSocketAndHealsIntoTheSameSession() throws Exception {
    NodeId node = new NodeId("hub-partition-1");
    controller.subscribe(Topics.presence(node));
    Recorder recorder = new Recorder();
    HubFleetLink link =
        link(
            settings(node)
                .keepAlive(Duration.ofSeconds(1))
                .willDelay(Duration.ZERO)
                .reconnect(Duration.ofMillis(200), Duration.ofMillis(400))
                .build());
    link.start(recorder);
    await("connected").atMost(WAIT).until(() -> recorder.connects.get() == 1);
    LinkHub.Totals before = hub.totals();

    link.partition(true);

    await("the link's own keep-alive gives the connection up")
        .atMost(Duration.ofSeconds(5))
        .until(() -> recorder.losses.size() == 1);
    assertTrue(recorder.losses.get(0).contains("keep-alive"), recorder.losses.get(0));
    assertFailsWith(
        PublishFailedException.Reason.NOT_CONNECTED,
        link.publish(Topics.Kind.STATUS, text("while partitioned")));
    await("the broker's keep-alive notices too and publishes the will")
        .atMost(WAIT)
        .until(() -> states(node).contains(Presence.State.OFFLINE));
    controller.publish(Topics.desired(node), text("published during the partition"));
    // Attempts every 0.2 to 0.4 s, each given up after the 1 s connect time-out: no socket opened,
    // and the stale one stays open (the broker must not see a TCP close).
    await("no socket opened while partitioned")
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(4))
        .until(
            () ->
                hub.totals().socketsOpened() == before.socketsOpened()
                    && hub.totals().connections() == before.connections());
    assertFalse(link.connected());

    link.partition(false);

    await("reconnected after the partition healed, with the message it missed")
        .atMost(WAIT)
        .until(
            () ->
                recorder.connects.get() == 2
                    && recorder.desired().contains("published during the partition"));
    assertEquals(before.socketsOpened() + 1, hub.totals().socketsOpened());
    assertEquals(before.connections(), hub.totals().connections(), "the stale socket is closed");
    link.publish(Topics.Kind.STATUS, text("after")).get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void aDisconnectFromTheBrokerIsALossAndTheLinkTakesItsSessionBack() {
    NodeId node = new NodeId("hub-takeover-1");
    Recorder recorder = new Recorder();
    HubFleetLink link =
        link(settings(node).reconnect(Duration.ofMillis(100), Duration.ofMillis(200)).build());
    link.start(recorder);
    await("connected").atMost(WAIT).until(() -> recorder.connects.get() == 1);

    try (TestMqttClient intruder = TestMqttClient.connect(broker.uri(), node.value())) {
      await("the session taken over").atMost(WAIT).until(() -> recorder.losses.size() == 1);
      assertTrue(recorder.losses.get(0).contains("0x8E"), recorder.losses.get(0));
      await("the link takes the session back")
          .atMost(WAIT)
          .until(() -> recorder.connects.get() == 2);
    }
  }

  @Test
  void aBrokerUriThatIsNotPlainTcpIsRefusedWhenTheLinkIsMade() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> hub.link(settings(new NodeId("hub-ssl-1")).uri("ssl://127.0.0.1:8883").build()));
    assertTrue(e.getMessage().contains("plain TCP"), e.getMessage());
  }

  @Test
  void publishesPastMaxInflightFailAtOnceAndThoseInFlightFailWhenTheConnectionDrops()
      throws Exception {
    NodeId node = new NodeId("hub-inflight-1");
    try (TcpProxy proxy = TcpProxy.start(broker.port())) {
      Recorder recorder = new Recorder();
      HubFleetLink link = link(settings(node).uri(proxy.uri()).maxInflight(3).build());
      link.start(recorder);
      await("connected").atMost(WAIT).until(() -> recorder.connects.get() == 1);
      proxy.holdDownstream(); // the broker's PUBACKs stop reaching the link

      List<CompletableFuture<Void>> inFlight = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        inFlight.add(link.publish(Topics.Kind.EVENTS, text("event " + i)));
      }
      CompletableFuture<Void> fourth = link.publish(Topics.Kind.EVENTS, text("event 3"));

      await("the fourth refused").atMost(WAIT).until(fourth::isDone);
      assertFailsWith(PublishFailedException.Reason.REFUSED, fourth);
      assertTrue(inFlight.stream().noneMatch(CompletableFuture::isDone), "waiting for PUBACKs");
      proxy.cut();
      await("the connection lost").atMost(WAIT).until(() -> recorder.losses.size() == 1);
      for (CompletableFuture<Void> future : inFlight) {
        assertFailsWith(PublishFailedException.Reason.CONNECTION_LOST, future);
      }
      proxy.releaseDownstream();
      await("reconnected").atMost(WAIT).until(() -> recorder.connects.get() == 2);
      link.publish(Topics.Kind.EVENTS, text("event 4")).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      link.close();
    }
  }

  @Test
  void latencyDelaysEveryPacketInBothDirections() throws Exception {
    NodeId node = new NodeId("hub-latency-1");
    controller.subscribe(Topics.status(node));
    Recorder recorder = new Recorder();
    HubFleetLink link = link(settings(node).keepAlive(Duration.ofSeconds(10)).build());
    link.start(recorder);
    await("connected").atMost(WAIT).until(link::connected);

    link.latency(Duration.ofMillis(300));

    long sent = System.nanoTime();
    controller.publish(Topics.desired(node), text("slow"));
    await("the delayed desired state")
        .atMost(WAIT)
        .until(() -> recorder.desired().contains("slow"));
    long delivered = recorder.desiredAtNanos.get(recorder.desired().indexOf("slow"));
    assertTrue(
        delivered - sent >= TimeUnit.MILLISECONDS.toNanos(300),
        "delivered after " + TimeUnit.NANOSECONDS.toMillis(delivered - sent) + " ms");
    long start = System.nanoTime();
    CompletableFuture<Void> publish = link.publish(Topics.Kind.STATUS, text("slow status"));
    publish.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    long roundTrip = System.nanoTime() - start;
    assertTrue(
        roundTrip >= TimeUnit.MILLISECONDS.toNanos(600),
        "PUBACK after " + TimeUnit.NANOSECONDS.toMillis(roundTrip) + " ms, 300 ms each way");

    link.latency(Duration.ZERO);
    link.publish(Topics.Kind.STATUS, text("fast status")).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    List<String> statuses =
        controller.awaitMessages(Topics.status(node), 2, WAIT).stream()
            .map(m -> new String(m.payload(), StandardCharsets.UTF_8))
            .toList();
    assertEquals(List.of("slow status", "fast status"), statuses);
  }

  @Test
  void countersCountTheBytesAndPacketsThatCrossTheSocket() throws Exception {
    NodeId node = new NodeId("hub-counters-1");
    Recorder recorder = new Recorder();
    HubFleetLink link = link(settings(node).build());
    link.start(recorder);
    await("connected").atMost(WAIT).until(link::connected);
    HubFleetLink.Counters before = link.counters();
    LinkHub.Totals hubBefore = hub.totals();
    assertTrue(before.bytesOut() > 0 && before.bytesIn() > 0, before.toString());

    link.publish(Topics.Kind.EVENTS, new byte[10_000]).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    controller.publish(Topics.desired(node), new byte[20_000]);
    await("the desired state").atMost(WAIT).until(() -> recorder.desired.size() == 1);
    // Its PUBACK goes out after the listener returns.
    await().atMost(WAIT).until(() -> link.counters().packetsOut() >= before.packetsOut() + 2);

    HubFleetLink.Counters after = link.counters();
    assertTrue(after.bytesOut() - before.bytesOut() >= 10_000, after.toString());
    assertTrue(after.bytesIn() - before.bytesIn() >= 20_000, after.toString());
    assertEquals(before.publishesOut() + 1, after.publishesOut());
    assertEquals(before.publishesIn() + 1, after.publishesIn());
    assertTrue(after.packetsIn() >= before.packetsIn() + 2, "the PUBACK and the PUBLISH");
    LinkHub.Totals hubAfter = hub.totals();
    assertTrue(hubAfter.bytesOut() - hubBefore.bytesOut() >= 10_000);
    assertTrue(hubAfter.bytesIn() - hubBefore.bytesIn() >= 20_000);
  }

  @Test
  void fiveHundredLinksConnectOnOneHubWithoutAThreadEach() {
    var threads = ManagementFactory.getThreadMXBean();
    List<Recorder> recorders = new ArrayList<>();
    // The first hundred also wake whatever the broker starts lazily for its first connections.
    startLinks(0, 100, recorders);
    await("100 links connected and subscribed")
        .atMost(Duration.ofSeconds(20))
        .until(() -> recorders.stream().allMatch(r -> r.connects.get() == 1));
    int threadsAt100 = threads.getThreadCount();

    startLinks(100, 500, recorders);

    await("500 links connected and subscribed")
        .atMost(Duration.ofSeconds(40))
        .until(() -> recorders.stream().allMatch(r -> r.connects.get() == 1));
    int threadsAt500 = threads.getThreadCount();
    assertTrue(
        threadsAt500 - threadsAt100 <= 3,
        "400 more links took threads: " + threadsAt100 + " -> " + threadsAt500);
    assertEquals(
        1,
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().equals(LinkHub.THREAD_NAME))
            .count());
    assertTrue(hub.totals().connections() >= 500);
    assertTrue(opened.stream().allMatch(HubFleetLink::connected));
  }

  private void startLinks(int from, int to, List<Recorder> recorders) {
    for (int i = from; i < to; i++) {
      NodeId node = new NodeId("hub-many-%03d".formatted(i));
      Recorder recorder = new Recorder();
      recorders.add(recorder);
      link(settings(node).keepAlive(Duration.ofSeconds(30)).build()).start(recorder);
    }
  }

  // ---- helpers ----

  private HubFleetLink link(LinkSettings settings) {
    HubFleetLink link = hub.link(settings);
    opened.add(link);
    return link;
  }

  private List<Presence.State> states(NodeId node) {
    return controller.messages(Topics.presence(node)).stream()
        .map(
            m -> {
              try {
                return Presence.parseFrom(m.payload()).getState();
              } catch (InvalidProtocolBufferException e) {
                throw new AssertionError(e);
              }
            })
        .toList();
  }

  private static void assertFailsWith(
      PublishFailedException.Reason reason, CompletableFuture<Void> future) {
    assertTrue(future.isCompletedExceptionally(), "fails at once");
    ExecutionException e = assertThrows(ExecutionException.class, future::get);
    PublishFailedException failure = assertInstanceOf(PublishFailedException.class, e.getCause());
    assertEquals(reason, failure.reason());
  }

  private static byte[] text(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private SettingsBuilder settings(NodeId node) {
    return new SettingsBuilder(node);
  }

  /** LinkSettings for the test broker with the agent's shape and test-sized durations. */
  private final class SettingsBuilder {
    private final NodeId node;
    private Duration keepAlive = Duration.ofSeconds(5);
    private Duration willDelay = Duration.ofSeconds(5);
    private Duration reconnectMin = Duration.ofMillis(200);
    private Duration reconnectMax = Duration.ofSeconds(1);
    private String uri = broker.uri();
    private int maxInflight = 10;

    SettingsBuilder(NodeId node) {
      this.node = node;
    }

    SettingsBuilder keepAlive(Duration value) {
      keepAlive = value;
      return this;
    }

    SettingsBuilder willDelay(Duration value) {
      willDelay = value;
      return this;
    }

    SettingsBuilder uri(String value) {
      uri = value;
      return this;
    }

    SettingsBuilder maxInflight(int value) {
      maxInflight = value;
      return this;
    }

    SettingsBuilder reconnect(Duration min, Duration max) {
      reconnectMin = min;
      reconnectMax = max;
      return this;
    }

    LinkSettings build() {
      return new LinkSettings(
          uri,
          node,
          "",
          Duration.ofMinutes(10),
          keepAlive,
          willDelay,
          reconnectMin,
          reconnectMax,
          maxInflight,
          "hub-it",
          "boot-" + System.nanoTime(),
          () -> 0L);
    }
  }

  private HubFleetLink link(SettingsBuilder settings) {
    return link(settings.build());
  }

  /** Records the callbacks, which come on the hub thread. */
  private static final class Recorder implements FleetLink.Listener {
    final List<byte[]> desired = new CopyOnWriteArrayList<>();
    final List<Long> desiredAtNanos = new CopyOnWriteArrayList<>();
    final AtomicInteger connects = new AtomicInteger();
    final List<String> losses = new CopyOnWriteArrayList<>();
    final List<byte[][]> commands = new CopyOnWriteArrayList<>();

    @Override
    public void onCommand(byte[] payload, byte[] correlationData) {
      commands.add(new byte[][] {payload, correlationData});
    }

    @Override
    public void onDesired(byte[] payload) {
      desiredAtNanos.add(System.nanoTime());
      desired.add(payload);
    }

    @Override
    public void onConnected() {
      connects.incrementAndGet();
    }

    @Override
    public void onConnectionLost(String cause) {
      losses.add(cause);
    }

    List<String> desired() {
      return desired.stream().map(d -> new String(d, StandardCharsets.UTF_8)).toList();
    }
  }
}
