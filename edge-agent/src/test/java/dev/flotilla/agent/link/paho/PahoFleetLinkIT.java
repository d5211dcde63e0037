package dev.flotilla.agent.link.paho;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.packets.publish.AckReasonCode;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import dev.flotilla.agent.link.FleetLink;
import dev.flotilla.agent.link.LinkSettings;
import dev.flotilla.agent.link.PublishFailedException;
import dev.flotilla.agent.testing.TcpProxy;
import dev.flotilla.agent.testing.TestBroker;
import dev.flotilla.agent.testing.TestMqttClient;
import dev.flotilla.agent.testing.TestMqttClient.Received;
import dev.flotilla.protocol.NodeId;
import dev.flotilla.protocol.ProtocolException;
import dev.flotilla.protocol.Topics;
import dev.flotilla.protocol.WireDecoder;
import dev.flotilla.protocol.v1.Presence;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/** {@link PahoFleetLink} against a real (embedded HiveMQ CE) broker. */
class PahoFleetLinkIT {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final Duration WILL_DELAY = Duration.ofSeconds(1);

  /** Publishes by nodes whose id starts with this are refused by the broker (0x87). */
  private static final String REFUSED_PREFIX = "refused-";

  private static final AtomicInteger NODES = new AtomicInteger();

  @TempDir static Path dir;
  private static TestBroker broker;

  private final List<AutoCloseable> resources = new ArrayList<>();
  private ScheduledExecutorService scheduler;
  private TestMqttClient controller;
  private NodeId node;

  @BeforeAll
  static void startBroker() {
    // A generous receive maximum so that the link's own maxInflight is what limits it.
    broker =
        TestBroker.builder(dir)
            .serverReceiveMaximum(1_000)
            .extension(refusingStatusOf(REFUSED_PREFIX))
            .start();
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @BeforeEach
  void setUp(TestInfo test) {
    broker.start(); // in case a test stopped it and failed before starting it again
    scheduler = Executors.newSingleThreadScheduledExecutor();
    String prefix = test.getTags().contains("refused") ? REFUSED_PREFIX : "gw-";
    node = new NodeId(prefix + NODES.incrementAndGet());
    controller = controller();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable resource : resources.reversed()) {
      resource.close();
    }
    scheduler.shutdown(); // lets the queued clean-ups of replaced clients run
    // Every Paho client the link created, including those of failed attempts, is released.
    await("Paho threads of " + node + " to end")
        .atMost(WAIT)
        .until(() -> pahoThreadsOf(node.value()), List::isEmpty);
  }

  /** Paho's threads for {@code clientId} ("MQTT Rec: id", ...), each with the top of its stack. */
  private static List<String> pahoThreadsOf(String clientId) {
    return Thread.getAllStackTraces().entrySet().stream()
        .filter(e -> e.getKey().getName().startsWith("MQTT"))
        .filter(e -> e.getKey().getName().endsWith(": " + clientId))
        .map(
            e ->
                e.getKey().getName()
                    + " at "
                    + Arrays.toString(
                        Arrays.copyOf(e.getValue(), Math.min(6, e.getValue().length))))
        .toList();
  }

  // ---- connecting, presence, desired ----

  @Test
  void connectsAndPublishesARetainedOnlinePresence() throws ProtocolException {
    controller.subscribe(Topics.presence(node));
    RecordingListener listener = new RecordingListener();

    PahoFleetLink link = link(settings(broker.uri(), 64, WILL_DELAY), listener);

    await().atMost(WAIT).until(link::connected);
    assertEquals(1, listener.connects.get());
    assertFalse(pahoThreadsOf(node.value()).isEmpty(), "the thread-leak check sees Paho's threads");
    Received birth = controller.awaitMessages(Topics.presence(node), 1, WAIT).get(0);
    assertTrue(birth.retained());
    Presence presence = new WireDecoder().presence(birth.payload());
    assertEquals(Presence.State.ONLINE, presence.getState());
    assertEquals(node.value(), presence.getNodeId());
    assertEquals("boot-" + node.value(), presence.getBootId());
    assertEquals(3, presence.getAppliedGeneration());
  }

