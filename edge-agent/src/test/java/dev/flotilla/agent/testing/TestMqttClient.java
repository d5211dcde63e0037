package dev.flotilla.agent.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
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

/**
 * A small MQTT 5 client for tests, playing the controller (or any other party) against a {@link
 * TestBroker} or another broker. Every operation waits for the broker's acknowledgement (bounded by
 * {@link #TIMEOUT}) and fails the test with an {@link IllegalStateException} when the broker
 * refuses or does not answer.
 *
 * <p>Messages that arrive on the client's subscriptions are collected, in arrival order, into a
 * thread-safe list. Subscriptions use MQTT 5 "retain as published", so {@link Received#retained()}
 * says whether the publisher set the retain flag (and is true for the retained copies the broker
 * hands out on subscribe).
 *
 * <p>{@link #connect(String, String)} uses clean start and session expiry 0: nothing survives
 * {@link #close()}. {@link #connectPersistent} keeps the session. Thread-safe.
 */
public final class TestMqttClient implements AutoCloseable {
  /** How long each operation waits for the broker. */
  public static final Duration TIMEOUT = Duration.ofSeconds(10);

  /**
   * A message received on a subscription.
   *
   * @param topic the topic it was published on
   * @param payload its payload (a copy)
   * @param retained whether the publisher set the retain flag, or it is a retained copy
   * @param correlationData its MQTT 5 correlation data (a copy); empty when it had none
   */
  public record Received(String topic, byte[] payload, boolean retained, byte[] correlationData) {
    public Received {
      Objects.requireNonNull(topic, "topic");
      payload = payload.clone();
      correlationData = correlationData.clone();
    }

    /** A message without correlation data. */
    public Received(String topic, byte[] payload, boolean retained) {
      this(topic, payload, retained, new byte[0]);
    }

    @Override
    public byte[] payload() {
      return payload.clone();
    }

    @Override
    public byte[] correlationData() {
      return correlationData.clone();
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Received r
          && topic.equals(r.topic)
          && retained == r.retained
          && Arrays.equals(payload, r.payload)
          && Arrays.equals(correlationData, r.correlationData);
    }

    @Override
    public int hashCode() {
      return Objects.hash(
          topic, retained, Arrays.hashCode(payload), Arrays.hashCode(correlationData));
    }

    @Override
    public String toString() {
      return "Received[topic="
          + topic
          + ", bytes="
          + payload.length
          + ", retained="
          + retained
          + "]";
    }
  }

  private final MqttAsyncClient client;
  private final List<Received> received = new CopyOnWriteArrayList<>();

  private TestMqttClient(MqttAsyncClient client) {
    this.client = client;
  }

  /**
   * Connects to {@code uri} (e.g. {@link TestBroker#uri()}) as {@code clientId}, anonymously, with
   * clean start and no session after it.
   */
  public static TestMqttClient connect(String uri, String clientId) {
    return connect(uri, clientId, true, Duration.ZERO);
  }

  /**
   * Connects as {@code clientId} to its session, or to a new one when the broker holds none, and
   * asks the broker to keep the session for {@code sessionExpiry} after the connection ends, as a
   * controller does: what arrives for its subscriptions meanwhile (also across a broker restart,
   * with file persistence) is delivered when the same client ID connects again.
   */
  public static TestMqttClient connectPersistent(
      String uri, String clientId, Duration sessionExpiry) {
    if (sessionExpiry.isZero() || sessionExpiry.isNegative()) {
      throw new IllegalArgumentException("sessionExpiry must be positive, not " + sessionExpiry);
    }
    return connect(uri, clientId, false, sessionExpiry);
  }

  private static TestMqttClient connect(
      String uri, String clientId, boolean cleanStart, Duration sessionExpiry) {
    try {
      MqttAsyncClient client = new MqttAsyncClient(uri, clientId, new MemoryPersistence());
      TestMqttClient test = new TestMqttClient(client);
      client.setCallback(test.new Collector());
      MqttConnectionOptions options = new MqttConnectionOptions();
      options.setCleanStart(cleanStart);
      options.setSessionExpiryInterval(sessionExpiry.toSeconds());
      options.setAutomaticReconnect(false);
      options.setConnectionTimeout((int) TIMEOUT.toSeconds());
      client.connect(options).waitForCompletion(TIMEOUT.toMillis());
      return test;
    } catch (MqttException e) {
      throw new IllegalStateException("test client " + clientId + " cannot connect to " + uri, e);
    }
  }

  /** Publishes at QoS 1, not retained, and waits for the PUBACK. */
  public void publish(String topic, byte[] payload) {
    publish(topic, payload, false);
  }

