package dev.flotilla.controller.mqtt.paho;

import dev.flotilla.controller.mqtt.ControllerLink;
import dev.flotilla.protocol.NodeId;
import dev.flotilla.protocol.Topics;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ControllerLink} over Eclipse Paho MQTT v5.
 *
 * <p>The session is persistent (clean start off, one day expiry) and the subscriptions are shared
 * ({@code $share/flotilla-controller/...}), so messages that arrive while the controller restarts
 * wait in the broker, and several controllers can split the ingest. Paho reconnects on its own; the
 * subscriptions are made again on every connect in case the broker lost the session.
 *
 * <p>Paho refuses a publish beyond its in-flight window instead of queueing it, so a semaphore of
 * the same size makes publishers wait (bounded) for a free slot.
 */
public final class PahoControllerLink implements ControllerLink {
  private static final Logger LOG = LoggerFactory.getLogger(PahoControllerLink.class);

  /** The shared-subscription group of every controller replica. */
  public static final String SHARE_GROUP = "flotilla-controller";

  private static final long SLOT_WAIT_SECONDS = 30;
  private static final String REPLY_SUFFIX = "/" + Topics.Kind.COMMAND_REPLY.suffix();

  private final Settings settings;
  private final Semaphore inflight;
  private volatile MqttAsyncClient client;
  private volatile Inbound inbound = (t, p) -> {};
  private volatile Replies replies = (t, p, c) -> {};

  /**
   * @param uri e.g. {@code tcp://127.0.0.1:1883}
   * @param clientId unique per controller replica, starting {@code flotilla-controller}
   * @param maxInflight QoS 1 messages in flight at once; at most the broker's receive maximum
   */
  public record Settings(
      String uri, String clientId, String username, String password, int maxInflight) {
    public Settings {
      Objects.requireNonNull(uri, "uri");
      Objects.requireNonNull(clientId, "clientId");
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(password, "password");
      if (maxInflight < 1 || maxInflight > 65_535) {
        throw new IllegalArgumentException("maxInflight must be 1..65535");
      }
    }
  }

  public PahoControllerLink(Settings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.inflight = new Semaphore(settings.maxInflight());
  }

