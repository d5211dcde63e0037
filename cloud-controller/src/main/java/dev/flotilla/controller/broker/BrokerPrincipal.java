package dev.flotilla.controller.broker;

import dev.flotilla.protocol.NodeId;
import java.util.Objects;

/**
 * Who an authenticated MQTT connection belongs to; {@link TopicAcl} decides from this alone what
 * the connection may do.
 */
public sealed interface BrokerPrincipal {

  /**
   * The controller's own MQTT client: it may subscribe and publish anywhere under {@code
   * flotilla/v1/}, use shared subscriptions and publish retained messages. Its client ids must
   * start with {@link FlotillaBrokerExtension#CONTROLLER_CLIENT_ID_PREFIX}.
   */
  record Controller() implements BrokerPrincipal {}

  /**
   * One edge node: confined to its own topics, and it must connect with its node id as its client
   * id.
   *
   * @param node never null
   */
  record Node(NodeId node) implements BrokerPrincipal {
    public Node {
      Objects.requireNonNull(node, "node");
    }
  }
}
