package dev.flotilla.controller.broker;

import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.auth.PublishAuthorizer;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.SubscriptionAuthorizer;
import com.hivemq.extension.sdk.api.auth.parameter.PublishAuthorizerInput;
import com.hivemq.extension.sdk.api.auth.parameter.PublishAuthorizerOutput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.auth.parameter.SubscriptionAuthorizerInput;
import com.hivemq.extension.sdk.api.auth.parameter.SubscriptionAuthorizerOutput;
import com.hivemq.extension.sdk.api.client.parameter.ConnectionAttributeStore;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.packets.connect.ConnectPacket;
import com.hivemq.extension.sdk.api.packets.connect.WillPublishPacket;
import com.hivemq.extension.sdk.api.packets.publish.AckReasonCode;
import com.hivemq.extension.sdk.api.packets.publish.PublishPacket;
import com.hivemq.extension.sdk.api.packets.subscribe.SubackReasonCode;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import dev.flotilla.protocol.NodeId;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * The HiveMQ extension, run embedded in the controller's broker, that authenticates every client
 * through {@link BrokerCredentials} and authorizes every subscription, publish and will through
 * {@link TopicAcl}.
 *
 * <p><b>CONNECT.</b> Refused with CONNACK {@code BAD_USER_NAME_OR_PASSWORD} (0x86) when the user
 * name is missing, unknown or the password is wrong; with {@code NOT_AUTHORIZED} (0x87) when a
 * node's client id is not its node id (so no client can take over a node's session), when a
 * controller's client id does not start with {@value #CONTROLLER_CLIENT_ID_PREFIX}, or when the
 * will message is not one {@link TopicAcl#mayPublish} allows. HiveMQ hands the will to the publish
 * authorizer during CONNECT, after authentication, and refuses the CONNECT (CONNACK 0x87, the will
 * is never stored) when it is refused. Each refusal logs one line, {@code broker.auth.refused
 * client=... user=... reason=...} or {@code broker.will.refused ...}; passwords are never logged.
 *
 * <p><b>SUBSCRIBE.</b> Each refused topic filter gets reason code {@code NOT_AUTHORIZED} (0x87) in
 * the SUBACK; the connection stays up and the other filters of the same packet are granted.
 *
 * <p><b>PUBLISH.</b> A refused publish is answered as HiveMQ CE 2025.5 does for any failed
 * authorization of an MQTT 5 client: QoS 1 gets PUBACK {@code NOT_AUTHORIZED} (0x87), QoS 2 PUBREC
 * 0x87, QoS 0 nothing, and then HiveMQ closes the connection with DISCONNECT {@code NOT_AUTHORIZED}
 * (0x87). MQTT 3 clients are disconnected without an acknowledgement. The message reaches no
 * subscriber and is not retained. A node that publishes off its topics is misbehaving or
 * compromised, so losing its connection is the intended outcome.
 *
 * <p>Every refusal is counted in the {@link BrokerCounters} given.
 *
 * <p>Threading: HiveMQ calls the authenticator and the authorizer concurrently from its extension
 * threads; both are stateless apart from the thread-safe counters, and the principal of each
 * connection travels in that connection's attribute store.
 */
public final class FlotillaBrokerExtension implements ExtensionMain {

  /** Every client id of the controller's own MQTT clients starts with this. */
  public static final String CONTROLLER_CLIENT_ID_PREFIX = "flotilla-controller";

  private static final System.Logger LOG =
      System.getLogger(FlotillaBrokerExtension.class.getName());

  // Set by the authenticator, read by the authorizer: a connection without it was never
  // authenticated by us and is refused everything.
  private static final String PRINCIPAL_ATTRIBUTE = "flotilla.principal";
  private static final String CONTROLLER_VALUE = "controller";
  private static final String NODE_VALUE_PREFIX = "node:";

  private final BrokerCredentials credentials;
  private final BrokerCounters counters;
  private final Authenticator authenticator = new Authenticator();
  private final Authorizer authorizer = new Authorizer();

  /**
   * @param credentials asked once per CONNECT, see its contract
   * @param counters where refusals are counted
   */
  public FlotillaBrokerExtension(BrokerCredentials credentials, BrokerCounters counters) {
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.counters = Objects.requireNonNull(counters, "counters");
  }

  @Override
  public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
    Services.securityRegistry().setAuthenticatorProvider(providerInput -> authenticator);
    Services.securityRegistry().setAuthorizerProvider(providerInput -> authorizer);
  }

  @Override
  public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {
    // HiveMQ drops the providers of a stopped extension itself.
  }

  private final class Authenticator implements SimpleAuthenticator {
    @Override
    public void onConnect(SimpleAuthInput input, SimpleAuthOutput output) {
      ConnectPacket connect = input.getConnectPacket();
      String clientId = connect.getClientId();
      Optional<String> username = connect.getUserName();
      if (username.isEmpty()) {
        refuse(output, clientId, "", ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD, "no-username");
        return;
      }
      String user = username.get();
      byte[] password =
          connect.getPassword().map(FlotillaBrokerExtension::toBytes).orElseGet(() -> new byte[0]);
      BrokerPrincipal principal;
      try {
        Optional<BrokerPrincipal> found = credentials.authenticate(user, password);
        if (found == null || found.isEmpty()) {
          refuse(
              output,
              clientId,
              user,
              ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD,
              "bad-credentials");
          return;
        }
        principal = found.get();
      } catch (RuntimeException e) {
        // The port promises not to throw; if it does all the same, refuse rather than fail open.
        LOG.log(
            Level.ERROR,
            "broker.credentials.failed user={0} error={1}",
            safe(user),
            e.getClass().getName());
        refuse(output, clientId, user, ConnackReasonCode.NOT_AUTHORIZED, "credentials-failed");
        return;
      } finally {
        Arrays.fill(password, (byte) 0);
      }
      switch (principal) {
        case BrokerPrincipal.Node(NodeId node) when !clientId.equals(node.value()) -> {
          refuse(output, clientId, user, ConnackReasonCode.NOT_AUTHORIZED, "client-id-not-node-id");
          return;
        }
        case BrokerPrincipal.Controller()
            when !clientId.startsWith(CONTROLLER_CLIENT_ID_PREFIX) -> {
          refuse(
              output, clientId, user, ConnackReasonCode.NOT_AUTHORIZED, "client-id-not-controller");
          return;
        }
        default -> {}
      }
      input
          .getConnectionInformation()
          .getConnectionAttributeStore()
          .putAsString(PRINCIPAL_ATTRIBUTE, encode(principal));
      output.authenticateSuccessfully();
    }

    private void refuse(
        SimpleAuthOutput output,
        String clientId,
        String user,
        ConnackReasonCode code,
        String reason) {
      counters.countAuthRefused();
      LOG.log(
          Level.WARNING,
          "broker.auth.refused client={0} user={1} reason={2}",
          safe(clientId),
          safe(user),
          reason);
      output.failAuthentication(code, "not authorized: " + reason);
    }
  }

  private final class Authorizer implements SubscriptionAuthorizer, PublishAuthorizer {
    @Override
    public void authorizeSubscribe(
        SubscriptionAuthorizerInput input, SubscriptionAuthorizerOutput output) {
      String filter = input.getSubscription().getTopicFilter();
      Optional<BrokerPrincipal> principal =
          principalOf(input.getConnectionInformation().getConnectionAttributeStore());
      if (principal.isPresent() && TopicAcl.maySubscribe(principal.get(), filter)) {
        output.authorizeSuccessfully();
        return;
      }
      counters.countSubscribeRefused();
      String clientId = input.getClientInformation().getClientId();
      LOG.log(
          Level.WARNING,
          "broker.subscribe.refused client={0} filter={1}",
          safe(clientId),
          safe(filter));
      output.failAuthorization(
          SubackReasonCode.NOT_AUTHORIZED, "not authorized to subscribe to this filter");
    }

    @Override
    public void authorizePublish(PublishAuthorizerInput input, PublishAuthorizerOutput output) {
      PublishPacket publish = input.getPublishPacket();
      String topic = publish.getTopic();
      Optional<BrokerPrincipal> principal =
          principalOf(input.getConnectionInformation().getConnectionAttributeStore());
      if (principal.isPresent()
          && TopicAcl.mayPublish(principal.get(), topic, publish.getRetain())) {
        output.authorizeSuccessfully();
        return;
      }
      boolean will = publish instanceof WillPublishPacket;
      if (will) {
        counters.countWillRefused();
      } else {
        counters.countPublishRefused();
      }
      String clientId = input.getClientInformation().getClientId();
      LOG.log(
          Level.WARNING,
          "{0} client={1} topic={2} retain={3}",
          will ? "broker.will.refused" : "broker.publish.refused",
          safe(clientId),
          safe(topic),
          publish.getRetain());
      output.failAuthorization(
          AckReasonCode.NOT_AUTHORIZED,
          will ? "not authorized to use this will topic" : "not authorized to publish here");
    }
  }

  private static String encode(BrokerPrincipal principal) {
    return switch (principal) {
      case BrokerPrincipal.Controller() -> CONTROLLER_VALUE;
      case BrokerPrincipal.Node(NodeId node) -> NODE_VALUE_PREFIX + node.value();
    };
  }

  private static Optional<BrokerPrincipal> principalOf(ConnectionAttributeStore store) {
    Optional<String> value = store.getAsString(PRINCIPAL_ATTRIBUTE);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    String v = value.get();
    if (v.equals(CONTROLLER_VALUE)) {
      return Optional.of(new BrokerPrincipal.Controller());
    }
    if (v.startsWith(NODE_VALUE_PREFIX)) {
      String node = v.substring(NODE_VALUE_PREFIX.length());
      if (NodeId.isValid(node)) {
        return Optional.of(new BrokerPrincipal.Node(new NodeId(node)));
      }
    }
    return Optional.empty();
  }

  private static byte[] toBytes(ByteBuffer buffer) {
    ByteBuffer copy = buffer.duplicate();
    byte[] bytes = new byte[copy.remaining()];
    copy.get(bytes);
    return bytes;
  }

  /**
   * A client-supplied value made safe for a key=value log line: at most 100 characters, and
   * anything that could break the line or forge a key (spaces, {@code =}, control characters,
   * non-ASCII) replaced by {@code ?}.
   */
  static String safe(String value) {
    String shown = value.length() > 100 ? value.substring(0, 100) + "..." : value;
    StringBuilder out = new StringBuilder(shown.length());
    for (int i = 0; i < shown.length(); i++) {
      char c = shown.charAt(i);
      out.append(c > ' ' && c < 0x7f && c != '=' ? c : '?');
    }
    return out.isEmpty() ? "-" : out.toString();
  }
}