  @Override
  public void start(Inbound handler, Replies replyHandler) {
    this.inbound = Objects.requireNonNull(handler, "handler");
    this.replies = Objects.requireNonNull(replyHandler, "replyHandler");
    try {
      MqttAsyncClient c =
          new MqttAsyncClient(settings.uri(), settings.clientId(), new MemoryPersistence());
      c.setCallback(new Callback(c));
      MqttConnectionOptions options = new MqttConnectionOptions();
      options.setUserName(settings.username());
      options.setPassword(settings.password().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      options.setCleanStart(false);
      options.setSessionExpiryInterval(TimeUnit.DAYS.toSeconds(1));
      options.setAutomaticReconnect(true);
      options.setAutomaticReconnectDelay(1, 30);
      options.setKeepAliveInterval(30);
      options.setReceiveMaximum(settings.maxInflight());
      options.setMaxReconnectDelay(30_000);
      client = c;
      c.connect(options).waitForCompletion(TimeUnit.SECONDS.toMillis(30));
      LOG.info("controller.link.connected uri={} client={}", settings.uri(), settings.clientId());
    } catch (MqttException e) {
      throw new IllegalStateException(
          "cannot connect the controller to the broker at "
              + settings.uri()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private void subscribe(MqttAsyncClient c) {
    MqttSubscription[] subs = {
      new MqttSubscription(Topics.shared(SHARE_GROUP, Topics.Kind.STATUS), 1),
      new MqttSubscription(Topics.shared(SHARE_GROUP, Topics.Kind.EVENTS), 1),
      // Not shared: a shared subscription never receives retained messages, and the retained
      // presences are how a (re)started controller learns who is online. Presence is idempotent,
      // so replicas reading every one of them is harmless.
      new MqttSubscription(Topics.allNodes(Topics.Kind.PRESENCE), 1),
      // Not shared either: replies go to the replica that waits for them (it sent the command).
      new MqttSubscription(Topics.allNodes(Topics.Kind.COMMAND_REPLY), 1)
    };
    try {
      c.subscribe(subs, null, null, new MqttProperties());
    } catch (MqttException e) {
      LOG.warn("controller.link.subscribe-failed reason={}", e.getMessage());
    }
  }

  @Override
  public CompletableFuture<Void> publishDesired(NodeId node, byte[] signed) {
    return publish(Topics.desired(node), signed);
  }

  @Override
  public CompletableFuture<Void> clearDesired(NodeId node) {
    return publish(Topics.desired(node), new byte[0]);
  }

  @Override
  public CompletableFuture<Void> publishCommand(
      NodeId node, byte[] payload, byte[] correlationData, Duration expiry) {
    MqttProperties properties = new MqttProperties();
    properties.setCorrelationData(correlationData.clone());
    properties.setResponseTopic(Topics.commandReply(node));
    long seconds = Math.max(1, expiry.toSeconds() + (expiry.toNanosPart() > 0 ? 1 : 0));
    properties.setMessageExpiryInterval(seconds);
    return publish(Topics.command(node), new MqttMessage(payload, 1, false, properties));
  }

  private CompletableFuture<Void> publish(String topic, byte[] payload) {
    return publish(topic, new MqttMessage(payload, 1, true, new MqttProperties()));
  }

  private CompletableFuture<Void> publish(String topic, MqttMessage message) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    MqttAsyncClient c = client;
    if (c == null || !c.isConnected()) {
      done.completeExceptionally(new IllegalStateException("not connected to the broker"));
      return done;
    }
    try {
      if (!inflight.tryAcquire(SLOT_WAIT_SECONDS, TimeUnit.SECONDS)) {
        done.completeExceptionally(new IllegalStateException("no publish slot within 30 s"));
        return done;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      done.completeExceptionally(e);
      return done;
    }
    try {
      c.publish(
          topic,
          message,
          null,
          new MqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
              inflight.release();
              int[] codes = token.getReasonCodes();
              if (codes != null && codes.length > 0 && codes[0] >= 0x80) {
                done.completeExceptionally(
                    new IllegalStateException(
                        "the broker refused the publish on " + topic + ": reason " + codes[0]));
              } else {
                done.complete(null);
              }
            }

            @Override
            public void onFailure(IMqttToken token, Throwable cause) {
              inflight.release();
              done.completeExceptionally(cause);
            }
          });
    } catch (MqttException | RuntimeException e) {
      inflight.release();
      done.completeExceptionally(e);
    }
    return done;
  }

  @Override
  public boolean connected() {
    MqttAsyncClient c = client;
    return c != null && c.isConnected();
  }

  @Override
  public void close() {
    MqttAsyncClient c = client;
    client = null;
    if (c == null) {
      return;
    }
    try {
      if (c.isConnected()) {
        c.disconnect(5_000).waitForCompletion(6_000);
      }
    } catch (MqttException e) {
      LOG.debug("controller.link.disconnect-failed reason={}", e.getMessage());
    }
    try {
      c.close(true);
    } catch (MqttException e) {
      LOG.debug("controller.link.close-failed reason={}", e.getMessage());
    }
  }

  private final class Callback implements MqttCallback {
    private final MqttAsyncClient c;

    Callback(MqttAsyncClient c) {
      this.c = c;
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {
      LOG.warn("controller.link.disconnected reason={}", response.getReasonString());
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
      LOG.warn("controller.link.error reason={}", exception.getMessage());
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      try {
        if (topic.endsWith(REPLY_SUFFIX)) {
          MqttProperties properties = message.getProperties();
          byte[] correlation = properties == null ? null : properties.getCorrelationData();
          replies.accept(
              topic, message.getPayload(), correlation == null ? new byte[0] : correlation);
          return;
        }
        inbound.accept(topic, message.getPayload());
      } catch (RuntimeException e) {
        // Ingest counts and logs its own refusals; anything else must not kill Paho's thread.
        LOG.error("controller.link.inbound-failed topic={} reason={}", topic, e.toString());
      }
    }

    @Override
    public void deliveryComplete(IMqttToken token) {}

    @Override
    public void connectComplete(boolean reconnect, String serverURI) {
      if (reconnect) {
        LOG.info("controller.link.reconnected uri={}", serverURI);
      }
      subscribe(c);
    }

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {}
  }
}