  @Test
  void receivesTheRetainedDesiredStatePublishedBeforeItConnected() {
    byte[] desired = bytes("desired generation 5");
    controller.publishRetained(Topics.desired(node), desired);
    RecordingListener listener = new RecordingListener();

    link(settings(broker.uri(), 64, WILL_DELAY), listener);

    await().atMost(WAIT).until(() -> listener.desired.size() == 1);
    assertArrayEquals(desired, listener.desired.get(0));
  }

  @Test
  void receivesALiveDesiredUpdate() {
    RecordingListener listener = new RecordingListener();
    PahoFleetLink link = link(settings(broker.uri(), 64, WILL_DELAY), listener);
    await().atMost(WAIT).until(link::connected);

    byte[] update = bytes("desired generation 6");
    controller.publishRetained(Topics.desired(node), update);

    await().atMost(WAIT).until(() -> listener.desired.size() == 1);
    assertArrayEquals(update, listener.desired.get(0));
  }

  // ---- commands ----

  @Test
  void aCommandReachesTheListenerWithItsCorrelationDataAndTheReplyCarriesItBack() throws Exception {
    controller.subscribe(Topics.commandReply(node));
    RecordingListener listener = new RecordingListener();
    PahoFleetLink link = link(settings(broker.uri(), 64, WILL_DELAY), listener);
    await().atMost(WAIT).until(link::connected);

    controller.publishRequest(
        Topics.command(node), bytes("command 1"), bytes("corr-1"), Topics.commandReply(node), 30);

    await().atMost(WAIT).until(() -> listener.commands.size() == 1);
    assertArrayEquals(bytes("command 1"), listener.commands.get(0)[0]);
    assertArrayEquals(bytes("corr-1"), listener.commands.get(0)[1]);
    link.publishReply(bytes("reply 1"), bytes("corr-1")).get();
    Received reply = controller.awaitMessages(Topics.commandReply(node), 1, WAIT).get(0);
    assertArrayEquals(bytes("reply 1"), reply.payload());
    assertArrayEquals(bytes("corr-1"), reply.correlationData());
    assertFalse(reply.retained());
  }

  @Test
  void aReplyWhileNotConnectedFailsAtOnceInsteadOfWaiting() {
    PahoFleetLink link =
        link(settings("tcp://127.0.0.1:" + closedPort(), 64, WILL_DELAY), new RecordingListener());

    PublishFailedException e = failure(link.publishReply(bytes("late"), bytes("corr-2")));

    assertEquals(PublishFailedException.Reason.NOT_CONNECTED, e.reason());
  }

  // ---- publishing ----

  @Test
  void publishCompletesAfterThePubackAndTheControllerReceivesThePayloadOnTheRightTopic()
      throws Exception {
    controller.subscribe(Topics.allNodes(Topics.Kind.STATUS));
    controller.subscribe(Topics.allNodes(Topics.Kind.EVENTS));
    PahoFleetLink link = link(settings(broker.uri(), 64, WILL_DELAY), new RecordingListener());
    await().atMost(WAIT).until(link::connected);

    CompletableFuture<Void> status = link.publish(Topics.Kind.STATUS, bytes("status 1"));
    CompletableFuture<Void> events = link.publish(Topics.Kind.EVENTS, bytes("events 1"));

    await().atMost(WAIT).until(() -> status.isDone() && events.isDone());
    status.get();
    events.get();
    Received got = controller.awaitMessages(Topics.status(node), 1, WAIT).get(0);
    assertArrayEquals(bytes("status 1"), got.payload());
    assertFalse(got.retained());
    assertArrayEquals(
        bytes("events 1"), controller.awaitMessages(Topics.events(node), 1, WAIT).get(0).payload());
  }

  @Test
  @Tag("refused")
  void publishFailsWhenTheBrokersPubackCarriesAFailureReasonCode() {
    PahoFleetLink link = link(settings(broker.uri(), 64, WILL_DELAY), new RecordingListener());
    await().atMost(WAIT).until(link::connected);

    CompletableFuture<Void> status = link.publish(Topics.Kind.STATUS, bytes("status"));

    await().atMost(WAIT).until(status::isDone);
    PublishFailedException failure = failure(status);
    assertEquals(PublishFailedException.Reason.REFUSED, failure.reason());
    assertEquals(0x87, failure.reasonCode());
    assertTrue(link.connected(), "a refused message does not end the connection");
  }