  /** Publishes at QoS 1, retained, and waits for the PUBACK. */
  public void publishRetained(String topic, byte[] payload) {
    publish(topic, payload, true);
  }

  /**
   * Publishes at QoS 1, not retained, as a controller sends a command: with correlation data, a
   * response topic and a message expiry interval; waits for the PUBACK.
   */
  public void publishRequest(
      String topic,
      byte[] payload,
      byte[] correlationData,
      String responseTopic,
      long expirySeconds) {
    MqttProperties properties = new MqttProperties();
    properties.setCorrelationData(correlationData.clone());
    properties.setResponseTopic(responseTopic);
    properties.setMessageExpiryInterval(expirySeconds);
    MqttMessage message = new MqttMessage(payload.clone(), 1, false, properties);
    try {
      IMqttToken token = client.publish(topic, message);
      token.waitForCompletion(TIMEOUT.toMillis());
      requireSuccess(token, "publish to " + topic);
    } catch (MqttException e) {
      throw new IllegalStateException("cannot publish to " + topic, e);
    }
  }

  /** Deletes the retained message of {@code topic} (an empty retained publish). */
  public void clearRetained(String topic) {
    publish(topic, new byte[0], true);
  }

  /** Subscribes at QoS 1 (retain as published) and waits for the SUBACK. */
  public void subscribe(String topicFilter) {
    MqttSubscription subscription = new MqttSubscription(topicFilter, 1);
    subscription.setRetainAsPublished(true);
    try {
      IMqttToken token = client.subscribe(new MqttSubscription[] {subscription});
      token.waitForCompletion(TIMEOUT.toMillis());
      requireSuccess(token, "subscribe to " + topicFilter);
    } catch (MqttException e) {
      throw new IllegalStateException("cannot subscribe to " + topicFilter, e);
    }
  }

  /** Everything received so far, in arrival order. */
  public List<Received> messages() {
    return List.copyOf(received);
  }

  /** What was received on exactly {@code topic} so far, in arrival order. */
  public List<Received> messages(String topic) {
    return received.stream().filter(m -> m.topic().equals(topic)).toList();
  }

  /**
   * Waits until at least {@code count} messages have arrived on {@code topic} and returns all of
   * them; fails the test after {@code timeout}.
   */
  public List<Received> awaitMessages(String topic, int count, Duration timeout) {
    await("" + count + " message(s) on " + topic)
        .atMost(timeout)
        .until(() -> messages(topic).size() >= count);
    return messages(topic);
  }

  /** Forgets what was received so far. */
  public void clearMessages() {
    received.clear();
  }

  /** Disconnects and releases the client. Idempotent. */
  @Override
  public void close() {
    try {
      if (client.isConnected()) {
        client.disconnect().waitForCompletion(TIMEOUT.toMillis());
      }
    } catch (MqttException e) {
      // Fall through to the forced close below.
    }
    try {
      client.close(true);
    } catch (MqttException e) {
      throw new IllegalStateException("cannot close test client " + client.getClientId(), e);
    }
  }

  private void publish(String topic, byte[] payload, boolean retained) {
    try {
      IMqttToken token = client.publish(topic, payload, 1, retained);
      token.waitForCompletion(TIMEOUT.toMillis());
      requireSuccess(token, "publish to " + topic);
    } catch (MqttException e) {
      throw new IllegalStateException("cannot publish to " + topic, e);
    }
  }

  private static void requireSuccess(IMqttToken token, String what) {
    int[] codes = token.getReasonCodes();
    if (codes != null) {
      for (int code : codes) {
        if (code >= 0x80) {
          MqttProperties properties = token.getResponseProperties();
          String reason = properties == null ? null : properties.getReasonString();
          throw new IllegalStateException(
              "broker refused to "
                  + what
                  + ": reason code 0x"
                  + Integer.toHexString(code)
                  + (reason == null ? "" : " (" + reason + ")"));
        }
      }
    }
  }

  private final class Collector implements MqttCallback {
    @Override
    public void messageArrived(String topic, MqttMessage message) {
      MqttProperties properties = message.getProperties();
      byte[] correlation = properties == null ? null : properties.getCorrelationData();
      received.add(
          new Received(
              topic,
              message.getPayload(),
              message.isRetained(),
              correlation == null ? new byte[0] : correlation));
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {}

    @Override
    public void mqttErrorOccurred(MqttException exception) {}

    @Override
    public void deliveryComplete(IMqttToken token) {}

    @Override
    public void connectComplete(boolean reconnect, String serverUri) {}

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {}
  }
}
