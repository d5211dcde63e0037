package dev.flotilla.controller.broker;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeout;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.protocol.NodeId;
import dev.flotilla.protocol.Topics;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker with its security extension, against real Paho MQTT 5 clients. One broker serves all
 * tests (HiveMQ takes seconds to start and stop); the restart test replaces it with a new one on
 * the same folder and port.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddedBrokerIT {
  private static final int NOT_AUTHORIZED = 0x87;
  private static final int BAD_USER_NAME_OR_PASSWORD = 0x86;
  private static final int DISCONNECT_WITH_WILL_MESSAGE = 0x04;
  private static final long WAIT_MS = 10_000;

  private static final NodeId A = new NodeId("a");
  private static final NodeId B = new NodeId("b");

  @TempDir static Path tempDir;

  private final BrokerCounters counters = new BrokerCounters();
  private final InMemoryBrokerCredentials credentials =
      new InMemoryBrokerCredentials()
          .add("a", "secret-a", new BrokerPrincipal.Node(A))
          .add("b", "secret-b", new BrokerPrincipal.Node(B))
          .add("controller", "secret-c", new BrokerPrincipal.Controller());
  private final List<Client> clients = new ArrayList<>();
  private BrokerSettings settings;
  private EmbeddedBroker broker;

  @BeforeAll
  void startBroker() throws IOException {
    settings =
        new BrokerSettings(
            "127.0.0.1",
            freeLoopbackPort(),
            tempDir.resolve("broker"),
            BrokerSettings.DEFAULT_SERVER_RECEIVE_MAXIMUM,
            BrokerSettings.DEFAULT_MAX_PACKET_BYTES);
    broker = EmbeddedBroker.start(settings, credentials, counters);
  }

  @AfterEach
  void closeClients() {
    clients.forEach(Client::close);
    clients.clear();
  }

  @AfterAll
  void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void aNodeCannotSubscribeToAnotherNodesTopicsOrToWildcards() throws Exception {
    Client a = connect("a", "a", "secret-a");
    long refusedBefore = counters.subscribeRefused();

    assertEquals(NOT_AUTHORIZED, a.subscribe(Topics.desired(B)));
    assertEquals(NOT_AUTHORIZED, a.subscribe(Topics.command(B)));
    assertEquals(NOT_AUTHORIZED, a.subscribe("flotilla/v1/nodes/+/desired"));
    assertEquals(NOT_AUTHORIZED, a.subscribe(Topics.desired(A) + "/#"));
    assertEquals(NOT_AUTHORIZED, a.subscribe("#"));
    assertEquals(NOT_AUTHORIZED, a.subscribe("$share/x/" + Topics.desired(A)));

    assertEquals(refusedBefore + 6, counters.subscribeRefused());
    assertTrue(a.mqtt.isConnected(), "a refused SUBSCRIBE leaves the connection up");
  }

  @Test
  void aNodeReceivesTheRetainedDesiredStateTheControllerPublishedOnItsOwnTopic() throws Exception {
    Client controller = connect("flotilla-controller-1", "controller", "secret-c");
    byte[] desired = ("desired-" + UUID.randomUUID()).getBytes(UTF_8);
    controller.publishAccepted(Topics.desired(A), desired, true);

    Client a = connect("a", "a", "secret-a");
    assertEquals(1, a.subscribe(Topics.desired(A)), "granted QoS 1");
    assertEquals(1, a.subscribe(Topics.command(A)), "granted QoS 1");

    Received received = a.next();
    assertEquals(Topics.desired(A), received.topic());
    assertArrayEquals(desired, received.message().getPayload());
    assertTrue(received.message().isRetained());
  }

  @Test
  void aNodeThatPublishesOnAnotherNodesStatusGetsPubackNotAuthorizedAndIsDisconnected()
      throws Exception {
    Client controller = connect("flotilla-controller-1", "controller", "secret-c");
    controller.subscribe(Topics.shared("controllers", Topics.Kind.STATUS));
    Client a = connect("a", "a", "secret-a");
    long refusedBefore = counters.publishRefused();

    assertEquals(
        NOT_AUTHORIZED,
        a.publish(Topics.status(B), "forged".getBytes(UTF_8), false),
        "PUBACK reason code");
    await().atMost(Duration.ofMillis(WAIT_MS)).until(() -> a.disconnect.get() != null);
    assertEquals(NOT_AUTHORIZED, a.disconnect.get().getReturnCode(), "DISCONNECT reason code");
    assertEquals(refusedBefore + 1, counters.publishRefused());

    // A later, allowed publish arrives; the forged one never came before it.
    Client again = connect("a", "a", "secret-a");
    again.publishAccepted(Topics.status(A), "marker".getBytes(UTF_8), false);
    Received first = controller.next();
    assertEquals(Topics.status(A), first.topic());
    assertEquals("marker", new String(first.message().getPayload(), UTF_8));
    assertTrue(controller.received.isEmpty());
  }

  @Test
  void aNodeThatPublishesRetainedStatusIsRefused() throws Exception {
    Client a = connect("a", "a", "secret-a");
    assertEquals(NOT_AUTHORIZED, a.publish(Topics.status(A), "x".getBytes(UTF_8), true));
    await().atMost(Duration.ofMillis(WAIT_MS)).until(() -> a.disconnect.get() != null);
  }

  @Test
  void aNodesStatusReachesTheControllersSharedSubscription() throws Exception {
    Client controller = connect("flotilla-controller-1", "controller", "secret-c");
    assertEquals(1, controller.subscribe(Topics.shared("controllers", Topics.Kind.STATUS)));
    Client a = connect("a", "a", "secret-a");

    a.publishAccepted(Topics.status(A), "up".getBytes(UTF_8), false);

    Received received = controller.next();
    assertEquals(Topics.status(A), received.topic());
    assertEquals("up", new String(received.message().getPayload(), UTF_8));
  }

  @Test
  void aBurstFromTheWholeFleetWaitsForAnAbsentControllerWithoutLosingAMessage() throws Exception {
    // A fleet-wide apply makes every node report at once: thousands of statuses and events queue
    // for the controller's shared subscription while it catches up or restarts. HiveMQ's default
    // limit (1,000 per client) would drop the rest without telling anyone.
    MqttConnectionOptions persistent = options("controller", "secret-c");
    persistent.setCleanStart(false);
    persistent.setSessionExpiryInterval(3_600L);
    Client controller = connect("flotilla-controller-burst", persistent);
    assertEquals(1, controller.subscribe(Topics.shared("burst", Topics.Kind.STATUS)));
    controller.close();
    clients.remove(controller);

    Client a = connect("a", "a", "secret-a");
    int burst = 3 * 1_000;
    for (int i = 0; i < burst; i++) {
      a.publishAccepted(Topics.status(A), Integer.toString(i).getBytes(UTF_8), false);
    }

    Client back = connect("flotilla-controller-burst", persistent);
    List<String> got = new ArrayList<>();
    for (Received r; got.size() < burst && (r = back.poll()) != null; ) {
      got.add(new String(r.message().getPayload(), UTF_8));
    }
    assertEquals(burst, got.size(), "statuses delivered to the controller after the burst");
    for (int i = 0; i < burst; i++) {
      assertEquals(Integer.toString(i), got.get(i), "in order");
    }
  }

  @Test
  void aWrongPasswordIsRefusedWithBadUserNameOrPassword() {
    assertConnectRefused(BAD_USER_NAME_OR_PASSWORD, "a", "a", "secret-b");
  }

  @Test
  void anUnknownUserIsRefusedWithBadUserNameOrPassword() {
    assertConnectRefused(BAD_USER_NAME_OR_PASSWORD, "zz", "zz", "secret-a");
  }

  @Test
  void aClientWithoutUserNameIsRefusedWithBadUserNameOrPassword() {
    assertConnectRefused(BAD_USER_NAME_OR_PASSWORD, "a", null, null);
  }

  @Test
  void aNodeCannotConnectWithAnotherNodesClientIdSoItCannotTakeOverThatSession() throws Exception {
    Client a = connect("a", "a", "secret-a");

    assertConnectRefused(NOT_AUTHORIZED, "a", "b", "secret-b");
    assertConnectRefused(NOT_AUTHORIZED, "b-extra", "b", "secret-b");

    assertTrue(a.mqtt.isConnected(), "the real node a keeps its connection");
  }

  @Test
  void theControllerMustUseAControllerClientId() {
    assertConnectRefused(NOT_AUTHORIZED, "a", "controller", "secret-c");
  }

  @Test
  void aNodeWhoseWillIsAnotherNodesPresenceCannotConnect() {
    long willsBefore = counters.willRefused();
    MqttConnectionOptions options = options("a", "secret-a");
    options.setWill(Topics.presence(B), retained("b is dead".getBytes(UTF_8)));

    MqttException refused = assertThrows(MqttException.class, () -> connect("a", options));

    assertEquals(NOT_AUTHORIZED, refused.getReasonCode(), "CONNACK reason code");
    assertEquals(willsBefore + 1, counters.willRefused());
  }

  @Test
  void aNodesWillOnItsOwnPresenceReachesTheController() throws Exception {
    Client controller = connect("flotilla-controller-1", "controller", "secret-c");
    controller.subscribe(Topics.shared("controllers", Topics.Kind.PRESENCE));
    MqttConnectionOptions options = options("a", "secret-a");
    options.setWill(Topics.presence(A), retained("a is gone".getBytes(UTF_8)));
    Client a = connect("a", options);

    a.mqtt
        .disconnect(WAIT_MS, null, null, DISCONNECT_WITH_WILL_MESSAGE, new MqttProperties())
        .waitForCompletion(WAIT_MS);

    Received will = controller.next();
    assertEquals(Topics.presence(A), will.topic());
    assertEquals("a is gone", new String(will.message().getPayload(), UTF_8));
  }

  @Test
  void retainedMessagesSurviveARestartOnTheSameFolderAndPort() throws Exception {
    Client controller = connect("flotilla-controller-1", "controller", "secret-c");
    byte[] desired = ("kept-" + UUID.randomUUID()).getBytes(UTF_8);
    controller.publishAccepted(Topics.desired(B), desired, true);
    closeClients();

    broker.close();
    assertFalse(broker.running());
    broker.close(); // idempotent
    broker = EmbeddedBroker.start(settings, credentials, counters);

    Client b = connect("b", "b", "secret-b");
    b.subscribe(Topics.desired(B));
    Received received = b.next();
    assertArrayEquals(desired, received.message().getPayload());
    assertTrue(received.message().isRetained());
  }

  @Test
  void aBusyPortFailsFastWithOneLineThatNamesTheSetting() throws IOException {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      BrokerSettings busy =
          settings.withPort(taken.getLocalPort()).withDir(tempDir.resolve("busy"));

      BrokerStartException failure =
          assertTimeout(
              Duration.ofSeconds(2),
              () ->
                  assertThrows(
                      BrokerStartException.class,
                      () -> EmbeddedBroker.start(busy, credentials, counters)));

      assertEquals(
          "MQTT port 127.0.0.1:"
              + taken.getLocalPort()
              + " is already in use; stop the process holding it (is another controller"
              + " running?) or set flotilla.broker.port / FLOTILLA_BROKER_PORT to a free port",
          failure.getMessage());
    }
  }

  @Test
  void aSecondBrokerOnTheRunningBrokersPortFailsFast() {
    BrokerSettings second = settings.withDir(tempDir.resolve("second"));

    BrokerStartException failure =
        assertThrows(
            BrokerStartException.class, () -> EmbeddedBroker.start(second, credentials, counters));

    assertTrue(
        failure
            .getMessage()
            .startsWith("MQTT port " + "127.0.0.1:" + settings.port() + " is already in use;"),
        failure.getMessage());
    assertTrue(broker.running());
  }

  // --- helpers

  private void assertConnectRefused(
      int reasonCode, String clientId, @Nullable String username, @Nullable String password) {
    long refusedBefore = counters.authRefused();
    MqttException refused =
        assertThrows(MqttException.class, () -> connect(clientId, options(username, password)));
    assertEquals(reasonCode, refused.getReasonCode(), "CONNACK reason code");
    assertEquals(refusedBefore + 1, counters.authRefused());
  }

  private Client connect(String clientId, String username, String password) throws MqttException {
    return connect(clientId, options(username, password));
  }

  private Client connect(String clientId, MqttConnectionOptions options) throws MqttException {
    Client client =
        new Client(new MqttAsyncClient(broker.localUri(), clientId, new MemoryPersistence()));
    clients.add(client);
    client.mqtt.setCallback(client);
    client.mqtt.connect(options).waitForCompletion(WAIT_MS);
    return client;
  }

  private static MqttConnectionOptions options(
      @Nullable String username, @Nullable String password) {
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setCleanStart(true);
    options.setAutomaticReconnect(false);
    options.setConnectionTimeout(10);
    if (username != null) {
      options.setUserName(username);
    }
    if (password != null) {
      options.setPassword(password.getBytes(UTF_8));
    }
    return options;
  }

  private static MqttMessage retained(byte[] payload) {
    MqttMessage message = new MqttMessage(payload, 1, true, new MqttProperties());
    return message;
  }

  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return socket.getLocalPort();
    }
  }

  private record Received(String topic, MqttMessage message) {}

  /** A Paho client that queues what it receives and remembers how the server disconnected it. */
  private static final class Client implements MqttCallback {
    final MqttAsyncClient mqtt;
    final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    final AtomicReference<@Nullable MqttDisconnectResponse> disconnect = new AtomicReference<>();

    Client(MqttAsyncClient mqtt) {
      this.mqtt = mqtt;
    }

    /** Subscribes at QoS 1; returns the SUBACK reason code. */
    int subscribe(String filter) throws MqttException {
      IMqttToken token = mqtt.subscribe(new MqttSubscription(filter, 1));
      try {
        token.waitForCompletion(WAIT_MS);
      } catch (MqttException e) {
        return e.getReasonCode();
      }
      return token.getReasonCodes()[0];
    }

    /**
     * Publishes at QoS 1 and waits for the PUBACK; returns its reason code (Paho completes the
     * token normally for a failure code too).
     */
    int publish(String topic, byte[] payload, boolean retain) throws MqttException {
      IMqttToken token = mqtt.publish(topic, payload, 1, retain);
      token.waitForCompletion(WAIT_MS);
      return token.getReasonCodes()[0];
    }

    /** Publishes at QoS 1 and asserts that the PUBACK accepts it. */
    void publishAccepted(String topic, byte[] payload, boolean retain) throws MqttException {
      int reasonCode = publish(topic, payload, retain);
      assertTrue(reasonCode < 0x80, "PUBACK reason code 0x" + Integer.toHexString(reasonCode));
    }

    /** The next message, or null when none arrives within a few seconds. */
    @Nullable Received poll() throws InterruptedException {
      return received.poll(5, TimeUnit.SECONDS);
    }

    Received next() throws InterruptedException {
      Received next = received.poll(WAIT_MS, TimeUnit.MILLISECONDS);
      assertNotNull(next, "nothing arrived within " + WAIT_MS + " ms");
      return next;
    }

    void close() {
      try {
        if (mqtt.isConnected()) {
          mqtt.disconnect().waitForCompletion(WAIT_MS);
        }
        mqtt.close(true);
      } catch (MqttException e) {
        // The test is over; a client that cannot close cleanly changes no outcome.
      }
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {
      disconnect.set(response);
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {}

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      received.add(new Received(topic, message));
    }

    @Override
    public void deliveryComplete(IMqttToken token) {}

    @Override
    public void connectComplete(boolean reconnect, String serverUri) {}

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {}
  }
}