  @Test
  void moreThanTenPublishesInFlightAtOnceAllComplete() {
    controller.subscribe(Topics.status(node));
    TcpProxy proxy = proxy();
    PahoFleetLink link = link(settings(proxy.uri(), 64, WILL_DELAY), new RecordingListener());
    await().atMost(WAIT).until(link::connected);

    proxy.holdDownstream(); // the broker's PUBACKs do not reach the link for now
    List<CompletableFuture<Void>> results = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      results.add(link.publish(Topics.Kind.STATUS, bytes("status " + i)));
    }

    // All 40 reached the broker although none was acknowledged: 40 in flight at once.
    controller.awaitMessages(Topics.status(node), 40, WAIT);
    assertTrue(results.stream().noneMatch(CompletableFuture::isDone));

    proxy.releaseDownstream();
    await().atMost(WAIT).until(() -> results.stream().allMatch(CompletableFuture::isDone));
    assertTrue(results.stream().noneMatch(CompletableFuture::isCompletedExceptionally));
  }

  @Test
  void publishesBeyondTheInFlightLimitWaitInOrderForAFreeSlot() {
    controller.subscribe(Topics.status(node));
    TcpProxy proxy = proxy();
    PahoFleetLink link = link(settings(proxy.uri(), 5, WILL_DELAY), new RecordingListener());
    await().atMost(WAIT).until(link::connected);

    proxy.holdDownstream();
    List<CompletableFuture<Void>> results = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      results.add(link.publish(Topics.Kind.STATUS, bytes("status " + i)));
    }

    controller.awaitMessages(Topics.status(node), 5, WAIT);
    await()
        .during(Duration.ofMillis(300))
        .atMost(WAIT)
        .until(() -> controller.messages(Topics.status(node)).size() == 5);
    assertTrue(results.stream().noneMatch(CompletableFuture::isDone));

    proxy.releaseDownstream();
    await().atMost(WAIT).until(() -> results.stream().allMatch(CompletableFuture::isDone));
    assertTrue(results.stream().noneMatch(CompletableFuture::isCompletedExceptionally));
    List<Received> got = controller.awaitMessages(Topics.status(node), 20, WAIT);
    for (int i = 0; i < 20; i++) {
      assertArrayEquals(bytes("status " + i), got.get(i).payload(), "message " + i);
    }
  }

  // ---- losing the broker ----

  @Test
  void publishFailsFastWhileTheBrokerIsStopped() {
    RecordingListener listener = new RecordingListener();
    PahoFleetLink link = link(settings(broker.uri(), 64, WILL_DELAY), listener);
    await().atMost(WAIT).until(link::connected);

    broker.stop();
    await().atMost(WAIT).until(() -> listener.losses.size() == 1);
    assertFalse(link.connected());
    CompletableFuture<Void> result = link.publish(Topics.Kind.STATUS, bytes("status"));

    assertTrue(result.isCompletedExceptionally(), "failed at once, without waiting");
    assertEquals(PublishFailedException.Reason.NOT_CONNECTED, failure(result).reason());
  }

  @Test
  void reconnectsOnItsOwnAfterTheBrokerRestartsOnTheSamePortAndSubscribesAgain() {
    byte[] retained = bytes("desired generation 1");
    controller.publishRetained(Topics.desired(node), retained);
    RecordingListener listener = new RecordingListener();
    PahoFleetLink link = link(settings(broker.uri(), 64, WILL_DELAY), listener);
    await().atMost(WAIT).until(() -> listener.connects.get() == 1 && listener.desired.size() == 1);

    broker.restart();

    await().atMost(WAIT).until(() -> listener.connects.get() == 2 && link.connected());
    assertEquals(1, listener.losses.size());
    // The retained desired state comes again with the new subscription...
    await().atMost(WAIT).until(() -> listener.desired.size() == 2);
    assertArrayEquals(retained, listener.desired.get(1));
    // ...and live updates arrive on the new connection.
    TestMqttClient again = controller();
    again.subscribe(Topics.presence(node));
    byte[] update = bytes("desired generation 2");
    again.publishRetained(Topics.desired(node), update);
    await().atMost(WAIT).until(() -> listener.desired.size() == 3);
    assertArrayEquals(update, listener.desired.get(2));
    // And the node is ONLINE again.
    Received presence = again.awaitMessages(Topics.presence(node), 1, WAIT).get(0);
    assertEquals(Presence.State.ONLINE, decodePresence(presence).getState());
  }

  @Test
  void theBrokerPublishesTheRetainedOfflineWillAfterTheWillDelayWhenTheConnectionDiesAbruptly() {
    controller.subscribe(Topics.presence(node));
    TcpProxy proxy = proxy();
    RecordingListener listener = new RecordingListener();
    PahoFleetLink link = link(settings(proxy.uri(), 64, WILL_DELAY), listener);
    await().atMost(WAIT).until(link::connected);
    controller.awaitMessages(Topics.presence(node), 1, WAIT);
    controller.clearMessages();

    proxy.refuse(true); // the node stays away...
    proxy.cut(); // ...after its connection died without a DISCONNECT

    await().atMost(WAIT).until(() -> listener.losses.size() == 1);
    await()
        .atLeast(WILL_DELAY.dividedBy(2))
        .atMost(WAIT)
        .until(() -> !controller.messages(Topics.presence(node)).isEmpty());
    Received will = controller.messages(Topics.presence(node)).get(0);
    assertTrue(will.retained());
    Presence presence = decodePresence(will);
    assertEquals(Presence.State.OFFLINE, presence.getState());
    assertEquals(node.value(), presence.getNodeId());
    assertEquals("boot-" + node.value(), presence.getBootId());
    // Whoever looks later finds the node OFFLINE.
    TestMqttClient later = controller();
    later.subscribe(Topics.presence(node));
    Received kept = later.awaitMessages(Topics.presence(node), 1, WAIT).get(0);
    assertEquals(Presence.State.OFFLINE, decodePresence(kept).getState());
  }

  @Test
  void leaksNoThreadsWhenThePeerAcceptsConnectionsAndDropsThemAtOnce() {
    TcpProxy proxy = proxy();
    proxy.refuse(true); // accepts, then resets: a broker or load balancer turning nodes away
    RecordingListener listener = new RecordingListener();
    LinkSettings quickRetries =
        withReconnect(
            settings(proxy.uri(), 64, WILL_DELAY), Duration.ofMillis(20), Duration.ofMillis(50));
    PahoFleetLink link = link(quickRetries, listener);

    // Without SettlingSocketFactory, Paho 1.2.5 leaks its connect thread on a good share of such
    // attempts: 8 of them make a leak all but certain to show.
    await().atMost(WAIT).until(() -> proxy.accepted() >= 8);
    assertFalse(link.connected());
    assertEquals(0, listener.connects.get());
    // tearDown checks that every attempt's Paho threads, the connect thread included, are gone.
  }

  @Test
  void abandonsAnAttemptThatGetsNoConnackAndTriesAgain() {
    TcpProxy proxy = proxy();
    proxy.holdDownstream(); // the broker's CONNACK never arrives
    // The connect time-out is the keep-alive: 1 s here.
    LinkSettings settings = settings(proxy.uri(), 64, WILL_DELAY, Duration.ofSeconds(1));
    RecordingListener listener = new RecordingListener();
    PahoFleetLink link = link(settings, listener);

    await().atMost(WAIT).until(() -> proxy.accepted() >= 2);
    assertFalse(link.connected());

    proxy.releaseDownstream();
    await().atMost(WAIT).until(link::connected);
    assertEquals(1, listener.connects.get());
  }

  @Test
  void closePublishesARetainedOfflinePresenceAndFailsNothingTwice() {
    controller.subscribe(Topics.presence(node));
    // A long will delay: an OFFLINE seen within this test comes from close(), not from the will.
    PahoFleetLink link =
        link(settings(broker.uri(), 64, Duration.ofMinutes(5)), new RecordingListener());
    await().atMost(WAIT).until(link::connected);
    controller.awaitMessages(Topics.presence(node), 1, WAIT);

    link.close();
    link.close();

    Received goodbye = controller.awaitMessages(Topics.presence(node), 2, WAIT).get(1);
    assertTrue(goodbye.retained());
    assertEquals(Presence.State.OFFLINE, decodePresence(goodbye).getState());
    assertFalse(link.connected());
    assertEquals(
        PublishFailedException.Reason.CLOSED,
        failure(link.publish(Topics.Kind.STATUS, bytes("late"))).reason());
  }

  // ---- helpers ----

  private LinkSettings settings(String uri, int maxInflight, Duration willDelay) {
    return settings(uri, maxInflight, willDelay, Duration.ofSeconds(30));
  }

  private LinkSettings settings(
      String uri, int maxInflight, Duration willDelay, Duration keepAlive) {
    return new LinkSettings(
        uri,
        node,
        "",
        Duration.ofMinutes(5),
        keepAlive,
        willDelay,
        Duration.ofMillis(100),
        Duration.ofMillis(500),
        maxInflight,
        "test-agent",
        "boot-" + node.value(),
        () -> 3);
  }

  private static LinkSettings withReconnect(LinkSettings s, Duration min, Duration max) {
    return new LinkSettings(
        s.brokerUri(),
        s.node(),
        s.password(),
        s.sessionExpiry(),
        s.keepAlive(),
        s.willDelay(),
        min,
        max,
        s.maxInflight(),
        s.agentVersion(),
        s.bootId(),
        s.appliedGeneration());
  }

  private PahoFleetLink link(LinkSettings settings, FleetLink.Listener listener) {
    PahoFleetLink link = new PahoFleetLink(settings, scheduler);
    resources.add(link);
    link.start(listener);
    return link;
  }

  private TestMqttClient controller() {
    TestMqttClient client =
        TestMqttClient.connect(broker.uri(), "controller-" + NODES.incrementAndGet());
    resources.add(client);
    return client;
  }

  private TcpProxy proxy() {
    TcpProxy proxy = TcpProxy.start(broker.port());
    resources.add(proxy);
    return proxy;
  }

  private static PublishFailedException failure(CompletableFuture<Void> result) {
    ExecutionException e = assertThrows(ExecutionException.class, result::get);
    return assertInstanceOf(PublishFailedException.class, e.getCause());
  }

  private static Presence decodePresence(Received received) {
    try {
      return new WireDecoder().presence(received.payload());
    } catch (ProtocolException e) {
      throw new AssertionError("not a presence: " + e.getMessage(), e);
    }
  }

  /** A loopback port nothing listens on (it was free a moment ago). */
  private static int closedPort() {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** An extension that refuses (0x87, not authorized) status publishes of some nodes. */
  private static EmbeddedExtension refusingStatusOf(String nodePrefix) {
    String topicPrefix = Topics.ROOT + "nodes/" + nodePrefix;
    return EmbeddedExtension.builder()
        .withId("refuse-status")
        .withName("refuse status of " + nodePrefix + "*")
        .withVersion("1")
        .withExtensionMain(
            new ExtensionMain() {
              @Override
              public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
                Services.initializerRegistry()
                    .setClientInitializer(
                        (initializerInput, clientContext) ->
                            clientContext.addPublishInboundInterceptor(
                                (publishInput, publishOutput) -> {
                                  String topic = publishInput.getPublishPacket().getTopic();
                                  if (topic.startsWith(topicPrefix) && topic.endsWith("/status")) {
                                    publishOutput.preventPublishDelivery(
                                        AckReasonCode.NOT_AUTHORIZED, "status refused by test");
                                  }
                                }));
              }

              @Override
              public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {}
            })
        .build();
  }

  /** Records what the link tells its listener. */
  static final class RecordingListener implements FleetLink.Listener {
    final List<byte[]> desired = new CopyOnWriteArrayList<>();
    final AtomicInteger connects = new AtomicInteger();
    final List<String> losses = new CopyOnWriteArrayList<>();
    final List<byte[][]> commands = new CopyOnWriteArrayList<>();

    @Override
    public void onCommand(byte[] payload, byte[] correlationData) {
      commands.add(new byte[][] {payload, correlationData});
    }

    @Override
    public void onDesired(byte[] payload) {
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
  }
}
